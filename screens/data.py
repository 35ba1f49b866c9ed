"""Step 2: import the cars data and look at it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Static

from screens.base import StepView, error_text
from tui.lab import fmt
from tui.lab.errors import LabError
from tui.lab.frames import FrameInfo
from widgets.code import CodePanel
from widgets.paged_table import PagedTable

FACTOR_NOTE = (
    "economy_20mpg holds 0 and 1, so H2O reads it as a number. It is a yes/no answer (does the car do more "
    "than 20 miles per gallon?), so it is converted to a factor (enum): a model that predicts it then "
    "learns two classes and gives their probabilities, instead of fitting a line through 0 and 1."
)


class DataView(StepView):
    """Step 2: import the cars data, see its columns, its first rows and the code."""

    STEP_ACTIONS = frozenset({"import_data"})
    DEFAULT_CSS = """
    DataView .bar {
        height: auto;
        padding: 0 1;
    }
    DataView #data-news {
        height: auto;
        padding: 0 1;
        width: 1fr;
    }
    DataView #data-source {
        height: auto;
        padding: 0 1;
    }
    DataView #data-source.standin {
        color: $warning;
    }
    DataView PagedTable {
        height: auto;
        max-height: 14;
        margin: 0 1 1 1;
    }
    DataView .caption {
        height: auto;
        padding: 0 1;
        text-style: bold;
    }
    DataView #data-factor {
        height: auto;
        padding: 0 1 1 1;
    }
    DataView #data-code {
        height: auto;
        max-height: 8;
        margin: 0 1;
    }
    DataView .loaded-only {
        display: none;
    }
    DataView.loaded .loaded-only {
        display: block;
    }
    """

    def compose(self) -> ComposeResult:
        """The lesson, the import button and its news, the source, the columns, the first rows, the code."""
        with VerticalScroll():
            yield from self.compose_intro()
            with Horizontal(classes="bar"):
                yield Button("Import cars data (i)", id="import", variant="primary", compact=True)
                yield Static("Not imported yet.", id="data-news")
            yield Static(id="data-source")
            yield Static("Columns", classes="caption loaded-only")
            yield PagedTable(id="data-columns", classes="loaded-only", cursor_type="row", zebra_stripes=True)
            yield Static(id="data-factor", classes="loaded-only")
            yield Static("First rows", classes="caption loaded-only")
            yield PagedTable(id="data-head", classes="loaded-only", cursor_type="row", zebra_stripes=True)
            yield Static("The same in h2o-py:", classes="lesson")
            yield CodePanel(id="data-code")

    def set_code(self, code: str) -> None:
        """Show the h2o-py script of this step."""
        self.query_one("#data-code", CodePanel).set_code(code)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The import button does what the i key does."""
        if event.button.id == "import":
            event.stop()
            self.action_import_data()

    @property
    def loaded(self) -> bool:
        """Whether the cars data is in the cluster."""
        return self.has_class("loaded")

    def check_step_action(self, action: str) -> bool:
        """i imports until the data is in."""
        return super().check_step_action(action) and not self.loaded

    def why_not(self, action: str) -> str | None:
        """i once the data is in."""
        return "The cars data is already imported." if action == "import_data" else None

    def action_import_data(self) -> None:
        """Import the cars data (i)."""
        if not self.loaded:
            self.lab_app.load_data("cars")

    def show_progress(self, text: str) -> None:
        """A line of news from the import."""
        self.query_one("#data-news", Static).update(text)
        self.query_one("#import", Button).disabled = True

    def show_failure(self, error: LabError) -> None:
        """Why the import failed, and the button back."""
        self.query_one("#import", Button).disabled = False
        self.query_one("#import", Button).display = True
        text = error_text(error)
        self.query_one("#data-news", Static).update("Import failed.")
        self.query_one("#data-source", Static).update(text)

    def show_frame(self, info: FrameInfo) -> None:
        """The imported frame: its size and source, a table of its columns, the factor note, its first rows."""
        self.add_class("loaded")
        button = self.query_one("#import", Button)
        button.disabled = True
        button.display = False  # the news says it is imported; a second "Imported" would only repeat it
        self.query_one("#data-news", Static).update(
            f"{fmt.count(info.rows)} rows × {info.cols} columns, in frame {info.frame_id}"
        )
        source = self.query_one("#data-source", Static)
        text = Text.assemble(("Source: ", "bold"), info.source.describe())
        source.update(text)
        source.set_class(info.source.standin, "standin")

        # enum (306): a factor with 306 levels; a converted column says what it was below the table
        rows = []
        for col in info.columns:
            kind = col.type
            if col.domain and col.type == "enum" and col.name not in info.converted:
                kind = f"enum ({len(col.domain)})"
            elif col.name in info.converted:
                kind = f"{col.type}*"
            rows.append(
                [col.name, kind, fmt.count(col.missing), fmt.number(col.min), fmt.number(col.mean), fmt.number(col.max)]
            )
        self.query_one("#data-columns", PagedTable).set_data(["column", "type", "missing", "min", "mean", "max"], rows)
        factor = info.column("economy_20mpg")
        if factor is not None:
            was = info.converted.get(factor.name)
            note = Text(
                f"* economy_20mpg was read as {was}; it is now a factor" if was else "economy_20mpg is a factor",
                style="bold",
            )
            levels = ", ".join(factor.domain or [])
            note.append(f" with levels {levels}. " if levels else ". ")
            note.append(FACTOR_NOTE)
            self.query_one("#data-factor", Static).update(note)

        self.query_one("#data-head", PagedTable).set_data(
            [c.name for c in info.columns],
            [[Text(v[:28] + ("…" if len(v) > 28 else "")) for v in row] for row in info.head],
        )
