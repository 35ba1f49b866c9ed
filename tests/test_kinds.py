"""The metrics that fit each kind of model, from recorded real runs (a regression, MNIST, the cars classifier)."""

from __future__ import annotations

import pytest

from tests import replay
from tests.waiting import until
from tui.lab import kinds


def test_each_kind_is_shown_by_its_own_metrics():
    regression, mnist, binary = replay.run(9), replay.run(11), replay.run(12)
    assert [kinds.kind_of(r) for r in (regression, mnist, binary)] == ["regression", "multinomial", "binomial"]
    assert [kinds.key_metric(r) for r in (regression, mnist, binary)] == ["MSE", "accuracy", "AUC"]
    # MNIST: H2O reports the error; the accuracy is its complement.
    assert kinds.value(mnist, "accuracy") == pytest.approx(1 - mnist.metrics["validation"]["error"])
    # The cars classifier: accuracy at H2O's max-F1 threshold, from its confusion matrix (3 wrong of 73).
    assert kinds.value(binary, "accuracy") == pytest.approx(70 / 73)
    assert "MSE" not in kinds.metrics_line(binary, "validation")
    assert kinds.metrics_line(regression, "validation").startswith("MSE ")
    # Step 9 made three folds: the means of the cross-validation summary.
    assert kinds.cv_mean(regression, "MSE") == pytest.approx(0.18161984)
    assert kinds.cv_mean(binary, "MSE") is None


def test_better_knows_which_way_each_metric_goes():
    assert kinds.better("MSE", 0.1, 0.2) == -1
    assert kinds.better("AUC", 0.9, 0.95) == 1
    assert kinds.better("accuracy", None, 0.9) == 0


async def test_all_runs_show_each_run_by_its_kind_and_m_changes_the_compared_metric():
    app = replay.replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await replay.loaded(pilot)
        for number in (11, 12):
            replay.replayed_run(app, replay.run(number))
        await replay.all_runs(pilot, marked=("run-4", "run-9"))
        view = app.lab_screen.view(99)
        table = view.query_one("#runs-table")
        metric = [c.label.plain for c in table.columns.values()].index("metric")
        cells = {key.value: table.get_row(key)[metric] for key in table.rows}
        assert cells["run-4"] == "MSE" and cells["run-11"] == "accuracy" and cells["run-12"] == "AUC"
        chart = view.query_one("#compare-chart")
        assert "Validation MSE by epoch" in chart._series_title
        await pilot.press("m")
        await until(pilot, lambda: "Validation RMSE by epoch" in chart._series_title, what="the chart on RMSE")
