"""Keys typed at full speed in a real terminal reach the app's fields, every one, in order.

The real ``h2o-lab`` runs in a pseudo-terminal; each burst is written as the bytes a terminal sends (End as an
escape sequence, Ctrl+U, Backspace, Tab, Esc and a letter together) in one write, as a paste or a fast typist
does. Textual reads a real terminal with its own parser (escape sequences, bytes split across reads, Esc and a
letter arriving as alt+letter), which its test harness skips: the cases of tests/test_field_typing.py,
tests/test_sweep_typing.py and tests/test_typed_ahead.py, through that parser. One start of the app, joining the
test session's cluster, serves every case.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable
from typing import Any

import pytest

from screens.export_dialog import DEFAULT_NAME
from tests.helpers import Terminal, current_step

pytestmark = pytest.mark.cluster

END, END_VT, CTRL_U, BACKSPACE, TAB, SHIFT_TAB, ESC = "\x1b[F", "\x1b[4~", "\x15", "\x7f", "\t", "\x1b[Z", "\x1b"


def wait(term: Terminal, predicate: Callable[[], Any], what: str, timeout: float = 60) -> Any:
    """Poll ``predicate`` until it holds; fail saying what the screen showed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        assert term.proc.poll() is None, "the app ended:\n" + term.output.decode(errors="replace")[-2000:]
        time.sleep(0.05)
    screen = "\n".join(term.screen())
    raise AssertionError(f"waited {timeout:.0f} s for {what}; the screen:\n{screen}")


def saved_form(term: Terminal, step: int) -> dict:
    """The values of a step's form the app last saved in its journal (it saves them on every change)."""
    if not term.journal.exists():
        return {}
    try:
        with contextlib.closing(sqlite3.connect(f"file:{term.journal}?mode=ro", uri=True, timeout=5)) as db:
            row = db.execute("SELECT value FROM state WHERE key='progress'").fetchone()
    except sqlite3.Error:
        return {}
    forms = json.loads(row[0]).get("forms", {}) if row else {}
    return forms.get(str(step), {}).get("params", {})


def shown(term: Terminal, text: str) -> bool:
    return any(text in line for line in term.screen())


def type_burst(term: Terminal, keys: str) -> None:
    os.write(term.master, keys.encode())  # one write: the terminal hands the app the whole burst at once


def test_bursts_typed_into_a_real_terminal_reach_the_fields_whole(lab, tmp_path):
    user, password = lab.cluster.auth
    term = Terminal(tmp_path, "--url", lab.cluster.url, "--user", user, env={"H2O_LAB_PASSWORD": password})
    try:
        term.wait_ready(timeout=180)
        type_burst(term, "nnn")
        wait(term, lambda: current_step(term.journal) == 4, "step 4")
        wait(term, lambda: shown(term, "activation") and shown(term, "Tanh"), "step 4's form")

        # Step 4's epochs field: Tab through the form until its name is drawn as focused.
        for _ in range(12):
            if "epochs" in term.reversed_words():
                break
            before = term.reversed_words()
            type_burst(term, TAB)
            moved = lambda before=before: (now := term.reversed_words()) and now != before  # noqa: E731
            wait(term, moved, "the focus to move on a Tab")  # the name drawn blank between two fields: on
        assert "epochs" in term.reversed_words(), term.screen()

        # (1) End, Ctrl+U, the new value and Tab in one write.
        type_burst(term, END + CTRL_U + "150" + TAB)
        wait(term, lambda: saved_form(term, 4).get("epochs") == 150, "epochs 150 in the journal")
        wait(term, lambda: "epochs" not in term.reversed_words(), "the Tab to leave the field")

        # Back with Shift+Tab and retype through an error (-1) and back, End sent as a VT key this time.
        keys = SHIFT_TAB + END_VT + BACKSPACE * 3 + "-1" + BACKSPACE * 2 + "20" + TAB
        type_burst(term, keys)
        wait(term, lambda: saved_form(term, 4).get("epochs") == 20, "epochs 20 in the journal")
        wait(term, lambda: shown(term, "epochs                       20 "), "the field showing 20")
        assert saved_form(term, 4).get("epochs") == 20

        # Leave the field, so that s is a key of the step again.
        type_burst(term, ESC)
        wait(term, lambda: shown(term, "s Sweep"), "the step's keys in the footer")

        # (2) s, Tab to the values, End, Ctrl+U and two values, all in one write, as the sweep screen opens.
        type_burst(term, "s" + TAB + END + CTRL_U + "0.003, 0.03")
        wait(term, lambda: shown(term, "0.003, 0.03"), "the values typed in the sweep's field")
        wait(term, lambda: shown(term, "2 models"), "the sweep's plan of 2 models")

        # Leave the field, then the sweep screen.
        type_burst(term, ESC)
        wait(term, lambda: shown(term, "t Start sweep"), "the sweep screen's keys")
        type_burst(term, ESC)
        wait(term, lambda: shown(term, "s Sweep"), "the lab again")

        # (3) s, then Esc and n in one write (the terminal makes them alt+n): the sweep opens, closes, step 5 shows.
        type_burst(term, "s" + ESC + "n")
        wait(term, lambda: current_step(term.journal) == 5, "step 5 after s, Esc, n")
        wait(term, lambda: shown(term, "Step 5/13"), "step 5 on the screen")
        assert not shown(term, "2 models"), "the sweep screen stayed open"

        # (4) w, End, Ctrl+U and a file name in one write, as the export dialog opens: its field holds the name.
        type_burst(term, "w" + END + CTRL_U + "mine.py")
        wait(term, lambda: shown(term, "mine.py "), "the name typed in the export dialog's field")
        assert not shown(term, DEFAULT_NAME), "the name typed went in beside the one the field held"
    finally:
        term.close()
