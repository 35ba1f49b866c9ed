"""A sweep on one step, then the next step's form, with the app on the real cluster of the test session."""

from __future__ import annotations

from tests.waiting import rendered, until
from tui.app import make_app
from tui.lab.carry import Carry
from tui.lab.steps import step
from tui.lab.sweep import Axis, SweepPlan


async def test_the_next_step_builds_on_the_learners_run_not_the_sweeps_last_model(lab, monkeypatch):
    # A learner new to steps 4 and 5: the session's earlier tests' runs and saved forms are not theirs (a step the
    # learner ran starts from that run, and a saved form wins over both).
    earlier = {r.run_id for r in lab.run_table()}
    every_run = lab.run_table
    monkeypatch.setattr(lab, "run_table", lambda: [r for r in every_run() if r.run_id not in earlier])
    lab.journal.save_state("progress", {})
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.cluster_state == "ready" and app.metas, what="cluster and parameter list")
        app.show_step(4)
        await pilot.pause()
        four = app.lab_screen.view(4)
        await until(pilot, lambda: four.form is not None, what="step 4's form")
        four.load_values({**four.step.spec().params, "epochs": 1, "seed": 7})
        await until(pilot, lambda: four.form.values.get("seed") == 7, what="seed 7 in step 4's form")
        await pilot.press("t")
        await until(pilot, lambda: four.run is not None and four.run.finished, what="step 4's run")
        assert four.run.status == "done", four.run.error
        mine = four.run

        # A sweep of step 4's form over the seed: its last model has seed 12.
        assert app.start_sweep(SweepPlan(four.current_spec(), [Axis("seed", [11, 12])]))
        await until(
            pilot,
            lambda: app.sweep_state is not None and app.sweep_state.finished and not app.sweep_running(),
            what="the sweep to end",
        )
        models = app.sweep_state.runs
        assert [r.spec.params["seed"] for r in models] == [11, 12], app.sweep_state.error
        last = models[-1]
        assert last.sweep and last.started_at > mine.started_at

        # Step 5 starts from the learner's own run of step 4 (seed 7), and says so; the sweep is named, not used.
        app.show_step(5)
        await pilot.pause()
        five = app.lab_screen.view(5)
        await until(pilot, lambda: five.form is not None, what="step 5's form")
        assert five.form.values["seed"] == 7 and five.form.values["epochs"] == 20  # step 5's own epochs
        assert five.form.previous_label == mine.run_id
        banner = lambda: rendered(five.form.query_one("#form-banner"))  # noqa: E731
        await until(
            pilot,
            lambda: f"Values of your {mine.run_id} of step 4, with step 5's changes" in banner(),
            what=lambda: f"the banner: {banner()}",
        )
        assert f"{last.sweep}'s later models count once you load one" in banner()

        # Loaded with l, the sweep's model is step 4's values, and the step after builds on it.
        app.show_step(99)
        await until(pilot, lambda: app._view_number(99) is not None, what="the runs page")
        table = app.lab_screen.view(99).query_one("#runs-table")
        await until(pilot, lambda: last.run_id in table.rows, what="the sweep's model in All runs")
        table.move_cursor(row=table.get_row_index(last.run_id))
        await pilot.press("l")
        await until(pilot, lambda: app.current_step == 4, what=lambda: f"step 4 after l (at {app.current_step})")
        await until(pilot, lambda: four.form.values.get("seed") == 12, what="the sweep model's seed in step 4")
        loaded = rendered(four.form.query_one("#form-banner"))
        assert f"Values of {last.sweep}'s {last.run_id} of this step, loaded from All runs." in loaded, loaded
        begin = lab.start_of(step(5))
        assert begin.params["seed"] == 12 and begin.label == last.run_id
        assert begin.note.startswith(f"Values of {last.sweep}'s {last.run_id} of step 4, which you loaded"), begin.note

        # Step 5, seen before the load and never edited, follows: the model's seed, compared with it, and said.
        loaded_note = f"Values of {last.sweep}'s {last.run_id} of step 4, which you loaded, with step 5's changes"
        app.show_step(5)
        await until(pilot, lambda: five.form.values.get("seed") == 12, what=lambda: f"seed 12 in {five.form.values}")
        assert five.form.previous_label == last.run_id and five.form.values["epochs"] == 20
        await until(pilot, lambda: loaded_note in banner(), what=lambda: f"the banner: {banner()}")
        assert "no run of step 4 yet" not in banner() and "count once" not in banner()
        assert five.current_spec().params["seed"] == 12  # what t would train

    # The next session (the journal read anew): step 5's untouched form was not kept as the learner's values, so
    # it starts from the loaded model again, and says so.
    monkeypatch.setattr(lab, "carry", Carry(lab.journal))
    forms = (lab.journal.state("progress") or {}).get("forms", {})
    assert "5" not in forms and "4" in forms, forms
    again = make_app(lab, health_interval=0)
    async with again.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: again.cluster_state == "ready" and again.metas, what="cluster and parameter list")
        again.show_step(5)
        await pilot.pause()
        five = again.lab_screen.view(5)
        await until(pilot, lambda: five.form is not None, what="step 5's form in the next session")
        assert five.form.values["seed"] == 12 and five.form.previous_label == last.run_id
        said = lambda: rendered(five.form.query_one("#form-banner"))  # noqa: E731
        await until(pilot, lambda: loaded_note in said(), what=lambda: f"the banner next session: {said()}")
