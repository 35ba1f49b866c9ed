"""The threshold explorer: one row of H2O's thresholds table at a time, with its confusion matrix and figures.

Step 12's evaluation moves it with the arrow keys; the curves beside it follow the row it shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table as RichTable
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from tui.lab import fmt
from tui.lab.evaluation import Evaluation


def signed(difference: float) -> str:
    """A difference to four places with its sign; one that rounds to nothing is 0.0000, never -0.0000."""
    return "0.0000" if abs(difference) < 0.00005 else f"{difference:+.4f}"


class ThresholdExplorer(Vertical, can_focus=True):
    """Moves along H2O's thresholds table; everything else follows."""

    DEFAULT_CSS = """
    ThresholdExplorer {
        height: auto;
        border: round $panel-lighten-2;
        padding: 0 1;
    }
    ThresholdExplorer:focus {
        border: heavy $accent;  /* a heavier line: the keys are here, with colours or without */
    }
    """

    BINDINGS = [
        Binding("right", "move(1)", "Lower threshold", id="explorer.lower"),
        Binding("left", "move(-1)", "Higher threshold", id="explorer.higher"),
        Binding("shift+right,pagedown", "move(10)", "-10 rows", show=False),
        Binding("shift+left,pageup", "move(-10)", "+10 rows", show=False),
        Binding("m", "best", "Max F1", id="explorer.best"),
    ]

    @dataclass(eq=False)
    class Moved(Message):
        """The explorer moved to another row of the thresholds table."""

        index: int

    def __init__(self) -> None:
        super().__init__(id="explorer")
        self.evaluation: Evaluation | None = None
        self.index = 0
        self._compact = False

    @property
    def compact(self) -> bool:
        """True on a small terminal: the keys line is left to the footer."""
        return self._compact

    @compact.setter
    def compact(self, value: bool) -> None:
        if value != self._compact:
            self._compact = value
            if self.is_mounted:
                self._draw()

    def compose(self) -> ComposeResult:
        """One text: the threshold, its confusion matrix, its figures and the keys."""
        yield Static(id="explorer-body")

    def show(self, evaluation: Evaluation, index: int | None = None) -> None:
        """Show an evaluation at a row of its thresholds table (by default H2O's max-F1 row)."""
        self.evaluation = evaluation
        self.index = evaluation.max_f1_index if index is None else index
        self._draw()

    def action_move(self, delta: int) -> None:
        """The arrow and page keys: move ``delta`` rows, within the table, and tell the curves."""
        if self.evaluation is None:
            return
        rows = len(self.evaluation.thresholds.rows)
        self.index = max(0, min(rows - 1, self.index + delta))
        self._draw()
        self.post_message(self.Moved(self.index))

    def action_best(self) -> None:
        """m: back to H2O's max-F1 threshold, and tell the curves."""
        if self.evaluation is not None:
            self.index = self.evaluation.max_f1_index
            self._draw()
            self.post_message(self.Moved(self.index))

    def _draw(self) -> None:
        evaluation = self.evaluation
        if evaluation is None:
            return
        row = evaluation.row(self.index)
        tn, fp, fn, tp = (int(float(row[k])) for k in ("tns", "fps", "fns", "tps"))
        head = Text.assemble(
            ("Threshold ", "bold"),
            (f"{float(row['threshold']):.4f}", "bold cyan"),
            f"  (row {self.index + 1} of {len(evaluation.thresholds.rows)}",
            (", H2O's max-F1 threshold" if self.index == evaluation.max_f1_index else ""),
            "): a car is called ",
            (f"'{evaluation.positive}'", "bold"),
            " when its probability is at least this.",
        )
        matrix = RichTable(box=None, padding=(0, 1), show_header=True, header_style="bold")
        matrix.add_column("truth", no_wrap=True)
        matrix.add_column("said no", justify="right", no_wrap=True)
        matrix.add_column("said yes", justify="right", no_wrap=True)
        matrix.add_row(Text("no", style="bold"), Text(str(tn), style="green"), Text(str(fp), style="red"))
        matrix.add_row(Text("yes", style="bold"), Text(str(fn), style="red"), Text(str(tp), style="green"))
        figures = RichTable.grid(padding=(0, 2))
        figures.add_column(style="bold")
        figures.add_column(justify="right")
        for key, label in (
            ("precision", "precision"),
            ("recall", "recall"),
            ("f1", "F1"),
            ("accuracy", "accuracy"),
            ("fpr", "false pos. rate"),
        ):
            figures.add_row(label, fmt.number(float(row[key])))
        grid = RichTable.grid(padding=(0, 4))
        grid.add_column()
        grid.add_column()
        grid.add_row(matrix, figures)
        keys = Text("← → move the threshold (→ lower: more yeses) · PgUp PgDn by 10 · m back to max F1", style="dim")
        body = RichTable.grid()
        body.add_column()
        body.add_row(head)
        body.add_row(grid)
        if not self.compact:  # on a small terminal the footer shows the keys
            body.add_row(keys)
        self.query_one("#explorer-body", Static).update(body)
