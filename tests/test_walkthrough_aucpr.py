"""The walkthrough's AUCPR line, np.trapz(recall, precision), beside the right area; and the Code tab's call."""

from __future__ import annotations

import ast

import numpy as np
import pytest
from rich.console import Console

from tests import replay
from tui.lab import codegen
from tui.lab.evaluation import Evaluation, pr_auc_swapped, pr_auc_trapezoid
from tui.lab.params import canonical
from tui.lab.steps import step
from tui.lab.training import DONE
from widgets.eval_tables import figures_box

# scikit-learn 1.9.1 on the recorded evaluation's rows (rebuilt from its thresholds table):
# np.trapezoid(recall, precision) over precision_recall_curve, and auc(recall, precision).
SKLEARN_SWAPPED = 0.5182415448966009
SKLEARN_AREA = 0.9839949695541351


def recorded() -> Evaluation:
    return Evaluation.from_dict(replay.fixture("evaluation_step12.json"))


def rows_of(evaluation: Evaluation) -> tuple[list[int], list[float]]:
    """Labels and scores with the thresholds table's counts (one row per distinct score)."""
    labels: list[int] = []
    scores: list[float] = []
    tp0 = fp0 = 0
    for threshold, tp, fp in zip(evaluation.column("threshold"), evaluation.column("tps"), evaluation.column("fps")):
        labels += [1] * int(tp - tp0) + [0] * int(fp - fp0)
        scores += [threshold] * int(tp - tp0 + fp - fp0)
        tp0, fp0 = tp, fp
    return labels, scores


def test_the_swapped_call_on_three_rows():
    # scikit-learn's curve for scores 0.9 (yes), 0.8 (no), 0.7 (yes), lowest threshold first:
    # precision 2/3, 1/2, 1, then 1; recall 1, 1/2, 1/2, then 0.
    precision, recall = [2 / 3, 1 / 2, 1, 1], [1, 1 / 2, 1 / 2, 0]
    assert pr_auc_swapped([1, 0, 1], [0.9, 0.8, 0.7]) == pytest.approx(np.trapezoid(recall, precision))
    assert pr_auc_swapped([1, 0, 1], [0.9, 0.8, 0.7]) == pytest.approx(0.125)


def test_the_recorded_evaluation_shows_the_walkthroughs_figure_and_the_area():
    evaluation = recorded()
    assert evaluation.aucpr_walkthrough == pytest.approx(SKLEARN_SWAPPED, abs=1e-12)
    assert evaluation.aucpr_trapezoid == pytest.approx(SKLEARN_AREA, abs=1e-12)
    labels, scores = rows_of(evaluation)
    assert (len(labels), sum(labels)) == (evaluation.rows, evaluation.positives)
    assert pr_auc_swapped(labels, scores) == pytest.approx(evaluation.aucpr_walkthrough)
    assert pr_auc_trapezoid(labels, scores) == pytest.approx(evaluation.aucpr_trapezoid)


def test_the_figures_box_gives_both_and_names_the_swap():
    console = Console(width=120, record=True, color_system=None)
    console.print(figures_box(recorded()))
    text = " ".join(console.export_text().split())
    assert "walkthrough's 0.9840 0.5182" in text
    assert "AUCPR lines 0.9840 0.9840" in text
    assert "np.trapz(recall, precision), whose arguments are swapped" in text


def test_the_code_tab_writes_the_corrected_call():
    code = codegen.evaluation_code("valid", True)
    tree = ast.parse(code)
    calls = {ast.unparse(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    assert "np.trapezoid" in calls
    assert "np.trapz" not in calls
    assert "np.trapezoid([1.0, *precision], [0.0, *recall])" in code
    # The line computes the straight-line area from H2O's table (highest threshold first).
    evaluation = recorded()
    precision, recall = evaluation.column("precision"), evaluation.column("recall")
    assert np.trapezoid([1.0, *precision], [0.0, *recall]) == pytest.approx(evaluation.aucpr_trapezoid)


def test_a_real_evaluation_and_its_script(lab, cars):
    import h2o

    spec = step(12).spec()
    spec.params = canonical({**spec.params, "epochs": 3.0}, {m.name: m for m in lab.param_metas()})
    run = lab.train(spec)
    assert run.status == DONE, run.error
    evaluation = lab.evaluate(run)
    assert 0 < evaluation.aucpr_walkthrough < evaluation.aucpr_trapezoid <= 1.0
    # The same figures from the model's own predictions, row by row.
    _, valid = lab._training_frames(spec)
    model = h2o.get_model(run.model_id)
    both = model.predict(valid)["p1"].cbind(valid[spec.response]).as_data_frame(use_pandas=False, header=False)
    rows = [(int(a), float(p)) for p, a in both if a not in ("", "NA", None)]
    labels, scores = [a for a, _ in rows], [p for _, p in rows]
    assert pr_auc_swapped(labels, scores) == pytest.approx(evaluation.aucpr_walkthrough)
    assert pr_auc_trapezoid(labels, scores) == pytest.approx(evaluation.aucpr_trapezoid)
    # The Code tab's call, on H2O's own table, gives the straight-line area.
    table = model.model_performance(valid=True).thresholds_and_metric_scores()
    precision, recall = table["precision"], table["recall"]
    assert np.trapezoid([1.0, *precision], [0.0, *recall]) == pytest.approx(evaluation.aucpr_trapezoid)
    assert "np.trapezoid([1.0, *precision], [0.0, *recall])" in run.code
    ast.parse(run.code)
