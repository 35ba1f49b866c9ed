"""Pictures of the sweep screen at 80x24 and 120x40: its setup, and the leaderboard with its chart (a line for one
parameter, a heat map for two), from sweeps recorded on a real cluster (tests/fixtures/sweep_step*.json)."""

from __future__ import annotations

import pytest

from tests import replay
from tui.lab.data import frames_key
from tui.lab.steps import step
from tui.lab.sweep_runner import state_from_dict

SIZES = [(80, 24), (120, 40)]
IDS = ["80x24", "120x40"]


@pytest.fixture
def snap_compare(snap_compare):
    """The plugin's comparison, taken once the screen is drawn to its end."""
    return replay.drawn_compare(snap_compare)


async def _step(pilot, number: int) -> None:
    await replay.loaded(pilot)
    app = pilot.app
    spec = step(number).spec()
    app.lab.speeds.remember(spec, 4000.0)  # as a finished run of the step would have measured it
    app.lab.data._sizes[frames_key(spec)] = [317, 89]
    app.show_step(number)
    await replay.drawn(pilot)


async def _sweep(pilot, number: int) -> None:
    await _step(pilot, number)
    pilot.app.sweep_state = state_from_dict(replay.fixture(f"sweep_step{number}.json"))
    await pilot.press("s")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_sweep_setup(snap_compare, size):
    async def before(pilot):
        await _step(pilot, 4)
        await pilot.press("s")
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_sweep_leaderboard_and_chart(snap_compare, size):
    async def before(pilot):
        await _sweep(pilot, 4)

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_sweep_heat_map(snap_compare, size):
    async def before(pilot):
        await _sweep(pilot, 5)

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_sweep_curves(snap_compare, size):
    async def before(pilot):
        await _sweep(pilot, 5)
        await pilot.press("right_square_bracket")
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


def _strips(widget) -> list:
    from textual.geometry import Region

    return widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))


@pytest.mark.parametrize("theme", ["textual-dark", "ansi-dark"])
@pytest.mark.parametrize("size", SIZES, ids=IDS)
@pytest.mark.parametrize("number", [4, 5])
async def test_the_sweep_curves_key_says_which_mark_is_which_run_and_its_values(number, size, theme):
    """Each model's curve has a mark of its own, in the chart and in the key under it, where the key gives the
    model's run and its swept values; on an ANSI theme (no colours) the marks alone tell the curves apart."""
    from tui.lab.sweep import show_value
    from widgets.chart import mark_text
    from widgets.chart_key import CurvesView

    app = replay.replay_app()
    async with app.run_test(size=size) as pilot:
        app.theme = theme
        await _sweep(pilot, number)
        await pilot.press("right_square_bracket")
        await replay.drawn(pilot)
        state = app.screen.state
        view = app.screen.query_one(CurvesView)
        key = [strip.text for strip in _strips(view.key)]
        chart = _strips(view.chart)
        marks = []
        for run in state.runs:
            values = [show_value(run.spec.params[n]) for n in state.plan.names]
            found = [
                (line, at)
                for line in key
                for at in range(len(line))
                if line[at:].startswith(f" {run.run_id} ") and line[at + 1 :].split()[1 : 1 + len(values)] == values
            ]
            assert len(found) == 1, (run.run_id, values, key)
            line, at = found[0]
            marks.append(line[at - 2 : at])
        assert len(set(marks)) == len(marks) == len(state.runs), marks
        for mark, run in zip(marks, state.runs):
            # the curve is drawn with the mark's character, in the key's colour (none on an ANSI theme)
            if mark == mark_text("braille"):
                chars = {chr(code) for code in range(0x2801, 0x2900)}
            else:
                chars = {mark[0]}
            drawn = {
                seg.style.color.triplet
                for line in chart
                for seg in line
                if chars & set(seg.text) and seg.style is not None and seg.style.color is not None
            }
            assert drawn, (mark, run.run_id)
            shown = {seg.style.color for line in _strips(view.key) for seg in line if seg.text.strip() == mark}
            assert len(shown) == 1, (mark, shown)
            if theme.startswith("ansi"):
                assert all(c is None or c.is_default for c in shown), shown
            else:
                assert {c.triplet for c in shown if c is not None} <= drawn, (mark, shown, drawn)


def test_there_is_a_mark_for_each_model_of_the_largest_sweep():
    from tui.lab.sweep import MAX_MODELS
    from widgets.chart import MARKS, mark_text

    assert len({mark_text(m) for m in MARKS}) >= MAX_MODELS


async def test_a_new_sweep_clears_the_last_ones_curves_and_key():
    import dataclasses

    from widgets.chart_key import CurvesView

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _sweep(pilot, 4)
        await pilot.press("right_square_bracket")
        await replay.drawn(pilot)
        screen = app.screen
        view = screen.query_one(CurvesView)
        assert view.scroll.display and view.chart._series
        screen.show_state(dataclasses.replace(screen.state, sweep_id="sweep-2", grid_id="grid-2", runs=[]))
        await pilot.pause()
        assert not view.scroll.display and not view.chart._series
