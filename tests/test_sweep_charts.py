"""The scoring charts at 80x24: one diverged model does not flatten the others' curves (its curve is drawn clipped
and the chart says so), and a chart with nothing to draw says so in words instead of drawing empty axes.

The healthy curves are a sweep and runs recorded on a real cluster (tests/fixtures). H2O stops a step-4 model at
rate 0.05 as numerically unstable before it scores (tests/fixtures/unstable_job.json), so the diverged model's
history is a recorded one whose RMSE grows from its first score to about 30 (MSE near 1e3), as a model that blows
up without being stopped scores.
"""

from __future__ import annotations

import copy
import re

from tests import replay
from tests.waiting import until
from tui.lab.data import frames_key
from tui.lab.steps import step
from tui.lab.sweep_runner import SweepState, state_from_dict
from tui.lab.training import Run

SIZE = (80, 24)
# A y tick label at the left of the plot's canvas: "0.40┤" or "1,000 ┤".
TICK = re.compile(r"^\s*(-?[\d.,]+(?:e[-+]?\d+)?)\s*┤")
# A row of the canvas: what lies right of the tick labels and the y axis.
CANVAS = re.compile(r"^[\s\d.,e+-]*[┤│](.*)$")


def diverged(recorded: Run, run_id: str) -> Run:
    """``recorded``, as a model trained at rate 0.05 without adaptive rate whose scores blow up."""
    run = copy.deepcopy(recorded)
    run.run_id = run_id
    run.spec.params = {**run.spec.params, "rate": 0.05, "adaptive_rate": False}
    columns = run.history.columns
    epochs = columns.index("epochs")
    scored = [row for row in run.history.rows if row[columns.index("training_rmse")] is not None]
    last = max(row[epochs] for row in scored)
    for row in scored:
        growth = 50.0 ** (row[epochs] / last)
        for name in ("training_rmse", "validation_rmse"):
            if name in columns and row[columns.index(name)] is not None:
                row[columns.index(name)] *= growth
    return run


def text(chart) -> list[str]:
    """The chart's lines as drawn."""
    from textual.geometry import Region

    return [strip.text for strip in chart.render_lines(Region(0, 0, chart.size.width, chart.size.height))]


def y_ticks(lines: list[str]) -> list[float]:
    return [float(m.group(1).replace(",", "")) for line in lines if (m := TICK.match(line))]


def rows_with(lines: list[str], chars: set[str]) -> int:
    """How many rows of the canvas (right of the tick labels) hold one of ``chars``."""
    canvas = [m.group(1) for line in lines if (m := CANVAS.match(line))]
    return sum(1 for line in canvas if chars & set(line))


def braille() -> set[str]:
    return {chr(code) for code in range(0x2801, 0x2900)}


async def _curves(pilot, state: SweepState | None) -> None:
    """Step 4's sweep screen (with ``state``, a sweep's news) on its Curves tab."""
    await replay.loaded(pilot)
    app = pilot.app
    spec = step(4).spec()
    app.lab.speeds.remember(spec, 4000.0)  # as a finished run of the step would have measured it
    app.lab.data._sizes[frames_key(spec)] = [317, 89]
    app.show_step(4)
    await replay.drawn(pilot)
    app.sweep_state = state
    await pilot.press("s")
    await pilot.pause()
    # A sweep's news opens the Leaderboard; no sweep, the Setup.
    await pilot.press(*["right_square_bracket"] * (1 if state is not None else 2))
    await replay.drawn(pilot)


def _recorded_sweep() -> SweepState:
    return state_from_dict(replay.fixture("sweep_step4.json"))


async def test_a_diverged_model_on_the_sweep_curves_is_clipped_and_named():
    from widgets.chart_key import CurvesView

    app = replay.replay_app()
    async with app.run_test(size=SIZE) as pilot:
        state = _recorded_sweep()
        state.runs.append(diverged(state.runs[-1], "run-9"))
        await _curves(pilot, state)
        view = app.screen.query_one(CurvesView)
        lines = text(view.chart)
        joined = "\n".join(lines)
        assert "run-9 off scale" in joined, joined
        ticks = y_ticks(lines)
        assert ticks and max(ticks) < 10, (ticks, joined)
        # The healthy models' curves (dots, x, +, o) spread over the plot, not squeezed into its bottom row.
        for chars in (braille(), {"x"}, {"+"}, {"o"}):
            assert rows_with(lines, chars) >= 3, (chars, joined)
        # The diverged one is drawn, along the top.
        assert rows_with(lines, {"*"}) >= 1, joined


async def test_the_sweep_curves_without_a_diverged_model_have_no_cap():
    from widgets.chart_key import CurvesView

    app = replay.replay_app()
    async with app.run_test(size=SIZE) as pilot:
        await _curves(pilot, _recorded_sweep())
        joined = "\n".join(text(app.screen.query_one(CurvesView).chart))
        assert "off scale" not in joined, joined


async def test_a_diverged_run_in_the_all_runs_comparison_is_clipped_and_named():
    from widgets.chart import ScoringChart

    app = replay.replay_app()
    async with app.run_test(size=SIZE) as pilot:
        await replay.loaded(pilot)
        good = replay.run(4)
        bad = diverged(good, "run-9")
        for recorded in (good, bad):
            replay.replayed_run(app, recorded)
        app.show_step(99)
        await until(pilot, lambda: app._view_number(99) is not None, what="the runs page")
        view = app.lab_screen.view(99)
        table = view.query_one("#runs-table")
        await until(pilot, lambda: all(r in table.rows for r in ("run-4", "run-9")), what="both runs")
        for run_id in ("run-4", "run-9"):
            table.move_cursor(row=table.get_row_index(run_id))
            view.action_mark()
        app.clear_notifications()
        await replay.settle(pilot)
        chart = view.query_one("#compare-chart", ScoringChart)
        chart.scroll_visible(animate=False)
        await replay.settle(pilot)
        lines = text(chart)
        joined = "\n".join(lines)
        assert "run-9 off scale" in joined, joined
        ticks = y_ticks(lines)
        assert ticks and max(ticks) < 10, (ticks, joined)
        assert rows_with(lines, braille()) >= 3, joined


def _no_axes(lines: list[str]) -> None:
    joined = "\n".join(lines)
    assert not y_ticks(lines), joined
    assert not set("┤┬┼└┘┌┐│─") & set(joined), joined


async def test_an_empty_sweep_curves_chart_says_so_in_one_line():
    from widgets.chart_key import CurvesView
    from widgets.sweep_board import MetricChart

    app = replay.replay_app()
    async with app.run_test(size=SIZE) as pilot:
        await _curves(pilot, None)
        lines = text(app.screen.query_one(CurvesView).chart)
        _no_axes(lines)
        said = [line.strip() for line in lines if line.strip()]
        assert len(said) == 1 and said[0].startswith("No model has finished yet"), said
        await pilot.press("left_square_bracket")
        await replay.drawn(pilot)
        lines = text(app.screen.query_one(MetricChart))
        _no_axes(lines)
        assert [line.strip() for line in lines if line.strip()], lines


async def test_an_empty_training_chart_says_so_in_one_line():
    from widgets.chart import ScoringChart

    app = replay.replay_app()
    async with app.run_test(size=SIZE) as pilot:
        await replay.loaded(pilot)
        app.show_step(4)
        await replay.drawn(pilot)
        view = app.lab_screen.view(4)
        view.show_tab("run-pane")
        await replay.drawn(pilot)
        lines = text(view.query_one("#run-chart", ScoringChart))
        _no_axes(lines)
        said = [line.strip() for line in lines if line.strip()]
        assert len(said) == 1 and said[0].startswith("No scores yet"), said


async def test_a_comparison_of_runs_without_scores_says_so_in_one_line():
    from widgets.chart import ScoringChart

    app = replay.replay_app()
    async with app.run_test(size=SIZE) as pilot:
        await replay.loaded(pilot)
        app.show_step(4)
        await replay.drawn(pilot)
        view = app.lab_screen.view(4)
        view.show_tab("run-pane")
        await replay.drawn(pilot)
        chart = view.query_one("#run-chart", ScoringChart)
        chart.compare("Validation MSE by epoch", [("run-1", [], []), ("run-2", [], [])], "validation MSE")
        await pilot.pause()
        lines = text(chart)
        _no_axes(lines)
        assert len([line for line in lines if line.strip()]) == 1, lines


def test_no_recorded_pair_of_healthy_runs_is_capped():
    """Every pair of runs recorded on a real cluster (their scores differ by epochs, dropout, data set), by every
    metric both kept: none is called off scale, so a chart of healthy runs stays as it was."""
    import itertools

    from widgets.scale import cap

    runs = [replay.run(n) for n in (3, 4, 5, 9, 11, 12)]
    for number in (4, 5):
        runs += state_from_dict(replay.fixture(f"sweep_step{number}.json")).runs
    checked = 0
    for a, b in itertools.combinations(runs, 2):
        for metric in set(a.history.available_metrics()) & set(b.history.available_metrics()):
            for which in ("training", "validation"):
                curves = [(r.run_id, r.history.series(metric, which)[1]) for r in (a, b)]
                if all(ys for _, ys in curves):
                    checked += 1
                    assert cap(curves) == (None, []), (a.run_id, b.run_id, metric, which)
    assert checked > 50


def test_a_cap_is_the_highest_point_of_the_runs_on_scale():
    from widgets.scale import cap, clip

    good = replay.run(4)
    bad = diverged(good, "run-9")
    curves = [(r.run_id, r.history.series("mse", "validation")[1]) for r in (good, bad)]
    top, off = cap(curves)
    assert off == ["run-9"]
    assert top == max(curves[0][1])
    assert max(clip(curves[1][1], top)) == top
