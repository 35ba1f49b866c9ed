"""Deep Learning parameters: H2O's own metadata, parsing what the learner types, and checking it.

The list of fields comes from H2O (``GET /3/ModelBuilders/deeplearning``): name, type, default,
allowed values, help text and level. What this module adds is the knowledge H2O's metadata does
not carry: valid ranges, rules between fields, and advice on settings H2O accepts but ignores.
Everything here is pure: no network, so it can be checked as the learner types.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from typing import Any

LEVELS = ("critical", "secondary", "expert")

# Fields the form does not offer: frames and columns are chosen by the step; keys of other
# objects are set by the lab (checkpoint) or are not part of the walkthrough.
NOT_IN_FORM = {
    "model_id",
    "training_frame",
    "validation_frame",
    "response_column",
    "ignored_columns",
    "weights_column",
    "offset_column",
    "fold_column",
    "checkpoint",
    "pretrained_autoencoder",
    "initial_weights",
    "initial_biases",
    "export_checkpoints_dir",
    "custom_metric_func",
    "class_sampling_factors",
}

INT_TYPES = {"int", "long"}
FLOAT_TYPES = {"double", "float"}
LIST_TYPES = {"int[]": "int", "long[]": "int", "double[]": "float", "float[]": "float"}
SUPPORTED = INT_TYPES | FLOAT_TYPES | set(LIST_TYPES) | {"boolean", "enum", "string"}

JAVA_INT = (-(2**31), 2**31 - 1)
JAVA_LONG = (-(2**63), 2**63 - 1)

# Checkpoint restarts: what H2O refuses to change (its own list, plus hidden and nfolds).
CHECKPOINT_FIXED = (
    "activation",
    "hidden",
    "use_all_factor_levels",
    "standardize",
    "adaptive_rate",
    "autoencoder",
    "rho",
    "epsilon",
    "sparse",
    "sparsity_beta",
    "col_major",
    "rate",
    "rate_annealing",
    "rate_decay",
    "momentum_start",
    "momentum_ramp",
    "momentum_stable",
    "nesterov_accelerated_gradient",
    "ignore_const_cols",
    "max_categorical_features",
    "distribution",
    "quantile_alpha",
    "huber_alpha",
    "tweedie_power",
)


@dataclass(frozen=True)
class ParamMeta:
    name: str
    type: str
    level: str
    default: Any
    values: tuple[str, ...] = ()
    help: str = ""
    label: str = ""

    def to_dict(self) -> dict:
        data = asdict(self)
        data["values"] = list(self.values)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ParamMeta:
        data = dict(data)
        data["values"] = tuple(data.get("values") or ())
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


class ParamError(ValueError):
    """A value that cannot be used, with the sentence to show at its field."""


def metas_from_builder(builder_json: dict) -> list[ParamMeta]:
    """The form's fields, in H2O's order, from ``GET /3/ModelBuilders/deeplearning``."""
    params = builder_json["model_builders"]["deeplearning"]["parameters"]
    metas = []
    for p in params:
        name = p["name"]
        ptype = p["type"]
        if name in NOT_IN_FORM or ptype not in SUPPORTED:
            continue
        default = p.get("default_value")
        metas.append(
            ParamMeta(
                name=name,
                type=ptype,
                level=p.get("level") or "expert",
                default=default,
                values=tuple(p.get("values") or ()),
                help=(p.get("help") or "").strip(),
                label=p.get("label") or name,
            )
        )
    return metas


# -- text <-> value -----------------------------------------------------------------------------


def format_value(meta: ParamMeta, value: Any) -> str:
    """What the form's input shows for ``value`` (empty for "not set")."""
    if value is None:
        return ""
    if meta.type in LIST_TYPES:
        return ", ".join(_format_number(v) for v in value)
    if meta.type == "boolean":
        return "true" if value else "false"
    if isinstance(value, float):
        return _format_number(value)
    return str(value)


def _format_number(value: Any) -> str:
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value)) + ".0" if abs(value) < 1e6 else f"{value:g}"
        return repr(value) if 1e-4 <= abs(value) < 1e15 else f"{value:g}"
    return str(value)


def _parse_number(text: str, kind: str, name: str) -> int | float:
    cleaned = text.strip().replace("_", "")
    if not cleaned:
        raise ParamError("a number is needed")
    if not cleaned.isascii():
        raise ParamError(f"'{cleaned}' is not a number; use the digits 0-9")
    if kind == "int":
        try:
            value = float(cleaned) if re.fullmatch(r"[+-]?\d+(\.0*)?([eE]\+?\d+)?", cleaned) else None
        except ValueError:
            value = None
        if value is None or not value.is_integer():
            raise ParamError(f"'{text.strip()}' is not a whole number")
        return int(value)
    try:
        value = float(cleaned)
    except ValueError:
        raise ParamError(f"'{text.strip()}' is not a number") from None
    if math.isnan(value) or math.isinf(value):
        raise ParamError("use a finite number")
    return value


def parse_value(meta: ParamMeta, text: str) -> Any:
    """Turn what the learner typed into a value for h2o-py. Empty text means "not set" (None)."""
    if text is None:
        return None
    raw = str(text)
    stripped = raw.strip()
    if stripped == "":
        return None
    if meta.type == "boolean":
        low = stripped.lower()
        if low in ("true", "yes", "on", "1"):
            return True
        if low in ("false", "no", "off", "0"):
            return False
        raise ParamError("use true or false")
    if meta.type == "enum":
        for value in meta.values:
            if value.lower() == stripped.lower():
                return value
        raise ParamError(f"'{stripped}' is not one of: {', '.join(meta.values)}")
    if meta.type in INT_TYPES:
        number = _parse_number(stripped, "int", meta.name)
        lowest, highest = JAVA_INT if meta.type == "int" else JAVA_LONG
        if not lowest <= number <= highest:
            raise ParamError(f"too large for H2O (a {meta.type} goes from {lowest} to {highest})")
        return number
    if meta.type in FLOAT_TYPES:
        return _parse_number(stripped, "float", meta.name)
    if meta.type in LIST_TYPES:
        body = stripped
        if body.startswith("[") and body.endswith("]"):
            body = body[1:-1]
        parts = [p for p in re.split(r"[,\s;]+", body.strip()) if p]
        if not parts:
            raise ParamError("give at least one value, separated by commas")
        if re.search(r"[,;]\s*[,;]", body) or re.match(r"\s*[,;]", body) or re.search(r"[,;]\s*$", body):
            raise ParamError("a value is missing between the commas")
        kind = LIST_TYPES[meta.type]
        values = []
        for i, part in enumerate(parts, start=1):
            try:
                values.append(_parse_number(part, kind, meta.name))
            except ParamError as exc:
                raise ParamError(f"value {i}: {exc}") from None
        if kind == "int":
            for v in values:
                if not JAVA_INT[0] <= v <= JAVA_INT[1]:
                    raise ParamError("a value is too large for H2O")
        return values
    if meta.type == "string":
        if len(stripped) > 1000 or any(ord(c) < 32 for c in stripped):
            raise ParamError("not a usable text value")
        return stripped
    raise ParamError(f"the type {meta.type} cannot be edited here")


# -- ranges and rules ---------------------------------------------------------------------------


def _between(low: float | None, high: float | None, low_open: bool = False, high_open: bool = False):
    def check(v: float) -> str | None:
        if low is not None and (v < low or (low_open and v == low)):
            return f"must be {'>' if low_open else '>='} {_format_number(low)}"
        if high is not None and (v > high or (high_open and v == high)):
            return f"must be {'<' if high_open else '<='} {_format_number(high)}"
        return None

    return check


RANGES = {
    "epochs": _between(0, None, low_open=True),
    "hidden": _between(1, None),
    "hidden_dropout_ratios": _between(0, 1, high_open=True),
    "input_dropout_ratio": _between(0, 1, high_open=True),
    "l1": _between(0, None),
    "l2": _between(0, None),
    "rate": _between(0, None, low_open=True),
    "rate_annealing": _between(0, None),
    "rate_decay": _between(0, None, low_open=True),
    "rho": _between(0, 1, high_open=True),
    "epsilon": _between(0, None, low_open=True),
    "momentum_start": _between(0, 1, high_open=True),
    "momentum_stable": _between(0, 1, high_open=True),
    "momentum_ramp": _between(0, None, low_open=True),
    "initial_weight_scale": _between(0, None, low_open=True),
    "mini_batch_size": _between(1, None),
    "max_w2": _between(0, None, low_open=True),
    "score_interval": _between(0, None),
    "score_duty_cycle": _between(0, 1),
    "score_training_samples": _between(0, None),
    "score_validation_samples": _between(0, None),
    "stopping_rounds": _between(0, None),
    "stopping_tolerance": _between(0, None),
    "max_runtime_secs": _between(0, None),
    "target_ratio_comm_to_comp": _between(0, None),
    "quantile_alpha": _between(0, 1),
    "huber_alpha": _between(0, 1),
    "tweedie_power": _between(1, 2, low_open=True, high_open=True),
    "classification_stop": _between(-1, None),
    "regression_stop": _between(-1, None),
    "sparsity_beta": _between(0, None),
    "max_categorical_features": _between(1, None),
    "max_confusion_matrix_size": _between(0, None),
    "elastic_averaging_moving_rate": _between(0, 1),
    "elastic_averaging_regularization": _between(0, None),
    "max_after_balance_size": _between(0, None, low_open=True),
    "gainslift_bins": _between(-1, None),
}


def check_range(name: str, value: Any) -> str | None:
    """The message for a value out of its range, or None."""
    if value is None:
        return None
    if name == "nfolds":
        return None if value == 0 or value >= 2 else "use 0 (no cross-validation) or 2 folds or more"
    if name == "train_samples_per_iteration":
        return None if value >= -2 else "use -2 (auto), -1 (all rows), 0 (one epoch) or a number of rows"
    check = RANGES.get(name)
    if check is None or isinstance(value, bool):
        return None
    values = value if isinstance(value, list) else [value]
    for v in values:
        problem = check(v)
        if problem:
            return f"each value {problem}" if isinstance(value, list) else problem
    return None


def uses_dropout(activation: Any) -> bool:
    return isinstance(activation, str) and activation.lower().endswith("withdropout")


def validate(values: dict[str, Any], metas: dict[str, ParamMeta] | None = None) -> dict[str, str]:
    """Errors by field, for values already parsed: ranges, then the rules between fields."""
    errors: dict[str, str] = {}
    for name, value in values.items():
        problem = check_range(name, value)
        if problem:
            errors[name] = problem
    hidden = values.get("hidden") or (metas["hidden"].default if metas and "hidden" in metas else [200, 200])
    ratios = values.get("hidden_dropout_ratios")
    if ratios is not None and "hidden_dropout_ratios" not in errors:
        if not uses_dropout(values.get("activation")):
            errors["hidden_dropout_ratios"] = (
                "only with a dropout activation (TanhWithDropout, RectifierWithDropout, MaxoutWithDropout)"
            )
        elif hidden and len(ratios) != len(hidden):
            errors["hidden_dropout_ratios"] = (
                f"give one ratio per hidden layer: {len(hidden)} layer{'s' if len(hidden) != 1 else ''}, "
                f"{len(ratios)} ratio{'s' if len(ratios) != 1 else ''}"
            )
    return errors


def advice(values: dict[str, Any]) -> dict[str, str]:
    """Warnings by field: values H2O accepts but will not use, and other things worth knowing."""
    notes: dict[str, str] = {}
    adaptive = values.get("adaptive_rate", True) is not False
    if adaptive:
        manual = [
            n
            for n in ("rate", "rate_annealing", "rate_decay", "momentum_start", "momentum_ramp", "momentum_stable")
            if values.get(n) is not None
        ]
        for name in manual:
            notes[name] = (
                f"ignored while adaptive_rate is on (ADADELTA sets the rate itself); turn adaptive_rate off to use {name}"
            )
    else:
        for name in ("rho", "epsilon"):
            if values.get(name) is not None:
                notes[name] = f"{name} only tunes the adaptive rate; with adaptive_rate off it is ignored"
    if (values.get("mini_batch_size") or 1) > 1:
        notes["mini_batch_size"] = (
            "H2O accepts this but still trains one row at a time (Hogwild! on all threads); "
            "the layer table of the finished run says 'mini-batch size 1'"
        )
    seed = values.get("seed")
    if seed is not None and seed != -1 and not values.get("reproducible"):
        notes.setdefault(
            "seed",
            "a seed alone does not repeat a run on several threads: turn on reproducible for identical results",
        )
    return notes


def to_rest(value: Any) -> str:
    """A value in the form H2O's REST API reads."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(to_rest(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def canonical(values: dict[str, Any], metas: dict[str, ParamMeta]) -> dict[str, Any]:
    """Enum values in H2O's own spelling (``tanh`` -> ``Tanh``); other values unchanged."""
    out = {}
    for name, value in values.items():
        meta = metas.get(name)
        if meta is not None and meta.type == "enum" and isinstance(value, str):
            value = next((v for v in meta.values if v.lower() == value.lower()), value)
        out[name] = value
    return out


def differences(
    a: dict[str, Any], b: dict[str, Any], defaults: dict[str, Any] | None = None
) -> dict[str, tuple[Any, Any]]:
    """Parameters whose values differ between two sets (missing means not set).

    With ``defaults`` (H2O's, by name), a value left unset and H2O's default count as the same.
    """
    defaults = defaults or {}
    names = sorted(set(a) | set(b))

    def value(params: dict[str, Any], name: str) -> Any:
        got = params.get(name)
        return defaults.get(name) if got is None else got

    return {n: (a.get(n), b.get(n)) for n in names if _norm(value(a, n)) != _norm(value(b, n))}


def same_value(a: Any, b: Any) -> bool:
    """Equal as H2O would take them: enums without case, numbers as numbers, lists item by item."""
    return _norm(a) == _norm(b)


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, (list, tuple)):
        return [float(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def h2o_field(field_name: str) -> str:
    """H2O names fields with a leading underscore in some messages (``_hidden``)."""
    return field_name.lstrip("_")


def effective(values: dict[str, Any], metas: dict[str, ParamMeta]) -> dict[str, Any]:
    """Every form field's value: the one set, else H2O's default."""
    out = {name: meta.default for name, meta in metas.items()}
    out.update({k: v for k, v in values.items() if v is not None})
    return out


CHECKPOINT_NO_EFFECT = ("initial_weight_distribution", "initial_weight_scale", "initial_weights", "initial_biases")


def checkpoint_notes(
    values: dict[str, Any], metas: dict[str, ParamMeta], base_params: dict[str, Any], *, base_label: str
) -> dict[str, str]:
    """Changes H2O accepts when continuing a run but that do nothing: the weights come from the run."""
    now = effective(values, metas)
    then = effective({k: v for k, v in base_params.items() if k != "checkpoint"}, metas)
    return {
        name: f"has no effect when continuing: the network starts from {base_label}'s weights"
        for name in CHECKPOINT_NO_EFFECT
        if name in metas and _norm(now.get(name)) != _norm(then.get(name))
    }


def checkpoint_problems(
    values: dict[str, Any],
    metas: dict[str, ParamMeta],
    base_params: dict[str, Any],
    base_epochs: float,
    *,
    base_label: str,
    same_frames: bool = True,
) -> dict[str, str]:
    """H2O's rules for continuing a finished run, checked before the job starts.

    ``base_params`` are the parameters the finished run was given (H2O compares what was asked
    for, defaults included, not what it resolved them to: ``distribution`` AUTO stays AUTO).
    """
    problems: dict[str, str] = {}
    now = effective(values, metas)
    then = effective({k: v for k, v in base_params.items() if k != "checkpoint"}, metas)
    for name in CHECKPOINT_FIXED:
        if name not in metas:
            continue
        before = then.get(name)
        if _norm(now.get(name)) != _norm(before):
            problems[name] = (
                f"cannot change when continuing {base_label}: it was {format_value(metas[name], before) or 'not set'}"
            )
    epochs = now.get("epochs")
    if epochs is not None and epochs <= base_epochs:
        problems["epochs"] = (
            f"counts from the start: {base_label} already has {_format_number(float(base_epochs))} epochs, "
            f"so give more than that (for example {_format_number(float(base_epochs) + 10)})"
        )
    if (then.get("nfolds") or 0) != 0:
        problems["_"] = (
            f"{base_label} was trained with cross-validation (nfolds={then.get('nfolds')}): H2O cannot continue such "
            "a run. Continue a run trained without nfolds, or train this one again."
        )
    elif (now.get("nfolds") or 0) != 0:
        problems["nfolds"] = "must be 0: H2O cannot cross-validate while continuing a checkpoint"
    if not same_frames:
        problems["_"] = f"{base_label} was trained on other frames or another response; continue it from its own step"
    return problems
