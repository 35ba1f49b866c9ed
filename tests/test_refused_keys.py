"""A step key that does not apply now says why, on the screen where it was pressed, instead of doing nothing."""

from __future__ import annotations

from tests import replay
from tests.waiting import notices, until


async def test_k_on_a_cross_validated_run_says_why_it_cannot_continue():
    """The recorded step-9 run was trained with nfolds=3: H2O cannot continue it from its checkpoint."""
    app = replay.replay_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        recorded = replay.run(9)
        assert recorded.spec.params.get("nfolds") == 3
        await replay.show_run(pilot, 9, tab="setup-pane", recorded=recorded)
        view = app.lab_screen.view(9)
        assert not view.check_step_action("continue")
        app.lab_screen.query_one("#steps").focus()
        await pilot.press("k")
        await until(
            pilot,
            lambda: any("cross-validation (nfolds=3)" in n for n in notices(app)),
            what=lambda: f"the reason k does nothing, among {notices(app)}",
            timeout=10,
        )
        assert app.current_step == 9 and view.run is recorded


async def test_k_before_any_run_and_x_with_nothing_training_say_why():
    app = replay.replay_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await replay.loaded(pilot)
        app.show_step(4)
        await until(pilot, lambda: app.lab_screen.view(4).form is not None, what="step 4's form")
        app.lab_screen.query_one("#steps").focus()
        await pilot.press("k")
        await until(pilot, lambda: any("No run" in n for n in notices(app)), what=lambda: str(notices(app)), timeout=10)
        await pilot.press("x")
        await until(
            pilot,
            lambda: any("Nothing is training" in n for n in notices(app)),
            what=lambda: str(notices(app)),
            timeout=10,
        )
        await pilot.press("f")
        await until(pilot, lambda: any("no fix" in n for n in notices(app)), what=lambda: str(notices(app)), timeout=10)


async def test_i_once_the_data_is_in_says_so():
    app = replay.replay_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await replay.loaded(pilot)
        app.show_step(2)
        await pilot.pause()
        app.lab_screen.query_one("#steps").focus()
        await pilot.press("i")
        await until(
            pilot,
            lambda: any("already imported" in n for n in notices(app)),
            what=lambda: str(notices(app)),
            timeout=10,
        )


async def test_a_key_typed_into_a_field_is_only_typed():
    """k in a field of the form is a letter, not the step key: no word about continuing."""
    app = replay.replay_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await replay.loaded(pilot)
        app.show_step(4)
        view = app.lab_screen.view(4)
        await until(pilot, lambda: view.form is not None, what="step 4's form")
        field = view.form.field("epochs").query_one("Input")
        field.focus()
        await pilot.press("k")
        await pilot.pause(0.3)
        assert not any("No run" in n for n in notices(app))
