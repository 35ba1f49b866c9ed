"""PgUp/PgDn on an option list without laid-out lines (hidden, or being re-filled) never fail."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Select
from textual.widgets._select import SelectOverlay

from widgets.paging import LabSelect

OPTIONS = [(f"option {i}", i) for i in range(12)]


class OneSelect(App):
    def __init__(self, kind: type[Select]) -> None:
        super().__init__()
        self.kind = kind

    def compose(self) -> ComposeResult:
        yield self.kind(OPTIONS, value=6, id="pick")


async def page_on_a_closing_drop_down(kind: type[Select]) -> tuple[int | None, int]:
    """Open the drop-down, highlight option 6, hide it the way closing does, then page down."""
    app = OneSelect(kind)
    async with app.run_test(size=(40, 20)) as pilot:
        select = app.query_one("#pick", Select)
        select.expanded = True
        await pilot.pause()
        overlay = select.query_one(SelectOverlay)
        overlay.highlighted = 6
        overlay.display = False
        overlay.refresh(layout=True)
        await pilot.pause()
        overlay._clear_caches()  # as a re-fill does
        overlay.action_page_down()
        return overlay.highlighted, overlay.option_count


async def test_textuals_own_drop_down_fails_there():
    """The edge itself: Textual's Select raises on it (if this stops failing, LabSelect can go)."""
    with pytest.raises(KeyError):
        await page_on_a_closing_drop_down(Select)


async def test_the_labs_drop_down_goes_to_the_last_option():
    highlighted, count = await page_on_a_closing_drop_down(LabSelect)
    assert highlighted == count - 1
