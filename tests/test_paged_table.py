"""A table narrower than its columns shows whole columns only, says how many more there are, and pages to them."""

from __future__ import annotations

from textual.app import App, ComposeResult

from widgets.paged_table import MORE_KEY, PagedTable, more_label

COLUMNS = ["name"] + [f"column {i}" for i in range(1, 9)]
ROWS = [[f"row {r}"] + [f"{r}.{i}{i}{i}" for i in range(1, 9)] for r in range(5)]


class OneTable(App):
    def compose(self) -> ComposeResult:
        yield PagedTable(id="t", cursor_type="row")

    def on_mount(self) -> None:
        self.query_one(PagedTable).set_data(COLUMNS, ROWS, keys=[f"k{r}" for r in range(5)])


def labels(table: PagedTable) -> list[str]:
    return [str(c.label) for c in table.ordered_columns]


def widest_line(table: PagedTable) -> int:
    return sum(c.get_render_width(table) for c in table.ordered_columns)


async def test_only_whole_columns_show_and_the_rest_is_one_key_away():
    app = OneTable()
    async with app.run_test(size=(50, 12)) as pilot:
        table = app.query_one(PagedTable)
        table.focus()
        await pilot.pause()
        assert widest_line(table) <= table.scrollable_content_region.width, "nothing is cut at the edge"
        shown = labels(table)
        left, right = table.hidden
        assert shown[0] == "name" and left == 0 and right > 0
        assert shown[-1] == more_label(0, right) == f"→ {right} more"
        assert len(shown) - 2 + right == len(COLUMNS) - 1
        await pilot.press("down", "down", "right")
        assert table.hidden == (1, right - 1)
        assert labels(table)[0] == "name" and "column 1" not in labels(table)
        assert labels(table)[-1] == f"←→ {right} more"
        assert table.cursor_row == 2, "paging keeps the row"
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "k2"
        await pilot.press(*["right"] * 20)
        assert table.hidden[1] == 0 and "column 8" in labels(table)
        await pilot.press(*["left"] * 20)
        assert table.hidden == (0, right)


async def test_a_wide_enough_table_is_a_plain_one():
    app = OneTable()
    async with app.run_test(size=(160, 12)) as pilot:
        table = app.query_one(PagedTable)
        await pilot.pause()
        assert labels(table) == COLUMNS and table.hidden == (0, 0)
        assert MORE_KEY not in [c.key.value for c in table.ordered_columns]
