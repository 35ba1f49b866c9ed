"""A finished model's predictions, row by row, and its answer for a row the learner writes.

For the cars steps each validation car comes with its name, its five predictors, the true value and the
model's, and their difference (the residual); for a classifier, the class probabilities; for MNIST, the digit
the model reads and how sure it is. The learner's own car is scored by sending one row to the cluster; the
lab says which values lie outside what the model saw in training (H2O scores them all the same, without a word).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ROWS = 200  # rows of predictions brought over: enough to browse, small for any frame


@dataclass
class Predictions:
    """What a run's model predicts for the first rows of a frame (plain data)."""

    run_id: str
    scored_on: str  # "validation", "test" (MNIST) or "training"
    kind: str  # regression, binomial, multinomial
    response: str
    columns: list[str]  # names of the row cells below
    rows: list[list[Any]]
    total: int  # rows in the frame (only the first ROWS are here)
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)  # training range of each predictor

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Predictions:
        data = dict(data)
        data["ranges"] = {k: (float(v[0]), float(v[1])) for k, v in (data.get("ranges") or {}).items()}
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def column(self, name: str) -> list[Any]:
        at = self.columns.index(name)
        return [row[at] for row in self.rows]

    def residuals(self) -> list[tuple[float, float]]:
        """(predicted, actual - predicted) for the rows with an answer (regressions)."""
        pairs = []
        for actual, predicted in zip(self.column("actual"), self.column("predicted")):
            if isinstance(actual, (int, float)) and isinstance(predicted, (int, float)):
                pairs.append((float(predicted), float(actual) - float(predicted)))
        return pairs


def number(text: Any) -> Any:
    """A cell of a frame as h2o-py hands it over (text): a float when it is one, else the text ('' for missing)."""
    if text in (None, "", "NA"):
        return None
    try:
        return float(text)
    except (TypeError, ValueError):
        return str(text)


def outside(values: dict[str, float], ranges: dict[str, tuple[float, float]]) -> dict[str, str]:
    """For each value outside the training range of its predictor, a note saying so."""
    notes = {}
    for name, value in values.items():
        if name in ranges:
            low, high = ranges[name]
            if value < low or value > high:
                notes[name] = f"outside the training rows' range ({low:g} to {high:g}): the model guesses"
    return notes


@dataclass
class RowScore:
    """The model's answer for one row: the prediction and, for a classifier, the class probabilities."""

    predicted: Any
    probabilities: dict[str, float] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # by predictor: values outside the training range

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> RowScore:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})
