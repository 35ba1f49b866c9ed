"""A table that shows whole columns only: what does not fit the width is one key away.

A DataTable wider than its place is cut at the right edge, often in the middle of a value (``46.`` for
46.6 at 80 columns). :class:`PagedTable` keeps its first columns (the row's name) and shows as many of
the others as fit whole; a last column says how many more there are, and → / ← bring them in, one
column at a time. At a width where everything fits it is a plain DataTable.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import DataTable

Cell = str | Text
MORE_KEY = "_more"


def _width(value: Cell) -> int:
    if isinstance(value, Text):
        return max((cell_len(line) for line in value.plain.splitlines()), default=0)
    return max((cell_len(line) for line in str(value).splitlines()), default=0)


def more_label(left: int, right: int) -> str:
    """The last column's header: how many columns are out of sight, and which key brings them."""
    if right and left:
        return f"←→ {left + right} more"
    if right:
        return f"→ {right} more"
    return f"← {left} more" if left else ""


class PagedTable(DataTable):
    """A DataTable that pages its columns instead of cutting them; fill it with :meth:`set_data`."""

    DEFAULT_CSS = """
    PagedTable {
        width: 1fr;
    }
    """

    def __init__(self, *, fixed: int = 1, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fixed = fixed  # the first columns, always shown
        self.first = fixed  # the first of the other columns in sight
        self._columns: list[tuple[str, str]] = []  # (label, key)
        self._rows: list[list[Cell]] = []
        self._keys: list[str | None] = []
        self._window: tuple | None = None

    # -- what the table holds -------------------------------------------------------------------
    def set_data(
        self,
        columns: Sequence[str | tuple[str, str]],
        rows: Sequence[Sequence[Cell]],
        keys: Sequence[str | None] | None = None,
    ) -> None:
        """Show these columns (labels, or (label, key) pairs) and rows (with optional row keys)."""
        self._columns = [(c, c) if isinstance(c, str) else (c[0], c[1]) for c in columns]
        self._rows = [list(r) for r in rows]
        self._keys = list(keys) if keys is not None else [None] * len(self._rows)
        self.first = max(self.fixed, min(self.first, len(self._columns) - 1))
        self._window = None
        self._lay_out()

    def values(self, key: str) -> dict[str, Cell]:
        """A row's every value by column key, in sight or not."""
        row = self._rows[self._keys.index(key)]
        return {column_key: (row[i] if i < len(row) else "") for i, (_label, column_key) in enumerate(self._columns)}

    @property
    def hidden(self) -> tuple[int, int]:
        """How many columns are out of sight on the left and on the right."""
        _shown, left, right = self._visible(self._room())
        return left, right

    # -- which columns fit ------------------------------------------------------------------------
    def _room(self) -> int:
        return self.scrollable_content_region.width if self.is_mounted else 0

    def _widths(self) -> list[int]:
        pad = 2 * self.cell_padding
        return [
            max([_width(label)] + [_width(row[i]) for row in self._rows if i < len(row)]) + pad
            for i, (label, _key) in enumerate(self._columns)
        ]

    def _visible(self, room: int) -> tuple[list[int], int, int]:
        """The columns in sight, and how many are hidden on the left and on the right."""
        count = len(self._columns)
        widths = self._widths()
        if room <= 0 or sum(widths) <= room:
            return list(range(count)), 0, 0
        fixed = list(range(min(self.fixed, count)))
        used = sum(widths[i] for i in fixed)
        reserve = _width(more_label(count, count)) + 2 * self.cell_padding
        shown = list(fixed)
        index = self.first
        while index < count and used + widths[index] + reserve <= room:
            shown.append(index)
            used += widths[index]
            index += 1
        if index == self.first and index < count:  # not even one more column fits whole: show it anyway
            shown.append(index)
            index += 1
        return shown, self.first - len(fixed), count - index

    def _lay_out(self) -> None:
        shown, left, right = self._visible(self._room())
        window = (tuple(shown), left, right, id(self._rows))
        if window == self._window:
            return
        self._window = window
        cursor = self.cursor_row
        self.clear(columns=True)
        for index in shown:
            label, key = self._columns[index]
            self.add_column(label, key=key)
        extra = left or right
        if extra:
            self.add_column(more_label(left, right), key=MORE_KEY)
        for row, row_key in zip(self._rows, self._keys):
            cells = [row[i] if i < len(row) else "" for i in shown]
            self.add_row(*cells, *([""] if extra else []), key=row_key)
        if self._rows and cursor:
            self.move_cursor(row=min(cursor, len(self._rows) - 1), animate=False)

    def on_resize(self, _event: events.Resize) -> None:
        """A new width may fit more columns, or fewer."""
        self._lay_out()

    # -- → and ← page the columns (on a table whose cursor is a row) --------------------------------------
    def _page(self, step: int) -> bool:
        if self.cursor_type == "cell":
            return False
        left, right = self.hidden
        if not (left or right):
            return False  # everything fits: a plain table
        if (step > 0 and right) or (step < 0 and left):
            self.first += step
            self._lay_out()
        return True  # paged, or at the end: never scrolled sideways into half columns

    def action_cursor_right(self) -> None:
        """Bring the next hidden column into sight (or scroll, as a DataTable does)."""
        if not self._page(1):
            super().action_cursor_right()

    def action_cursor_left(self) -> None:
        """Bring the previous hidden column back into sight (or scroll, as a DataTable does)."""
        if not self._page(-1):
            super().action_cursor_left()
