"""A sweep's live leaderboard, and the chart of its metric against the swept values (a line, or a heat map)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from tui.lab.fmt import shared_decimals
from tui.lab.sweep import HIGHER_IS_BETTER, metric_value, ranked, show_value
from tui.lab.sweep_runner import SWEEP_CANCELLED, SWEEP_DONE, SWEEP_RUNNING, SweepState
from tui.lab.training import Run
from widgets.chart import fit
from widgets.plot import LabPlot

SHADES = "█▓▒░·"  # best to worst: a heat map that reads without colour
FIXED = {"#": 3, "run": 6, "time": 6}  # widths that hold any row (other columns fit their values)


def shade(rank: int, count: int) -> str:
    """The shade of the model at ``rank`` (0 is the best) of ``count``: the best gets █, the worst ·, the rest
    spread between them."""
    if count <= 1 or rank <= 0:
        return SHADES[0]
    return SHADES[round(rank * (len(SHADES) - 1) / (count - 1))]


def status_text(state: SweepState) -> Text:
    """One line: where the sweep is, in words and marks that do not need colour."""
    done, total = len(state.runs), state.plan.count
    seconds = f"{state.elapsed:.0f} s"
    if state.status == SWEEP_RUNNING:
        doing = f"training model {min(done + 1, total)} of {total}" if state.job_key else "getting the frames ready"
        doing = "cancelling…" if state.cancelling else doing
        return Text(f"▶ {state.sweep_id}: {done} of {total} models done · {doing} · {seconds}", style="bold")
    if state.status == SWEEP_DONE:
        return Text(f"✓ {state.sweep_id} done: {done} of {total} models in {seconds}", style="bold green")
    if state.status == SWEEP_CANCELLED:
        return Text(
            f"■ {state.sweep_id} cancelled after {done} of {total} models ({seconds}); the finished ones are kept",
            style="bold yellow",
        )
    return Text(f"✗ {state.sweep_id} {state.status}: {state.error or 'no reason given'}", style="bold red")


def _combo(run: Run, names: list[str]) -> dict:
    return {n: run.spec.params.get(n) for n in names}


class MetricChart(LabPlot):
    """The metric of each finished model against its value of the swept parameter (equally spaced values)."""

    EMPTY = "No sweep yet: each model's score comes here."

    DEFAULT_CSS = """
    MetricChart {
        height: 1fr;
        min-height: 8;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="sweep-metric-chart")
        self._args: tuple[SweepState, str] | None = None

    def on_mount(self) -> None:
        """The first drawing (LabPlot.on_mount, run before this, chose the colours)."""
        self._draw()

    def on_resize(self) -> None:
        """Redraw at the new width."""
        self._draw()

    def show(self, state: SweepState, metric: str) -> None:
        """Draw the sweep's models by ``metric``."""
        self._args = (state, metric)
        self._draw()

    def _draw(self) -> None:
        if self._args is None:
            self.say(self.EMPTY)
            return
        state, metric = self._args
        axis = state.plan.axes[0]
        points = []
        for index, value in enumerate(axis.values):
            run = next((r for r in state.runs if _combo(r, [axis.name]) == {axis.name: value}), None)
            got = metric_value(run, metric)[0] if run is not None else None
            if got is not None:
                points.append((float(index), got))
        which = metric_value(state.runs[0], metric)[1] if state.runs else "validation"
        if not points:
            self.say(f"No model has finished yet: each one's {which} {metric} by {axis.name} comes here.")
            return
        plt = self.start()
        title = f"{which} {metric} by {axis.name}"
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        plt.plot(xs, ys, marker="braille")
        best = max(points, key=lambda p: p[1]) if metric in HIGHER_IS_BETTER else min(points, key=lambda p: p[1])
        plt.scatter([best[0]], [best[1]], marker="◆")
        title += " · ◆ best"
        plt.xticks(list(range(len(axis.values))), [show_value(v) for v in axis.values])
        plt.xlim(-0.3, len(axis.values) - 0.7)
        plt.title(fit(self.size.width, title, f"{metric} by {axis.name}"))
        self.refresh()


def heat_map(state: SweepState, metric: str) -> Group:
    """Two parameters: a table of the metric, rows the first parameter's values, columns the second's; a shade by
    rank, █ on the best and · on the worst, and * on the best, so that it reads without colour."""
    first, second = state.plan.axes[0], state.plan.axes[1]
    values = {}
    for run in state.runs:
        got = metric_value(run, metric)[0]
        if got is not None:
            values[(show_value(run.spec.params.get(first.name)), show_value(run.spec.params.get(second.name)))] = got
    order = sorted(values.values(), reverse=metric in HIGHER_IS_BETTER)
    which = metric_value(state.runs[0], metric)[1] if state.runs else "validation"
    decimals = shared_decimals(list(values.values()))
    table = Table(box=None, padding=(0, 1))
    table.add_column(first.name, style="bold")
    used: set[str] = set()  # the shades drawn, for the key
    for value in second.values:
        table.add_column(show_value(value), justify="right")
    for row in first.values:
        cells: list[str | Text] = [show_value(row)]
        for col in second.values:
            got = values.get((show_value(row), show_value(col)))
            if got is None:
                cells.append(Text("…", style="dim"))
                continue
            rank = order.index(got)
            mark = shade(rank, len(order))
            used.add(mark)
            best = "*" if rank == 0 else " "
            cells.append(Text(f"{best}{mark}{mark} {got:.{decimals}f}", style="bold" if rank == 0 else ""))
        table.add_row(*cells)
    if len(used) > 1:
        shades = f"shades by rank: {' '.join(sorted(used, key=SHADES.index))}, best to worst; * marks the best"
    elif used:
        shades = "* █ marks the best model; the others get lighter shades, · the worst"
    else:
        shades = "… a model not finished yet; then shades by rank, █ the best to · the worst"
    key = Text(f"{which} {metric} · rows: {first.name} · columns: {second.name}\n{shades}", style="italic")
    return Group(key, table)


class SweepBoard(Vertical):
    """The status line, the leaderboard (best first) and the metric's chart; call :meth:`show` with each news."""

    DEFAULT_CSS = """
    SweepBoard {
        height: 1fr;
    }
    SweepBoard #sweep-status {
        height: auto;
        padding: 0 1;
    }
    SweepBoard DataTable {
        height: auto;
        max-height: 8;
    }
    SweepBoard #sweep-heat {
        height: auto;
        padding: 1 1 0 1;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="sweep-board")
        self.state: SweepState | None = None
        self.metric = "MSE"
        self.order: list[str] = []  # run ids, best first
        self._columns: tuple[str, ...] = ()
        # Held, so that news drawn while the board mounts (or after it left) has its parts to draw into.
        self.status = Static("No sweep yet: choose the values on the Setup tab and press t.", id="sweep-status")
        self.table: DataTable = DataTable(id="sweep-table", cursor_type="row", zebra_stripes=False)
        self.chart = MetricChart()
        self.heat = Static("", id="sweep-heat")
        self.heat.display = False  # the line chart until a sweep of two parameters comes

    def compose(self) -> ComposeResult:
        """The status, the table, the line chart and the heat map (one of the two is shown)."""
        yield from (self.status, self.table, self.chart, self.heat)

    def show(self, state: SweepState, metric: str) -> None:
        """Draw a sweep's latest news, sorted by ``metric``."""
        self.state, self.metric = state, metric
        self.status.update(status_text(state))
        self._table(state, metric)
        two = len(state.plan.axes) == 2
        chart, heat = self.chart, self.heat
        chart.display, heat.display = not two, two
        if two:
            heat.update(heat_map(state, metric))
        else:
            chart.show(state, metric)

    def _table(self, state: SweepState, metric: str) -> None:
        table = self.table
        runs = ranked(state.runs, metric)
        which = metric_value(runs[0], metric)[1] if runs else "validation"
        columns = ("#", "run", *state.plan.names, f"{metric} ({which[:5]})", "trained", "time")
        if columns != self._columns:
            table.clear(columns=True)
            for name in columns:
                table.add_column(name, width=FIXED.get(name))
            self._columns = columns
        else:
            table.clear()
        scores = [metric_value(run, metric)[0] for run in runs]
        decimals = shared_decimals([got for got in scores if got is not None])
        for place, (run, got) in enumerate(zip(runs, scores), start=1):
            table.add_row(
                f"{place}{' ★' if place == 1 else ''}",
                run.run_id,
                *(show_value(run.spec.params.get(n)) for n in state.plan.names),
                f"{got:.{decimals}f}" if got is not None else "-",
                f"{run.epochs_done:.3g} ep",
                f"{run.elapsed:.1f} s",
                key=run.run_id,
            )
        self.order = [r.run_id for r in runs]

    def selected(self) -> Run | None:
        """The run on the leaderboard's highlighted row."""
        if self.state is None or not self.order:
            return None
        table = self.table
        row = max(0, min(table.cursor_row, len(self.order) - 1))
        return next((r for r in self.state.runs if r.run_id == self.order[row]), None)


def curves(
    state: SweepState, metric_key: str
) -> tuple[str, list[str], list[tuple[list[str], list[float], list[float]]]]:
    """Each finished model's curve for the overlaid chart, with what its key says of it (the run, then its value of
    each swept parameter, under the headers given second); and, first, which rows the curves score.

    Validation where the model had a validation frame (as the leaderboard ranks them), else training: the first
    value says which, ``"validation"``, ``"training"`` or (both kinds in one sweep) ``"validation or training"``.
    """
    series = []
    kinds = set()
    column = "rmse" if metric_key == "mse" else metric_key
    for run in state.runs:
        which = "validation" if run.history.has(f"validation_{column}") else "training"
        kinds.add(which)
        xs, ys = run.history.series(metric_key, which)
        cells = [run.run_id, *(show_value(run.spec.params.get(n)) for n in state.plan.names)]
        series.append((cells, xs, ys))
    said = kinds.pop() if len(kinds) == 1 else "validation or training"
    return said, ["run", *state.plan.names], series
