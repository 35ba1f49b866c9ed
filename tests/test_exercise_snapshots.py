"""Pictures of the exercises at 80x24 and 120x40: goals ticked in the step list, a step's goals with a hint, the quiz."""

from __future__ import annotations

import pytest

from tests import replay

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def snap_compare(snap_compare):
    """The plugin's comparison, taken once the screen is drawn to its end."""
    return replay.drawn_compare(snap_compare)


async def _runs_that_reach_goals(pilot) -> None:
    """Step 3's recorded run, then step 4's with a better validation MSE: step 3 has all its goals, step 4 one of two."""
    app = pilot.app
    three = replay.run(3)
    three.metrics["training"]["MSE"] = 0.125
    replay.replayed_run(app, three)
    four = replay.run(4)
    four.metrics["validation"]["MSE"] = 0.0859
    await replay.show_run(pilot, 4, recorded=four)
    app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_goals_ticked_in_the_step_list(snap_compare, size):
    async def before(pilot):
        await _runs_that_reach_goals(pilot)

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_a_steps_goals_with_a_hint(snap_compare, size):
    async def before(pilot):
        await _runs_that_reach_goals(pilot)
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("h")  # the goal marked is the one not reached yet
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


async def _quiz(pilot) -> None:
    await replay.loaded(pilot)
    pilot.app.show_step(13)
    await pilot.pause()  # the choices take the focus: ↑ ↓ and Enter answer
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_a_quiz_question(snap_compare, size):
    async def before(pilot):
        await _quiz(pilot)

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_a_quiz_question_answered_and_explained(snap_compare, size):
    async def before(pilot):
        await _quiz(pilot)
        await pilot.press("enter")  # a): not the right one
        await pilot.pause()
        await pilot.press("enter")  # on to the next question
        await pilot.pause()
        await pilot.press("down", "enter")  # b): not the right one either, explained
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


def test_step_5s_goals_say_what_is_compared(snap_compare):
    """Step 5's goals: a run without dropout does not count; the gap is shown with its sign and what it means."""

    async def before(pilot):
        app = pilot.app
        await replay.loaded(pilot)
        four = replay.run(4)
        four.metrics = {"training": {"MSE": 0.140}, "validation": {"MSE": 0.143}}  # gap +0.003
        replay.replayed_run(app, four)
        five = replay.run(5)
        five.metrics = {"training": {"MSE": 0.12}, "validation": {"MSE": 0.098}}  # gap -0.022, with dropout
        replay.replayed_run(app, five)
        app.show_step(5)
        await pilot.pause()
        app.clear_notifications()
        await pilot.press("g")
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=(80, 24), run_before=before)
