"""Training through the lab on a real cluster: live polling, final metrics, cancelling, the code."""

from __future__ import annotations

import ast

import pytest

from tui.lab.steps import step
from tui.lab.training import CANCELLED, DONE, RUNNING


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
    assert values[-1] == pytest.approx(model.mse(), rel=1e-6)
    assert run.actual_params["activation"] == "Rectifier"
    assert run.actual_params["score_each_iteration"] is True
    assert run.actual_params["response_column"]["column_name"] == "cylinders"


def test_the_code_is_valid_python_and_names_the_exact_settings(lab, cars):
    run = lab.new_run(step(3).spec())
    tree = ast.parse(run.code)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "H2ODeepLearningEstimator"]
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
        return any(len(u.history) >= 2 for u in seen)

    run = lab.train(spec, on_update=seen.append, should_cancel=cancel_after_first_score)
    assert run.status == CANCELLED
    assert 0 < run.progress < 1
    assert len(run.history) >= 2
    model = h2o.get_model(run.model_id)
    assert model is not None and model.mse() is not None
