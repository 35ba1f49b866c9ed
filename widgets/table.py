"""A plain two-column table of names and values (cluster status, run settings)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static


def pairs_table(rows: list[tuple[str, str | Text]], key_width: int | None = None) -> Table:
    """A borderless table: the names in bold on the left, the values folded on the right."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True, width=key_width)
    table.add_column(overflow="fold")
    for key, value in rows:
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
        self.update(pairs_table(rows))
