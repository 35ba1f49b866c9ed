"""Esc leaves the threshold explorer (step 12) for the step list, also when another key follows it in one burst."""

from __future__ import annotations

from tests import replay
from tests.waiting import burst, until


def _explorer(app):
    from widgets.threshold import ThresholdExplorer

    return app.lab_screen.view(12).query_one(ThresholdExplorer)


async def test_esc_leaves_the_threshold_explorer():
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.evaluated(pilot)
        explorer = _explorer(app)
        explorer.focus()
        await pilot.pause()
        await pilot.press("escape")
        await until(pilot, lambda: app.focused is app.lab_screen.query_one("#steps"), what="the step list's focus")


async def test_a_key_typed_with_the_esc_that_leaves_the_explorer_does_not_move_it():
    """Esc then c in one burst: the c comes after the explorer was left, so the explorer stays at its row."""
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.evaluated(pilot)
        explorer = _explorer(app)
        explorer.focus()
        await pilot.pause()
        start = explorer.index
        burst(app, "escape", "c")
        await until(pilot, lambda: app.focused is app.lab_screen.query_one("#steps"), what="the step list's focus")
        await pilot.pause(0.3)
        assert explorer.index == start, f"the c typed after Esc moved the explorer ({start} -> {explorer.index})"
