"""A run the learner stopped, and the next step's form, with the app on the real cluster of the test session."""

from __future__ import annotations

import asyncio

from tests.waiting import rendered, until
from tui.app import make_app
from tui.lab.carry import kept_model
from tui.lab.steps import step
from tui.lab.training import CANCELLED


async def test_a_run_stopped_before_it_had_a_model_is_not_built_on_and_the_form_says_why(lab, cars, monkeypatch):
    # A learner new to steps 4 and 5 (the session's earlier runs and saved forms are not theirs).
    earlier = {r.run_id for r in lab.run_table()}
    every_run = lab.run_table
    monkeypatch.setattr(lab, "run_table", lambda: [r for r in every_run() if r.run_id not in earlier])
    lab.journal.save_state("progress", {})
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.cluster_state == "ready" and app.metas, what="cluster and parameter list")
        app.show_step(5)
        await pilot.pause()
        five = app.lab_screen.view(5)
        await until(pilot, lambda: five.form is not None, what="step 5's form")
        banner = lambda: rendered(five.form.query_one("#form-banner"))  # noqa: E731
        await until(pilot, lambda: "no run of step 4 yet" in banner(), what=lambda: f"the banner: {banner()}")
        walkthrough = dict(five.form.values)

        # A run of step 4 stopped as soon as its job started: H2O had scored nothing, there is no model.
        spec = step(4).spec()
        spec.params.update(epochs=1000, seed=3)
        stopped = await asyncio.to_thread(lab.train, spec, should_cancel=lambda: True)
        assert stopped.status == CANCELLED and not kept_model(stopped), (len(stopped.history), stopped.metrics)
        app.run_updated(stopped)  # its news, as the step's worker brings it
        said = f"your {stopped.run_id} of step 4 was stopped before it had a model, so there is nothing to build on"
        await until(pilot, lambda: said in banner(), what=lambda: f"the banner: {banner()}")
        assert five.form.values == walkthrough and five.form.previous_label == "step 4"

        # Stopped once H2O had scored the model: the next step builds on it, and says it was stopped early.
        seen = []
        spec.params["seed"] = 5
        early = await asyncio.to_thread(
            lab.train, spec, on_update=seen.append, should_cancel=lambda: any(u.epochs_done > 0 for u in seen)
        )
        assert early.status == CANCELLED and kept_model(early), early.error
        app.run_updated(early)
        said = f"Values of your {early.run_id} of step 4 (stopped early), with step 5's changes"
        await until(pilot, lambda: said in banner(), what=lambda: f"the banner: {banner()}")
        assert five.form.values["seed"] == 5 and five.form.previous_label == early.run_id
        assert "stopped before it had a model" not in banner()
