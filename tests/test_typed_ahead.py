"""Keys typed ahead of the screen (a burst, as a paste or a fast typist sends them) act where the learner meant."""

from __future__ import annotations

import time

import pytest
from textual import events

from tests.waiting import burst, until
from tui.app import make_app

pytestmark = pytest.mark.cluster


async def open_step(pilot, app, number: int):
    await until(pilot, lambda: app.cluster_state == "ready", what="cluster ready")
    app.show_step(number)
    await until(
        pilot,
        lambda: app.lab_screen.view(number) is not None and app.lab_screen.view(number)._built,
        what=f"step {number}",
    )
    await until(pilot, lambda: bool(app.lab.metas), what="H2O's parameters")
    app.lab_screen.query_one("#steps").focus()
    await pilot.pause()


def test_a_terminal_sends_escape_and_a_letter_at_once_as_alt():
    """Why the lab reads alt+g as Esc then g: that is what Textual makes of the two keys sent in one burst."""
    from textual._xterm_parser import XTermParser

    parser = XTermParser()
    parsed = list(parser.feed("s\x1bg"))
    time.sleep(0.2)  # past the wait for the rest of an escape sequence
    keys = [e.key for e in [*parsed, *parser.tick()] if isinstance(e, events.Key)]
    assert keys == ["s", "alt+g"]


@pytest.mark.parametrize("then", ["g", "n", "alt+g", "alt+n"])
async def test_escape_typed_while_the_sweep_screen_opens_closes_it(lab, cars, then):
    """s, Esc and g (or n) at paste speed: the sweep screen opens and closes, and g (or n) acts on the step. In a
    terminal the Esc and the letter arrive together, as alt+g."""
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_step(pilot, app, 4)
        burst(app, "s", *(["escape", then] if len(then) == 1 else [then]))
        names = lambda: [type(s).__name__ for s in app.screen_stack]  # noqa: E731
        await until(pilot, lambda: "SweepScreen" not in names(), what=lambda: f"the sweep screen closed: {names()}")
        if then.endswith("g"):
            await until(pilot, lambda: type(app.screen).__name__ == "GoalsDialog", what="the goals dialog after g")
        else:
            await until(pilot, lambda: app.current_step == 5, what="step 5 after n")
