"""Small things a screen must not say wrong: a difference of nothing, a key that no longer applies, a heading twice."""

from __future__ import annotations

import time

from tests import replay
from tests.waiting import rendered, until
from tui.lab.evaluation import Evaluation
from tui.lab.steps import step
from widgets.threshold import signed


def test_a_difference_that_rounds_to_nothing_has_no_sign():
    assert signed(-0.00001) == "0.0000" and signed(0.00004) == "0.0000"
    assert signed(-0.0123) == "-0.0123" and signed(0.0123) == "+0.0123"


def test_the_runs_page_does_not_say_its_heading_twice():
    runs = step(99)
    first_words = " ".join(runs.lesson.split()[:3]).lower()
    assert not runs.heading.lower().startswith(first_words)
    assert "earlier" in runs.lesson and "space" in runs.lesson


def test_older_recordings_read_without_the_unlabelled_count():
    recorded = replay.fixture("evaluation_step12.json")
    recorded.pop("unlabelled", None)
    assert Evaluation.from_dict(recorded).unlabelled == 0


async def test_x_leaves_the_footer_when_the_run_has_ended(monkeypatch):
    """While a finished run's worker still saves its model, x has nothing left to stop."""
    app = replay.replay_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await replay.loaded(pilot)
        app.show_step(3)
        await until(pilot, lambda: app._view_number(3) is not None and app.lab_screen.view(3)._built, what="step 3")
        view = app.lab_screen.view(3)
        controls = view._controls
        monkeypatch.setattr(controls, "job_pending", lambda: True)  # the job's worker is still busy
        controls._job_began = time.time()
        assert view.check_step_action("cancel")  # a job on its way, its run not reported yet: x stops it
        finished = replay.run(3)
        finished.started_at = controls._job_began + 1.0  # the job's own run, ended
        view.show_run(finished)
        await pilot.pause()
        assert not view.check_step_action("cancel")
        finished.started_at = controls._job_began - 100.0  # an older run on screen: the new job is still starting
        assert view.check_step_action("cancel")


async def test_the_evaluation_says_where_the_frames_other_cars_went():
    """The split's validation frame has cars without an answer: the screen counts them instead of losing them."""
    app = replay.replay_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await replay.evaluated(pilot)
        view = app.lab_screen.view(12)
        evaluation = Evaluation.from_dict({**replay.fixture("evaluation_step12.json"), "unlabelled": 3})
        view.show_evaluation(evaluation)
        await pilot.pause()
        news = rendered(view.query_one("#eval-news"))
        assert f"{evaluation.rows} cars" in news and "3 more cars of the frame have no answer" in news


async def test_a_key_that_does_not_fit_the_footer_is_left_out_not_cut():
    from textual.widgets._footer import FooterKey

    from widgets.threshold import ThresholdExplorer

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.evaluated(pilot)
        app.lab_screen.view(12).query_one(ThresholdExplorer).focus()  # its keys come first: more than 80 columns

        def keys() -> tuple[list, list]:
            found = list(app.screen.query(FooterKey))
            return [k for k in found if k.display], [k for k in found if not k.display]

        await until(pilot, lambda: keys()[0] and keys()[1], what="keys shown and a key left out of the footer")
        shown, left_out = keys()
        right = app.screen.query_one("LabFooter").content_region.right
        assert all(k.region.right <= right for k in shown)
        assert shown[0].description == "Lower" and "Train" in [k.description for k in left_out]

        await pilot.resize_terminal(160, 40)  # room for all of them again
        await until(pilot, lambda: not keys()[1] and keys()[0], what="every key back in a wide footer")


async def test_step_8_offers_an_l1_that_shows_in_the_weights():
    """The walkthrough's l1 (1e-5) hardly changes the weights: the field says so and f puts in one that does."""
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        app.show_step(8)
        view = app.lab_screen.view(8)
        await until(pilot, lambda: view.form is not None and view.form.field("l1") is not None, what="step 8's form")
        field = view.form.field("l1")
        await until(pilot, lambda: field.fix is not None, what="a fix at l1")
        assert "hardly shows in the weights" in str(field.query_one(".message").render())
        assert field.fix == ("l1", 0.001, "Use l1 = 0.001")
        view.focus()
        await pilot.press("f")
        await until(pilot, lambda: view.form.values.get("l1") == 0.001, what="l1 set to 0.001")
        await until(pilot, lambda: field.fix is None, what="the note gone")
        assert view.current_spec().params["l1"] == 0.001


async def test_an_error_in_a_widget_being_removed_is_of_no_consequence():
    """A widget taken down mid-mount (a view built ahead when the app closes) may meet its half-removed parts:
    that is no error of the session; the same error in a live widget is one."""
    from textual.message import Message
    from textual.widgets import Static

    class Boom(Static):
        class Poke(Message):
            pass

        def on_boom_poke(self, _message) -> None:
            raise RuntimeError("my parts are gone")

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        boom = Boom()
        await app.screen.mount(boom)
        boom._pruning = True  # as Textual marks a subtree it removes
        await boom._dispatch_message(Boom.Poke())
        assert app.internal_errors == 0
        boom._pruning = False
        await boom._dispatch_message(Boom.Poke())
        assert app.internal_errors == 1
        app._exception = None  # the live widget's error was meant: the test does not fail on it
        await pilot.pause()


async def test_the_fix_for_a_rate_names_the_switch_as_the_form_shows_it():
    """f after a rate typed with adaptive_rate on: the notice says "off", as the form does, not Python's False."""
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        app.show_step(7)
        view = app.lab_screen.view(7)
        await until(pilot, lambda: view.form is not None and view.form.field("rate") is not None, what="step 7's form")
        params = {**view.step.spec().params, "adaptive_rate": True, "rate": 0.01}
        view.load_values(params)
        await until(pilot, lambda: view.form.first_fix() is not None, what="the fix offered at rate")
        view.focus()
        await pilot.press("f")
        await until(pilot, lambda: view.form.values.get("adaptive_rate") is False, what="adaptive_rate off")
        said = lambda: [n.message for n in app._notifications]  # noqa: E731
        await until(pilot, lambda: "adaptive_rate set to off." in said(), what=lambda: f"the notice, not {said()}")
