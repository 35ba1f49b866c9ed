"""Every run of the session in one table; two of them side by side."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from screens.base import StepView
from tui.lab import fmt, kinds
from tui.lab.carry import changes, shown_value
from tui.lab.params import differences
from tui.lab.training import CHART_METRICS, Run
from widgets.chart import ScoringChart
from widgets.paged_table import PagedTable

STATUS_MARK = {
    "done": "done",
    "running": "running…",
    "cancelled": "cancelled",
    "failed": "failed",
    "interrupted": "interrupted",
}


RUN_COLUMNS = [
    ("✓", "mark"),
    ("run", "run"),
    ("step", "step"),
    ("metric", "metric"),
    ("train", "train"),
    ("valid", "valid"),
    ("status", "status"),
    ("epochs", "epochs"),
    ("time", "time"),
    ("changes from the step", "changes"),
]


def _rows(run: Run) -> str:
    return f"first {run.spec.sample_rows:,}" if run.spec.sample_rows else "all"


def _key(run: Run, which: str) -> str:
    """The run's key metric for its kind (MSE, AUC, accuracy) on the training or validation rows."""
    return kinds.shown(kinds.key_metric(run), kinds.value(run, kinds.key_metric(run), which))


NO_RUNS = "No runs yet: the models trained on steps 3 to 9, 11 and 12, and by sweeps, come here."


class RunsView(StepView):
    """Every run, this session's and earlier ones': a table, the changes, a comparison of two."""

    STEP_ACTIONS = frozenset({"mark", "load", "reload", "chart_metric"})
    DEFAULT_CSS = """
    RunsView #runs-table {
        height: auto;
        max-height: 14;
        margin: 0 1;
    }
    RunsView #compare {
        height: auto;
        display: none;
    }
    RunsView #compare.shown {
        display: block;
    }
    RunsView #compare-title {
        height: auto;
        padding: 1 1 0 1;
        text-style: bold;
    }
    RunsView #compare-params {
        height: auto;
        max-height: 12;
        margin: 0 1;
    }
    RunsView #compare-chart {
        height: 14;
        margin: 1 1 0 1;
    }
    RunsView #runs-detail {
        height: auto;
        padding: 0 1;
    }
    RunsView #runs-empty {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(self, step) -> None:
        super().__init__(step)
        self.runs: list[Run] = []
        self.marked: list[str] = []
        self._chart_pair: tuple[Run, Run] | None = None  # the two runs compared
        self._chart_index = 0  # which of their shared metrics the chart shows (m)

    def compose(self) -> ComposeResult:
        """The lesson, the empty note, the runs table, the detail line, then the comparison of two runs."""
        with VerticalScroll():
            yield from self.compose_intro()
            yield Static("Reading the runs…", id="runs-empty")  # until the table is filled: then "no runs", if so
            yield PagedTable(id="runs-table", fixed=2, cursor_type="row", zebra_stripes=True)
            yield Static(id="runs-detail")
            with Vertical(id="compare"):
                yield Static(id="compare-title")
                yield DataTable(id="compare-params", cursor_type="row", zebra_stripes=True)
                yield ScoringChart(id="compare-chart")

    def on_show_step(self) -> None:
        """Coming to the page puts the focus on the runs table, if it has runs."""
        if self.runs:
            self.call_after_refresh(self.query_one("#runs-table", DataTable).focus)

    def _earlier(self, run: Run) -> bool:
        return any(r.run_id == run.run_id for r in self.lab_app.lab.past_runs)

    def check_step_action(self, action: str) -> bool:
        """space and l need a run under the cursor; o an earlier session's saved model this cluster lacks."""
        if not super().check_step_action(action):
            return False
        run = self.selected
        if action == "chart_metric":
            return self._chart_pair is not None
        if action == "reload":
            lab = self.lab_app.lab
            return run is not None and run.run_id in lab.model_paths and lab.ready and not lab.has_model(run)
        return run is not None

    def why_not(self, action: str) -> str | None:
        """The word for space, l, m or o pressed when it does not apply."""
        run = self.selected
        if action == "chart_metric":
            return "Mark two runs with space first: m changes the metric of their comparison's chart."
        if run is None:
            return "No run in the table yet: train one on a step first."
        if action != "reload":
            return None
        lab = self.lab_app.lab
        if run.run_id not in lab.model_paths:
            return f"{run.run_id} has no model saved by an earlier session: o loads such a model."
        if not lab.ready:
            return "The cluster is not ready yet: o loads the model once it is."
        return f"{run.run_id}'s model is already in this cluster."

    def action_reload(self) -> None:
        """Load the selected earlier run's saved model into this cluster (o)."""
        run = self.selected
        if run is not None:
            self.lab_app.reload_run(run)

    @property
    def selected(self) -> Run | None:
        """The run under the table's cursor, if any."""
        table = self.query_one("#runs-table", DataTable)
        if not self.runs or table.cursor_row is None or table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        except Exception:
            return None
        return next((r for r in self.runs if r.run_id == key), None)

    def show_runs(self, runs: list[Run]) -> None:
        """Refill the table with these runs by their number, keeping the cursor and the marks that still apply."""
        self.runs = sorted(
            runs, key=lambda r: int(r.run_id.rsplit("-", 1)[-1]) if r.run_id.rsplit("-", 1)[-1].isdigit() else 0
        )
        self.marked = [m for m in self.marked if any(r.run_id == m for r in self.runs)]
        table = self.query_one("#runs-table", PagedTable)
        cursor = table.cursor_row
        rows = [
            [
                "✓" if run.run_id in self.marked else "",
                run.run_id,
                str(run.spec.step),
                kinds.LABELS[kinds.key_metric(run)],
                _key(run, "training"),
                _key(run, "validation"),
                STATUS_MARK.get(run.status, run.status) + (" ·earlier" if self._earlier(run) else ""),
                fmt.number(run.epochs_done) if run.history.rows else "-",
                fmt.duration(run.elapsed),
                changes(run),
            ]
            for run in self.runs
        ]
        table.set_data(RUN_COLUMNS, rows, keys=[run.run_id for run in self.runs])
        if cursor is not None and self.runs:
            table.move_cursor(row=min(cursor, len(self.runs) - 1))
        empty = self.query_one("#runs-empty", Static)
        empty.update(NO_RUNS)
        empty.display = not self.runs
        self._show_detail()
        self._show_comparison()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Moving the cursor in the runs table shows that run's detail."""
        if event.data_table.id == "runs-table":
            self._show_detail()

    def _show_detail(self) -> None:
        """What the table's cursor row changed, in full, whatever the terminal's width."""
        run = self.selected
        detail = self.query_one("#runs-detail", Static)
        if run is None:
            detail.update("")
            return
        text = Text.assemble((f"{run.run_id}", "bold"), f" (step {run.spec.step}): ", changes(run))
        text.append(f" · {run.model_id}", style="dim")
        for which in ("training", "validation", "cross-validation"):
            line = kinds.metrics_line(run, which)
            if line:
                text.append(f"\n{which} ({kinds.kind_of(run)}): ", style="bold")
                text.append(line)
        if self._earlier(run):
            saved = run.run_id in self.lab_app.lab.model_paths
            text.append(
                "\nfrom an earlier session: o loads its saved model into this cluster"
                if saved
                else "\nfrom an earlier session; no model was saved (it did not finish)",
                style="yellow",
            )
        text.append(
            "\nspace marks it for comparison · l loads it into its step's form · Enter opens its results", style="dim"
        )
        detail.update(text)

    def action_mark(self) -> None:
        """space: mark the run under the cursor for comparison, or unmark it; the last two marked are compared."""
        run = self.selected
        if run is None:
            return
        if run.run_id in self.marked:
            self.marked.remove(run.run_id)
        else:
            self.marked.append(run.run_id)
            self.marked = self.marked[-2:]
        self.show_runs(self.runs)

    def action_load(self) -> None:
        """l: load the run under the cursor into its step's form."""
        run = self.selected
        if run is not None:
            self.lab_app.load_run(run)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a run in the table opens its results."""
        if event.data_table.id != "runs-table":
            return
        event.stop()
        run = next((r for r in self.runs if r.run_id == event.row_key.value), None)
        if run is not None:
            self.lab_app.open_run(run)

    def _show_comparison(self) -> None:
        box = self.query_one("#compare")
        pair = [r for m in self.marked for r in self.runs if r.run_id == m]
        if len(pair) != 2:
            self._chart_pair = None
            box.set_class(False, "shown")
            if len(self.marked) == 1:
                self.query_one("#runs-empty", Static).update("Mark one more run with space to compare.")
                self.query_one("#runs-empty", Static).display = True
            return
        a, b = pair
        box.set_class(True, "shown")
        title = Text.assemble(("Comparing ", "bold"), (a.run_id, "bold cyan"), " and ", (b.run_id, "bold magenta"))
        self.query_one("#compare-title", Static).update(title)
        table = self.query_one("#compare-params", DataTable)
        table.clear(columns=True)
        table.add_columns("parameter", a.run_id, b.run_id)
        metas = getattr(self.app, "metas", None) or []
        rows = differences(a.spec.params, b.spec.params, {m.name: m.default for m in metas})
        if a.spec.step != b.spec.step:
            table.add_row("step", str(a.spec.step), str(b.spec.step))
        if a.spec.sample_rows != b.spec.sample_rows:
            table.add_row("training rows", _rows(a), _rows(b))
        for name, (va, vb) in rows.items():
            table.add_row(name, shown_value(va), shown_value(vb))
        names = [n for n in kinds.METRICS[kinds.kind_of(a)] if n in kinds.METRICS[kinds.kind_of(b)]]
        for which, short in (("training", "train"), ("validation", "valid"), ("cross-validation", "cv mean")):
            for name in names:
                va, vb = (
                    (kinds.cv_mean(r, name) if which == "cross-validation" else kinds.value(r, name, which))
                    for r in (a, b)
                )
                if va is None and vb is None:
                    continue
                winner = kinds.better(name, va, vb)
                cells = [
                    Text(kinds.shown(name, v), style="bold green" if winner == side else "")
                    for v, side in ((va, -1), (vb, 1))
                ]
                table.add_row(Text(f"{short} {kinds.LABELS[name]}", style="bold"), *cells)
        self._chart_pair = (a, b)
        self._draw_compare_chart()

    def action_chart_metric(self) -> None:
        """m: the comparison's chart shows the next metric both runs recorded."""
        self._chart_index += 1
        self._draw_compare_chart()

    def _draw_compare_chart(self) -> None:
        if self._chart_pair is None:
            return
        a, b = self._chart_pair
        shared = [m for m in a.history.available_metrics() if m in b.history.available_metrics()] or ["mse"]
        metric = shared[self._chart_index % len(shared)]
        column = "rmse" if metric == "mse" else metric
        which = (
            "validation"
            if a.history.has(f"validation_{column}") or b.history.has(f"validation_{column}")
            else "training"
        )
        series = []
        for run in (a, b):
            xs, ys = run.history.series(metric, which)
            series.append((f"{run.run_id} {which} {CHART_METRICS[metric]}", xs, ys))
        more = " (m: another metric)" if len(shared) > 1 else ""
        self.query_one("#compare-chart", ScoringChart).compare(
            f"{which.capitalize()} {CHART_METRICS[metric]} by epoch{more}",
            series,
            f"{which} {CHART_METRICS[metric]}",
            empty=f"No {which} {CHART_METRICS[metric]} yet: neither run has scored.",
        )
