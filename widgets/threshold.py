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
        Binding("right", "move(1)", "Lower", id="explorer.lower", tooltip="Lower the threshold: more yeses"),
        Binding("left", "move(-1)", "Higher", id="explorer.higher", tooltip="Raise the threshold: fewer yeses"),
        Binding("shift+right,pagedown", "move(10)", "-10 rows", show=False, tooltip="Lower the threshold by 10 rows"),
        Binding("shift+left,pageup", "move(-10)", "+10 rows", show=False, tooltip="Raise the threshold by 10 rows"),
        Binding("m", "best", "Max F1", id="explorer.best", tooltip="Back to H2O's max-F1 threshold"),
        Binding(
            "c",
            "criterion",
            "Criterion",
            id="explorer.criterion",
            tooltip="The next criterion's best threshold (F1, F2, F0.5, accuracy, ...)",
        ),
    ]

    @dataclass(eq=False)
    class Moved(Message):
        """The explorer moved to another row of the thresholds table."""

        index: int

    def __init__(self) -> None:
        super().__init__(id="explorer")
        self.evaluation: Evaluation | None = None
        self.index = 0
        self._criterion = 0  # the criterion c went to last (F1, where the explorer starts)
        self._named = False  # the explorer is where c put it: its head names that criterion
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
        self._criterion = 0
        self._named = False
        self._draw()

    def action_move(self, delta: int) -> None:
        """The arrow and page keys: move ``delta`` rows, within the table, and tell the curves."""
        if self.evaluation is None:
            return
        rows = len(self.evaluation.thresholds.rows)
        self.index = max(0, min(rows - 1, self.index + delta))
        self._named = False
        self._draw()
        self.post_message(self.Moved(self.index))

    def action_best(self) -> None:
        """m: back to H2O's max-F1 threshold, and tell the curves."""
        if self.evaluation is not None:
            self.index = self.evaluation.max_f1_index
            self._criterion = 0
            self._named = False
            self._draw()
            self.post_message(self.Moved(self.index))

    def action_criterion(self) -> None:
        """c: to the best threshold of the next of H2O's criteria (F1, F2, F0.5, accuracy, ...)."""
        evaluation = self.evaluation
        if evaluation is None or not evaluation.criteria:
            return
        self._criterion = (self._criterion + 1) % len(evaluation.criteria)
        self.index = evaluation.criteria[self._criterion].index
        self._named = True
        self._draw()
        self.post_message(self.Moved(self.index))

    def _best_for(self, evaluation: Evaluation) -> str:
        names = evaluation.criteria_at(self.index)
        if self._named:
            # c named its criterion first: what else is best at the same threshold comes after.
            named = evaluation.criteria[self._criterion].name
            others = [name for name in names if name != named]
            return f"; the same threshold is best for {', '.join(others)}" if others else ""
        if names:
            return f", H2O's best for {', '.join(names)}"
        return ", H2O's max-F1 threshold" if self.index == evaluation.max_f1_index else ""

    def _title(self, evaluation: Evaluation) -> Text:
        """``Threshold 0.7155``; after c, ``Best for F2: threshold 0.0899``, so that every press shows."""
        if self._named:
            return Text(f"Best for {evaluation.criteria[self._criterion].name}: threshold ", style="bold")
        return Text("Threshold ", style="bold")

    def _draw(self) -> None:
        evaluation = self.evaluation
        if evaluation is None:
            return
        row = evaluation.row(self.index)
        tn, fp, fn, tp = (int(float(row[k])) for k in ("tns", "fps", "fns", "tps"))
        head = Text.assemble(
            self._title(evaluation),
            (f"{float(row['threshold']):.4f}", "bold cyan"),
            f"  (row {self.index + 1} of {len(evaluation.thresholds.rows)}",
            (self._best_for(evaluation)),
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
            # One format for all five: 1.0000 beside 0.0294, not 1 beside 0.0294.
            figures.add_row(label, f"{float(row[key]):.4f}")
        grid = RichTable.grid(padding=(0, 4))
        grid.add_column()
        grid.add_column()
        grid.add_row(matrix, figures)
        keys = Text(
            "← → move the threshold (→ lower: more yeses) · PgUp PgDn by 10 · m max F1 · c next criterion", style="dim"
        )
        body = RichTable.grid()
        body.add_column()
        body.add_row(head)
        body.add_row(grid)
        if not self.compact:  # on a small terminal the footer shows the keys
            body.add_row(keys)
        self.query_one("#explorer-body", Static).update(body)
