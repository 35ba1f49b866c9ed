"""Step 10: import the MNIST digits, count the classes, and look at the pictures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static
from textual.worker import Worker

from screens.base import StepView, WorkerErrors, error_text, on_worker_error
from tui.lab import fmt
from tui.lab.errors import LabError
from tui.lab.mnist import Digit, MnistInfo
from widgets.chart import CountsChart
from widgets.code import CodePanel
from widgets.digits import DigitPicture

if TYPE_CHECKING:
    from tui.app import LabApp

PAGE = 16


@dataclass(eq=False)
class DigitsFetched(Message):
    """Digits of the train or test frame, fetched from the cluster."""

    which: str
    digits: list[Digit]


class DigitBrowser(WorkerErrors, Vertical, can_focus=True):
    """A digit with its label; the arrow keys go through the rows."""

    DEFAULT_CSS = """
    DigitBrowser {
        height: auto;
        width: 1fr;
        padding: 0 1;
        border: round $panel-lighten-2;
    }
    DigitBrowser:focus {
        border: heavy $accent;  /* a heavier line: the keys are here, with colours or without */
    }
    DigitBrowser > Horizontal {
        height: 14;
    }
    DigitBrowser #digit-about {
        width: 1fr;
        padding-left: 2;
    }
    """

    BINDINGS = [
        Binding("right", "move(1)", "Next digit", id="digits.next"),
        Binding("left", "move(-1)", "Previous digit", id="digits.prev"),
        Binding("pagedown", "move(100)", "+100", show=False, tooltip="100 digits on"),
        Binding("pageup", "move(-100)", "-100", show=False, tooltip="100 digits back"),
        Binding("home", "first", "First", show=False, tooltip="Back to the first digit"),
        Binding("v", "switch", "Train/test", id="digits.switch", tooltip="Switch between the training and test digits"),
    ]

    def __init__(self) -> None:
        super().__init__(id="digit-browser")
        self.which = "train"
        self.row = 0
        self.rows = {"train": 0, "test": 0}
        self.cache: dict[tuple[str, int], Digit] = {}

    def compose(self) -> ComposeResult:
        """The digit's picture, and beside it its row, its label and the keys."""
        with Horizontal():
            yield DigitPicture(id="digit-picture")
            yield Static(id="digit-about")

    def set_sizes(self, train_rows: int, test_rows: int) -> None:
        """The train and test frames' row counts are known: show the current digit."""
        self.rows = {"train": train_rows, "test": test_rows}
        self.show()

    def action_move(self, delta: int) -> None:
        """The arrow and page keys: go ``delta`` rows on, within the frame."""
        total = self.rows.get(self.which, 0)
        if total:
            self.row = max(0, min(total - 1, self.row + delta))
            self.show()

    def action_first(self) -> None:
        """Home: back to the frame's first digit."""
        self.row = 0
        self.show()

    def action_switch(self) -> None:
        """v: switch between the training and test digits, keeping the row where it exists."""
        self.which = "test" if self.which == "train" else "train"
        self.row = min(self.row, max(0, self.rows.get(self.which, 1) - 1))
        self.show()

    def show(self) -> None:
        """Draw the current digit and its caption; fetch it and its neighbours from the cluster if not cached."""
        digit = self.cache.get((self.which, self.row))
        about = Text()
        about.append(f"{self.which} row {fmt.row_number(self.row)}", style="bold")
        about.append(f" of {self.rows.get(self.which, 0):,}\n\n")
        if digit is not None:
            about.append("label ", style="dim")
            about.append(digit.label, style="bold green")
        else:
            about.append("fetching…", style="dim")
        about.append("\n\n← → previous / next\nPgUp PgDn ±100\nv  train / test", style="dim")
        self.query_one("#digit-about", Static).update(about)
        self.query_one("#digit-picture", DigitPicture).show(digit)
        if digit is None and self.rows.get(self.which):
            self._fetch(self.which, self.row)

    @work(thread=True, exclusive=True, group="digits", exit_on_error=False)
    def _fetch(self, which: str, row: int) -> None:
        start = max(0, row - PAGE // 2)
        rows = [r for r in range(start, start + PAGE) if (which, r) not in self.cache]
        self.post_message(DigitsFetched(which, cast("LabApp", self.app).lab.digits(which, rows)))

    @on_worker_error("digits", "Fetching digits")
    def _fetch_failed(self, _worker: Worker, error: LabError) -> None:
        self.notify(error.message, severity="error")

    @on(DigitsFetched)
    def _fetched(self, message: DigitsFetched) -> None:
        message.stop()
        for digit in message.digits:
            self.cache[(message.which, digit.row)] = digit
        self.show()

    def put(self, digits: list[Digit]) -> None:
        """Digits known already (recorded, or fetched elsewhere)."""
        for digit in digits:
            self.cache[(digit.frame, digit.row)] = digit
        if self.is_mounted:
            self.show()


class MnistDataView(StepView):
    STEP_ACTIONS = frozenset({"import_data"})
    DEFAULT_CSS = """
    MnistDataView .bar {
        height: auto;
        padding: 0 1;
    }
    MnistDataView #mnist-news {
        height: auto;
        padding: 0 1;
        width: 1fr;
    }
    MnistDataView #mnist-error {
        height: auto;
        padding: 0 1;
    }
    MnistDataView #mnist-summary {
        height: auto;
        padding: 1 1 0 1;
    }
    MnistDataView #mnist-counts {
        margin: 1 1 0 1;
    }
    MnistDataView #mnist-count-table {
        height: auto;
        padding: 0 1;
    }
    MnistDataView .caption {
        height: auto;
        padding: 1 1 0 1;
        text-style: bold;
    }
    MnistDataView #mnist-code {
        height: auto;
        max-height: 12;
        margin: 0 1;
    }
    MnistDataView DigitBrowser {
        margin: 0 1;
    }
    MnistDataView .loaded-only {
        display: none;
    }
    MnistDataView.loaded .loaded-only {
        display: block;
    }
    """

    def compose(self) -> ComposeResult:
        """The lesson, the import button and news, the summary, the class counts, the digit browser, the code."""
        with VerticalScroll():
            yield from self.compose_intro()
            with Horizontal(classes="bar"):
                yield Button("Import MNIST (i)", id="import-mnist", variant="primary", compact=True)
                yield Static("Not imported yet.", id="mnist-news")
            yield Static(id="mnist-error")
            yield Static(id="mnist-summary", classes="loaded-only")
            yield CountsChart(id="mnist-counts", classes="loaded-only")
            yield Static(id="mnist-count-table", classes="loaded-only")
            yield Static("Look at the digits", classes="caption loaded-only")
            yield DigitBrowser()
            yield Static("The same in h2o-py:", classes="lesson")
            yield CodePanel(id="mnist-code", filename="h2o_lab_step10.py")

    def on_mount(self) -> None:
        """The digit browser stays hidden until the digits are imported."""
        self.query_one(DigitBrowser).display = False

    @property
    def loaded(self) -> bool:
        """Whether the MNIST frames are in the cluster."""
        return self.has_class("loaded")

    def set_code(self, code: str) -> None:
        """Show the h2o-py script of this step."""
        self.query_one("#mnist-code", CodePanel).set_code(code)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The import button does what the i key does."""
        if event.button.id == "import-mnist":
            event.stop()
            self.action_import_data()

    def check_step_action(self, action: str) -> bool:
        """i imports until the digits are in."""
        return super().check_step_action(action) and not self.loaded

    def action_import_data(self) -> None:
        """Import the MNIST digits (i)."""
        if not self.loaded:
            self.lab_app.load_data("mnist")

    def show_progress(self, text: str) -> None:
        """A line of news from the import; the button waits meanwhile."""
        self.query_one("#mnist-news", Static).update(text)
        self.query_one("#mnist-error", Static).update("")
        self.query_one("#import-mnist", Button).disabled = True

    def show_failure(self, error: LabError) -> None:
        """Why the import failed, and the button back."""
        self.query_one("#import-mnist", Button).disabled = False
        self.query_one("#import-mnist", Button).display = True
        text = error_text(error)
        self.query_one("#mnist-news", Static).update("Import failed.")
        self.query_one("#mnist-error", Static).update(text)

    def show_mnist(self, info: MnistInfo) -> None:
        """The imported digits: the frames, the class counts as a chart and a table, and the digit browser."""
        self.add_class("loaded")
        button = self.query_one("#import-mnist", Button)
        button.disabled = True
        button.display = False  # the news says it is imported; a second "Imported" would only repeat it
        self.query_one("#mnist-news", Static).update(f"Imported in {fmt.duration(info.seconds)}.")
        self.query_one("#mnist-error", Static).update("")
        summary = Text()
        for frame in (info.train, info.test):
            summary.append(f"{frame.name}: ", style="bold")
            summary.append(f"{frame.rows:,} rows × {frame.cols} columns, frame {frame.frame_id}\n")
            summary.append(f"  from {frame.source.describe()}\n", style="dim")
        summary.append("C785", style="bold")
        summary.append(" (the label) is now a factor: ")
        summary.append(f"nclasses = {info.nclasses}", style="bold green")
        summary.append(f" (levels {', '.join(info.levels)}).")
        self.query_one("#mnist-summary", Static).update(summary)
        self.query_one("#mnist-counts", CountsChart).show(
            info.levels, info.train.counts, f"Digits per class in the training frame ({info.train.rows:,} rows)"
        )
        counts = Table.grid(padding=(0, 1))
        counts.add_column(style="bold")
        for _ in info.levels:
            counts.add_column(justify="right")
        counts.add_row("digit", *info.levels)
        counts.add_row("train", *[str(c) for c in info.train.counts])
        counts.add_row("test", *[str(c) for c in info.test.counts])
        self.query_one("#mnist-count-table", Static).update(counts)
        browser = self.query_one(DigitBrowser)
        browser.display = True
        browser.set_sizes(info.train.rows, info.test.rows)
