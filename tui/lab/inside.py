"""What a finished model holds beyond its scores: the inputs it leans on, and the values H2O trained with.

H2O reports, for every parameter, the value it was given and the value it used; the two differ where a
value was left to H2O (``AUTO``) or where H2O decided otherwise. Two more differences are not in that list
but in what H2O says elsewhere: the mini-batch size it trained with (in the layer table's description) and
the learning-rate values it ignores while ``adaptive_rate`` is on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tui.lab.fmt import number
from tui.lab.mnist import SIDE
from tui.lab.steps import BY_NUMBER
from tui.lab.training import DONE, Run

# Parameters that name frames, keys or columns: not values a learner chooses in the form.
NOT_VALUES = frozenset(
    {
        "model_id",
        "training_frame",
        "validation_frame",
        "response_column",
        "ignored_columns",
        "checkpoint",
        "export_checkpoints_dir",
        "pretrained_autoencoder",
    }
)
# Values H2O's deep learning ignores while adaptive_rate (ADADELTA) is on.
RATE_ONLY = ("rate", "rate_annealing", "rate_decay", "momentum_start", "momentum_ramp", "momentum_stable")
_BATCH = re.compile(r"mini-batch size (\d+)")


def resolved_params(parameters: list[dict]) -> list[list[Any]]:
    """From a model's JSON parameter list: ``[name, given, used]`` where H2O used another value than given."""
    out: list[list[Any]] = []
    for parameter in parameters:
        name = parameter.get("name")
        given, used = parameter.get("input_value"), parameter.get("actual_value")
        if not name or name in NOT_VALUES or used is None or given == used:
            continue  # nothing used (no folds, no fold assignment), or as given
        if isinstance(given, dict) or isinstance(used, dict):
            continue  # a key of a frame or a model
        out.append([name, given, used])
    return out


@dataclass(frozen=True)
class UsedValue:
    """One value H2O trained with that is not the one the form gave."""

    name: str
    asked: str
    used: str
    why: str

    @property
    def left_to_h2o(self) -> bool:
        """The form left it to H2O (AUTO)."""
        return self.asked == "AUTO"


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return number(value)
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    return "not set" if value is None else str(value)


AUTO_WHY = "left to H2O (AUTO), which chose by the problem"
WHY = {
    "seed": "no seed was given: H2O drew this one (give it to start the same way again)",
}


def used_values(run: Run) -> list[UsedValue]:
    """What H2O trained ``run`` with where it differs from what was asked, each with the reason."""
    out = [
        UsedValue(name, _shown(given), _shown(used), AUTO_WHY if given == "AUTO" else WHY.get(name, "H2O changed it"))
        for name, given, used in run.resolved or []
    ]
    params = run.spec.params
    match = _BATCH.search(run.layers_note)
    asked_batch = params.get("mini_batch_size") or 1
    if match and int(match.group(1)) != asked_batch:
        out.append(
            UsedValue(
                "mini_batch_size",
                _shown(asked_batch),
                match.group(1),
                "as H2O's layer table says: each thread updates the weights after every row",
            )
        )
    if params.get("adaptive_rate", True) is not False:
        for name in RATE_ONLY:
            if name in params:
                out.append(
                    UsedValue(name, _shown(params[name]), "not used", "adaptive_rate is on: ADADELTA sets the rates")
                )
    return out


@dataclass(frozen=True)
class Importance:
    """One input's importance as H2O gives it."""

    name: str
    relative: float
    scaled: float  # relative to the most important input's (1 for the first)
    share: float  # of the sum of all importances (0 to 1)


def importances(run: Run) -> list[Importance]:
    """The run's variable importances, most important first (empty when H2O gave none)."""
    table = run.importances
    if table is None:
        return []
    index = {c: i for i, c in enumerate(table.columns)}
    needed = ("variable", "relative_importance", "scaled_importance", "percentage")
    if any(c not in index for c in needed):
        return []
    found = [
        Importance(
            str(row[index["variable"]]),
            float(row[index["relative_importance"]] or 0.0),
            float(row[index["scaled_importance"]] or 0.0),
            float(row[index["percentage"]] or 0.0),
        )
        for row in table.rows
    ]
    return sorted(found, key=lambda i: -i.scaled)


def pixel_position(name: str) -> tuple[int, int] | None:
    """Row and column (from 1, top left) of an MNIST pixel column ``C1``..``C784``; None for other names."""
    if not name.startswith("C") or not name[1:].isdigit():
        return None
    index = int(name[1:]) - 1
    if not 0 <= index < SIDE * SIDE:
        return None
    return index // SIDE + 1, index % SIDE + 1


def pixel_map(found: list[Importance]) -> list[int]:
    """The 28x28 pixels as greys 0-255 by the rank of their importance (the least rated pixel 0, the top one
    255), so that the order shows even where the importances are close; a pixel H2O left out is 0."""
    pixels = [0] * (SIDE * SIDE)
    placed = [(item, pixel_position(item.name)) for item in found]
    ranked = sorted((p for p in placed if p[1] is not None), key=lambda p: p[0].scaled)
    last = max(1, len(ranked) - 1)
    for rank, (_item, where) in enumerate(ranked):
        assert where is not None
        row, column = where
        pixels[(row - 1) * SIDE + column - 1] = round(255 * rank / last)
    return pixels


# -- dropout and the gap between training and validation error ---------------------------------------------------
def has_dropout(params: dict[str, Any]) -> bool:
    """Whether a run's network drops units while it trains: a *WithDropout activation whose hidden ratios are not
    all zero (unset: H2O's 0.5 per layer), or input dropout."""
    activation = str(params.get("activation") or "")
    ratios = params.get("hidden_dropout_ratios")
    hidden = activation.endswith("WithDropout") and (not ratios or any(float(r) > 0 for r in ratios))
    return hidden or bool(params.get("input_dropout_ratio"))


def teaches_activation(run: Any) -> bool:
    """Whether the run's step is one that sets the activation (its Inside tab draws the functions)."""
    step = BY_NUMBER.get(run.spec.step)
    return step is not None and "activation" in step.taught and step.dataset == "cars"


def teaches_dropout(run: Any) -> bool:
    """Whether the run's step is the one about dropout (its Inside tab compares the gaps)."""
    step = BY_NUMBER.get(run.spec.step)
    return step is not None and bool({"hidden_dropout_ratios", "input_dropout_ratio"} & set(step.taught))


@dataclass
class FitGap:
    """A run's mean squared error on the rows it trained on and on the validation rows."""

    run_id: str
    train: float
    valid: float

    @property
    def gap(self) -> float:
        """How much worse the model does on rows it has not seen (negative: better)."""
        return self.valid - self.train


def fit_gap(run: Any) -> FitGap | None:
    """The run's training and validation MSE, or None without a validation frame or finished metrics."""
    train = (run.metrics or {}).get("training", {}).get("MSE")
    valid = (run.metrics or {}).get("validation", {}).get("MSE")
    if not isinstance(train, (int, float)) or not isinstance(valid, (int, float)):
        return None
    return FitGap(run.run_id, float(train), float(valid))


def without_dropout(run: Any, runs: list) -> Any:
    """The latest finished run of the same network on the same rows, trained without dropout, or None."""
    hidden = run.spec.params.get("hidden") or [200, 200]
    for other in reversed(runs):
        if (
            other.run_id != run.run_id
            and other.status == DONE
            and not has_dropout(other.spec.params)
            and (other.spec.params.get("hidden") or [200, 200]) == hidden
            and other.spec.same_frames(run.spec)
            and fit_gap(other) is not None
        ):
            return other
    return None


def dropout_verdict(this: FitGap, base: FitGap | None, dataset: str = "cars") -> str:
    """What the two gaps say, in a sentence that follows the numbers."""
    if base is None:
        how = (
            "step 4 trains the same network"
            if dataset == "cars"
            else "this form with activation Rectifier and input_dropout_ratio 0"
        )
        return f"No run of the same network without dropout yet: train one ({how}) to compare the gaps."
    if base.gap <= 0:
        return (
            f"{base.run_id} did not overfit: its validation error is not above its training error, so on these rows "
            "there was little for dropout to fix."
        )
    if this.gap < base.gap:
        return f"Dropout narrowed the gap from {base.gap:.4f} to {this.gap:.4f}: the network memorised less."
    return f"Here dropout did not narrow the gap ({base.gap:.4f} without, {this.gap:.4f} with)."
