"""Step 12's tables under the curves: H2O's threshold for each criterion, and its gains/lift table."""

from __future__ import annotations

from rich.table import Table as RichTable
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from tui.lab.evaluation import Evaluation
from widgets.threshold import signed

CRITERIA_LESSON = (
    "There is no single right threshold: each criterion has its own best one. F2 weighs recall (finding the yeses) "
    "above precision, F0.5 the other way; c in the explorer goes from one to the next."
)
GAINS_LESSON = (
    "The cars sorted from the likeliest yes down, in H2O's groups. Lift: how many times more yeses a group holds "
    "than the data as a whole (1 is no better than picking at random); captured: the share of all the yeses found "
    "in the groups so far."
)
GAINS_HEADERS = {
    "group": "group",
    "cumulative_data_fraction": "cars\nso far",
    "lower_threshold": "lowest\np",
    "lift": "lift",
    "cumulative_lift": "lift\nso far",
    "cumulative_response_rate": "yes rate\nso far",
    "cumulative_capture_rate": "yeses\ncaptured",
}
SHARES = ("cumulative_data_fraction", "cumulative_response_rate", "cumulative_capture_rate")


def criteria_table(evaluation: Evaluation, index: int) -> RichTable:
    """One row per criterion: its best threshold, the criterion's value there; the explorer's row marked."""
    table = RichTable(box=None, padding=(0, 2), header_style="bold", title_justify="left")
    table.add_column("best for", no_wrap=True)
    table.add_column("threshold", justify="right", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for criterion in evaluation.criteria:
        here = criterion.index == index
        table.add_row(
            Text(criterion.name, style="bold" if here else ""),
            f"{criterion.threshold:.4f}",
            f"{criterion.value:.4f}",
            Text("◀ shown above", style="bold cyan") if here else "",
        )
    return table


def gains_table(evaluation: Evaluation) -> RichTable:
    """H2O's gains/lift table, shares as percentages."""
    gains = evaluation.gains_lift
    table = RichTable(box=None, padding=(0, 1), header_style="bold")
    for column in gains.columns:
        table.add_column(GAINS_HEADERS.get(column, column), justify="right", no_wrap=True)
    for row in gains.rows:
        cells = []
        for column, value in zip(gains.columns, row):
            if value is None:
                cells.append("")
            elif column == "group":
                cells.append(str(int(value)))
            elif column in SHARES:
                cells.append(f"{float(value) * 100:.0f}%")
            else:
                cells.append(f"{float(value):.2f}" if column != "lower_threshold" else f"{float(value):.3f}")
        table.add_row(*cells)
    return table


def figures_box(evaluation: Evaluation) -> RichTable:
    """AUC and AUCPR by H2O and computed here (and the straight-line AUCPR), with how they were computed."""
    figures = RichTable(box=None, padding=(0, 1), header_style="bold")
    figures.add_column("", no_wrap=True)
    figures.add_column("H2O", justify="right")
    figures.add_column("computed here", justify="right")
    figures.add_column("diff.", justify="right")
    figures.add_column("baseline", justify="right")
    for label, ours, theirs, base in (
        ("AUC", evaluation.auc_own, evaluation.auc_h2o, 0.5),
        ("AUCPR", evaluation.aucpr_own, evaluation.aucpr_h2o, evaluation.positive_rate),
        ("AUCPR lines", evaluation.aucpr_trapezoid, evaluation.aucpr_h2o, evaluation.positive_rate),
        ("walkthrough's", evaluation.aucpr_walkthrough, evaluation.aucpr_h2o, evaluation.positive_rate),
    ):
        if ours != ours:  # not computed (an evaluation recorded before the lab computed it)
            continue
        figures.add_row(Text(label, style="bold"), f"{theirs:.4f}", f"{ours:.4f}", signed(ours - theirs), f"{base:.3f}")
    caption = Text(
        "'computed here': from the model's probabilities on the same rows, with numpy alone (trapezoids under the "
        "ROC points; H2O's interpolated precision-recall area). 'AUCPR lines' joins the precision-recall points with "
        "straight lines, as np.trapezoid(precision, recall) or scikit-learn's auc(recall, precision) does; "
        "precision follows a curve between two points, so the two can differ. 'walkthrough's' is the "
        "walkthrough's np.trapz(recall, precision), whose arguments are swapped: it measures recall along "
        "precision, not the area.",
        style="dim",
    )
    box = RichTable.grid()
    box.add_column()
    box.add_row(figures)
    box.add_row(caption)
    return box


class EvalTables(Vertical):
    """The criteria and the gains/lift table of the evaluated run."""

    DEFAULT_CSS = """
    EvalTables {
        height: auto;
        margin-top: 1;
    }
    EvalTables .eval-heading {
        text-style: bold;
        margin-top: 1;
    }
    EvalTables .eval-lesson {
        color: $text-muted;
        height: auto;
    }
    EvalTables Static {
        height: auto;
    }
    """

    def compose(self) -> ComposeResult:
        """Two headings, each with its table and a line on how to read it."""
        yield Static("H2O's threshold for each criterion", classes="eval-heading")
        yield Static(id="eval-criteria")
        yield Static(CRITERIA_LESSON, classes="eval-lesson")
        yield Static("Gains and lift", classes="eval-heading")
        yield Static(id="eval-gains")
        yield Static(GAINS_LESSON, classes="eval-lesson")

    def show(self, evaluation: Evaluation, index: int) -> None:
        """Both tables for an evaluation, the criteria marked at the explorer's row."""
        self.query_one("#eval-criteria", Static).update(criteria_table(evaluation, index))
        gains = gains_table(evaluation) if evaluation.gains_lift.rows else Text("H2O gave no gains/lift table.")
        self.query_one("#eval-gains", Static).update(gains)

    def move(self, evaluation: Evaluation, index: int) -> None:
        """The explorer moved: mark the criteria of its new row."""
        self.query_one("#eval-criteria", Static).update(criteria_table(evaluation, index))
