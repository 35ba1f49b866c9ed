"""The app driven with Textual's Pilot against the real cluster of the test session."""

from __future__ import annotations

import asyncio
import re
import time

import pytest

from tui.app import make_app
from tui.lab.training import RUNNING


async def wait_for(pilot, condition, timeout: float = 90.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what() if callable(what) else what}")
        await pilot.pause(0.1)


def rendered(widget) -> str:
    """What a widget shows, as plain text (rich tables included)."""
    import io

    from rich.console import Console

    shown = widget.render()
    renderable = getattr(shown, "_renderable", shown)
    if isinstance(renderable, str):
        return renderable
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


async def test_launch_to_a_finished_step3_model(lab):
    import h2o

    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.cluster_state == "ready", what="cluster ready")
        assert 1 in app.done
        await pilot.press("n")
        assert app.current_step == 2
        await pilot.press("i")
        await wait_for(pilot, lambda: 2 in app.done, what="cars import")
        data_view = app.lab_screen.view(2)
        assert "406 rows × 9 columns" in rendered(data_view.query_one("#data-news"))
        await pilot.press("n")
        assert app.current_step == 3
        await pilot.press("t")
        view = app.lab_screen.view(3)
        await wait_for(pilot, lambda: view.run is not None, what="the job to start")
        await wait_for(pilot, lambda: view.run.finished, what="the job to finish")
        assert 3 in app.done
        shown = rendered(view.query_one("#run-metrics"))
        match = re.search(r"MSE ([0-9.e+-]+)", shown)
        assert match, shown
        model = h2o.get_model(view.run.model_id)
        assert float(match.group(1)) == pytest.approx(model.mse(), rel=5e-4)
        assert view.query_one("#run-chart").points >= 10
        assert "H2ODeepLearningEstimator(" in view.query_one("#train-code").code


async def test_quit_while_training_asks_then_cancels(lab):
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.cluster_state == "ready", what="cluster ready")
        app.show_step(3)
        await pilot.pause()
        view = app.lab_screen.view(3)
        view.load_values({**view.step.spec().params, "epochs": 2000})
        await pilot.press("t")
        await wait_for(pilot, lambda: view.training and len(view.run.history) > 0, what="training")
        await pilot.press("q")
        await pilot.pause(0.2)
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("n")  # keep training
        await pilot.pause(0.2)
        assert view.training
        await pilot.press("q")
        await pilot.pause(0.2)
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.is_running, what="the app to exit", timeout=30)
    assert all(run.status != RUNNING for run in lab.runs)
    assert lab.runs[-1].status == "cancelled"


async def test_help_and_navigation(lab):
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause(0.1)
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.press("n", "n", "n", "p")
        assert app.current_step == 3
        await pilot.press("down", "down", "enter")
        await pilot.pause(0.1)
        assert app.current_step == 5  # the cursor follows the current step


async def test_a_cluster_that_cannot_start_is_explained_in_the_app(tmp_path):
    from tui.lab.cluster import ClusterOptions
    from tui.lab.service import Lab, LabConfig

    lab = Lab(LabConfig(cluster=ClusterOptions(max_mem="99999t"), log_dir=tmp_path, download=False))
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.cluster_state == "failed", what="the start to fail", timeout=60)
        view = app.lab_screen.view(1)
        assert "stopped during start-up" in rendered(view.query_one("#cluster-error"))
        assert rendered(view.query_one("#cluster-log")).strip()
        await asyncio.sleep(0)
    lab.close()


async def test_train_step5_cancel_step6_and_compare(lab):
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.cluster_state == "ready" and app.metas, what="cluster and parameter list")
        app.show_step(5)
        await pilot.pause()
        five = app.lab_screen.view(5)
        await wait_for(pilot, lambda: five.form is not None, what="step 5's form")
        await pilot.press("t")
        await wait_for(pilot, lambda: five.run is not None and five.run.finished, what="step 5 to finish")
        assert five.run.status == "done"

        app.show_step(6)
        await pilot.pause()
        six = app.lab_screen.view(6)
        await wait_for(pilot, lambda: six.form is not None, what="step 6's form")
        six.load_values({**six.step.spec().params, "epochs": 500})
        await pilot.press("t")
        await wait_for(pilot, lambda: six.training and len(six.run.history) >= 3, what="step 6 to score")
        await pilot.press("x")
        await wait_for(pilot, lambda: six.run.finished, what="step 6 to stop")
        assert six.run.status == "cancelled"
        assert 0 < six.run.progress < 1 and len(six.run.history) >= 3
        assert "Cancelled" in rendered(six.query_one("#run-status"))

        app.show_step(99)
        await pilot.pause()
        runs = app.lab_screen.view(99)
        table = runs.query_one("#runs-table")
        ids = [five.run.run_id, six.run.run_id]
        for run_id in ids:
            table.move_cursor(row=table.get_row_index(run_id))
            await pilot.press("space")
        await pilot.pause()
        assert runs.marked == ids
        assert runs.query_one("#compare").has_class("shown")
        compare = runs.query_one("#compare-params")
        names = [str(compare.get_row_at(i)[0]) for i in range(compare.row_count)]
        assert "mini_batch_size" in names and "epochs" in names
        statuses = {str(table.get_row(r)[1]): str(table.get_row(r)[5]) for r in ids}
        assert statuses == {five.run.run_id: "done", six.run.run_id: "cancelled"}
        chart = runs.query_one("#compare-chart")
        assert [name for name, _xs, _ys in chart._series] == [f"{i} validation MSE" for i in ids]

        # A run goes back into its step's form.
        table.move_cursor(row=table.get_row_index(six.run.run_id))
        await pilot.press("l")
        await pilot.pause()
        assert app.current_step == 6 and six.form.values["epochs"] == 500


async def test_form_errors_stop_the_job_and_the_fix_key(lab):
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.cluster_state == "ready" and app.metas, what="cluster and parameter list")
        app.show_step(7)
        await pilot.pause()
        view = app.lab_screen.view(7)
        await wait_for(pilot, lambda: view.form is not None, what="step 7's form")
        form = view.form
        rate = form.field("rate")
        assert rate.has_class("warning") and rate.has_class("fixable")
        await pilot.press("f")
        await pilot.pause()
        assert form.values["adaptive_rate"] is False
        assert not form.field("rate").has_class("warning")

        runs_before = len(lab.runs)
        form.field("hidden_dropout_ratios").query_one("Input").value = "0.5"
        await pilot.pause()
        assert form.field("hidden_dropout_ratios").has_class("error")
        assert "one ratio per hidden layer" in rendered(form.field("hidden_dropout_ratios").query_one(".message"))
        await pilot.press("t")
        await pilot.pause(0.5)
        assert len(lab.runs) == runs_before, "a job started despite an error"
        assert form.values["hidden_dropout_ratios"] == [0.5], "what the learner typed is kept"


async def test_h2o_rejects_a_value_the_form_let_through(lab):
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.cluster_state == "ready" and app.metas, what="cluster and parameter list")
        app.show_step(4)
        await pilot.pause()
        view = app.lab_screen.view(4)
        await wait_for(pilot, lambda: view.form is not None, what="step 4's form")
        values = {**view.step.spec().params, "stopping_metric": "logloss", "stopping_rounds": 3}
        view.load_values(values)
        await pilot.pause()
        assert view.form.valid
        runs_before = len(lab.runs)
        await pilot.press("t")
        await wait_for(pilot, lambda: "stopping_metric" in view.form.server_errors, what="H2O's verdict")
        await wait_for(pilot, lambda: view.form.field("stopping_metric") is not None, what="the field to be shown")
        field = view.form.field("stopping_metric")
        await pilot.pause(0.3)
        assert field.has_class("error")
        assert "cannot be logloss for regression" in rendered(field.query_one(".message"))
        assert len(lab.runs) == runs_before
        assert view.form.values["stopping_metric"] == "logloss"
        assert not view.training


async def test_mnist_from_import_to_mistakes(lab):
    from tests.helpers import SHARED_DATA

    if not (SHARED_DATA / "mnist" / "test.csv.gz").exists():
        pytest.skip("the MNIST files are not on this machine")
    from screens.mnist import DigitBrowser

    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.cluster_state == "ready" and app.metas, what="cluster and parameter list")
        app.show_step(10)
        await pilot.pause()
        await pilot.press("i")
        await wait_for(pilot, lambda: 10 in app.done, what="MNIST import", timeout=180)
        view = app.lab_screen.view(10)
        assert "nclasses = 10" in rendered(view.query_one("#mnist-summary"))
        browser = view.query_one(DigitBrowser)
        browser.focus()
        await wait_for(pilot, lambda: ("train", 0) in browser.cache, what="the first digit")
        await pilot.press("right", "right")
        await wait_for(pilot, lambda: ("train", 2) in browser.cache, what="the third digit")
        assert browser.row == 2 and browser.cache[("train", 2)].label == "4"
        assert "label 4" in rendered(browser.query_one("#digit-about"))

        app.show_step(11)
        await pilot.pause()
        eleven = app.lab_screen.view(11)
        await wait_for(pilot, lambda: eleven.form is not None, what="step 11's form")
        # A sample larger than the frame is refused at its field.
        eleven.query_one("#rows-kind").value = "sample"
        eleven.query_one("#rows-count").value = "70000"
        await pilot.pause()
        assert "at most" in rendered(eleven.query_one("#rows-error"))
        runs_before = len(lab.runs)
        await pilot.press("t")
        await pilot.pause(0.3)
        assert len(lab.runs) == runs_before
        eleven.query_one("#rows-count").value = "2000"
        await pilot.pause()
        assert eleven.sample_rows == 2000
        eleven.load_values({**eleven.step.spec().params, "epochs": 2, "train_samples_per_iteration": 1000})
        await pilot.pause()
        app.lab_screen.query_one("#steps").focus()  # the refused press left the focus in the rows field
        await pilot.pause()
        await pilot.press("t")
        # No speed known yet: a short trial measures it, then the estimate is shown before the job starts.
        await wait_for(
            pilot,
            lambda: eleven.estimate() is not None,
            what=lambda: "the speed trial: " + rendered(eleven.query_one("#run-status")),
            timeout=120,
        )
        assert "Time: about" in rendered(eleven.query_one("#estimate"))
        await wait_for(pilot, lambda: eleven.run is not None, what="the MNIST run to start", timeout=120)
        assert eleven.query_one("#train-tabs").active == "run-pane", "the Training tab shows the run"
        await wait_for(pilot, lambda: eleven.run is not None and eleven.run.finished, what="the MNIST run", timeout=180)
        assert eleven.run.status == "done"
        assert eleven.run.spec.sample_rows == 2000 and eleven.run.split_rows == [2000, 10000]
        await wait_for(pilot, lambda: eleven.mistakes is not None, what="the mistakes", timeout=60)
        run_id, count, digits = eleven.mistakes
        assert count > 0 and digits and all(d.label != d.predicted for d in digits)
        assert "train = train[0:2000, :]" in eleven.query_one("#train-code").code


async def test_evaluation_screen(lab):
    from screens.evaluate import ThresholdExplorer

    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.cluster_state == "ready" and app.metas, what="cluster and parameter list")
        app.show_step(12)
        await pilot.pause()
        view = app.lab_screen.view(12)
        await wait_for(pilot, lambda: view.form is not None, what="step 12's form")
        await pilot.press("t")
        await wait_for(pilot, lambda: view.run is not None and view.run.finished, what="the binary classifier")
        await wait_for(pilot, lambda: view.evaluation is not None, what="the evaluation")
        evaluation = view.evaluation
        assert evaluation.run_id == view.run.run_id and evaluation.scored_on == "validation"
        view.show_tab("eval-pane")
        await pilot.pause()
        figures = rendered(view.query_one("#eval-figures"))
        assert f"{evaluation.auc_h2o:.4f}" in figures and f"{evaluation.aucpr_h2o:.4f}" in figures
        explorer = view.query_one(ThresholdExplorer)
        assert explorer.index == evaluation.max_f1_index
        explorer.focus()
        await pilot.press("right", "right")
        await pilot.pause()
        expected = min(evaluation.max_f1_index + 2, len(evaluation.thresholds.rows) - 1)
        assert explorer.index == expected
        row = evaluation.row(expected)
        body = rendered(explorer.query_one("#explorer-body"))
        assert f"{float(row['threshold']):.4f}" in body
        await pilot.press("m")
        assert explorer.index == evaluation.max_f1_index

        # Any other run can be picked; a regression run is explained, not drawn.
        regression = next((r for r in app.runs.values() if r.model_category == "Regression" and r.finished), None)
        if regression is None:
            app.show_step(4)
            await pilot.pause()
            four = app.lab_screen.view(4)
            await wait_for(pilot, lambda: four.form is not None, what="step 4's form")
            four.load_values({**four.step.spec().params, "epochs": 1})
            await pilot.press("t")
            await wait_for(pilot, lambda: four.run is not None and four.run.finished, what="a regression run")
            regression = four.run
            app.show_step(12)
            await pilot.pause()
        view.query_one("#eval-run").value = regression.run_id
        await wait_for(pilot, lambda: "exactly two classes" in rendered(view.query_one("#eval-news")), what="the explanation")
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

    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.cluster_state == "ready" and app.metas, what="cluster and parameter list")
        app.show_step(4)
        await pilot.pause()
        four = app.lab_screen.view(4)
        await wait_for(pilot, lambda: four.form is not None, what="step 4's form")
        four.form.field("epochs").query_one("Input").value = "3"
        await pilot.pause()
        await pilot.press("t")
        await wait_for(pilot, lambda: four.run is not None and four.run.finished, what="step 4")
        trained = four.run.run_id
        app.show_step(5)
        await pilot.pause()
        five = app.lab_screen.view(5)
        await wait_for(pilot, lambda: five.form is not None, what="step 5's form")
        five.form.field("seed").query_one("Input").value = "99"
        await pilot.pause()
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, what="the first launch to end")

    second = Lab(LabConfig(journal_path=lab.journal.path, models_dir=tmp_path / "models", download=False))
    app2 = make_app(second, autostart=False, health_interval=0)
    async with app2.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await wait_for(pilot, lambda: app2.current_step == 5, what="the saved place")
        assert {3, 4} & app2.done or 4 in app2.done
        assert trained in app2.runs and app2.runs[trained].status == "done"
        five = app2.lab_screen.view(5)
        assert five.current_spec().params["seed"] == 99
        assert app2.lab_screen.view(4).current_spec().params["epochs"] == 3
        app2.show_step(99)
        await pilot.pause()
        runs = app2.lab_screen.view(99)
        table = runs.query_one("#runs-table")
        assert "earlier" in str(table.get_row(trained)[5])
    second.journal.close()


async def test_the_steps_list_hides_for_room(lab):
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        steps = app.lab_screen.query_one("#steps")
        await pilot.press("b")
        assert not steps.display
        await pilot.press("b")
        assert steps.display


async def test_loading_an_mnist_run_back_brings_its_training_rows():
    """Recorded results (tests.replay): the form gets the run's sample of rows, and the run table says it."""
    from textual.widgets import Input, Select

    from screens.runs import changes
    from tests import replay

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.mnist_run(pilot, "results-pane")
        recorded = app.runs["run-11"]
        assert recorded.spec.sample_rows == 3000 and "rows=3,000" in changes(recorded)
        view = app.lab_screen.view(11)
        view.set_sample_rows(None)  # the learner goes back to all rows, then loads the run
        await pilot.pause()
        assert view.query_one("#rows-kind", Select).value == "all"
        app.load_run(recorded)
        await pilot.pause()
        assert view.sample_rows == 3000
        assert view.query_one("#rows-kind", Select).value == "sample"
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
        assert "x: valid" in chart.plt.build()


async def test_continue_goes_to_step_9_or_to_the_runs_own_frames():
    """k on a run: step 9 when it trained on step 9's frames, else the run's own step (step 3 uses every row)."""
    from tests import replay

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for number, target in ((5, 9), (3, 3)):
            await replay.show_run(pilot, number)
            recorded = replay.run(number)
            app.continue_run(recorded)
            await pilot.pause()
            view = app.lab_screen.view(target)
            assert app.current_step == target and view.checkpoint.run_id == recorded.run_id
            assert view.form.errors() == {}
            assert view.current_spec().params["checkpoint"] == recorded.model_id
