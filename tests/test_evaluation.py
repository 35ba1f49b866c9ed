"""AUC and AUCPR: the independent computation, and H2O's figures for a real binary classifier."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.lab.errors import LabError
from tui.lab.evaluation import CRITERIA, nearest_threshold_index, pr_auc, pr_auc_trapezoid, roc_auc
from tui.lab.params import canonical
from tui.lab.steps import step
from tui.lab.training import DONE


def pairwise_auc(labels, scores) -> float:
    """The probability that a random positive outscores a random negative (ties count half)."""
    pos = [s for s, y in zip(scores, labels) if y == 1]
    neg = [s for s, y in zip(scores, labels) if y == 0]
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def test_perfect_and_reversed_and_random():
    assert roc_auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert roc_auc([0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert roc_auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) == 0.5
    assert pr_auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == pytest.approx(1.0)
    assert math.isnan(roc_auc([1, 1], [0.2, 0.3]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 20)), min_size=2, max_size=60))
def test_trapezoid_auc_equals_the_pairwise_definition(pairs):
    labels = [y for y, _ in pairs]
    scores = [s / 20 for _, s in pairs]
    if 0 < sum(labels) < len(labels):
        assert roc_auc(labels, scores) == pytest.approx(pairwise_auc(labels, scores))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 20)), min_size=2, max_size=60))
def test_aucpr_lies_between_zero_and_one(pairs):
    labels = [y for y, _ in pairs]
    scores = [s / 20 for _, s in pairs]
    if 0 < sum(labels) < len(labels):
        assert 0.0 <= pr_auc(labels, scores) <= 1.0 + 1e-9


def test_the_trapezoid_area_joins_the_points_with_straight_lines():
    # Scores 0.9 (yes), 0.8 (no), 0.7 (yes): points (0, 1), (0.5, 1), (0.5, 0.5), (1, 2/3).
    expected = 0.5 * 1.0 + 0.0 + 0.5 * (0.5 + 2 / 3) / 2
    assert pr_auc_trapezoid([1, 0, 1], [0.9, 0.8, 0.7]) == pytest.approx(expected)
    # H2O's interpolated area differs: precision follows a curve between two points, not a line.
    assert pr_auc([1, 0, 1], [0.9, 0.8, 0.7]) != pytest.approx(expected)
    assert pr_auc_trapezoid([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == pytest.approx(1.0)


@pytest.fixture(scope="module")
def binomial_run(lab, cars):
    spec = step(12).spec()
    spec.params = canonical(spec.params, {m.name: m for m in lab.param_metas()})
    run = lab.train(spec)
    assert run.status == DONE, run.error
    return run


@pytest.fixture(scope="module")
def evaluation(lab, binomial_run):
    return lab.evaluate(binomial_run)


def test_the_figures_shown_are_h2os(binomial_run, evaluation):
    import h2o

    model = h2o.get_model(binomial_run.model_id)
    assert binomial_run.model_category == "Binomial"
    assert evaluation.scored_on == "validation"
    assert evaluation.auc_h2o == pytest.approx(model.auc(valid=True), rel=1e-12)
    assert evaluation.aucpr_h2o == pytest.approx(model.aucpr(valid=True), rel=1e-12)
    # Scored on the validation frame, less the rows without an answer, which H2O leaves out as well.
    assert evaluation.rows == model.model_performance(valid=True).nobs() <= binomial_run.split_rows[1]
    # The rows left out are counted, so the screen can say where the frame's other cars went.
    assert evaluation.rows + evaluation.unlabelled == binomial_run.split_rows[1]
    # Every actual positive is either found or missed, at any threshold of H2O's table.
    first = evaluation.row(0)
    assert int(float(first["tps"])) + int(float(first["fns"])) == evaluation.positives
    assert 0 < evaluation.positives < evaluation.rows


def test_the_independent_figures_agree_with_h2o(evaluation):
    assert abs(evaluation.auc_own - evaluation.auc_h2o) < 0.005
    assert abs(evaluation.aucpr_own - evaluation.aucpr_h2o) < 0.005


def test_the_explorer_starts_at_max_f1_and_its_matrix_is_h2os(binomial_run, evaluation):
    import h2o

    performance = h2o.get_model(binomial_run.model_id).model_performance(valid=True)
    f1s = evaluation.column("f1")
    assert f1s[evaluation.max_f1_index] == pytest.approx(max(f1s))
    for index in (evaluation.max_f1_index, 0, len(f1s) // 2, len(f1s) - 1):
        row = evaluation.row(index)
        threshold = float(row["threshold"])
        assert nearest_threshold_index(evaluation, threshold) == index
        cm = performance.confusion_matrix(thresholds=threshold).to_list()
        assert [[int(float(row["tns"])), int(float(row["fps"]))], [int(float(row["fns"])), int(float(row["tps"]))]] == [
            [int(v) for v in cm[0]],
            [int(v) for v in cm[1]],
        ]


def test_a_regression_run_is_explained(lab, cars):
    run = next((r for r in lab.runs if r.model_category == "Regression" and r.finished), None)
    if run is None:
        spec = step(4).spec()
        spec.params["epochs"] = 1
        run = lab.train(spec)
    with pytest.raises(LabError) as err:
        lab.evaluate(run)
    assert "exactly two classes" in err.value.message


def test_a_run_without_validation_falls_back_to_training(lab, cars):
    spec = step(12).spec()
    spec.split = False
    spec.params["epochs"] = 3
    run = lab.train(spec)
    evaluation = lab.evaluate(run)
    assert evaluation.scored_on == "training"
    assert abs(evaluation.auc_own - evaluation.auc_h2o) < 0.005


def test_each_criterions_threshold_and_the_gains_lift_table_are_h2os(binomial_run, evaluation):
    import h2o

    performance = h2o.get_model(binomial_run.model_id).model_performance(valid=True)
    assert [c.name for c in evaluation.criteria] == [label for _key, label in CRITERIA]
    for criterion, (key, _label) in zip(evaluation.criteria, CRITERIA):
        metric = key.removeprefix("max ")
        assert criterion.threshold == pytest.approx(performance.find_threshold_by_max_metric(metric), rel=1e-9)
        assert float(evaluation.row(criterion.index)["threshold"]) == pytest.approx(criterion.threshold, rel=1e-9)
    assert evaluation.criteria[0].index == evaluation.max_f1_index
    theirs = performance.gains_lift()
    column = theirs.col_header.index("cumulative_lift")
    lift = evaluation.gains_lift.columns.index("cumulative_lift")
    assert [r[lift] for r in evaluation.gains_lift.rows] == pytest.approx([r[column] for r in theirs.cell_values])
    # The trapezoid area is near H2O's interpolated one, not equal to it.
    assert abs(evaluation.aucpr_trapezoid - evaluation.aucpr_h2o) < 0.05
