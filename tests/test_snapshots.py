"""Pictures of every screen at 80x24 and 120x40, from results recorded on a real cluster."""

from __future__ import annotations

import pytest

from tests import replay

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_cluster_screen(snap_compare, size):
    async def before(pilot):
        await replay.ready(pilot)

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_data_screen(snap_compare, size):
    async def before(pilot):
        await replay.loaded(pilot)
        pilot.app.show_step(2)
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_first_network_finished(snap_compare, size):
    async def before(pilot):
        await replay.show_run(pilot, 3)

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_first_network_setup(snap_compare, size):
    async def before(pilot):
        await replay.loaded(pilot)
        pilot.app.show_step(3)
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_cluster_start_failed(snap_compare, size):
    from tui.lab.errors import ClusterError
    from tui.messages import ClusterFailed

    tail = "\n".join(
        [
            "--- /home/learner/.local/state/h2o-lab/logs/h2o-20261128-101500-4242.err.log",
            "Invalid maximum heap size: -Xmx99999t",
            "Error: Could not create the Java Virtual Machine.",
            "Error: A fatal exception has occurred. Program will exit.",
        ]
    )

    async def before(pilot):
        error = ClusterError(
            "The H2O engine stopped during start-up (exit code 1).",
            hint="Java could not get the memory it asked for. Try a smaller heap, for example --max-mem 1g.",
        )
        pilot.app.post_message(ClusterFailed(error, tail))
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)
