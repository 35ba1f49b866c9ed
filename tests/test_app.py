"""The app driven with Textual's Pilot against the real cluster of the test session."""

from __future__ import annotations

import re

import pytest

from tests.waiting import notices, rendered, until
from tui.app import make_app
from tui.lab.training import RUNNING


def screen_name(app) -> str:
    return type(app.screen).__name__


def questions(app) -> int:
    """The quit questions open, on top or under another screen."""
    return [type(screen).__name__ for screen in app.screen_stack].count("QuitDialog")


def small_notice(screen) -> str:
    from screens.small_window import SmallWindowNotice

    return next((child.text for child in screen.children if isinstance(child, SmallWindowNotice)), "")


async def test_launch_to_a_finished_step3_model(lab):
    import h2o

    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.cluster_state == "ready", what="cluster ready")
        assert 1 in app.done
        await pilot.press("n")
        await until(pilot, lambda: app.current_step == 2, what="step 2 after n")
        await pilot.press("i")
        await until(pilot, lambda: 2 in app.done, what="cars import")
        data_view = app.lab_screen.view(2)
        await until(
            pilot,
            lambda: "406 rows × 9 columns" in rendered(data_view.query_one("#data-news")),
            what=lambda: "the frame's size on step 2: " + rendered(data_view.query_one("#data-news")),
        )
        await pilot.press("n")
        await until(pilot, lambda: app.current_step == 3, what="step 3 after n")
        await pilot.press("t")
        view = app.lab_screen.view(3)
        await until(pilot, lambda: view.run is not None, what="the job to start")
        await until(pilot, lambda: view.run.finished, what="the job to finish")
        assert view.run.status == "done", view.run.error
        assert 3 in app.done
        await until(
            pilot,
            lambda: re.search(r"MSE ([0-9.e+-]+)", rendered(view.query_one("#run-metrics"))),
            what=lambda: "the final MSE on screen: " + rendered(view.query_one("#run-metrics")),
        )
        match = re.search(r"MSE ([0-9.e+-]+)", rendered(view.query_one("#run-metrics")))
        model = h2o.get_model(view.run.model_id)
        assert float(match.group(1)) == pytest.approx(model.mse(), rel=5e-4)
        assert view.query_one("#run-chart").points >= 10
        assert "H2ODeepLearningEstimator(" in view.query_one("#train-code").code
        # The Inside tab ranks the five predictors as H2O does.
        view.show_tab("inside-pane")
        bars = view.query_one("#importance-bars")
        await until(pilot, lambda: "displacement" in rendered(bars), what=lambda: "the bars: " + rendered(bars))
        ranked = [line.split()[0] for line in rendered(bars).splitlines()]
        assert ranked == list(model.varimp(use_pandas=False)[i][0] for i in range(5))


async def test_quit_while_training_asks_then_cancels(lab):
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.cluster_state == "ready", what="cluster ready")
        app.show_step(3)
        await pilot.pause()
        view = app.lab_screen.view(3)
        view.load_values({**view.step.spec().params, "epochs": 2000})
        await pilot.press("t")
        await until(
            pilot, lambda: view.training and view.run is not None and len(view.run.history) > 0, what="training"
        )
        run_id = view.run.run_id
        await pilot.press("q")
        await until(
            pilot,
            lambda: screen_name(app) == "QuitDialog",
            what=lambda: f"the quit question ({screen_name(app)} shown)",
        )
        # q and Ctrl+C again on the open question (Ctrl+C reaches the App over any dialog), and q in a small
        # window (whose notice passes q on to quit): still the one question, which n then answers.
        await pilot.press("q", "ctrl+c")
        assert questions(app) == 1, f"{questions(app)} quit questions open after q, q, Ctrl+C"
        await pilot.resize_terminal(60, 20)
        await until(pilot, lambda: app.screen.too_small, what="the small window's notice")
        assert "q quits" not in small_notice(app.screen), small_notice(app.screen)  # y does, as it says
        await pilot.press("q")
        assert questions(app) == 1, f"{questions(app)} quit questions open after q in a small window"
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: not app.screen.too_small, what="the question back")
        await pilot.press("n")  # keep training
        await until(pilot, lambda: screen_name(app) != "QuitDialog", what="the question to close")
        assert view.training and app.is_running, "n keeps the app and the job going"
        await pilot.press("q")
        await until(pilot, lambda: screen_name(app) == "QuitDialog", what="the quit question, again")
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running, what="the app to exit")
    assert all(run.status != RUNNING for run in lab.runs)
    assert lab.runs[-1].run_id == run_id
    assert lab.runs[-1].status == "cancelled", lab.runs[-1].error


async def test_help_and_navigation(lab):
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await until(
            pilot, lambda: screen_name(app) == "HelpScreen", what=lambda: f"the help ({screen_name(app)} shown)"
        )
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(app) != "HelpScreen", what="the help to close")
        await pilot.press("n", "n", "n", "p")
        await until(pilot, lambda: app.current_step == 3, what=lambda: f"step 3 after n n n p (at {app.current_step})")
        await pilot.press("down", "down", "enter")
        # The cursor follows the current step: two down from 3 is 5.
        await until(
            pilot, lambda: app.current_step == 5, what=lambda: f"step 5 after down down enter (at {app.current_step})"
        )


async def test_a_cluster_that_cannot_start_is_explained_in_the_app(tmp_path, monkeypatch):
    from tui.lab import own_cluster
    from tui.lab.cluster import ClusterOptions
    from tui.lab.service import Lab, LabConfig

    monkeypatch.setattr(own_cluster, "available_memory", lambda: None)  # so that Java itself refuses the heap
    lab = Lab(LabConfig(cluster=ClusterOptions(max_mem="99999t"), log_dir=tmp_path, download=False))
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.cluster_state == "failed", what="the start to fail", timeout=60)
        view = app.lab_screen.view(1)
        await until(
            pilot,
            lambda: "stopped during start-up" in rendered(view.query_one("#cluster-error")),
            what=lambda: "the reason on step 1: " + rendered(view.query_one("#cluster-error")),
        )
        # The end of the JVM's own output says why (Java words it as a heap it cannot reserve).
        log_tail = rendered(view.query_one("#cluster-log")).lower()
        assert "heap" in log_tail or "memory" in log_tail, log_tail
    lab.close()


async def test_a_private_cluster_that_would_not_fit_is_explained_on_step_1(tmp_path, monkeypatch):
    """Learners share a lab VM: when the memory free is too little for another private cluster, step 1 says so."""
    from tui.lab import own_cluster
    from tui.lab.cluster import ClusterOptions
    from tui.lab.service import Lab, LabConfig

    monkeypatch.setattr(own_cluster, "available_memory", lambda: 700 * 2**20)
    lab = Lab(LabConfig(cluster=ClusterOptions(), log_dir=tmp_path, download=False))
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.cluster_state == "failed", what="the refusal", timeout=60)
        view = app.lab_screen.view(1)
        await until(
            pilot,
            lambda: "memory free" in rendered(view.query_one("#cluster-error")),
            what=lambda: "the reason on step 1: " + rendered(view.query_one("#cluster-error")),
        )
        said = " ".join(rendered(view.query_one("#cluster-error")).split())
        assert "--max-mem 512m" in said and "h2o-lab class" in said, said
    assert lab.cluster is None or lab.cluster.pid is None
    lab.close()


async def test_train_step5_cancel_step6_and_compare(lab):
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.cluster_state == "ready" and app.metas, what="cluster and parameter list")
        app.show_step(5)
        await pilot.pause()
        five = app.lab_screen.view(5)
        await until(pilot, lambda: five.form is not None, what="step 5's form")
        await pilot.press("t")
        await until(pilot, lambda: five.run is not None and five.run.finished, what="step 5 to finish")
        assert five.run.status == "done"

        app.show_step(6)
        await pilot.pause()
        six = app.lab_screen.view(6)
        await until(pilot, lambda: six.form is not None, what="step 6's form")
        six.load_values({**six.step.spec().params, "epochs": 500})
        await pilot.press("t")
        await until(
            pilot, lambda: six.training and six.run is not None and len(six.run.history) >= 3, what="step 6 to score"
        )
        await pilot.press("x")
        await until(pilot, lambda: six.run.finished, what="step 6 to stop")
        assert six.run.status == "cancelled"
        assert 0 < six.run.progress < 1 and len(six.run.history) >= 3
        await until(
            pilot,
            lambda: "Cancelled" in rendered(six.query_one("#run-status")),
            what=lambda: "'Cancelled' on step 6: " + rendered(six.query_one("#run-status")),
        )

        app.show_step(99)
        await until(pilot, lambda: app._view_number(99) is not None, what="the runs page")
        runs = app.lab_screen.view(99)
        table = runs.query_one("#runs-table")
        ids = [five.run.run_id, six.run.run_id]
        await until(pilot, lambda: all(r in table.rows for r in ids), what="both runs in the table")
        for run_id in ids:
            table.move_cursor(row=table.get_row_index(run_id))
            await pilot.press("space")
        await until(pilot, lambda: runs.marked == ids, what=lambda: f"both runs marked (marked: {runs.marked})")
        await until(pilot, lambda: runs.query_one("#compare").has_class("shown"), what="the comparison to show")
        compare = runs.query_one("#compare-params")
        names = [str(compare.get_row_at(i)[0]) for i in range(compare.row_count)]
        assert "mini_batch_size" in names and "epochs" in names
        statuses = {r: str(table.values(r)["status"]) for r in ids}
        assert statuses == {five.run.run_id: "done", six.run.run_id: "cancelled"}
        # The chart draws both runs' validation curves: its title names the metric and each run's marker.
        chart = runs.query_one("#compare-chart")
        drawn = f"Validation MSE by epoch (m: another metric) · dots: {ids[0]}, x: {ids[1]}"
        await until(
            pilot, lambda: drawn in chart.plt.build(), what=lambda: f"{drawn!r} in the chart:\n{chart.plt.build()}"
        )

        # A run goes back into its step's form.
        six.load_values({**six.step.spec().params, "epochs": 7})  # so that loading the run changes something
        await until(pilot, lambda: six.form.values.get("epochs") == 7, what="step 6's form to change")
        table.move_cursor(row=table.get_row_index(six.run.run_id))
        await pilot.press("l")
        await until(pilot, lambda: app.current_step == 6, what=lambda: f"step 6 after l (at {app.current_step})")
        await until(
            pilot,
            lambda: six.form.values.get("epochs") == 500,
            what=lambda: f"the run's epochs in the form ({six.form.values.get('epochs')})",
        )


async def test_form_errors_stop_the_job_and_the_fix_key(lab):
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await until(pilot, lambda: app.cluster_state == "ready" and app.metas, what="cluster and parameter list")
        app.show_step(7)
        await pilot.pause()
        view = app.lab_screen.view(7)
        await until(pilot, lambda: view.form is not None, what="step 7's form")
        form = view.form
        rate = form.field("rate")
        assert rate.has_class("warning") and rate.has_class("fixable")
        await pilot.press("f")
        await until(pilot, lambda: form.values.get("adaptive_rate") is False, what="f to turn adaptive_rate off")
        await until(pilot, lambda: not form.field("rate").has_class("warning"), what="the rate warning to go")

        runs_before = len(lab.runs)
        dropout = form.field("hidden_dropout_ratios")
        dropout.query_one("Input").value = "0.5"
        await until(pilot, lambda: dropout.has_class("error"), what="the dropout field's error")
        await until(
            pilot,
            lambda: "one ratio per hidden layer" in rendered(dropout.query_one(".message")),
            what=lambda: "the dropout field's message: " + rendered(dropout.query_one(".message")),
        )
        await pilot.press("t")
        # The refusal is said first; only then can "no job" be checked.
        await until(
            pilot,
            lambda: any("to fix first" in n for n in notices(app)),
            what=lambda: f"the refusal (notices: {notices(app)})",
        )
        assert len(lab.runs) == runs_before, "a job started despite an error"
        assert not view.training
        assert form.values["hidden_dropout_ratios"] == [0.5], "what the learner typed is kept"


async def test_h2o_rejects_a_value_the_form_let_through(lab):
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.cluster_state == "ready" and app.metas, what="cluster and parameter list")
        app.show_step(4)
        await pilot.pause()
        view = app.lab_screen.view(4)
        await until(pilot, lambda: view.form is not None, what="step 4's form")
        values = {**view.step.spec().params, "stopping_metric": "logloss", "stopping_rounds": 3}
        view.load_values(values)
        await until(pilot, lambda: view.form.values.get("stopping_metric") == "logloss", what="the values in the form")
        assert view.form.valid
        runs_before = len(lab.runs)
        await pilot.press("t")
        await until(pilot, lambda: "stopping_metric" in view.form.server_errors, what="H2O's verdict")
        await until(pilot, lambda: view.form.field("stopping_metric") is not None, what="the field to be shown")
        field = view.form.field("stopping_metric")
        await until(pilot, lambda: field.has_class("error"), what="the field marked in error")
        await until(
            pilot,
            lambda: "cannot be logloss for regression" in rendered(field.query_one(".message")),
            what=lambda: "H2O's reason at the field: " + rendered(field.query_one(".message")),
        )
        assert len(lab.runs) == runs_before
        assert view.form.values["stopping_metric"] == "logloss"
        assert not view.training


async def test_mnist_from_import_to_mistakes(lab):
    from screens.mnist import DigitBrowser

    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await until(pilot, lambda: app.cluster_state == "ready" and app.metas, what="cluster and parameter list")
        app.show_step(10)
        await pilot.pause()
        await pilot.press("i")
        await until(pilot, lambda: 10 in app.done, what="MNIST import", timeout=180)
        view = app.lab_screen.view(10)
        await until(
            pilot,
            lambda: "nclasses = 10" in rendered(view.query_one("#mnist-summary")),
            what=lambda: "nclasses on step 10: " + rendered(view.query_one("#mnist-summary")),
        )
        browser = view.query_one(DigitBrowser)
        browser.focus()
        await until(pilot, lambda: ("train", 0) in browser.cache, what="the first digit")
        await pilot.press("right", "right")
        await until(pilot, lambda: ("train", 2) in browser.cache, what="the third digit")
        assert browser.row == 2 and browser.cache[("train", 2)].label == "4"
        await until(
            pilot,
            lambda: "label 4" in rendered(browser.query_one("#digit-about")),
            what=lambda: "the third digit's label: " + rendered(browser.query_one("#digit-about")),
        )

        app.show_step(11)
        await pilot.pause()
        eleven = app.lab_screen.view(11)
        await until(pilot, lambda: eleven.form is not None, what="step 11's form")
        # A sample larger than the frame is refused at its field.
        eleven.query_one("#rows-kind").value = "sample"
        eleven.query_one("#rows-count").value = "70000"
        await until(
            pilot,
            lambda: "at most" in rendered(eleven.query_one("#rows-error")),
            what=lambda: "the rows field's error: " + rendered(eleven.query_one("#rows-error")),
        )
        runs_before = len(lab.runs)
        await pilot.press("t")
        # The refusal is said first; only then can "no job" be checked.
        await until(
            pilot,
            lambda: any("Training rows:" in n for n in notices(app)),
            what=lambda: f"the refusal (notices: {notices(app)})",
        )
        assert len(lab.runs) == runs_before
        assert not eleven.training, "neither a job nor a speed trial started"
        eleven.query_one("#rows-count").value = "2000"
        await until(
            pilot, lambda: eleven.sample_rows == 2000, what=lambda: f"2000 training rows (has {eleven.sample_rows})"
        )
        eleven.load_values({**eleven.step.spec().params, "epochs": 2, "train_samples_per_iteration": 1000})
        await until(pilot, lambda: eleven.form.values.get("epochs") == 2, what="2 epochs in step 11's form")
        steps = app.lab_screen.query_one("#steps")
        steps.focus()  # the refused press left the focus in the rows field
        await until(pilot, lambda: app.focused is steps, what="the focus on the list of steps")
        await pilot.press("t")
        # No speed known yet: a short trial measures it, then the estimate is shown before the job starts.
        await until(
            pilot,
            lambda: eleven.estimate() is not None,
            what=lambda: "the speed trial: " + rendered(eleven.query_one("#run-status")),
            timeout=120,
        )
        await until(
            pilot,
            lambda: "Time: about" in rendered(eleven.query_one("#estimate")),
            what=lambda: "the estimate: " + rendered(eleven.query_one("#estimate")),
        )
        await until(pilot, lambda: eleven.run is not None, what="the MNIST run to start", timeout=120)
        await until(
            pilot, lambda: eleven.query_one("#train-tabs").active == "run-pane", what="the Training tab to show the run"
        )
        await until(pilot, lambda: eleven.run is not None and eleven.run.finished, what="the MNIST run", timeout=180)
        assert eleven.run.status == "done"
        # Trained on the 2000 rows asked for, validated on every test digit.
        assert eleven.run.spec.sample_rows == 2000 and eleven.run.split_rows == [2000, app.mnist.test.rows]
        await until(pilot, lambda: eleven.mistakes is not None, what="the mistakes", timeout=60)
        _run_id, count, digits = eleven.mistakes
        assert count > 0 and digits and all(d.label != d.predicted for d in digits)
        assert "train = train[0:2000, :]" in eleven.query_one("#train-code").code
        # The Inside tab names the pixel H2O rates highest, by row and column.
        eleven.show_tab("inside-pane")
        pixel_text = eleven.query_one("#pixel-text")
        await until(pilot, lambda: "1. row" in rendered(pixel_text), what=lambda: "the pixels: " + rendered(pixel_text))
        top = eleven.run.importances.rows[0][0]
        row, column = (int(top[1:]) - 1) // 28 + 1, (int(top[1:]) - 1) % 28 + 1
        assert f"1. row {row}, column {column} " in rendered(pixel_text)


async def test_evaluation_screen(lab):
    from widgets.threshold import ThresholdExplorer

    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.cluster_state == "ready" and app.metas, what="cluster and parameter list")
        app.show_step(12)
        await pilot.pause()
        view = app.lab_screen.view(12)
        await until(pilot, lambda: view.form is not None, what="step 12's form")
        await pilot.press("t")
        await until(pilot, lambda: view.run is not None and view.run.finished, what="the binary classifier")
        await until(pilot, lambda: view.evaluation is not None, what="the evaluation")
        evaluation = view.evaluation
        assert evaluation.run_id == view.run.run_id and evaluation.scored_on == "validation"
        view.show_tab("eval-pane")
        wanted = [f"{evaluation.auc_h2o:.4f}", f"{evaluation.aucpr_h2o:.4f}"]
        await until(
            pilot,
            lambda: all(f in rendered(view.query_one("#eval-figures")) for f in wanted),
            what=lambda: f"H2O's AUC and AUCPR {wanted} in: " + rendered(view.query_one("#eval-figures")),
        )
        explorer = view.query_one(ThresholdExplorer)
        assert explorer.index == evaluation.max_f1_index
        explorer.focus()
        await pilot.press("right", "right")
        expected = min(evaluation.max_f1_index + 2, len(evaluation.thresholds.rows) - 1)
        assert expected != evaluation.max_f1_index, "two rows on from max F1 must be another threshold"
        await until(
            pilot, lambda: explorer.index == expected, what=lambda: f"threshold row {expected} (at {explorer.index})"
        )
        threshold = f"{float(evaluation.row(expected)['threshold']):.4f}"
        await until(
            pilot,
            lambda: threshold in rendered(explorer.query_one("#explorer-body")),
            what=lambda: f"threshold {threshold} in: " + rendered(explorer.query_one("#explorer-body")),
        )
        await pilot.press("m")
        await until(pilot, lambda: explorer.index == evaluation.max_f1_index, what="m to go back to max F1")

        # Any other run can be picked; a regression run is explained, not drawn.
        regression = next((r for r in app.runs.values() if r.model_category == "Regression" and r.finished), None)
        if regression is None:
            app.show_step(4)
            await pilot.pause()
            four = app.lab_screen.view(4)
            await until(pilot, lambda: four.form is not None, what="step 4's form")
            four.load_values({**four.step.spec().params, "epochs": 1})
            await pilot.press("t")
            await until(pilot, lambda: four.run is not None and four.run.finished, what="a regression run")
            regression = four.run
            app.show_step(12)
            await until(pilot, lambda: app.current_step == 12, what="step 12 again")
        view.query_one("#eval-run").value = regression.run_id
        await until(
            pilot,
            lambda: "exactly two classes" in rendered(view.query_one("#eval-news")),
            what=lambda: "the explanation: " + rendered(view.query_one("#eval-news")),
        )
        assert not view.has_class("evaluated")


@pytest.fixture(autouse=True)
def fresh_progress(request):
    """Each app test starts at step 1: the session's journal forgets the previous test's place."""
    if "lab" in request.fixturenames:
        request.getfixturevalue("lab").journal.save_state("progress", {})
    yield


async def test_a_second_launch_opens_where_the_first_left_off(lab, tmp_path):
    """Launch 1 trains and moves on; launch 2 (a new lab on the same journal) shows it all again."""
    from tui.lab.service import Lab, LabConfig

    # Step 4 imports the cars data itself when this session's cluster has none yet: step 2 is then done too.
    imports_cars = lab.frame_info("cars") is None
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app.cluster_state == "ready" and app.metas, what="cluster and parameter list")
        app.show_step(4)
        await pilot.pause()
        four = app.lab_screen.view(4)
        await until(pilot, lambda: four.form is not None, what="step 4's form")
        four.form.field("epochs").query_one("Input").value = "3"
        await until(pilot, lambda: four.form.values.get("epochs") == 3, what="3 epochs in step 4's form")
        await pilot.press("t")
        await until(pilot, lambda: four.run is not None and four.run.finished, what="step 4")
        assert four.run.status == "done", four.run.error
        trained = four.run.run_id
        app.show_step(5)
        await pilot.pause()
        five = app.lab_screen.view(5)
        await until(pilot, lambda: five.form is not None, what="step 5's form")
        five.form.field("seed").query_one("Input").value = "99"
        await until(pilot, lambda: five.form.values.get("seed") == 99, what="seed 99 in step 5's form")
        assert app.done == ({1, 2, 4} if imports_cars else {1, 4}), app.done
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running, what="the first launch to end")

    second = Lab(LabConfig(journal_path=lab.journal.path, models_dir=tmp_path / "models", download=False))
    app2 = make_app(second, autostart=False, health_interval=0)
    async with app2.run_test(size=(100, 30)) as pilot:
        # The saved place is shown: step 5 current, and its screen built (its list of settings drawn).
        # (A step's view is made on its first visit: only step 1's and the saved place's exist now.)
        def shown(number: int):
            view = app2._view_number(number)
            return view if view is not None and view.display and list(view.query("#settings")) else None

        await until(
            pilot,
            lambda: app2.current_step == 5 and shown(5) is not None,
            what=lambda: f"the saved place, step 5, on screen (at {app2.current_step})",
        )
        five = app2.lab_screen.view(5)
        # The steps done come back, all but step 1: the cluster is new at every launch.
        assert app2.done == ({2, 4} if imports_cars else {4}), app2.done
        assert trained in app2.runs and app2.runs[trained].status == "done"
        assert five.current_spec().params["seed"] == 99
        app2.show_step(4)  # a step not visited yet gets the values left in its form on its first visit
        await until(pilot, lambda: shown(4) is not None, what="step 4 on screen")
        assert app2.lab_screen.view(4).current_spec().params["epochs"] == 3
        app2.show_step(99)
        await until(pilot, lambda: app2._view_number(99) is not None, what="the runs page")
        runs = app2.lab_screen.view(99)
        table = runs.query_one("#runs-table")
        await until(
            pilot,
            lambda: trained in table.rows and "earlier" in str(table.values(trained)["status"]),
            what=lambda: f"{trained} marked earlier in All runs",
        )
    second.journal.close()


async def test_the_steps_list_hides_for_room(lab):
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        steps = app.lab_screen.query_one("#steps")
        assert steps.display
        await pilot.press("b")
        await until(pilot, lambda: not steps.display, what="b to hide the list of steps")
        await pilot.press("b")
        await until(pilot, lambda: steps.display, what="b to show the list of steps again")


async def test_loading_an_mnist_run_back_brings_its_training_rows():
    """Recorded results (tests.replay): the form gets the run's sample of rows, and the run table says it."""
    from textual.widgets import Input, Select

    from tests import replay
    from tui.lab.carry import changes

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.mnist_run(pilot, "results-pane")
        recorded = app.runs["run-11"]
        assert recorded.spec.sample_rows == 3000 and "rows=3,000" in changes(recorded)
        view = app.lab_screen.view(11)
        view.set_sample_rows(None)  # the learner goes back to all rows, then loads the run
        await until(pilot, lambda: view.query_one("#rows-kind", Select).value == "all", what="all rows chosen")
        assert view.current_spec().sample_rows is None
        app.load_run(recorded)
        await until(
            pilot, lambda: view.sample_rows == 3000, what=lambda: f"the run's 3000 rows (has {view.sample_rows})"
        )
        await until(pilot, lambda: view.query_one("#rows-kind", Select).value == "sample", what="a sample chosen")
        assert view.query_one("#rows-count", Input).value == "3000"
        assert view.current_spec().sample_rows == 3000


async def test_chart_keys_fit_beside_the_step_list():
    """At 80 columns the chart's title, which names its curves, shortens instead of vanishing."""
    from tests import replay
    from widgets.chart import ScoringChart, fit

    assert fit(40, "a much longer title than forty columns, surely", "short") == "short"
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.show_run(pilot, 9)
        chart = app.lab_screen.view(9).query_one("#run-chart", ScoringChart)
        await until(
            pilot, lambda: "x: valid" in chart.plt.build(), what=lambda: f"the key in the chart:\n{chart.plt.build()}"
        )


async def test_continue_goes_to_step_9_or_to_the_runs_own_frames():
    """k on a run: step 9 when it trained on step 9's frames, else the run's own step (step 3 uses every row)."""
    from tests import replay

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for number, target in ((5, 9), (3, 3)):
            await replay.show_run(pilot, number)
            recorded = replay.run(number)
            app.continue_run(recorded)
            view = app.lab_screen.view(target)
            await until(
                pilot,
                lambda: app.current_step == target and view.checkpoint is not None and view.form is not None,
                what=lambda: f"k on run {number} to open step {target} (at {app.current_step})",
            )
            assert view.checkpoint.run_id == recorded.run_id
            assert view.form.errors() == {}
            assert view.current_spec().params["checkpoint"] == recorded.model_id
