"""On screen: step 6's form starts from the learner's step-5 run and says so, field by field."""

from __future__ import annotations

from tests import replay
from tests.waiting import rendered, until
from tui.lab.steps import step


async def test_step_6_starts_from_the_learners_step_5_run():
    app = replay.replay_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await replay.loaded(pilot)
        five = replay.run(5)
        five.spec.params["hidden_dropout_ratios"] = [0.2, 0.2]
        replay.replayed_run(app, five)
        app.show_step(6)
        await until(pilot, lambda: app._view_number(6) is not None, what="step 6")
        view = app.lab_screen.view(6)
        await until(pilot, lambda: view.form is not None and view.form.field("hidden_dropout_ratios"), what="form")
        form = view.form
        assert form.values["hidden_dropout_ratios"] == [0.2, 0.2]
        assert form.values["mini_batch_size"] == 32
        await until(
            pilot,
            lambda: f"as in {five.run_id}" in rendered(form.field("hidden_dropout_ratios").query_one(".hint")),
            what=lambda: rendered(form.field("hidden_dropout_ratios").query_one(".hint")),
        )
        assert f"Your {five.run_id} of step 5" in rendered(form.query_one("#form-banner"))
        assert "wider" not in step(5).heading  # step 4 had the same 200x200 network
