"""Reading a binary classifier: AUC and AUCPR, the ROC and precision-recall curves, thresholds.

H2O reports AUC and AUCPR with a table of thresholds. This module also computes both figures
again, independently, from the model's predicted probabilities: plain numpy, no H2O code. The
AUC is the trapezoid rule over the ROC points; the AUCPR follows H2O's own definition, which
interpolates precision between the curve's points (as XGBoost does) rather than joining them
with straight lines.
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

    @property
    def positive_rate(self) -> float:
        return self.positives / self.rows if self.rows else 0.0

    def row(self, index: int) -> dict[str, Any]:
        return dict(zip(self.thresholds.columns, self.thresholds.rows[index]))

    def column(self, name: str) -> list[float]:
        i = self.thresholds.columns.index(name)
        return [float(r[i]) if r[i] is not None else float("nan") for r in self.thresholds.rows]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Evaluation:
        data = dict(data)
        data["thresholds"] = Table.from_dict(data["thresholds"])
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


def nearest_threshold_index(evaluation: Evaluation, threshold: float) -> int:
    """The table row whose threshold is closest to ``threshold``."""
    values = evaluation.column("threshold")
    return min(range(len(values)), key=lambda i: abs(values[i] - threshold))
