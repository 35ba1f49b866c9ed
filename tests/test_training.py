"""Training through the lab on a real cluster: live polling, final metrics, cancelling, the code."""

from __future__ import annotations

import ast

import pytest

from tui.lab.steps import step
from tui.lab.training import CANCELLED, DONE, RUNNING, Run


def test_cars_import_has_the_walkthrough_layout(cars):
    assert (cars.rows, cars.cols) == (406, 9)
    assert cars.column("economy_20mpg").type == "enum"
    assert cars.column("economy_20mpg").domain == ["0", "1"]
    assert cars.converted == {"economy_20mpg": "int"}
    assert cars.column("power").missing == 6 and cars.column("economy").missing == 8
    assert len(cars.head) == 10 and len(cars.head[0]) == 9


def test_step3_trains_live_and_reports_h2os_numbers(lab, cars):
    import h2o

    updates = []
    run = lab.train(step(3).spec(), on_update=updates.append)
    assert run.status == DONE and run.progress == 1.0
    # The chart had something to draw while the job ran, and at least 10 points at the end.
    assert any(u.status == RUNNING and len(u.history) > 0 for u in updates)
    epochs, values = run.history.series("mse")
    assert len(epochs) >= 10 and epochs == sorted(epochs)
    model = h2o.get_model(run.model_id)
    assert run.metric("MSE") == pytest.approx(model.mse(), rel=1e-12)
    assert run.metric("RMSE") == pytest.approx(model.rmse(), rel=1e-12)
    # The model handed back is the last one scored, or an earlier, better one H2O kept.
    kept = run.history.kept_row()
    if kept is None:
        assert values[-1] == pytest.approx(model.mse(), rel=1e-6)
    else:
        kept_epoch = run.history.column("epochs")[kept]
        assert values[epochs.index(kept_epoch)] == pytest.approx(model.mse(), rel=1e-6)
        assert model.mse() <= min(values) * (1 + 1e-6), "H2O keeps the best model it scored"
    assert run.actual_params["activation"] == "Rectifier"
    assert run.actual_params["score_each_iteration"] is True
    assert run.actual_params["response_column"]["column_name"] == "cylinders"


def test_the_code_is_valid_python_and_names_the_exact_settings(lab, cars):
    run = lab.new_run(step(3).spec())
    tree = ast.parse(run.code)
    calls = [
        n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "H2ODeepLearningEstimator"
    ]
    assert len(calls) == 1
    keywords = {k.arg: ast.literal_eval(k.value) for k in calls[0].keywords}
    assert keywords == {"activation": None, "score_each_iteration": True}
    assert 'response = "cylinders"' in run.code
    assert "h2o.import_file(" in run.code and cars.source.path in run.code


def test_cancel_keeps_the_partial_model(lab, cars):
    import h2o

    spec = step(3).spec()
    spec.params["epochs"] = 2000  # long enough to be cancelled midway
    seen = []

    def cancel_after_first_score() -> bool:
        # H2O may score twice before the job's progress first moves off 0: wait for both.
        return any(len(u.history) >= 2 and u.progress > 0 for u in seen)

    run = lab.train(spec, on_update=seen.append, should_cancel=cancel_after_first_score)
    assert run.status == CANCELLED
    assert 0 < run.progress < 1
    assert len(run.history) >= 2
    model = h2o.get_model(run.model_id)
    assert model is not None and model.mse() is not None


def _same(actual, wanted) -> bool:
    if isinstance(wanted, (list, tuple)):
        return [float(v) for v in actual] == [float(v) for v in wanted]
    if isinstance(wanted, (bool, str)):
        return actual == wanted
    return float(actual) == pytest.approx(float(wanted))


@pytest.fixture(scope="module")
def metas(lab):
    return {m.name: m for m in lab.param_metas()}


@pytest.fixture(scope="module")
def preset_runs(lab, cars, metas):
    from tui.lab.params import canonical

    runs = {}
    for number in (4, 5, 6, 7, 8, 9):
        spec = step(number).spec()
        spec.params = canonical(spec.params, metas)
        runs[number] = lab.train(spec)
    return runs


@pytest.mark.parametrize("number", [4, 5, 6, 7, 8, 9])
def test_each_preset_trains_with_the_forms_values(preset_runs, number):
    run = preset_runs[number]
    assert run.status == DONE, run.error
    for name, wanted in run.spec.params.items():
        actual = run.actual_params[name]
        if name == "epochs":
            # H2O may run a little past the asked epochs (it stops at an iteration's end), or stop
            # before them: stopping_rounds (5 by default) ends a run whose score stopped improving
            # once it has scored ten times, as score_each_iteration lets it; with cross-validation
            # the final model trains for the folds' mean number of epochs.
            assert 0 < actual <= wanted * 1.1, (actual, wanted)
            if actual < wanted and not run.spec.params.get("nfolds"):
                assert len(run.history) > 10, "stopped early without the scores early stopping needs"
            continue
        assert _same(actual, wanted), (name, actual, wanted)
    assert run.metric("MSE", "validation") is not None
    assert len(run.history.series("mse", "validation")[0]) >= 10
    assert run.layers is not None and run.layers.rows
    assert run.split_rows and sum(run.split_rows) == 406


def test_mini_batches_are_accepted_but_h2o_trains_row_by_row(preset_runs):
    run = preset_runs[6]
    assert run.actual_params["mini_batch_size"] == 32
    assert "mini-batch size 1" in run.layers_note


def test_a_run_keeps_h2os_importances_and_the_values_it_chose(preset_runs, cars):
    from tui.lab.inside import AUTO_WHY, importances, used_values

    run = preset_runs[6]
    found = importances(run)
    assert {i.name for i in found} == set(run.spec.predictors)
    assert found[0].scaled == pytest.approx(1.0) and sum(i.share for i in found) == pytest.approx(1.0, abs=1e-3)
    assert [i.scaled for i in found] == sorted((i.scaled for i in found), reverse=True)
    used = {u.name: u for u in used_values(run)}
    assert used["distribution"].asked == "AUTO" and used["distribution"].used == "gaussian"
    assert used["distribution"].why == AUTO_WHY
    assert (used["mini_batch_size"].asked, used["mini_batch_size"].used) == ("32", "1")
    for number, run in preset_runs.items():
        ignored = {u.name for u in used_values(run) if u.used == "not used"}
        if run.actual_params["adaptive_rate"]:
            assert ("rate" in ignored) == ("rate" in run.spec.params), number
        else:
            assert not ignored, number


def test_step8_keeps_its_weights_and_the_lab_reads_them(lab, preset_runs):
    from tui.lab.errors import TrainingError

    run = preset_runs[8]
    layers = lab.weights(run)
    assert [(layer.inputs, layer.units) for layer in layers] == [(5, 200), (200, 200), (200, 1)]
    for layer in layers:
        assert sum(layer.histogram) == layer.count and 0.0 <= layer.near_zero < 1.0 and layer.rms > 0
    assert run.weights == [layer.to_dict() for layer in layers], "the summary is kept with the run"
    # The screens hold copies of a run: the lab's own run gets the summary too, for comparisons.
    own = next(r for r in lab.runs if r.run_id == run.run_id)
    own.weights = []
    shown = Run.from_dict(run.to_dict())
    shown.weights = []
    lab.weights(shown)
    assert own.weights == shown.weights and own.weights
    with pytest.raises(TrainingError, match="export_weights_and_biases"):
        lab.weights(preset_runs[7])


def test_cross_validation_gives_fold_metrics(preset_runs):
    run = preset_runs[9]
    summary = run.cv_summary
    assert summary is not None
    assert summary.columns[1:3] == ["mean", "sd"]
    assert [c for c in summary.columns if c.startswith("cv_")] == ["cv_1_valid", "cv_2_valid", "cv_3_valid"]
    mse = next(row for row in summary.rows if row[0] == "mse")
    folds = [float(v) for v in mse[3:]]
    assert float(mse[1]) == pytest.approx(sum(folds) / len(folds), rel=1e-4)
    assert run.metric("MSE", "cross_validation") is not None


def test_checkpoint_continues_the_same_network(lab, preset_runs, metas):
    import h2o

    from tui.lab.param_rules import checkpoint_problems

    base = preset_runs[5]
    params = dict(base.spec.params)
    params["epochs"] = base.epochs_done + 10
    params["l1"] = 1e-4  # regularisation may change on a restart
    assert checkpoint_problems(params, metas, base.spec.params, base.epochs_done, base_label=base.run_id) == {}
    spec = step(9).spec()
    spec.params = {**params, "checkpoint": base.model_id}
    run = lab.train(spec)
    assert run.status == DONE, run.error
    assert run.checkpoint_of == base.run_id
    assert run.epochs_done > base.epochs_done
    # The continued model carries the first run's scores, then adds its own after them.
    epochs = [e for e in run.history.column("epochs") if e is not None]
    assert any(e <= base.epochs_done for e in epochs) and any(e > base.epochs_done for e in epochs)
    assert epochs == sorted(epochs)
    assert h2o.get_model(run.model_id).actual_params["checkpoint"]["name"] == base.model_id
    # H2O hands back the best network it scored; when that is the base's, the run says why its numbers match.
    same = run.metric("MSE", "validation") == base.metric("MSE", "validation")
    assert any("same network as" in note for note in run.notes) == same


def test_a_continued_run_that_ends_on_its_base_network_says_why():
    from tui.lab.service import same_network_note
    from tui.lab.training import Run, RunSpec

    def made(run_id, mse, **actual):
        run = Run(run_id, RunSpec(step=9, params={}, response="cylinders", predictors=[]), status=DONE)
        run.metrics = {"training": {"MSE": mse + 0.1}, "validation": {"MSE": mse}}
        run.actual_params = actual
        return run

    base = made("run-2", 0.162)
    assert "overwrite_with_best_model" in same_network_note(made("run-3", 0.162, overwrite_with_best_model=True), base)
    assert same_network_note(made("run-3", 0.150, overwrite_with_best_model=True), base) == ""
    assert same_network_note(made("run-3", 0.162, overwrite_with_best_model=False), base) == ""
    assert same_network_note(made("run-3", 0.162), None) == ""


def test_a_checkpoint_h2o_refuses_fails_with_its_reason_in_plain_words(lab, preset_runs):
    base = preset_runs[5]
    spec = step(9).spec()
    spec.params = {**base.spec.params, "hidden": [50, 50], "epochs": base.epochs_done + 5, "checkpoint": base.model_id}
    run = lab.train(spec)
    assert run.status == "failed"
    assert "Hidden layers" in run.error and "Exception" not in run.error


def test_a_job_that_dies_of_numerical_instability_says_so(lab, cars):
    spec = step(4).spec()
    spec.params.update({"adaptive_rate": False, "rate": -1.0, "epochs": 2})  # H2O's check lets this through
    assert lab.check_params(spec).ok
    run = lab.train(spec)
    assert run.status == "failed"
    # H2O fails such a job with an "unstable" model; the app says so in plain words, names the likely cause and
    # what to change, and quotes H2O's own reason (not the wrapper of the node's error).
    assert run.error.startswith("The network became numerically unstable"), run.error
    assert "The likely cause: rate -1.0 with adaptive_rate off: a learning rate must be above 0." in run.error
    assert "Lower rate (to 0.01, say) or turn adaptive_rate on." in run.error, run.error
    assert "H2O said: Trying to predict with an unstable model." in run.error, run.error
