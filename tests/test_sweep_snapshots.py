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
