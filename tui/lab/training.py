"""Training runs: what was asked for, how far the job got, and what came out.

Everything here is plain data (dataclasses that turn into JSON and back), so that runs can be
shown, recorded, replayed in snapshot tests and written to the journal.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import asdict, dataclass, field
from typing import Any

RUNNING = "running"
DONE = "done"
CANCELLED = "cancelled"
FAILED = "failed"
INTERRUPTED = "interrupted"
FINISHED_STATES = (DONE, CANCELLED, FAILED, INTERRUPTED)

# Metrics a chart can draw, by their suffix in H2O's scoring history.
CHART_METRICS = {
    "mse": "MSE",
    "rmse": "RMSE",
    "mae": "MAE",
    "deviance": "deviance",
    "logloss": "logloss",
    "classification_error": "classification error",
    "auc": "AUC",
}

_SPEED = re.compile(r"Speed:\s*([\d.,]+)\s*samples/sec", re.I)
_LEFT = re.compile(r"time left:\s*([\d.,]+)\s*(sec|min|hour|ms)", re.I)


@dataclass
class RunSpec:
    """What to train: the step, the estimator's parameters, the columns and the frames."""

    step: int
    params: dict[str, Any]
    response: str
    predictors: list[str]
    dataset: str = "cars"
    split: bool = False
    split_ratio: float = 0.8
    split_seed: int = 1234
    sample_rows: int | None = None  # train on the first N rows only (MNIST)

    def same_frames(self, other: RunSpec) -> bool:
        """Trained on the same data, split and response: what continuing a run from a checkpoint needs."""
        keys = ("dataset", "response", "split", "split_ratio", "split_seed")
        return all(getattr(self, k) == getattr(other, k) for k in keys)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> RunSpec:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass
class ScoringHistory:
    """H2O's scoring history table, row by row (column names as H2O gives them)."""

    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)

    @classmethod
    def from_table(cls, table: dict | None) -> ScoringHistory:
        """From the JSON of a TwoDimTable (``{"columns": [...], "data": [[col0...], [col1...]]}``)."""
        if not table:
            return cls()
        columns = [str(c.get("name", "")) for c in table.get("columns", [])]
        data = table.get("data") or []
        nrows = max((len(col) for col in data), default=0)
        rows = [[_clean(col[i]) if i < len(col) else None for col in data] for i in range(nrows)]
        return cls(columns, rows)

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Any]:
        try:
            idx = self.columns.index(name)
        except ValueError:
            return []
        return [row[idx] for row in self.rows]

    def has(self, name: str) -> bool:
        return name in self.columns

    def available_metrics(self) -> list[str]:
        """Metric keys (see CHART_METRICS) with a training column in this history, in a useful order."""
        found = []
        for key in CHART_METRICS:
            if key == "mse":
                if self.has("training_rmse"):
                    found.append(key)
            elif self.has(f"training_{key}"):
                found.append(key)
        return found

    def kept_row(self) -> int | None:
        """The row of the model H2O handed back, when it is not the last one scored (else None).

        With ``overwrite_with_best_model`` (on by default) H2O ends a job with the best model it scored.
        When that is an earlier one, it appends a row that repeats the last iteration with the kept
        model's scores: the kept model is the earlier row whose scores equal that last row's.
        """
        iterations = self.column("iterations")
        if len(self.rows) < 3 or iterations[-1] is None or iterations[-1] != iterations[-2]:
            return None
        scores = [i for i, c in enumerate(self.columns) if c.startswith(("training_", "validation_"))]
        scores = [i for i in scores if self.columns[i] != "training_speed"]
        last = self.rows[-1]
        for index in range(len(self.rows) - 2, -1, -1):
            if scores and all(self.rows[index][i] == last[i] for i in scores):
                return index
        return None

    def series(self, metric: str, which: str = "training") -> tuple[list[float], list[float]]:
        """(epochs, values) for ``training`` or ``validation``; MSE is derived from RMSE.

        The row H2O appends for a kept earlier model (see :meth:`kept_row`) is not a point of the curve.
        """
        restored = self.kept_row() is not None
        epochs = self.column("epochs")
        if metric == "mse":
            values = [None if v is None else float(v) ** 2 for v in self.column(f"{which}_rmse")]
        else:
            values = self.column(f"{which}_{metric}")
        if restored:
            epochs, values = epochs[:-1], values[:-1]
        points = [
            (float(e), float(v))
            for e, v in zip(epochs, values)
            if e is not None and v is not None and not math.isnan(float(v))
        ]
        return [p[0] for p in points], [p[1] for p in points]

    def to_dict(self) -> dict:
        return {"columns": self.columns, "rows": self.rows}

    @classmethod
    def from_dict(cls, data: dict | None) -> ScoringHistory:
        if not data:
            return cls()
        return cls(list(data.get("columns", [])), [list(r) for r in data.get("rows", [])])


def _clean(value: Any) -> Any:
    if isinstance(value, str) and value in ("NaN", "nan"):
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@dataclass
class Table:
    """A small table from H2O (a TwoDimTable), row by row."""

    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    description: str = ""

    @classmethod
    def from_two_dim(cls, table: dict | None) -> Table | None:
        if not table:
            return None
        history = ScoringHistory.from_table(table)
        return cls(history.columns, history.rows, str(table.get("description") or ""))

    @classmethod
    def from_dict(cls, data: dict) -> Table:
        return cls(list(data.get("columns", [])), [list(r) for r in data.get("rows", [])], data.get("description", ""))


@dataclass
class Run:
    """One training run, as the screens and the journal know it."""

    run_id: str
    spec: RunSpec
    status: str = RUNNING
    model_id: str = ""
    job_key: str = ""
    progress: float = 0.0
    message: str = ""
    history: ScoringHistory = field(default_factory=ScoringHistory)
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)  # "training"/"validation" -> name -> value
    warnings: list[str] = field(default_factory=list)  # H2O's own warnings
    notes: list[str] = field(default_factory=list)  # the lab's (a model that could not be saved)
    error: str = ""
    code: str = ""
    started_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    model_category: str = ""
    actual_params: dict[str, Any] = field(default_factory=dict)
    layers: Table | None = None  # H2O's "Status of Neuron Layers"
    layers_note: str = ""  # its description line (weights, training samples, mini-batch size)
    cv_summary: Table | None = None  # cross-validation metrics: mean, sd and one column per fold
    checkpoint_of: str = ""  # the run this one continues
    split_rows: list[int] = field(default_factory=list)  # training and validation rows
    confusion: Table | None = None  # H2O's confusion matrix (validation, else training)
    hit_ratios: Table | None = None  # top-k hit ratios (validation, else training)
    importances: Table | None = None  # H2O's variable importances (variable, relative, scaled, percentage)
    resolved: list[list[Any]] | None = None  # [parameter, given, used] where H2O used another value (None: not read)
    weights: list[dict] = field(default_factory=list)  # the weights' summary by layer, once read (tui/lab/weights.py)
    session: str = ""  # the token of the lab session that trained it (the export's "latest session")
    sweep: str = ""  # the sweep (an H2O grid search) that trained it, if any

    @property
    def epochs_done(self) -> float:
        epochs = [e for e in self.history.column("epochs") if e is not None]
        return float(epochs[-1]) if epochs else 0.0

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATES

    @property
    def elapsed(self) -> float:
        end = self.finished_at if self.finished_at is not None else time.time()
        return max(0.0, end - self.started_at)

    @property
    def speed(self) -> float | None:
        """Samples per second, from H2O's progress message."""
        match = _SPEED.search(self.message or "")
        return float(match.group(1).replace(",", "")) if match else None

    @property
    def time_left(self) -> float | None:
        match = _LEFT.search(self.message or "")
        if not match:
            return None
        value = float(match.group(1).replace(",", ""))
        unit = match.group(2).lower()
        return value * {"ms": 0.001, "sec": 1, "min": 60, "hour": 3600}[unit]

    def metric(self, name: str, which: str = "training") -> Any:
        return self.metrics.get(which, {}).get(name)

    @property
    def scored_on(self) -> str:
        """Where the classification results come from: the validation frame when there is one."""
        return "validation" if self.metrics.get("validation") else "training"

    @property
    def measured_speed(self) -> float | None:
        """Samples per second H2O reported in the last row of the scoring history."""
        for value in reversed(self.history.column("training_speed")):
            match = re.search(r"([\d.,]+)\s*obs/sec", str(value or ""))
            if match:
                return float(match.group(1).replace(",", ""))
        return self.speed

    def to_dict(self) -> dict:
        data = asdict(self)
        data["spec"] = self.spec.to_dict()
        data["history"] = self.history.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Run:
        data = dict(data)
        data["spec"] = RunSpec.from_dict(data["spec"])
        data["history"] = ScoringHistory.from_dict(data.get("history"))
        for key in ("layers", "cv_summary", "confusion", "hit_ratios", "importances"):
            if data.get(key):
                data[key] = Table.from_dict(data[key])
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


# Metric names as H2O's ModelMetrics JSON spells them, and how the screens call them.
METRIC_FIELDS = [
    ("MSE", "MSE"),
    ("RMSE", "RMSE"),
    ("mae", "MAE"),
    ("r2", "R²"),
    ("mean_residual_deviance", "deviance"),
    ("logloss", "logloss"),
    ("AUC", "AUC"),
    ("pr_auc", "AUCPR"),
    ("mean_per_class_error", "mean per-class error"),
    ("error", "error rate"),
    ("accuracy", "accuracy"),
]


def metrics_from_json(block: dict | None) -> dict[str, Any]:
    """The scalar metrics of a ModelMetrics JSON block (for classifiers, with error and accuracy)."""
    if not block:
        return {}
    out: dict[str, Any] = {}
    for key, _label in METRIC_FIELDS:
        value = block.get(key)
        if isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)):
            out[key] = value
    cm = (block.get("cm") or {}).get("table")
    if cm and str(block.get("model_category", "")).lower() == "multinomial":
        from tui.lab.mnist import confusion_totals  # noqa: PLC0415

        table = Table.from_two_dim(cm)
        if table is not None:
            totals = confusion_totals(table.columns, table.rows)
            out["error"] = totals["error"]
            out["accuracy"] = 1.0 - totals["error"]
            out["nobs"] = totals["rows"]
    return out


DEFAULT_EPOCHS = 10.0  # H2O's default when the form leaves epochs unset


def epochs_asked(params: dict[str, Any]) -> float:
    """The passes a run's parameters ask for (H2O's default when unset or not a positive number)."""
    epochs = params.get("epochs")
    return float(epochs) if isinstance(epochs, (int, float)) and epochs > 0 else DEFAULT_EPOCHS


def speed_key(spec: RunSpec) -> tuple:
    """What a training speed depends on: the data, the network's shape, threads, and sparse input (which skips the
    zero pixels of MNIST: about two and a half times the samples per second, measured)."""
    hidden = spec.params.get("hidden") or [200, 200]
    return (
        spec.dataset,
        tuple(int(h) for h in hidden),
        str(spec.params.get("activation")),
        bool(spec.params.get("reproducible")),
        bool(spec.params.get("sparse")),
    )
