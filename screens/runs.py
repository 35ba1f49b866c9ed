"""Every run of the session in one table; two of them side by side."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from screens.base import StepView
from tui.lab import fmt
from tui.lab.codegen import py
from tui.lab.params import differences
from tui.lab.steps import BY_NUMBER
from tui.lab.training import Run
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
    ("train MSE", "train"),
    ("valid MSE", "valid"),
    ("status", "status"),
    ("epochs", "epochs"),
    ("time", "time"),
    ("changes from the step", "changes"),
]


def changes(run: Run) -> str:
    """The parameters that differ from the run's step, as ``name=value`` pairs."""
    step = BY_NUMBER.get(run.spec.step)
    preset = step.spec().params if step else {}
    ours = {k: v for k, v in run.spec.params.items() if k != "checkpoint"}
    diff = differences(preset, ours)
    parts = [f"{name}={_value(new)}" if new is not None else f"{name} unset" for name, (_old, new) in diff.items()]
    if run.spec.sample_rows:
        parts.insert(0, f"rows={run.spec.sample_rows:,}")
    if run.checkpoint_of:
        parts.insert(0, f"continues {run.checkpoint_of}")
    return ", ".join(parts) if parts else "step's values"


def _rows(run: Run) -> str:
    return f"first {run.spec.sample_rows:,}" if run.spec.sample_rows else "all"


def _mse(run: Run, which: str) -> str:
    value = run.metric("MSE", which)
    return fmt.number(value) if value is not None else "-"


class RunsView(StepView):
    """Every run, this session's and earlier ones': a table, the changes, a comparison of two."""

    STEP_ACTIONS = frozenset({"mark", "load", "reload"})
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

    def compose(self) -> ComposeResult:
        """The lesson, the empty note, the runs table, the detail line, then the comparison of two runs."""
        with VerticalScroll():
            yield from self.compose_intro()
            yield Static("No runs yet: train a model on steps 3 to 9.", id="runs-empty")
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
        if action == "reload":
            lab = self.lab_app.lab
            return run is not None and run.run_id in lab.model_paths and lab.ready and not lab.has_model(run)
        return run is not None

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
                _mse(run, "training"),
                _mse(run, "validation"),
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
        self.query_one("#runs-empty", Static).display = not self.runs
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
            table.add_row(name, _value(va), _value(vb))
        for label, key in (("train MSE", "training"), ("valid MSE", "validation")):
            table.add_row(Text(label, style="bold"), _mse(a, key), _mse(b, key))
        which = "validation" if a.history.has("validation_rmse") or b.history.has("validation_rmse") else "training"
        series = []
        for run in (a, b):
            xs, ys = run.history.series("mse", which)
            series.append((f"{run.run_id} {which} MSE", xs, ys))
        self.query_one("#compare-chart", ScoringChart).compare(f"{which.capitalize()} MSE by epoch", series)


def _value(value: Any) -> str:
    if value is None:
        return "not set"
    return value if isinstance(value, str) else py(value)
