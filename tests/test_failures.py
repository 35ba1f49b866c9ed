"""Real failures in a real terminal: the JVM killed mid-training, and the SSH session dropping.

How fast the app notices is measured by bench/lost_cluster.py; here the deadlines only catch a hang.
"""

from __future__ import annotations

import os
import re
import signal

import pytest

from tests import helpers
from tests.helpers import TEST_DATA, Terminal, jvms_with
from tests.waiting import wait_until


def current_step(term: Terminal) -> int | None:
    return helpers.current_step(term.journal)


def run_status(term: Terminal, run_id: str) -> tuple[str, int] | None:
    """(status, scoring rows) of one run in the app's journal."""
    found = {r[0]: r[1:] for r in term.journal_runs()}
    return found.get(run_id)


def start_training(term: Terminal, step: int = 9) -> str:
    """Go to ``step`` with the keys, press t, and wait until the journal shows the run scoring."""
    term.wait_ready()
    offset = len(term.output)
    term.send("n" * (step - 1))
    wait_until(lambda: current_step(term) == step, what=lambda: f"step {step} after n (at {current_step(term)})")
    # The form's first heading is drawn once H2O's parameter list has arrived.
    term.wait_for_text("What this step is about", offset, timeout=120)
    term.send("t")
    return wait_until(
        lambda: next((r[0] for r in term.journal_runs() if r[1] == "running" and r[2] >= 1), None),
        what=lambda: f"a run scoring; journal: {term.journal_runs()}; screen: {term.screen_since(0)[-1500:]}",
    )


def args() -> list[str]:
    return ["--data-dir", str(TEST_DATA)]


def test_killing_the_jvm_mid_training(tmp_path):
    term = Terminal(tmp_path, *args())
    try:
        run_id = start_training(term)
        offset = len(term.output)
        for pid in jvms_with(term.marker):
            os.kill(pid, signal.SIGKILL)
        term.wait_for_text("H2O lost", offset, timeout=60)

        wait_until(
            lambda: (run_status(term, run_id) or ("",))[0] == "interrupted",
            what=lambda: f"{run_id} marked interrupted (journal: {term.journal_runs()})",
        )
        _status, rows = run_status(term, run_id)
        assert rows >= 1, "the scores so far are kept"

        # One key starts a fresh cluster and reads the data again.
        imports = term.log.read_text().count("imported cars")
        assert imports >= 1, "step 9 imported the cars data"
        restart = len(term.output)
        term.send("r")
        term.wait_for_text("H2O ready", restart, timeout=120)
        wait_until(
            lambda: term.log.read_text().count("imported cars") > imports,
            what="the cars data read into the new cluster",
        )
        assert jvms_with(term.marker), "no fresh cluster"
        term.send("q")
        assert term.wait_exit(timeout=120) == 0
        wait_until(lambda: not jvms_with(term.marker), what="the fresh cluster's JVM to stop after q")
        assert "Traceback" not in term.screen_since(0)
    finally:
        term.close()


@pytest.mark.parametrize("how", ["SIGHUP", "SIGTERM"])
def test_the_session_dropping_mid_training(tmp_path, how):
    term = Terminal(tmp_path, *args())
    try:
        run_id = start_training(term)
        term.proc.send_signal(getattr(signal, how))
        term.wait_exit(timeout=120)
        wait_until(lambda: not jvms_with(term.marker), what=f"the JVM to stop after {how}")
        status, rows = run_status(term, run_id)
        assert status == "cancelled" and rows >= 1, (status, rows)
        log = term.log.read_text()
        number = int(getattr(signal, how))
        assert re.search(rf"signal ({number}|{how}|Signals\.{how}): leaving", log), log[-2000:]
    finally:
        term.close()
