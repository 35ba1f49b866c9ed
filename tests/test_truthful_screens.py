"""Screens that tell the truth: where a form's values come from, captions that fit the run, what a run offers."""

from __future__ import annotations

from tests import replay
from tests.waiting import rendered, until
from tui.lab.steps import step
from tui.lab.training import CANCELLED
from tui.messages import MnistLoaded


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
        assert f"Values of your {five.run_id} of step 5" in rendered(form.query_one("#form-banner"))
        assert "wider" not in step(5).heading  # step 4 had the same 200x200 network


async def test_results_captions_follow_the_runs_kind():
    """Step 12's cars classifier: no digits in the captions and no empty hit-ratio table; MNIST keeps both."""
    app = replay.replay_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await replay.show_run(pilot, 12, tab="results-pane")
        view = app.lab_screen.view(12)
        await until(pilot, lambda: view.run is not None and view._built, what="step 12's run")
        caption = rendered(view.query_one("#confusion-caption"))
        assert "digit" not in caption and "highest F1" in caption, caption
        assert not view.query_one("#results-hits").display and not view.query_one("#hits-caption").display

        await replay.show_run(pilot, 11, tab="results-pane")
        eleven = app.lab_screen.view(11)
        await until(pilot, lambda: eleven.run is not None and eleven._built, what="step 11's run")
        assert "true digit" in rendered(eleven.query_one("#confusion-caption"))
        assert eleven.query_one("#results-hits").display


async def test_a_cancelled_run_says_why_its_tables_are_empty_and_offers_no_continue():
    """H2O cannot continue a cancelled Deep Learning model (its job ends with an error): k is not offered."""
    app = replay.replay_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await replay.loaded(pilot)
        app.show_step(4)
        await until(pilot, lambda: app._view_number(4) is not None, what="step 4")
        view = app.lab_screen.view(4)
        await until(pilot, lambda: view._built, what="step 4 built")
        results = view.query_one("#continue")
        assert not results.display  # no finished run yet: nothing to continue
        cancelled = replay.run(4)
        cancelled.status = CANCELLED
        cancelled.metrics, cancelled.layers, cancelled.layers_note = {}, None, ""
        view.show_run(cancelled)
        replay.replayed_run(app, cancelled)
        await pilot.pause()
        status = rendered(view.query_one("#results-status"))
        assert "scored nothing" in status, status
        assert not results.display
        assert "was cancelled" in rendered(view.query_one("#continue-why"))
        assert not app.check_action("in_view", ("continue",))

        done = replay.run(4)
        view.show_run(done)
        await pilot.pause()
        assert results.display and not results.disabled
        assert app.check_action("in_view", ("continue",))


async def test_small_truths_help_import_and_all_runs():
    """The help says how to leave on its first line; an imported data set is not announced twice; All runs
    says it holds earlier sessions too."""
    from screens.help import HelpScreen

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        assert "Esc closes it" in rendered(app.screen.query_one(".title"))
        await pilot.press("escape")
        app.show_step(2)
        await until(pilot, lambda: app._view_number(2) is not None, what="step 2")
        data = app.lab_screen.view(2)
        await until(pilot, lambda: "rows ×" in rendered(data.query_one("#data-news")), what="the import's news")
        assert not data.query_one("#import").display
        replay.remember(app, mnist=replay.mnist_info())
        app.post_message(MnistLoaded(replay.mnist_info()))
        app.show_step(10)
        await until(pilot, lambda: app._view_number(10) is not None, what="step 10")
        mnist = app.lab_screen.view(10)
        await until(pilot, lambda: "Imported in" in rendered(mnist.query_one("#mnist-news")), what="MNIST's news")
        assert not mnist.query_one("#import-mnist").display
        assert "earlier" in step(99).heading


async def test_f1_on_a_field_opens_h2os_help_on_its_parameter():
    """The help H2O gives a parameter is a mouse tooltip; F1 on the focused field shows it to a keyboard."""
    from screens.dialogs import InfoDialog

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        app.show_step(4)
        await until(pilot, lambda: app._view_number(4) is not None, what="step 4")
        view = app.lab_screen.view(4)
        await until(pilot, lambda: view.form is not None and view.form.field("epochs"), what="step 4's form")
        view.form.field("epochs").focus_input()
        await pilot.pause()
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, InfoDialog), what="the help on epochs")
        text = rendered(app.screen.query_one(".detail Static"))
        meta = view.form.metas["epochs"]
        assert meta.help[:30] in text and "default: 10" in text, text
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.lab_screen, what="the dialog to close")


async def test_one_tab_from_the_steps_reaches_the_first_field_and_the_focused_field_stands_out():
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        for number in (3, 4, 7, 12):
            app.show_step(number)
            await until(pilot, lambda n=number: app._view_number(n) is not None, what=f"step {number}")
            view = app.lab_screen.view(number)
            await until(pilot, lambda v=view: v.form is not None, what=f"step {number}'s form")
            await replay.drawn(pilot)
            app.lab_screen.query_one("#steps").focus()
            await pilot.press("tab")
            first = view.form.field(view.form.taught[0])
            assert app.focused is first.query_one(f"#input-{first.meta.name}"), (number, app.focused)
            await pilot.pause()
            # Reverse video marks the focused field's name: visible in 16 colours and with NO_COLOR too.
            assert "reverse" in str(first.query_one(".name").styles.text_style)


def test_the_model_h2o_kept_is_found_and_its_repeated_row_is_not_a_point():
    five = replay.run(5)  # recorded: H2O kept the model of epoch 16 and appended its scores as a last row
    history = five.history
    kept = history.kept_row()
    assert kept is not None and history.column("epochs")[kept] == 16.0
    xs, _ys = history.series("mse", "validation")
    assert xs[-1] == 20.0 and xs.count(20.0) == 1, "the appended row is not drawn as a second point at epoch 20"
    assert replay.run(3).history.kept_row() is None  # no validation frame, the last model was kept


async def test_the_chart_marks_the_model_h2o_kept_and_says_why():
    app = replay.replay_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await replay.show_run(pilot, 5)
        view = app.lab_screen.view(5)
        await until(pilot, lambda: view.run is not None and view._built, what="step 5's run")
        chart = view.query_one("#run-chart")
        await until(pilot, lambda: "◆: kept" in chart.plt.build(), what=lambda: chart.plt.build())
        metrics = rendered(view.query_one("#run-metrics"))
        assert "kept the model of epoch 16" in metrics and "overwrite_with_best_model" in metrics


def test_h2os_rate_warning_is_a_warning_on_step_7_and_a_reminder_after_it():
    from widgets.run_texts import run_message

    warning = "rate cannot be specified if adaptive_rate is enabled."  # H2O 3.46's words, measured
    seven, eight = replay.run(5), replay.run(5)
    seven.spec.step, eight.spec.step = 7, 8
    seven.warnings = eight.warnings = [warning]
    assert "H2O warns: rate cannot" in run_message(seven).plain
    said = run_message(eight).plain
    assert "H2O warns" not in said and "(step 7 explains it)" in said


def test_a_run_with_an_estimate_says_it_while_h2o_gives_no_time_left():
    from widgets.run_texts import status_text

    run = replay.run(11)
    run.status, run.message = "running", ""
    assert "of about 38 s" in status_text(run, 38.0).plain
    assert "of about" not in status_text(run).plain
    assert "of up to about 38 s" in status_text(run, 38.0, early=True).plain


def test_a_trials_speed_is_an_upper_bound_for_a_rectifier_network():
    """The trial times a fresh network; a rectifier one speeds up as units fall silent (H2O's fast mode skips
    their weights): the Go further network's first trial in the app timed 806 samples/s, a run of it 2,300 in its
    first pass and 3,700 over the next two (measured)."""
    from tui.lab.speed import Speeds, speeds_up
    from widgets.train_texts import confirm_words, estimate_text

    rectifier = step(11).spec()
    rectifier.params = {"activation": "Rectifier", "hidden": [256, 256]}
    tanh = step(11).spec()
    tanh.params = {"activation": "Tanh", "hidden": [256, 256]}
    assert speeds_up(rectifier.params) and speeds_up({}) and not speeds_up(tanh.params)
    assert not speeds_up({"activation": "RectifierWithDropout", "fast_mode": False})

    speeds = Speeds(jobs=None, frames=None)  # type: ignore[arg-type]  # remembering asks no cluster
    for spec in (rectifier, tanh):
        speeds.remember(spec, 500.0, trial=True)
    assert speeds.early(rectifier) and not speeds.early(tanh)
    speeds.remember(rectifier, 900.0)  # a finished run's own speed
    assert not speeds.early(rectifier)

    said = estimate_text(60000, 12, (1584.0, 500.0), early=True).plain
    assert said.startswith("Time: up to about 26 min") and "a short trial" in said and "finishes sooner" in said
    assert estimate_text(60000, 12, (1584.0, 500.0)).plain.startswith("Time: about 26 min")
    asked = confirm_words(1584.0, 60000, rectifier, early=True)
    assert asked.startswith("This run should take up to about 26 min") and "finishes well sooner" in asked
    assert "sooner" not in confirm_words(1584.0, 60000, tanh)


def test_epochs_past_the_asked_ones_are_explained():
    from widgets.run_texts import metrics_text

    four = replay.run(4)  # asked 15 epochs; H2O's iterations ended at 16.34
    assert four.spec.params["epochs"] == 15
    said = metrics_text(four).plain
    assert "H2O trained 16.34 epochs for the 15 asked" in said and "end of an iteration" in said
    five = replay.run(5)  # asked 20, trained 20: nothing to explain
    assert "epochs for the" not in metrics_text(five).plain
