"""A plain two-column table of names and values (cluster status, run settings)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import events
from textual.widgets import Static

PAD = 2  # the columns' padding


class PathValue(str):
    """A file path as a table's value: too long for its column, it loses its start (``…/logs/h2o.log``), never its
    end, where the file's name is."""


def path_end(path: str, width: int) -> str:
    """``path`` within ``width`` cells: whole, or ``…`` and its end, from a ``/`` where one fits."""
    if cell_len(path) <= width or width <= 1:
        return path
    tail = path[-(width - 1) :]
    slash = tail.find("/")
    return "…" + (tail[slash:] if slash >= 0 else tail)


def pairs_table(rows: list[tuple[str, str | Text]], key_width: int | None = None, width: int = 0) -> Table:
    """A borderless table: the names in bold on the left, the values folded on the right; within ``width`` cells
    (0: any), a :class:`PathValue` keeps its end."""
    table = Table.grid(padding=(0, PAD))
    table.add_column(style="bold", no_wrap=True, width=key_width)
    table.add_column(overflow="fold")
    names = key_width or max((cell_len(key) for key, _value in rows), default=0)
    room = width - names - PAD
    for key, value in rows:
        if isinstance(value, PathValue) and width > 0:
            value = path_end(value, room)
        table.add_row(key, value)
    return table


class PairsView(Static):
    """Shows ``(name, value)`` rows; call :meth:`set_rows`."""

    DEFAULT_CSS = """
    PairsView {
        height: auto;
    }
    """

    _rows: list[tuple[str, str | Text]] | None = None

    def set_rows(self, rows: list[tuple[str, str | Text]]) -> None:
        """Replace the rows shown (nothing is redrawn when they are the same)."""
        if rows == self._rows:
            return
        self._rows = list(rows)
        self._draw()

    def on_resize(self, _event: events.Resize) -> None:
        """A path's visible end depends on the width."""
        self._draw()

    def _draw(self) -> None:
        if self._rows is not None:
            self.update(pairs_table(self._rows, width=self.content_region.width if self.is_mounted else 0))
