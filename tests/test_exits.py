"""Leaving never hangs: every way out, idle, training, importing or already quitting, with the terminal
gone or not, ends the process, stops the private cluster and leaves the journal written.

Each case runs the real command in a pseudo-terminal. The deadlines here only catch a hang; how long
leaving takes is measured by ``bench/exits.py``, which repeats every case many times.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests import helpers
from tests.helpers import Terminal

pytestmark = pytest.mark.cluster  # every case starts the real command and its private cluster

HANG = 60.0  # seconds: far beyond a normal exit (a few seconds), short of a hung process


def processes_with(marker: str) -> list[str]:
    """Command lines of live processes (the JVM, its reaper helper) that carry the cluster's name."""
    return [c.replace(b"\0", b" ").decode(errors="replace")[:120] for c in helpers.processes_with(marker).values()]


def until(predicate, what: str, timeout: float = 180.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def go_to_step(term: Terminal, step: int) -> None:
    """Press n until the app has saved ``step`` as the learner's place (it does on every move)."""
    term.send("n" * (step - 1))
    until(lambda: _current(term) == step, f"step {step}")


def _current(term: Terminal) -> int | None:
    return helpers.current_step(term.journal)


def start_training(term: Terminal, step: int = 3) -> str:
    term.wait_ready(timeout=180)
    offset = len(term.output)
    go_to_step(term, step)
    term.wait_for_text("What this step is about", offset, timeout=180)
    term.send("t")
    return until(
        lambda: next((r[0] for r in term.journal_runs() if r[1] == "running" and r[2] >= 1), None),
        "a run scoring in the journal",
    )


def start_import(term: Terminal) -> None:
    term.wait_ready(timeout=180)
    go_to_step(term, 10)
    term.send("i")
    until(
        lambda: "mnist" in term.log.read_text().lower() and "import" in term.log.read_text().lower(),
        "the import to begin",
    )


def leave(term: Terminal, how: str, *, gone_for: float | None) -> None:
    """``gone_for``: seconds between the terminal closing and the signal (None: the terminal stays)."""
    if gone_for is not None:
        os.close(term.master)  # the SSH session is gone: nothing reads the terminal any more
        time.sleep(gone_for)  # meanwhile the app goes on drawing into a terminal that is gone
    if how == "q":
        term.send("q")
    elif how == "ctrl+c":
        term.send("\x03")
    elif how == "no-signal":
        pass  # no controlling terminal: nothing tells the app, it must notice by itself
    elif how == "window-closed":
        # A terminal window or tmux closing: SIGHUP and SIGCONT to the app, then its end of the terminal closed
        # (where the terminal is the app's controlling one, the kernel then sends them again).
        term.proc.send_signal(signal.SIGHUP)
        term.proc.send_signal(signal.SIGCONT)
        os.close(term.master)
    else:
        term.proc.send_signal(getattr(signal, how))


def check_left(term: Terminal, marker: str) -> float:
    """Waits for the process to end; checks that nothing is left. Returns the seconds it took."""
    started = time.monotonic()
    try:
        term.proc.wait(timeout=HANG)
    except Exception as exc:  # noqa: BLE001
        raise AssertionError(f"h2o-lab did not end within {HANG:.0f} s; log:\n{term.log.read_text()[-3000:]}") from exc
    took = time.monotonic() - started
    until(lambda: not processes_with(marker), f"the JVM and its helper to stop: {processes_with(marker)}", timeout=30)
    log = term.log.read_text()
    assert "internal error" not in log, log[-3000:]
    assert "Traceback" not in term.output.decode(errors="replace")
    return took


def run_case(tmp_path: Path, state: str, how: str, gone_for: float | None) -> float:
    """One way out from one state; returns the seconds from the key or signal to the process's end."""
    term = Terminal(tmp_path)
    marker = term.marker
    try:
        run_id = None
        if state == "idle":
            term.wait_ready(timeout=180)
        elif state == "training":
            run_id = start_training(term)
        elif state == "importing":
            start_import(term)
        elif state == "quitting":  # q and y while a model trains, then the terminal closes during the shutdown
            run_id = start_training(term)
            term.send("q")
            term.wait_for_text("Keep training", timeout=60)
            term.send("y")
            time.sleep(0.3)  # inside the app's own shutdown: the moment this case is about
        started = time.monotonic()
        leave(term, how, gone_for=gone_for)
        check_left(term, marker)
        took = time.monotonic() - started
        if run_id is not None:
            status = {r[0]: r[1] for r in term.journal_runs()}.get(run_id)
            assert status in ("cancelled", "interrupted", "done"), f"{run_id} left as {status!r} in the journal"
        return took
    finally:
        term.close()


CASES = [
    ("idle", "q", None),
    ("idle", "SIGTERM", None),
    ("idle", "SIGHUP", 0.0),
    ("training", "SIGHUP", 0.0),
    ("training", "SIGHUP", 3.0),
    ("training", "SIGTERM", None),
    ("importing", "SIGHUP", 0.0),
    ("quitting", "SIGHUP", 0.0),
    ("quitting", "SIGHUP", 3.0),
    ("training", "no-signal", 0.0),
]


def case_id(state: str, how: str, gone_for: float | None) -> str:
    return f"{state}-{how}" + ("" if gone_for is None else f"-gone{gone_for:.0f}s")


@pytest.mark.parametrize(("state", "how", "gone_for"), CASES, ids=[case_id(*c) for c in CASES])
def test_leaving_ends_the_process_and_leaves_nothing(tmp_path, state, how, gone_for):
    run_case(tmp_path, state, how, gone_for)


def test_ctrl_c_while_training_asks_then_leaves(tmp_path):
    term = Terminal(tmp_path)
    marker = term.marker
    try:
        run_id = start_training(term)
        term.send("\x03")
        term.wait_for_text("Keep training", timeout=60)
        term.send("y")
        check_left(term, marker)
        status = {r[0]: r[1] for r in term.journal_runs()}.get(run_id)
        assert status in ("cancelled", "done"), f"{run_id} left as {status!r}"
    finally:
        term.close()


ROUNDS = 20
WITHIN = 5.0  # seconds from the terminal closing to the process's end


def test_the_terminal_closing_just_after_quit_yes_ends_the_app_within_5_s_every_time(lab, tmp_path):
    """q and y while a model trains, then the terminal closes (SIGHUP) 0.3 s later, inside the app's own shutdown:
    the process ends within 5 s, every one of 20 rounds, leaving no JVM and no run "running" in its journal.

    The terminal is the app's controlling terminal and closes as a window or tmux does. The first round runs the
    app's own JVM; the others join the test session's cluster with --url, so that a round costs one start of the
    app, not one of H2O (that cluster is left running; the app cancels its job there)."""
    user, password = lab.cluster.auth
    took = []
    for number in range(ROUNDS):
        joins = ("--url", lab.cluster.url, "--user", user) if number else ()
        term = Terminal(tmp_path / f"round-{number}", *joins, env={"H2O_LAB_PASSWORD": password}, controlling=True)
        marker = term.marker
        try:
            run_id = start_training(term)
            term.send("q")
            term.wait_for_text("Keep training", timeout=60)
            term.send("y")
            time.sleep(0.3)
            started = time.monotonic()
            leave(term, "window-closed", gone_for=None)
            with contextlib.suppress(subprocess.TimeoutExpired):  # check_left says it, with the log
                term.proc.wait(timeout=HANG)
            took.append(time.monotonic() - started)
            check_left(term, marker)
            status = {r[0]: r[1] for r in term.journal_runs()}.get(run_id)
            assert status in ("cancelled", "interrupted", "done"), f"round {number}: {run_id} left as {status!r}"
        finally:
            term.close()
    slow = [f"round {n}: {s:.1f} s" for n, s in enumerate(took) if s > WITHIN]
    assert not slow, f"{len(slow)} of {ROUNDS} rounds took over {WITHIN:.0f} s: {', '.join(slow)}"
