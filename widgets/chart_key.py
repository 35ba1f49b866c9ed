"""Curves side by side with their key: a scoring chart and, under it, which mark is which run and its values."""

from __future__ import annotations

import math

from rich.color import Color
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from widgets.chart import Look, ScoringChart, mark_text

Curve = tuple[list[str], list[float], list[float]]  # the key's cells (the run first), epochs, scores
GAP = 2  # columns between two blocks of the key


def key_table(headers: list[str], rows: list[list[str]], looks: list[Look], width: int) -> Table:
    """The key: each curve's mark (in its colour, if it has one) and its cells, under the headers; in as many
    blocks side by side as ``width`` holds, so that a long key takes few rows."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    one = 2 + sum(w + 1 for w in widths)  # the mark, then each column and the space before it
    blocks = max(1, min(len(rows), (width + GAP) // (one + GAP)))
    per = math.ceil(len(rows) / blocks) if rows else 0
    blocks = math.ceil(len(rows) / per) if per else 1  # no empty block on the right
    outer = Table.grid(padding=(0, GAP, 0, 0))
    parts = []
    for start in range(0, max(len(rows), 1), per or 1):
        part = Table(box=None, padding=(0, 0, 0, 1), pad_edge=False, show_edge=False, header_style="bold")
        part.add_column("", no_wrap=True)
        for name in headers:
            part.add_column(name, no_wrap=True)
        for cells, (marker, colour) in zip(rows[start : start + per], looks[start : start + per]):
            mark = Text(
                mark_text(marker), style=Style(color=None if colour is None else Color.from_ansi(colour), bold=True)
            )
            part.add_row(mark, *cells)
        parts.append(part)
    for _ in parts[:blocks]:
        outer.add_column(no_wrap=True)
    outer.add_row(*parts[:blocks])
    return outer


class ChartKey(Static):
    """The key of a chart's curves; redrawn in as many blocks as its width holds."""

    DEFAULT_CSS = """
    ChartKey {
        height: auto;
        padding: 0 0 0 1;
    }
    """

    def __init__(self) -> None:
        super().__init__("")
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self.looks: list[Look] = []

    def on_resize(self) -> None:
        """The blocks that the new width holds."""
        self._draw()

    def show(self, headers: list[str], rows: list[list[str]], looks: list[Look]) -> None:
        """Name each curve (its mark and colour in ``looks``) by its cells, under ``headers``."""
        self.headers, self.rows, self.looks = headers, rows, looks
        self._draw()

    def _draw(self) -> None:
        # Before the first layout: the window's width, less the padding and a scroll bar.
        width = self.content_size.width or self.app.size.width - 2
        self.update(key_table(self.headers, self.rows, self.looks, width) if self.rows else "")


class CurvesView(Vertical):
    """A chart of several runs' curves, and its key under it; call :meth:`compare` with the curves."""

    DEFAULT_CSS = """
    CurvesView {
        height: 1fr;
    }
    CurvesView > ScoringChart {
        height: 1fr;
        min-height: 8;
    }
    CurvesView > VerticalScroll {
        height: auto;
        max-height: 50%;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, *, id: str | None = None, chart_id: str | None = None) -> None:
        super().__init__(id=id)
        # Held, so that curves given while the view mounts have their parts to draw into.
        self.chart = ScoringChart(id=chart_id)
        self.key = ChartKey()
        # A key longer than half the view (many models in a small window) scrolls rather than hide the chart.
        self.scroll = VerticalScroll(self.key, can_focus=False)
        self.scroll.display = False

    def compose(self) -> ComposeResult:
        """The chart, then its key."""
        yield from (self.chart, self.scroll)

    def clear(self, caption: str) -> None:
        """No curves: the chart says ``caption`` and there is no key."""
        self.chart.clear(caption)
        self._show_key([], [])

    def compare(self, title: str, headers: list[str], curves: list[Curve], empty: str) -> None:
        """Draw the curves under ``title``; the key names each by its cells (``headers`` over them). ``empty``: what
        the chart says while no curve has a point."""
        self.chart.compare(title, [(cells[0], xs, ys) for cells, xs, ys in curves], keyed=False, empty=empty)
        self._show_key(headers, [cells for cells, _, _ in curves])

    def _show_key(self, headers: list[str], rows: list[list[str]]) -> None:
        self.scroll.display = bool(rows)
        self.key.show(headers, rows, self.chart.looks(len(rows)))
