"""The Inside tab's predictions: the rows the run is judged on with the model's answers, browsable with the keys,
a chart of the residuals (regressions), and, for the cars, a car of the learner's own scored on the cluster.

The rows are read from the cluster the first time the tab is open for a finished run (a worker; nothing waits).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Input, Label, Static

from tui.lab import fmt
from tui.lab.errors import LabError
from tui.lab.predictions import Predictions, RowScore
from tui.lab.training import CANCELLED, DONE, Run
from widgets.digit_pad import DigitPad
from widgets.paged_table import PagedTable
from widgets.plot import LabPlot
from widgets.ticks import nice_ticks

DIGITS_LESSON = (
    "What the model answers for each test digit, and how sure it is. ↑ ↓ move through them; Enter puts that digit "
    "on the pad below, where you can draw on it and watch the ten probabilities change."
)
LESSON = (
    "What the model answers for each of these rows. ↑ ↓ move through them; the car under the cursor goes into "
    "the form below: change a value and the model is asked again."
)
TRY_LABELS = {"displacement": "displ.", "power": "power", "weight": "weight", "acceleration": "accel.", "year": "year"}
ASK_AFTER = 0.6  # seconds after the last key in the car's fields before the model is asked
CHART_ROWS = 12  # the residual chart's height
NAME_WIDTH = 22  # a car's name in the table, cut with … beyond this
SHOWN = {  # the table's columns by kind (the predictors go to the form below)
    "regression": ("name", "actual", "predicted", "residual"),
    "binomial": ("name", "actual", "predicted", "p1"),
    "multinomial": ("actual", "predicted"),
}


@dataclass(eq=False)
class PredictionsRead(Message):
    """The predictions of a run, or why there are none."""

    run_id: str
    predictions: Predictions | None
    error: str = ""


@dataclass(eq=False)
class RowScored(Message):
    """The model's answer for the learner's row, or why there is none."""

    run_id: str
    score: RowScore | None
    error: str = ""


class ResidualChart(LabPlot):
    """Residual (true minus predicted) against the prediction, one dot per row, with the zero line."""

    EMPTY = "No predictions yet: each row's error comes here."

    DEFAULT_CSS = f"""
    ResidualChart {{
        height: {CHART_ROWS};
    }}
    """

    def draw(self, pairs: list[tuple[float, float]]) -> None:
        """Dots for the rows; a model without bias scatters them evenly around zero."""
        if not pairs:
            self.say(self.EMPTY)
            return
        plt = self.start()
        xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
        plt.hline(0.0)  # no error
        plt.scatter(xs, ys, marker="•")
        # Round ticks that include 0, so the zero line sits on the row the axis calls 0 (plotext's own ticks
        # put it beside -0.17 or 0.04).
        rows = self.size.height or CHART_ROWS
        ticks, labels = nice_ticks(min(min(ys), 0.0), max(max(ys), 0.0), max(3, min(6, rows // 2)))
        if ticks:
            plt.yticks(ticks, labels)
        ticks, labels = nice_ticks(min(xs), max(xs), max(2, min(8, (self.size.width or 60) // 10)))
        if ticks:
            plt.xticks(ticks, labels)
        plt.title("residual (true - predicted) against predicted")
        plt.xlabel("predicted")
        self.refresh()


class PredictionsPanel(Vertical):
    """The predictions section of the Inside tab."""

    DEFAULT_CSS = """
    PredictionsPanel {
        height: auto;
        padding: 0 1;
    }
    PredictionsPanel #pred-status, PredictionsPanel .pred-lesson, PredictionsPanel #try-answer {
        height: auto;
    }
    PredictionsPanel .pred-lesson {
        color: $text-muted;
    }
    PredictionsPanel #pred-table {
        height: auto;
        max-height: 10;
    }
    PredictionsPanel #try {
        height: auto;
        margin-top: 1;
    }
    PredictionsPanel .try-field {
        width: 1fr;
        height: 2;
    }
    PredictionsPanel .try-field Input {
        width: 1fr;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="predictions")
        self.run: Run | None = None
        self.lab = None
        self.predictions: Predictions | None = None
        self._asked: set[str] = set()  # runs whose predictions were asked for (once each)
        self._timer: Timer | None = None  # asks the model about the learner's car when the typing pauses
        self._filled: int | None = None  # the row whose car is in the form (the learner may have changed it since)
        self._status = Text("")
        # The parts are made here and held, so that every method can draw into them whether or not they are mounted
        # yet (a panel removed while it mounts, as the learner moves on, has none to find).
        self.status = Static(id="pred-status")
        self.lesson = Static(LESSON, classes="pred-lesson pred-only")
        self.table = PagedTable(id="pred-table", classes="pred-only", cursor_type="row", zebra_stripes=True)
        self.chart = ResidualChart(id="pred-residuals", classes="regression-only")
        self.fields = {name: Input(id=f"try-{name}", compact=True, select_on_focus=False) for name in TRY_LABELS}
        self.form = Horizontal(
            *(Vertical(Label(label), self.fields[name], classes="try-field") for name, label in TRY_LABELS.items()),
            id="try",
            classes="cars-only",
        )
        self.answer = Static(id="try-answer", classes="cars-only")
        self.pad = DigitPad()

    def compose(self) -> ComposeResult:
        """The status, the lesson, the rows, the residual chart and the form for a car of one's own."""
        yield from (self.status, self.lesson, self.table, self.chart, self.form, self.answer, self.pad)

    def on_mount(self) -> None:
        """Nothing but the status until a run's predictions are read."""
        self._draw()

    # -- reading ------------------------------------------------------------------------------
    def show(self, run: Run, lab, opened: bool) -> None:
        """A finished run to show; its predictions are read once the tab is ``opened``."""
        if self.run is None or self.run.run_id != run.run_id:
            self.predictions = None
        self.run, self.lab = run, lab
        if opened:
            self.load()
        elif self.predictions is None:
            self._status = Text("")
        self._draw()

    def load(self) -> None:
        """Read the run's predictions from the cluster (once per run)."""
        run, lab = self.run, self.lab
        if run is None or lab is None or run.run_id in self._asked or self.predictions is not None:
            return
        if run.status not in (DONE, CANCELLED) or not run.model_id:
            self._status = Text("The run has no model to ask.", style="italic")
        elif not lab.ready:
            self._status = Text("Predictions come from the cluster: they show once it is ready.", style="italic")
        else:
            self._asked.add(run.run_id)
            self._status = Text(f"Asking {run.run_id}'s model for its predictions…", style="italic")
            self._read_worker(run, lab)
        self._draw()

    @work(thread=True, exclusive=True, group="predictions", exit_on_error=False)
    def _read_worker(self, run: Run, lab) -> None:
        try:
            self.post_message(PredictionsRead(run.run_id, lab.predictions(run)))
        except LabError as exc:
            self.post_message(PredictionsRead(run.run_id, None, exc.message))

    @on(PredictionsRead)
    def _read(self, message: PredictionsRead) -> None:
        message.stop()
        if self.run is None or message.run_id != self.run.run_id:
            return
        self._asked.discard(message.run_id)
        if message.predictions is None:
            self._status = Text(message.error, style="red")
        else:
            self.show_predictions(message.predictions)
            return
        self._draw()

    def show_predictions(self, predictions: Predictions) -> None:
        """Show predictions read (or recorded) for the run."""
        self.predictions = predictions
        frame = {"validation": "validation rows", "test": "test digits", "training": "training rows"}
        what = frame.get(predictions.scored_on, predictions.scored_on)
        some = "all" if len(predictions.rows) == predictions.total else f"the first {len(predictions.rows):,} of"
        self._status = Text(f"{predictions.run_id} on {some} {predictions.total:,} {what}.")
        if predictions.kind == "multinomial" and self.lab is not None and self.lab.ready:
            self._digit_worker(self.lab, predictions.scored_on, 0)  # the pad starts with the first digit
        self._draw()

    # -- drawing ------------------------------------------------------------------------------
    def _draw(self) -> None:
        found = self.predictions
        self.status.update(self._status)
        self.lesson.display = self.table.display = found is not None
        cars = found is not None and "name" in found.columns
        self.form.display = self.answer.display = cars
        pad = self.pad
        pad.display = found is not None and found.kind == "multinomial" and self.run is not None
        if pad.display and self.run is not None:
            pad.show(self.run, self.lab)
        chart = self.chart
        chart.display = found is not None and found.kind == "regression"
        if found is None:
            return
        self.lesson.update(LESSON if cars else DIGITS_LESSON)
        shown = [c for c in SHOWN.get(found.kind, ("actual", "predicted")) if c in found.columns]
        headers = [("car" if c == "name" else "p(yes)" if c == "p1" else c, c) for c in shown]
        rows = [[_cell(row[found.columns.index(c)], c) for c in shown] for row in found.rows]
        if found.kind == "multinomial":  # how sure: the probability of the digit it chose
            headers.append(("sure", "sure"))
            for cells, row in zip(rows, found.rows):
                chosen = f"p{_cell(row[found.columns.index('predicted')])}"
                sure = row[found.columns.index(chosen)] if chosen in found.columns else None
                cells.append(_cell(sure))
            # The digits are the frame's first rows, in order: the same numbers as the digit browser's.
            headers.insert(0, ("row", "row"))
            for index, cells in enumerate(rows):
                cells.insert(0, fmt.row_number(index))
        self.table.set_data(headers, rows)
        if chart.display:
            chart.draw(found.residuals())
        if cars and found.rows:
            self._fill_form(0)

    def _fill_form(self, index: int) -> None:
        found = self.predictions
        if found is None or not 0 <= index < len(found.rows):
            return
        row = dict(zip(found.columns, found.rows[index]))
        self._filled = index
        with self.prevent(Input.Changed):
            for name in ("displacement", "power", "weight", "acceleration", "year"):
                value = row.get(name)
                self.fields[name].value = "" if value is None else f"{value:g}"
        self.answer.update(  # filled from the table: the tab stays where the learner reads
            Text.assemble(
                (str(row.get("name", "")), "bold"),
                f": true {_cell(row.get('actual'))}, the model says {_cell(row.get('predicted'))}. "
                "Change a value and the model is asked again.",
            )
        )

    @on(DataTable.RowSelected, "#pred-table")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        """Enter on an MNIST row: that test digit goes on the drawing pad."""
        event.stop()
        found, lab = self.predictions, self.lab
        if found is not None and found.kind == "multinomial" and lab is not None and lab.ready:
            self._digit_worker(lab, found.scored_on, event.cursor_row)

    @work(thread=True, exclusive=True, group="pad-digit", exit_on_error=False)
    def _digit_worker(self, lab, which: str, row: int) -> None:
        try:
            digits = lab.digits("train" if which == "training" else "test", [row])
        except LabError:
            return
        if digits:
            self.app.call_from_thread(self.pad.load, digits[0].pixels, row)

    @on(DataTable.RowHighlighted, "#pred-table")
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        """Another row: its car goes in the form. The row already there (highlighted late, as the table fills) leaves
        what the learner typed alone."""
        event.stop()
        if event.cursor_row != self._filled:
            self._fill_form(event.cursor_row)

    # -- the learner's own car ----------------------------------------------------------------
    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        """A value changed: ask the model again once the typing pauses."""
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(ASK_AFTER, self._ask)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._ask()

    def _ask(self) -> None:
        found, run, lab = self.predictions, self.run, self.lab
        if found is None or run is None or lab is None or not lab.ready:
            return
        values: dict[str, float] = {}
        for name in ("displacement", "power", "weight", "acceleration", "year"):
            text = self.fields[name].value.strip()
            try:
                values[name] = float(text)
            except ValueError:
                self._say(Text(f"{name}: '{text}' is not a number.", style="red"))
                self.fields[name].focus()
                return
        self._say(Text("Asking the model…", style="italic"))
        self._score_worker(run, lab, values, found.ranges)

    @work(thread=True, exclusive=True, group="score-row", exit_on_error=False)
    def _score_worker(self, run: Run, lab, values: dict[str, float], ranges) -> None:
        try:
            self.post_message(RowScored(run.run_id, lab.score_row(run, values, ranges)))
        except LabError as exc:
            self.post_message(RowScored(run.run_id, None, exc.message))

    @on(RowScored)
    def _scored(self, message: RowScored) -> None:
        message.stop()
        if message.score is None:
            self._say(Text(message.error, style="red"))
            return
        self.show_score(message.score)

    def show_score(self, score: RowScore) -> None:
        """The model's answer for the learner's car, after its notes on values outside the training range.

        The notes come first: an answer for a car unlike any the model saw is read with them, not above them.
        """
        text = Text()
        for name, note in score.notes.items():
            text.append(f"⚠ {name} {note}\n", style="yellow")
        text.append("The model says ", style="bold")
        text.append(_cell(score.predicted), style="bold cyan")
        if self.predictions is not None:
            text.append(f" for {self.predictions.response}")
        if score.probabilities:
            shares = ", ".join(f"{label}: {p:.3f}" for label, p in score.probabilities.items())
            text.append(f" (probabilities {shares})")
        self._say(text)

    def _say(self, text: Text) -> None:
        """A new answer line, brought into view once laid out (at 80x24 it is below the tab's bottom edge)."""
        self.answer.update(text)
        if self.answer.is_mounted:
            self.answer.call_after_refresh(self.answer.scroll_visible, animate=False)


def _cell(value, column: str = "") -> str:
    if value is None:
        return "-"
    if column == "name" and len(str(value)) > NAME_WIDTH:
        return str(value)[: NAME_WIDTH - 1] + "…"
    if isinstance(value, float):
        return fmt.number(value)
    return str(value)
