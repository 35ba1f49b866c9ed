"""How many MNIST rows a run trains on (all of them, or only the first few), and how long it should take."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Select, Static

from tui.lab.mnist import parse_rows
from widgets.paging import LabSelect
from widgets.text_field import LabInput


class SampleRows(Vertical):
    """The training rows choice of an MNIST step; posts :class:`SampleRows.Changed` when the learner edits it."""

    DEFAULT_CSS = """
    SampleRows {
        height: auto;
        padding: 0 1;
    }
    SampleRows .reason {
        height: auto;
        padding: 0 1 1 1;
        color: $text-muted;
    }
    SampleRows #rows-kind {
        width: 30;
    }
    SampleRows #rows-count {
        width: 14;
        margin-left: 4;
    }
    SampleRows #rows-error {
        height: auto;
        padding-left: 4;
    }
    SampleRows #estimate {
        height: auto;
        padding: 0 1 1 1;
    }
    """

    class Changed(Message):
        """The learner changed the choice of rows (read it with :meth:`SampleRows.read`)."""

    def __init__(self, rows: int | None) -> None:
        super().__init__(id="rows-choice")
        self._rows = rows

    def compose(self) -> ComposeResult:
        """All rows or the first ones, how many, what is wrong with that, and the time estimate."""
        yield Static("Training rows", classes="heading")
        yield LabSelect(
            [("all 60,000 rows", "all"), ("only the first rows:", "sample")],
            value="all" if self._rows is None else "sample",
            allow_blank=False,
            compact=True,
            id="rows-kind",
        )
        yield LabInput(
            value=str(self._rows or 5000), id="rows-count", compact=True, placeholder="rows", select_on_focus=False
        )
        yield Static(id="rows-error")
        yield Static(
            "A small sample trains in a fraction of the time but reaches a lower accuracy: the network sees "
            "fewer ways of writing each digit.",
            classes="reason",
        )
        yield Static(id="estimate")

    def show_rows(self, rows: int | None) -> None:
        """Show a choice made elsewhere (a loaded run's rows); None is all rows."""
        self.query_one("#rows-kind", Select).value = "all" if rows is None else "sample"
        if rows is not None:
            self.query_one("#rows-count", Input).value = str(rows)

    def error(self, total: int) -> str | None:
        """What is wrong with the chosen number of rows, or None when it is usable."""
        if self.query_one("#rows-kind", Select).value == "all":
            return None
        _rows, error = parse_rows(self.query_one("#rows-count", Input).value, total)
        return error

    def read(self, total: int) -> tuple[int | None, str | None]:
        """The chosen rows (None: all) and the error shown under them, if any."""
        error = self.error(total)
        self.query_one("#rows-error", Static).update(Text(error, style="red") if error else "")
        if error or self.query_one("#rows-kind", Select).value == "all":
            return None, error
        rows, _error = parse_rows(self.query_one("#rows-count", Input).value, total)
        return rows, None

    def show_estimate(self, text: Text) -> None:
        """Say how long a run should take (or that the cluster's speed is being measured)."""
        self.query_one("#estimate", Static).update(text)

    def focus_count(self) -> None:
        """Put the cursor in the number of rows (to correct it)."""
        self.query_one("#rows-count", Input).focus()

    @on(Select.Changed, "#rows-kind")
    @on(Input.Changed, "#rows-count")
    def _edited(self, event: Message) -> None:
        event.stop()
        self.post_message(self.Changed())
