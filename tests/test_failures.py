"""Real failures in a real terminal: the JVM killed mid-training, and the SSH session dropping."""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.helpers import SHARED_DATA, Terminal, jvms_with


def start_training(term: Terminal, step: int = 9) -> str:
    """Go to ``step`` with the keys, press t, and wait until the journal shows the run scoring."""
    term.wait_ready()
    time.sleep(1.0)  # the parameter list arrives just after the cluster
    term.send("n" * (step - 1))
    time.sleep(1.5)
    term.send("t")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        running = [r for r in term.journal_runs() if r[1] == "running" and r[2] >= 1]
        if running:
            return running[0][0]
        time.sleep(0.1)
    raise AssertionError(f"no run started; journal: {term.journal_runs()}; screen: {term.screen_since(0)[-1500:]}")


def args() -> list[str]:
    return ["--data-dir", str(SHARED_DATA)] if (SHARED_DATA / "cars_20mpg.csv").exists() else []


def test_killing_the_jvm_mid_training(tmp_path):
    term = Terminal(tmp_path, *args())
    try:
        run_id = start_training(term)
        offset = len(term.output)
        for pid in jvms_with(term.marker):
            os.kill(pid, signal.SIGKILL)
        seconds = term.wait_for_text("H2O lost", offset, timeout=15)
        assert seconds <= 3.0, f"the header said 'lost' after {seconds:.1f} s"

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            found = {r[0]: r for r in term.journal_runs()}
            if found.get(run_id, ("", ""))[1] == "interrupted":
                break
            time.sleep(0.2)
        run = {r[0]: r for r in term.journal_runs()}[run_id]
        assert run[1] == "interrupted" and run[2] >= 1, run

        # One key starts a fresh cluster and reads the data again.
        restart = len(term.output)
        term.send("r")
        term.wait_for_text("H2O ready", restart, timeout=120)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and term.log.read_text().count("imported cars") < 2:
            time.sleep(0.2)
        assert term.log.read_text().count("imported cars") >= 2
        assert jvms_with(term.marker), "no fresh cluster"
        term.send("q")
        assert term.wait_exit() == 0
        deadline = time.monotonic() + 15
        while jvms_with(term.marker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert jvms_with(term.marker) == []
        assert "Traceback" not in term.screen_since(0)
    finally:
        term.close()


@pytest.mark.parametrize("how", ["SIGHUP", "SIGTERM"])
def test_the_session_dropping_mid_training(tmp_path, how):
    term = Terminal(tmp_path, *args())
    try:
        run_id = start_training(term)
        term.proc.send_signal(getattr(signal, how))
        term.wait_exit(timeout=60)
        deadline = time.monotonic() + 20
        while jvms_with(term.marker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert jvms_with(term.marker) == [], f"a JVM outlived the app after {how}"
        run = {r[0]: r for r in term.journal_runs()}[run_id]
        assert run[1] == "cancelled" and run[2] >= 1, run
        assert "signal" in term.log.read_text()
    finally:
        term.close()
