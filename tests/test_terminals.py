"""A 16-colour terminal must keep every screen readable.

Such a terminal gets each of the app's colours rounded to the nearest of its 16 (Rich does this on output,
exactly as below). Text whose foreground and background round to the same colour vanishes; this test renders
every screen state, rounds as the terminal would, and looks for letters or digits that would vanish.
"""

from __future__ import annotations

import io

import pytest
from rich.color import ColorSystem
from rich.console import Console

from tests import replay


def vanishing_text(app) -> list[str]:
    width, height = app.size
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens, simplify=True)
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, record=True)
    console.print(update)
    lost = []
    for segment in console._record_buffer:
        style = segment.style
        if style is None or style.reverse or not style.color or not style.bgcolor:
            continue
        if not any(ch.isalnum() for ch in segment.text):
            continue  # rules, bars and blank cells may blend in
        fg = style.color.downgrade(ColorSystem.STANDARD)
        bg = style.bgcolor.downgrade(ColorSystem.STANDARD)
        if fg.number is not None and fg.number == bg.number:
            colours = f"{style.color.name} on {style.bgcolor.name}"
            lost.append(f"{segment.text.strip()!r}: {colours}, both become colour {fg.number}")
    return lost


async def _data(pilot):
    await replay.loaded(pilot)
    pilot.app.show_step(2)
    await pilot.pause()


async def _form_errors(pilot):
    await replay.loaded(pilot)
    pilot.app.show_step(5)
    await pilot.pause()
    form = pilot.app.lab_screen.view(5).form
    form.field("hidden_dropout_ratios").query_one("Input").value = "0.5"
    form.field("epochs").query_one("Input").value = "twenty"
    await pilot.pause()


async def _step7(pilot):
    await replay.loaded(pilot)
    pilot.app.show_step(7)
    await pilot.pause()


async def _lost(pilot):
    from tui.messages import ClusterLost

    await replay.show_run(pilot, 5)
    pilot.app.post_message(ClusterLost("The H2O engine (Java process) has stopped.", "(the engine stopped)"))
    await pilot.pause()


async def _help(pilot):
    await replay.ready(pilot)
    await pilot.press("question_mark")
    await pilot.pause()


STATES = {
    "cluster": replay.ready,
    "data": _data,
    "form-errors": _form_errors,
    "learning-rate": _step7,
    "first-network": lambda pilot: replay.show_run(pilot, 3),
    "validation-chart": lambda pilot: replay.show_run(pilot, 5),
    "results": lambda pilot: replay.show_run(pilot, 9, tab="results-pane"),
    "code": lambda pilot: replay.show_run(pilot, 9, tab="code-pane"),
    "all-runs": lambda pilot: replay.all_runs(pilot, marked=("run-4", "run-5")),
    "mnist-data": replay.mnist_loaded,
    "mnist-results": lambda pilot: replay.mnist_run(pilot, "results-pane"),
    "mnist-mistakes": lambda pilot: replay.mnist_run(pilot, "mistakes-pane"),
    "evaluation": replay.evaluated,
    "threshold-moved": lambda pilot: replay.evaluated(pilot, moves=("right", "right")),
    "lost-cluster": _lost,
    "help": _help,
}


@pytest.mark.parametrize("state", list(STATES))
async def test_sixteen_colours_keep_text_readable(state):
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await STATES[state](pilot)
        await pilot.pause()
        assert vanishing_text(app) == []
