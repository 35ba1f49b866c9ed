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
        assert "3" in forms and "4" not in forms

        # A run of step 3 ends: step 4 now starts from it, so the view made before is made anew.
        recorded = replace(run(3), run_id="run-77", started_at=10**10)
        replayed_run(app, recorded)
        await until(pilot, lambda: _built(app, 4) is not ahead and _built(app, 4), timeout=60, what="step 4 anew")
        await pilot.press("n")
        await until(pilot, lambda: app.current_step == 4 and app.lab_screen.view(4).seen, what="step 4 shown")
        shown = app.lab_screen.view(4)
        assert shown.form.previous_label == "run-77"
        assert shown.display and shown.region.height > 0


async def test_keys_put_it_off():
    app = replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.show_step(3)
        for _ in range(6):  # a learner tabbing through the form, a key every half second
            await pilot.press("tab")
            await pilot.pause(0.5)
            assert _built(app, 4) is None
