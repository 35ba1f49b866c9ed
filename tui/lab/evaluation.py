"""Reading a binary classifier: AUC and AUCPR, the ROC and precision-recall curves, thresholds.

H2O reports AUC and AUCPR with a table of thresholds. This module also computes both figures
again, independently, from the model's predicted probabilities: plain numpy, no H2O code. The
AUC is the trapezoid rule over the ROC points; the AUCPR follows H2O's own definition, which
interpolates precision between the curve's points (as XGBoost does) rather than joining them
with straight lines.

The walkthrough's own AUCPR line, ``np.trapz(recall, precision)``, swaps the arguments: NumPy takes
``y`` first and ``x`` second, so it integrates recall along precision, which is not the
precision-recall area (on step 12's validation rows about 0.52 where the area is 0.98). The lab
shows that figure beside the right one; ``np.trapz`` itself is gone from NumPy 2.4, where the call
is ``np.trapezoid(precision, recall)``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

from tui.lab.training import Table

# Columns of H2O's thresholds table the explorer uses.
THRESHOLD_COLUMNS = (
    "threshold",
    "f1",
    "accuracy",
    "precision",
    "recall",
    "specificity",
    "tns",
    "fns",
    "fps",
    "tps",
    "fpr",
    "tpr",
)


def _cumulative_counts(labels: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct scores from high to low, with the true and false positives at or above each."""
    import numpy as np  # noqa: PLC0415 - numpy loads on the first evaluation, not at start-up

    order = np.argsort(-scores, kind="mergesort")
    scores = scores[order]
    labels = labels[order]
    # The last index of each run of equal scores: one point per distinct threshold.
    last = np.r_[np.nonzero(np.diff(scores))[0], scores.size - 1]
    tps = np.cumsum(labels)[last].astype(float)
    fps = np.cumsum(1 - labels)[last].astype(float)
    return scores[last], tps, fps


def roc_auc(labels: Any, scores: Any) -> float:
    """Area under the ROC curve by the trapezoid rule, from (0, 0) through every threshold to (1, 1)."""
    import numpy as np  # noqa: PLC0415

    y = np.asarray(labels, dtype=int)
    s = np.asarray(scores, dtype=float)
    positives, negatives = int(y.sum()), int(y.size - y.sum())
    if positives == 0 or negatives == 0:
        return float("nan")
    _, tps, fps = _cumulative_counts(y, s)
    tpr = np.r_[0.0, tps / positives]
    fpr = np.r_[0.0, fps / negatives]
    return float(np.sum((fpr[1:] - fpr[:-1]) * (tpr[1:] + tpr[:-1]) / 2.0))


def pr_auc(labels: Any, scores: Any) -> float:
    """Area under the precision-recall curve as H2O defines it.

    Between two neighbouring thresholds the false positives grow linearly with the true
    positives, so precision tp / (tp + fp) follows a curve, not a line; the area under that
    curve has a closed form, summed here segment by segment.
    """
    import numpy as np  # noqa: PLC0415

    y = np.asarray(labels, dtype=int)
    s = np.asarray(scores, dtype=float)
    positives = float(y.sum())
    if positives == 0 or positives == y.size:
        return float("nan") if positives == 0 else 1.0
    _, tps, fps = _cumulative_counts(y, s)
    area = 0.0
    prev_tp = prev_fp = 0.0
    for tp, fp in zip(tps, fps):
        if tp == prev_tp:
            slope_term, offset = 1.0, 0.0
        else:
            h = (fp - prev_fp) / (tp - prev_tp)
            slope_term, offset = 1.0 + h, (prev_fp - h * prev_tp) / positives
        x1, x0 = tp / positives, prev_tp / positives
        if offset != 0.0:
            area += (
                x1
                - x0
                - offset / slope_term * (math.log(slope_term * x1 + offset) - math.log(slope_term * x0 + offset))
            ) / slope_term
        else:
            area += (x1 - x0) / slope_term
        prev_tp, prev_fp = tp, fp
    return float(area)


def pr_auc_trapezoid(labels: Any, scores: Any) -> float:
    """Area under the precision-recall curve with straight lines between its points, from (recall 0,
    precision 1): what scikit-learn's ``auc(recall, precision)`` gives for ``precision_recall_curve``."""
    import numpy as np  # noqa: PLC0415

    y = np.asarray(labels, dtype=int)
    s = np.asarray(scores, dtype=float)
    positives = float(y.sum())
    if positives == 0:
        return float("nan")
    _, tps, fps = _cumulative_counts(y, s)
    recall = np.r_[0.0, tps / positives]
    precision = np.r_[1.0, tps / (tps + fps)]
    return float(np.sum((recall[1:] - recall[:-1]) * (precision[1:] + precision[:-1]) / 2.0))


def _swapped_area(precision: Any, recall: Any) -> float:
    """The trapezoids of ``np.trapz(recall, precision)``: recall as y, precision as x, in the given order."""
    import numpy as np  # noqa: PLC0415

    p = np.asarray(precision, dtype=float)
    r = np.asarray(recall, dtype=float)
    return float(np.sum((p[1:] - p[:-1]) * (r[1:] + r[:-1]) / 2.0))


def pr_auc_swapped(labels: Any, scores: Any) -> float:
    """The walkthrough's figure: ``np.trapz(recall, precision)`` over scikit-learn's ``precision_recall_curve``.

    That curve runs from the lowest threshold (recall 1) to the highest, then adds (precision 1, recall 0).
    """
    import numpy as np  # noqa: PLC0415

    y = np.asarray(labels, dtype=int)
    s = np.asarray(scores, dtype=float)
    positives = float(y.sum())
    if positives == 0:
        return float("nan")
    _, tps, fps = _cumulative_counts(y, s)
    precision = np.r_[(tps / (tps + fps))[::-1], 1.0]
    recall = np.r_[(tps / positives)[::-1], 0.0]
    return _swapped_area(precision, recall)


# H2O's criteria for choosing a threshold, as its table names them, and how the lab says them.
CRITERIA = (
    ("max f1", "F1"),
    ("max f2", "F2"),
    ("max f0point5", "F0.5"),
    ("max accuracy", "accuracy"),
    ("max precision", "precision"),
    ("max recall", "recall"),
    ("max specificity", "specificity"),
    ("max absolute_mcc", "absolute MCC"),
)

# Columns of H2O's gains/lift table the evaluation shows.
GAINS_COLUMNS = (
    "group",
    "cumulative_data_fraction",
    "lower_threshold",
    "lift",
    "cumulative_lift",
    "cumulative_response_rate",
    "cumulative_capture_rate",
)


@dataclass
class Criterion:
    """H2O's best threshold for one criterion: where the criterion is highest, and its value there."""

    name: str  # as the lab says it ("F1", "absolute MCC")
    threshold: float
    value: float
    index: int  # the row of the thresholds table


@dataclass
class Evaluation:
    """What the evaluation screen shows for one binomial run (plain data)."""

    run_id: str
    scored_on: str  # "validation", or "training" when the run has no validation frame
    positive: str  # the positive class's label
    rows: int
    positives: int
    auc_h2o: float
    aucpr_h2o: float
    auc_own: float
    aucpr_own: float
    thresholds: Table = field(default_factory=Table)  # H2O's thresholds table, the columns above
    max_f1_index: int = 0
    unlabelled: int = 0  # rows of the frame without an answer: left out here, as H2O leaves them out
    aucpr_trapezoid: float = float("nan")  # the precision-recall area with straight lines (scikit-learn's route)
    criteria: list[Criterion] = field(default_factory=list)  # H2O's threshold for each criterion
    gains_lift: Table = field(default_factory=Table)  # H2O's gains/lift table, the columns above

    @property
    def positive_rate(self) -> float:
        return self.positives / self.rows if self.rows else 0.0

    @property
    def aucpr_walkthrough(self) -> float:
        """The walkthrough's ``np.trapz(recall, precision)`` (arguments swapped) on H2O's thresholds table.

        The table has one row per distinct score on frames this small, from the highest threshold down: the
        same points as scikit-learn's ``precision_recall_curve``, in the other order.
        """
        if not self.thresholds.rows or not {"precision", "recall"} <= set(self.thresholds.columns):
            return float("nan")
        precision = self.column("precision")[::-1] + [1.0]
        recall = self.column("recall")[::-1] + [0.0]
        return _swapped_area(precision, recall)

    def row(self, index: int) -> dict[str, Any]:
        return dict(zip(self.thresholds.columns, self.thresholds.rows[index]))

    def column(self, name: str) -> list[float]:
        i = self.thresholds.columns.index(name)
        return [float(r[i]) if r[i] is not None else float("nan") for r in self.thresholds.rows]

    def criteria_at(self, index: int) -> list[str]:
        """The criteria whose best threshold is this row."""
        return [c.name for c in self.criteria if c.index == index]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Evaluation:
        data = dict(data)
        data["thresholds"] = Table.from_dict(data["thresholds"])
        if "gains_lift" in data:
            data["gains_lift"] = Table.from_dict(data["gains_lift"])
        data["criteria"] = [Criterion(**c) for c in data.get("criteria") or []]
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def thresholds_from_metrics(block: dict) -> tuple[Table, int]:
    """H2O's thresholds table (the explorer's columns) and the row of the max-F1 threshold."""
    full = Table.from_two_dim(block.get("thresholds_and_metric_scores")) or Table()
    keep = [full.columns.index(c) for c in THRESHOLD_COLUMNS if c in full.columns]
    table = Table([full.columns[i] for i in keep], [[row[i] for i in keep] for row in full.rows])
    best = 0
    criteria = Table.from_two_dim(block.get("max_criteria_and_metric_scores"))
    if criteria is not None and "idx" in criteria.columns:
        idx = criteria.columns.index("idx")
        for row in criteria.rows:
            if str(row[0]).strip() == "max f1":
                best = int(row[idx])
                break
    else:  # pragma: no cover - older H2O
        f1 = table.columns.index("f1")
        best = max(range(len(table.rows)), key=lambda i: table.rows[i][f1] or 0)
    return table, best


def criteria_from_metrics(block: dict) -> list[Criterion]:
    """H2O's best threshold for each criterion the lab names (its "max criteria" table)."""
    table = Table.from_two_dim(block.get("max_criteria_and_metric_scores"))
    if table is None or not {"threshold", "value", "idx"} <= set(table.columns):
        return []
    at = {name: table.columns.index(name) for name in ("threshold", "value", "idx")}
    rows = {str(row[0]).strip(): row for row in table.rows}
    return [
        Criterion(label, float(rows[key][at["threshold"]]), float(rows[key][at["value"]]), int(rows[key][at["idx"]]))
        for key, label in CRITERIA
        if key in rows
    ]


def gains_lift_from_metrics(block: dict) -> Table:
    """H2O's gains/lift table (the columns the lab shows), or an empty table."""
    full = Table.from_two_dim(block.get("gains_lift_table")) or Table()
    keep = [full.columns.index(c) for c in GAINS_COLUMNS if c in full.columns]
    return Table([full.columns[i] for i in keep], [[row[i] for i in keep] for row in full.rows], full.description)


def nearest_threshold_index(evaluation: Evaluation, threshold: float) -> int:
    """The table row whose threshold is closest to ``threshold``."""
    values = evaluation.column("threshold")
    return min(range(len(values)), key=lambda i: abs(values[i] - threshold))
