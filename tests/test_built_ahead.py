"""The next step's view is built while the learner reads the one on screen, so that n shows it at once.

A view built ahead holds the step's own values carried from the step before; it is not the learner's yet: it
is not saved as their form, and a run that changes where the step starts makes it anew.
"""

from __future__ import annotations

from dataclasses import replace

from tests.replay import loaded, replay_app, replayed_run, run
from tests.waiting import until


def _built(app, number: int):
    try:
        view = app.lab_screen.view(number)
    except Exception:
        return None
    return view if view.is_mounted and getattr(view, "_built", False) and view.form is not None else None


async def test_the_next_step_is_ready_before_the_learner_asks():
    app = replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.show_step(3)
        await until(pilot, lambda: _built(app, 4), timeout=60, what="step 4's view, built ahead")
        ahead = _built(app, 4)
        assert not ahead.seen and app.current_step == 3
        assert ahead.form.previous_label == "step 3"  # no run of step 3 yet: the walkthrough's values

        # Not the learner's form: quitting now keeps nothing for step 4.
        saved = []
        app.lab.journal.save_state = lambda key, value: saved.append((key, value))
        app.save_progress()
        forms = dict(saved)["progress"]["forms"]
        assert "4" not in forms
        assert "3" not in forms  # shown but never edited: carried again next time, not kept as the learner's

        # A run of step 3 ends, with 30 epochs: step 4 now starts from it, and says so when it is first shown.
        recorded = replace(run(3), run_id="run-77", started_at=10**10)
        recorded.spec.params["epochs"] = 30.0
        replayed_run(app, recorded)
        await pilot.press("n")  # at once: the view is there, never made again
        await until(pilot, lambda: app.current_step == 4 and ahead.seen, what="step 4 shown")
        assert app.lab_screen.view(4) is ahead and ahead.display
        assert ahead.form.previous_label == "run-77"
        assert "run-77" in str(ahead.form.query_one("#form-banner").render())
        hint = str(ahead.form.field("epochs").query_one(".hint").render())
        assert "30" in hint, hint  # compared with what run-77 had

        # Once shown, the form is the learner's: a later run of step 3 changes nothing in it.
        ahead.form.field("epochs").set_value(7)
        ahead.form.set_values({**ahead.form.values, "epochs": 7.0})
        replayed_run(app, replace(recorded, run_id="run-78", started_at=10**10 + 1))
        app.show_step(3)
        app.show_step(4)
        await pilot.pause()
        assert ahead.form.values["epochs"] == 7.0 and ahead.form.previous_label == "run-77"


async def test_keys_put_it_off(monkeypatch):
    """Every key starts the wait again: a learner busy in the form is not slowed by a build they did not ask for."""
    import tui.parts.views

    monkeypatch.setattr(tui.parts.views, "PREPARE_AFTER", 4.0)  # long beside the keys' pace, even on a busy machine
    app = replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.show_step(3)
        for _ in range(20):  # a learner tabbing through the form, a key every 0.3 s: 6 s in all
            await pilot.press("tab")
            await pilot.pause(0.3)
        await pilot.press("tab")
        assert _built(app, 4) is None
        # Then the keys stop: the next step is built once the wait is over.
        await until(pilot, lambda: _built(app, 4), timeout=60, what="step 4 built after the keys stopped")


async def test_a_view_built_ahead_names_a_sweep_that_ended_since():
    """Built ahead before a sweep of the step before ended: its first visit says why the sweep's models are not
    its values (the values themselves stay the walkthrough's)."""
    app = replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.show_step(3)
        await until(pilot, lambda: _built(app, 4), timeout=60, what="step 4's view, built ahead")
        ahead = _built(app, 4)
        values = dict(ahead.form.values)
        model = replace(run(3), run_id="run-80", started_at=10**10, sweep="sweep-3")
        replayed_run(app, model)
        await pilot.press("n")
        await until(pilot, lambda: app.current_step == 4 and ahead.seen, what="step 4 shown")
        await pilot.pause()
        banner = str(ahead.form.query_one("#form-banner").render())
        assert "no run of step 3 yet to build on: sweep-3's models count once you load one" in banner, banner
        assert ahead.form.values == values and ahead.form.previous_label == "step 3"
