"""A network's weights, layer by layer: how many are (nearly) zero, how large they are, how they spread.

H2O hands out a deep learning model's weights only when it was trained with ``export_weights_and_biases``:
one frame per layer of connections (hidden layers, then the output). The lab reads them once per run and
keeps the summary with the run, so that it survives the session and the cluster.

What L1 and L2 do shows here. On the cars step-8 network (200x200, 20 epochs, as the lab sends it),
``python bench/l1_zeros.py --data-dir ../shared/data`` (seeds 1234 and 1 to 4, two threads, H2O
3.46.0.12) measured the share of the 40,000 weights between the two hidden layers within 0.001 of zero:
0.8% with no penalty, 1.6% with ``l1=1e-5``, 13-21% with ``l1=1e-4``, 66-76% with ``l1=1e-3`` (median
69%); ``l2=1e-3`` left 1.2% there, but made the weights smaller (RMS 0.060 against 0.073).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

NEAR_ZERO = 1e-3  # a weight this close to zero counts as zero
BINS = 24  # bars of a layer's histogram
WEAK_L1 = 1e-5  # the walkthrough's l1: on the step-8 network it leaves hardly more weights at zero than none
STRONG_L1 = 1e-3  # an l1 whose effect shows: most of the second layer's weights at zero
# The shares near zero measured by bench/l1_zeros.py (see above), as the form and the README give them.
MEASURED_NEAR_ZERO = {"no penalty": "0.8%", "l1=1e-5": "1.6%", "l1=1e-4": "13-21%", "l1=1e-3": "66-76%"}


def weak_l1_note(values: dict[str, Any]) -> dict[str, str]:
    """A note at l1 when its value is too small to show in the weights (measured figures; see the module)."""
    l1 = values.get("l1")
    if not isinstance(l1, (int, float)) or not 0 < l1 <= WEAK_L1:
        return {}
    return {
        "l1": (
            f"{l1:g} hardly shows in the weights: on step 8's network {MEASURED_NEAR_ZERO['l1=1e-5']} of them end "
            f"near zero, against {MEASURED_NEAR_ZERO['no penalty']} with no penalty; with {STRONG_L1:g}, "
            f"{MEASURED_NEAR_ZERO['l1=1e-3']} (measured over five seeds; the Inside tab shows your run's)"
        )
    }


@dataclass
class LayerWeights:
    """The summary of one layer of connections (``layer`` 1 joins the inputs to the first hidden layer)."""

    layer: int
    units: int  # the layer the connections lead to
    inputs: int  # the layer they come from
    near_zero: float  # share of the weights within NEAR_ZERO of zero
    rms: float
    largest: float  # the largest absolute weight
    histogram: list[int] = field(default_factory=list)  # counts in BINS equal bins over [-largest, largest]

    @property
    def count(self) -> int:
        return self.units * self.inputs

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> LayerWeights:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def summarize(layer: int, rows: list[list[Any]]) -> LayerWeights:
    """The summary of one layer's weight matrix (one row per unit, one column per input)."""
    values = [float(v) for row in rows for v in row if v not in ("", None)]
    if not values:
        return LayerWeights(layer, len(rows), 0, 0.0, 0.0, 0.0, [0] * BINS)
    largest = max(abs(v) for v in values) or 1.0
    histogram = [0] * BINS
    for v in values:
        histogram[min(BINS - 1, int((v + largest) / (2 * largest) * BINS))] += 1
    return LayerWeights(
        layer=layer,
        units=len(rows),
        inputs=len(values) // max(1, len(rows)),
        near_zero=sum(abs(v) < NEAR_ZERO for v in values) / len(values),
        rms=math.sqrt(sum(v * v for v in values) / len(values)),
        largest=largest,
        histogram=histogram,
    )


def exported(run) -> bool:
    """Whether H2O kept the run's weights (it was trained with export_weights_and_biases)."""
    return bool(run.actual_params.get("export_weights_and_biases") or run.spec.params.get("export_weights_and_biases"))


def read_weights(model_id: str, layers: int) -> list[LayerWeights]:
    """Read a model's weight frames from the cluster (h2o-py) and summarize them."""
    import h2o  # noqa: PLC0415

    model = h2o.get_model(model_id)
    out = []
    for index in range(layers):
        rows = model.weights(index).as_data_frame(use_pandas=False, header=False)
        out.append(summarize(index + 1, rows))
    return out


def penalty(run) -> str:
    """The run's regularisation in words: ``no penalty``, ``l1 1e-05``, ``l1 1e-05, l2 0.001``."""
    parts = [f"{name} {run.spec.params[name]:g}" for name in ("l1", "l2") if run.spec.params.get(name)]
    return ", ".join(parts) or "no penalty"


def comparison(run, runs: list) -> Any:
    """The latest other run of the same network with its weights read and another penalty, or None."""
    hidden = run.spec.params.get("hidden")
    for other in reversed(runs):
        if (
            other.run_id != run.run_id
            and other.weights
            and other.spec.dataset == run.spec.dataset
            and other.spec.params.get("hidden") == hidden
            and penalty(other) != penalty(run)
        ):
            return other
    return None
