"""Whether a step's job is pending is one value: set when the job starts, cleared by its last message, read by the
footer and by every key alike."""

from __future__ import annotations

import time

from tests.waiting import notices, rendered, until
from tui.app import make_app


async def test_t_pressed_while_the_finished_model_saves_trains_next(lab, cars, monkeypatch):
    """The run has finished and its worker still saves the model: x is not offered, and a t waits for the save and
    then trains, instead of being refused as if a model were training."""
    saving = lab.jobs.models.save_model

    def slow_save(run):  # the real save, as slow as on a busy machine
        time.sleep(2.0)
        return saving(run)

    monkeypatch.setattr(lab.jobs.models, "save_model", slow_save)
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.cluster_state == "ready", what="cluster ready")
        app.show_step(3)
        await until(pilot, lambda: app.lab_screen.view(3)._built, what="step 3")
        view = app.lab_screen.view(3)
        controls = view._controls
        view.load_values({**view.step.spec().params, "epochs": 1})
        before = len(lab.runs)
        app.lab_screen.query_one("#steps").focus()
        await pilot.press("t")
        await until(pilot, lambda: view.run is not None and view.run.finished, what="the first run to finish")
        assert controls.job_pending(), "the worker is still saving the model"
        assert not view.check_step_action("cancel"), "x has nothing left to stop"
        await pilot.press("t")
        assert not any("already training" in n for n in notices(app)), notices(app)
        assert "the new run starts right after" in rendered(controls.query_one("#run-status"))
        await until(pilot, lambda: len(lab.runs) == before + 2, what="the second run to start", timeout=60)
        await until(pilot, lambda: not controls.job_pending(), what="the second job to end", timeout=120)
        assert view.run.finished
