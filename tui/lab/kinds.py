"""The metrics that fit a run's kind of model: MSE, RMSE, MAE and R² for a regression; accuracy, logloss, mean
per-class error (and AUC with two classes) for a classifier; the cross-validation means where H2O made folds.

All runs, the comparison of two runs and step 11's table of accuracies read them from here, so a classifier is
never shown by its MSE nor a regression by an accuracy.
"""

from __future__ import annotations

from typing import Any

from tui.lab import fmt

REGRESSION, BINOMIAL, MULTINOMIAL = "regression", "binomial", "multinomial"

# By kind: the metrics shown, in order; the first is the one a table of runs sorts by eye.
METRICS = {
    REGRESSION: ("MSE", "RMSE", "mae", "r2"),
    BINOMIAL: ("AUC", "accuracy", "logloss", "mean_per_class_error"),
    MULTINOMIAL: ("accuracy", "logloss", "mean_per_class_error"),
}
LABELS = {
    "MSE": "MSE",
    "RMSE": "RMSE",
    "mae": "MAE",
    "r2": "R²",
    "AUC": "AUC",
    "accuracy": "accuracy",
    "logloss": "logloss",
    "mean_per_class_error": "mean per-class error",
}
SHORT = {"mean_per_class_error": "per-class err.", "accuracy": "acc."}
# The same metrics as H2O names them in a cross-validation summary.
CV_NAMES = {
    "MSE": "mse",
    "RMSE": "rmse",
    "mae": "mae",
    "r2": "r2",
    "AUC": "auc",
    "accuracy": "accuracy",
    "logloss": "logloss",
    "mean_per_class_error": "mean_per_class_error",
}
HIGHER_IS_BETTER = frozenset({"r2", "AUC", "accuracy"})


def kind_of(run: Any) -> str:
    """regression, binomial or multinomial: H2O's word for a trained model, else what the run's data asks for."""
    category = (run.model_category or "").lower()
    if category in (REGRESSION, BINOMIAL, MULTINOMIAL):
        return category
    if run.spec.dataset == "mnist":
        return MULTINOMIAL
    return BINOMIAL if run.spec.response == "economy_20mpg" else REGRESSION


def key_metric(run: Any) -> str:
    """The one metric a table of runs shows for this kind."""
    return METRICS[kind_of(run)][0]


def value(run: Any, name: str, which: str = "validation") -> float | None:
    """A metric of the run on the training or validation rows, or None (accuracy from the error where needed)."""
    metrics = run.metrics.get(which) or {}
    found = metrics.get(name)
    if found is None and name == "accuracy":
        if metrics.get("error") is not None:
            found = 1.0 - float(metrics["error"])
        elif kind_of(run) == BINOMIAL and which == run.scored_on and run.confusion is not None and run.confusion.rows:
            # H2O's confusion matrix of a binary classifier is at its max-F1 threshold; its last row is the total.
            total = run.confusion.rows[-1]
            error = total[run.confusion.columns.index("Error")] if "Error" in run.confusion.columns else None
            found = None if error is None else 1.0 - float(error)
    return float(found) if isinstance(found, (int, float)) else None


def cv_mean(run: Any, name: str) -> float | None:
    """The mean of a metric over the cross-validation folds, or None without folds."""
    table = run.cv_summary
    if table is None or not table.rows or "mean" not in table.columns:
        return None
    at = table.columns.index("mean")
    wanted = CV_NAMES.get(name, name.lower())
    for row in table.rows:
        if str(row[0]) == wanted and isinstance(row[at], (int, float)):
            return float(row[at])
    return None


def shown(name: str, number: float | None) -> str:
    """A metric's value as the tables show it."""
    return "-" if number is None else fmt.number(number)


def metrics_line(run: Any, which: str) -> str:
    """Every metric of the run's kind on one set of rows: 'MSE 0.15 · RMSE 0.39 · ...' ('' without any)."""
    parts = [
        f"{LABELS[name]} {fmt.number(found)}"
        for name in METRICS[kind_of(run)]
        if (found := (cv_mean(run, name) if which == "cross-validation" else value(run, name, which))) is not None
    ]
    return " · ".join(parts)


def better(name: str, a: float | None, b: float | None) -> int:
    """-1 when a is the better value of the metric, 1 when b is, 0 when equal or unknown."""
    if a is None or b is None or a == b:
        return 0
    a_wins = a > b if name in HIGHER_IS_BETTER else a < b
    return -1 if a_wins else 1
