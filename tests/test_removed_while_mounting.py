"""A widget taken away while it is still being mounted never ends in an internal error.

A learner who moves on quickly (the next step, another tab, a screen closed) removes widgets whose children are
still being mounted. A parent whose ``on_mount``, watcher or message handler then looks for one of its own
children with ``query_one`` finds none (``NoMatches``): it ended the app once, from the drawing pad. Each widget
class of the app is mounted here and taken away at every moment of its mount, and no error may come of it.
"""

from __future__ import annotations

import asyncio
import inspect

import pytest
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widget import Widget

from tests.test_widget_classes import widget_classes
from tui.lab.mnist import SIDE, Digit
from tui.lab.steps import STEPS
from widgets.digits import DigitCard
from widgets.sample_rows import SampleRows
from widgets.steps import StepList

# Widgets that need arguments, with the plainest arguments they take.
MADE_WITH = {
    DigitCard: lambda: DigitCard(Digit("test", 0, "7", [0] * (SIDE * SIDE))),
    SampleRows: lambda: SampleRows(None),
    StepList: lambda: StepList(STEPS),
}


def makeable() -> list[type[Widget]]:
    found = []
    for cls in widget_classes():
        if issubclass(cls, Screen) or inspect.isabstract(cls):
            continue
        if cls in MADE_WITH:
            found.append(cls)
            continue
        try:
            cls()
        except TypeError:
            continue
        found.append(cls)
    return found


class Host(App):
    def __init__(self) -> None:
        super().__init__()
        self.errors: list[BaseException] = []

    def compose(self) -> ComposeResult:
        yield Vertical(id="box")

    def _handle_exception(self, error: Exception) -> None:
        self.errors.append(error)


def test_the_classes_below_are_most_of_the_app():
    assert len(makeable()) >= 30


@pytest.mark.parametrize("cls", makeable(), ids=lambda cls: cls.__qualname__)
async def test_a_widget_removed_while_mounting_raises_nothing(cls):
    make = MADE_WITH.get(cls, cls)
    app = Host()
    async with app.run_test() as pilot:
        box = app.query_one("#box")
        # Taken away after 0, 1, 2 ... turns of the event loop: before its children exist, while they mount, after.
        for turns in range(8):
            holder = Vertical()
            await box.mount(holder)
            holder.mount(make())
            for _ in range(turns):
                await asyncio.sleep(0)
            await holder.remove()
        await pilot.pause()
    assert not app.errors, f"{cls.__qualname__}: {app.errors[0]!r}"
