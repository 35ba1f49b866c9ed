"""Parameter sweeps: one or two parameters, a list of values each, every combination a model.

This module is pure (no network): what a sweep would train, read from what the learner typed and checked with
the form's own rules (:mod:`tui.lab.param_rules`); how long it should take at a known speed; the presets of the
steps; and how a finished model is ranked. :mod:`tui.lab.sweep_runner` has H2O's grid search run it.
"""

from __future__ import annotations

import copy
import itertools
import math
from dataclasses import dataclass, field
from typing import Any

from tui.lab.mnist import estimate_seconds
from tui.lab.param_rules import validate
from tui.lab.params import LIST_TYPES, ParamError, ParamMeta, format_value, norm, parse_value
from tui.lab.training import Run, RunSpec, epochs_asked

MAX_MODELS = 24  # a sweep larger than this is refused: on two cores it would take the lesson's time
MAX_AXES = 2
# Types a sweep can vary (strings are left out: they name columns and files, not settings to compare).
SWEEP_TYPES = {"int", "long", "double", "float", "enum", "boolean", *LIST_TYPES}
# What H2O does per model besides the epochs (set-up, scoring the validation frame, writing the model).
MODEL_OVERHEAD = 5.0  # seconds H2O spends around each model (set-up, scoring, the final model), measured on 2 cores


@dataclass
class Axis:
    """One parameter of a sweep and the values it takes, in the order typed."""

    name: str
    values: list[Any]

    def text(self, metas: dict[str, ParamMeta] | None = None) -> str:
        """The values as the learner would type them again (lists apart with ``;``)."""
        meta = (metas or {}).get(self.name)
        if meta is not None and meta.type in LIST_TYPES:
            return "; ".join(format_value(meta, v) for v in self.values)
        return ", ".join(show_value(v) for v in self.values)


@dataclass
class SweepPlan:
    """What a sweep trains: the form's run (``spec``) with each combination of the axes' values."""

    spec: RunSpec
    axes: list[Axis] = field(default_factory=list)
    parallelism: int = 1  # how many models H2O's grid builds at once (0: H2O decides)

    @property
    def names(self) -> list[str]:
        return [axis.name for axis in self.axes]

    @property
    def count(self) -> int:
        """How many models: the product of the axes' lengths (0 without an axis)."""
        return math.prod(len(a.values) for a in self.axes) if self.axes else 0

    def hyper_params(self) -> dict[str, list[Any]]:
        """H2O's ``hyper_params``: each parameter's list of values (every combination is trained)."""
        return {axis.name: list(axis.values) for axis in self.axes}

    def combos(self) -> list[dict[str, Any]]:
        """Every combination, the first axis varying slowest."""
        return [dict(zip(self.names, values)) for values in itertools.product(*(a.values for a in self.axes))]

    def base_params(self) -> dict[str, Any]:
        """The parameters every model shares: the form's, less the swept ones and a checkpoint."""
        return {k: v for k, v in self.spec.params.items() if k not in self.names and k != "checkpoint"}

    def spec_for(self, combo: dict[str, Any]) -> RunSpec:
        """The run one model of the sweep is: the shared parameters with its combination."""
        spec = copy.deepcopy(self.spec)
        spec.params = {**self.base_params(), **copy.deepcopy(combo)}
        return spec

    def combo_of(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """The combination of the sweep that ``params`` (what H2O says a model was given) is, or None."""
        for combo in self.combos():
            if all(name in params and norm(params[name]) == norm(value) for name, value in combo.items()):
                return combo
        return None


def show_value(value: Any) -> str:
    """A value short enough for a table cell and a chart's axis."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(show_value(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def label(combo: dict[str, Any]) -> str:
    """``epochs=5`` or ``hidden=[64] input_dropout_ratio=0.2``."""
    return " ".join(f"{name}={show_value(value)}" for name, value in combo.items())


# -- reading what the learner typed -------------------------------------------------------------


def split_values(text: str, list_type: bool) -> list[str]:
    """The values typed in one field: commas apart, or for a list parameter (hidden) lists apart with ``;``."""
    body = (text or "").strip()
    if not body:
        return []
    if list_type:
        return [part.strip() for part in body.replace("|", ";").split(";")]
    return [part.strip() for part in body.replace(";", ",").split(",")]


SHOWN_TWICE = 8  # how many of the values given twice the message names


def parse_axis(name: str, text: str, metas: dict[str, ParamMeta], base: dict[str, Any]) -> Axis:
    """The values typed for ``name``, each checked as the form would check it; :class:`ParamError` says every
    value that is wrong, in words for the field, on one line (never a traceback)."""
    meta = metas.get(name)
    if meta is None:
        raise ParamError(f"{name} is not a Deep Learning parameter H2O knows")
    if meta.type not in SWEEP_TYPES:
        raise ParamError(f"{name} ({meta.type}) cannot be swept; choose a number, a list, a choice or a switch")
    is_list = meta.type in LIST_TYPES
    parts = split_values(text, is_list)
    if not parts:
        hint = "lists apart with ';', for example 64; 128, 128" if is_list else "commas apart, for example 5, 10, 20"
        raise ParamError(f"give the values to try, {hint}")
    values: list[Any] = []
    problems: list[str] = []  # every bad value, said at once
    seen: set[Any] = set()
    twice: list[tuple[int, str]] = []  # values given again (said in one line, however many)
    for number, part in enumerate(parts, start=1):
        said = _check_value(meta, name, number, part, metas, base)
        if isinstance(said, str):
            problems.append(said)
            continue
        key = _hashable(norm(said[0]))
        if key in seen:
            twice.append((number, part))
        else:
            seen.add(key)
            values.append(said[0])
    if len(twice) == 1:
        problems.append(f"value {twice[0][0]} ({twice[0][1]}) is given twice")
    elif twice:
        parts_twice = list(dict.fromkeys(p for _, p in twice))
        shown = ", ".join(parts_twice[:SHOWN_TWICE]) + (", …" if len(parts_twice) > SHOWN_TWICE else "")
        problems.append(f"{len(twice)} values are given twice: {shown}")
    if problems:
        raise ParamError(" · ".join(problems))
    return Axis(name, values)


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _check_value(
    meta: ParamMeta,
    name: str,
    number: int,
    part: str,
    metas: dict[str, ParamMeta],
    base: dict[str, Any],
) -> str | tuple[Any]:
    """One value typed: ``(value,)`` when it is good, else what is wrong with it, short."""
    if not part:
        return f"value {number} is empty: a separator too many?"
    try:
        value = parse_value(meta, part)
    except ParamError as exc:
        why = str(exc)
        quoted = f"'{part}' is "
        return f"value {number} ({part}): {why[len(quoted) :] if why.startswith(quoted) else why}"
    if value is None:
        return f"value {number} is empty"
    problems = validate({**base, name: value}, metas)
    if problems:
        where, why = next(((k, v) for k, v in problems.items() if k == name), next(iter(problems.items())))
        about = "" if where == name else f"{where} "
        return f"value {number} ({part}): {about}{why}"
    return (value,)


def check_plan(plan: SweepPlan) -> str | None:
    """What keeps a whole plan from starting (the fields are checked one by one before), or None."""
    if not plan.axes:
        return "choose a parameter to sweep and its values"
    if len(plan.axes) > MAX_AXES:
        return f"a sweep varies at most {MAX_AXES} parameters"
    if len(set(plan.names)) != len(plan.names):
        return "the two parameters are the same: choose another second one, or none"
    if plan.count < 2:
        return "one value is one run: give at least two values (or train it with t on the step)"
    if plan.count > MAX_MODELS:
        return f"{plan.count} models is too many for a lesson: at most {MAX_MODELS}"
    return None


# -- time ---------------------------------------------------------------------------------------


@dataclass
class Estimate:
    """How long a sweep should take, from the speeds known for its networks."""

    seconds: float  # the models whose speed is known
    unknown: int  # models of a network not measured yet

    def text(self) -> str:
        if self.unknown and not self.seconds:
            return "time unknown: no speed measured for these networks yet (train one run of the step first)"
        said = f"about {duration(self.seconds)}"
        if self.unknown:
            return f"{said} for the models of known speed, more for {self.unknown} not measured yet"
        return said


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def estimate(plan: SweepPlan, rows: int | None, speed_of: Any) -> Estimate:
    """Seconds for every model: its rows times its epochs at the speed known for its network (``speed_of(spec)``,
    None when unknown), plus what H2O spends around each model."""
    total, unknown = 0.0, 0
    for combo in plan.combos():
        spec = plan.spec_for(combo)
        speed = speed_of(spec)
        epochs = epochs_asked(spec.params)
        if not speed or not rows:
            unknown += 1
            continue
        total += estimate_seconds(rows, epochs, speed) + MODEL_OVERHEAD
    return Estimate(total, unknown)


# -- presets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A sweep a step suggests: its axes as the learner would type them, and values it sets on top of the form."""

    key: str
    title: str
    axes: tuple[tuple[str, str], ...]
    params: tuple[tuple[str, Any], ...] = ()
    sample_rows: int | None = None

    def note(self) -> str:
        """What the preset changes besides the swept values."""
        said = [f"{k}={show_value(v)}" for k, v in self.params]
        if self.sample_rows:
            said.append(f"the first {self.sample_rows:,} rows")
        return ", ".join(said)


PRESETS: dict[int, tuple[Preset, ...]] = {
    4: (Preset("epochs", "How many epochs?", (("epochs", "2, 5, 10, 20, 40"),)),),
    5: (
        Preset(
            "dropout",
            "How much dropout?",
            (("hidden_dropout_ratios", "0, 0; 0.1, 0.1; 0.3, 0.3; 0.5, 0.5"),),
        ),
    ),
    7: (
        Preset(
            "rate",
            "Which learning rate (adaptive_rate off)?",
            (("rate", "0.0005, 0.002, 0.01, 0.05"),),
            params=(("adaptive_rate", False),),
        ),
    ),
    8: (Preset("l1", "How much L1?", (("l1", "0, 1e-5, 1e-4, 1e-3, 1e-2"),)),),
    11: (
        Preset(
            "size-dropout",
            "Size × input dropout, 5,000 rows",
            (("hidden", "32; 64; 128"), ("input_dropout_ratio", "0, 0.2")),
            params=(("epochs", 3.0),),
            sample_rows=5000,
        ),
    ),
}


def presets_for(step: int) -> tuple[Preset, ...]:
    return PRESETS.get(step, ())


def apply_preset(spec: RunSpec, preset: Preset) -> RunSpec:
    """The form's run with the preset's values on top (the swept values come from its axes)."""
    out = copy.deepcopy(spec)
    out.params.update(dict(preset.params))
    if preset.sample_rows:
        out.sample_rows = preset.sample_rows
    return out


# -- ranking ------------------------------------------------------------------------------------

# The metrics a leaderboard can sort by, by what H2O made of the response; the first is the default.
METRICS = {
    "Regression": ("MSE", "RMSE"),
    "Binomial": ("logloss", "AUC"),
    "Multinomial": ("logloss", "error", "accuracy"),
}
HIGHER_IS_BETTER = {"AUC", "accuracy", "pr_auc", "r2"}
# The name H2O's grid sorts by for each (``get_grid(sort_by=...)``).
GRID_SORT = {"MSE": "mse", "RMSE": "rmse", "logloss": "logloss", "AUC": "auc", "error": "err", "accuracy": "accuracy"}


def metrics_for(category: str) -> tuple[str, ...]:
    return METRICS.get(category, METRICS["Regression"])


def metric_value(run: Run, metric: str) -> tuple[float | None, str]:
    """The run's ``metric`` on the validation frame when it has one, else on the training rows; and which."""
    which = "validation" if run.metrics.get("validation") else "training"
    block = run.metrics.get(which, {})
    value = block.get(metric)
    if value is None and metric == "error" and "accuracy" in block:
        value = 1.0 - float(block["accuracy"])
    if value is None and metric == "accuracy" and "error" in block:
        value = 1.0 - float(block["error"])
    return (float(value) if isinstance(value, (int, float)) else None), which


def ranked(runs: list[Run], metric: str) -> list[Run]:
    """Best first by ``metric``; runs without it last, in their order."""
    higher = metric in HIGHER_IS_BETTER

    def key(run: Run) -> tuple[int, float]:
        value, _which = metric_value(run, metric)
        if value is None:
            return (1, 0.0)
        return (0, -value if higher else value)

    return sorted(runs, key=key)
