"""What a goal's conditions may name, and the values each can take.

A condition names a Deep Learning parameter or a fact of the run (``sample_rows``, ``duration``, ``epochs_done``).
The exercises file is read before H2O starts, so the parameters' types and allowed values are written here, as
H2O 3.46 gives them in ``GET /3/ModelBuilders/deeplearning`` (a test compares them with a recorded copy); their
ranges are the form's own (:func:`tui.lab.param_rules.check_range`). A condition no run can meet is a mistake
in the file: :func:`equals_problem` and :func:`limit_problem` say why.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui.lab.param_rules import check_range
from tui.lab.params import FLOAT_TYPES, INT_TYPES, LIST_TYPES


@dataclass(frozen=True)
class ParamType:
    """H2O's type of a parameter (int, long, double, float, int[], double[], boolean, enum) and its allowed values."""

    type: str
    values: tuple[str, ...] = ()


_BOOLEANS = (
    "adaptive_rate", "autoencoder", "balance_classes", "col_major", "diagnostics", "elastic_averaging",
    "export_weights_and_biases", "fast_mode", "force_load_balance", "ignore_const_cols",
    "nesterov_accelerated_gradient", "overwrite_with_best_model", "replicate_training_data", "reproducible",
    "score_each_iteration", "shuffle_training_data", "single_node_mode", "sparse", "standardize",
    "use_all_factor_levels", "variable_importances",
)  # fmt: skip
_DOUBLES = (
    "average_activation", "classification_stop", "epochs", "epsilon", "huber_alpha", "initial_weight_scale",
    "input_dropout_ratio", "l1", "l2", "max_runtime_secs", "momentum_ramp", "momentum_stable", "momentum_start",
    "quantile_alpha", "rate", "rate_annealing", "rate_decay", "regression_stop", "rho", "score_duty_cycle",
    "score_interval", "sparsity_beta", "stopping_tolerance", "target_ratio_comm_to_comp", "tweedie_power",
)  # fmt: skip
_ENUMS = {
    "activation": ("Tanh", "TanhWithDropout", "Rectifier", "RectifierWithDropout", "Maxout", "MaxoutWithDropout"),
    "auc_type": ("AUTO", "NONE", "MACRO_OVR", "WEIGHTED_OVR", "MACRO_OVO", "WEIGHTED_OVO"),
    "categorical_encoding": (
        "AUTO", "Enum", "OneHotInternal", "OneHotExplicit", "Binary", "Eigen", "LabelEncoder", "SortByResponse",
        "EnumLimited",
    ),
    "distribution": (
        "AUTO", "bernoulli", "quasibinomial", "ordinal", "multinomial", "gaussian", "poisson", "gamma", "tweedie",
        "laplace", "quantile", "huber", "custom",
    ),
    "fold_assignment": ("AUTO", "Random", "Modulo", "Stratified"),
    "initial_weight_distribution": ("UniformAdaptive", "Uniform", "Normal"),
    "loss": ("Automatic", "CrossEntropy", "Quadratic", "Huber", "Absolute", "Quantile"),
    "missing_values_handling": ("MeanImputation", "Skip"),
    "score_validation_sampling": ("Uniform", "Stratified"),
    "stopping_metric": (
        "AUTO", "deviance", "logloss", "MSE", "RMSE", "MAE", "RMSLE", "AUC", "AUCPR", "lift_top_group",
        "misclassification", "mean_per_class_error", "anomaly_score", "AUUC", "ATE", "ATT", "ATC", "qini", "custom",
        "custom_increasing",
    ),
}  # fmt: skip
PARAMETERS: dict[str, ParamType] = {
    **{name: ParamType("boolean") for name in _BOOLEANS},
    **{name: ParamType("double") for name in _DOUBLES},
    **{name: ParamType("enum", values) for name, values in _ENUMS.items()},
    **{name: ParamType("int") for name in ("mini_batch_size", "nfolds", "stopping_rounds")},
    **{
        name: ParamType("long")
        for name in ("score_training_samples", "score_validation_samples", "seed", "train_samples_per_iteration")
    },
    **{name: ParamType("float") for name in ("max_after_balance_size", "max_w2")},
    "hidden": ParamType("int[]"),
    "hidden_dropout_ratios": ParamType("double[]"),
}
# The run's own facts: (whole numbers only, the lowest value, what the value is).
FACTS: dict[str, tuple[bool, float, str]] = {
    "sample_rows": (True, 1, "a number of rows, 1 or more"),
    "duration": (False, 0, "a number of seconds"),
    "epochs_done": (False, 0, "a number of epochs"),
}


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(float(value))


def is_numeric(name: str) -> bool:
    """Whether a condition on ``name`` can compare it with a number."""
    return name in FACTS or PARAMETERS[name].type in INT_TYPES | FLOAT_TYPES | set(LIST_TYPES)


def example(name: str) -> str:
    """A value to write for a parameter that is not a number (for a message)."""
    kind = PARAMETERS[name]
    if kind.values:
        return f'"{kind.values[0]}"'
    return "true" if kind.type == "boolean" else '"..."'


def equals_problem(name: str, value: Any) -> str | None:
    """Why no run can have ``name`` equal to ``value`` (the parameter's type, allowed values or range), or None."""
    if name in FACTS:
        whole, lowest, what = FACTS[name]
        if not is_number(value) or (whole and not float(value).is_integer()) or value < lowest:
            return f"{name} is {what}"
        return None
    kind = PARAMETERS[name]
    if kind.type == "boolean":
        return None if isinstance(value, bool) else f"{name} is true or false"
    if kind.type == "enum":
        if isinstance(value, str) and value.lower() in (v.lower() for v in kind.values):
            return None
        return f"{name} is one of {', '.join(kind.values)}"
    if kind.type in LIST_TYPES:
        whole = LIST_TYPES[kind.type] == "int"
        fits = isinstance(value, list) and value and all(_fits(v, whole) for v in value)
        if not fits:
            if whole:
                return f"{name} is a list of whole numbers, such as [200, 200]"
            return f"{name} is a list of numbers, such as [0.5, 0.5]"
    elif not _fits(value, kind.type in INT_TYPES):
        return f"{name} is {'a whole number' if kind.type in INT_TYPES else 'a number'}"
    problem = check_range(name, value)
    return f"{name}: {problem}" if problem else None


def limit_problem(name: str, limit: float, holds: Callable[[float, float], bool]) -> str | None:
    """Why no allowed value of ``name`` meets a comparison with ``limit`` (``holds(value, limit)``), or None."""
    # The limit, the numbers either side of it, and a few from each range of param_rules: the ranges are
    # intervals, so a value that meets the comparison is among these if there is one.
    near = (limit, math.nextafter(limit, math.inf), math.nextafter(limit, -math.inf))
    whole = (math.floor(limit), math.ceil(limit), math.floor(limit) - 1, math.ceil(limit) + 1)
    candidates = {float(v) for v in (*near, *whole, -2, -1, 0, 0.5, 1, 1.5, 2, 1e300, -1e300)}
    if any(holds(v, limit) and _allowed(name, v) for v in candidates):
        return None
    reason = equals_problem(name, [limit] if _is_list(name) else limit)
    return "no value allowed meets it" + (f" ({reason})" if reason else "")


def _fits(value: Any, whole: bool) -> bool:
    return is_number(value) and (not whole or (isinstance(value, int) or float(value).is_integer()))


def _is_list(name: str) -> bool:
    return name in PARAMETERS and PARAMETERS[name].type in LIST_TYPES


def _allowed(name: str, value: float) -> bool:
    if name in FACTS:
        whole, lowest, _ = FACTS[name]
    else:
        kind = PARAMETERS[name].type
        whole, lowest = LIST_TYPES.get(kind, "int" if kind in INT_TYPES else "float") == "int", -math.inf
    if value < lowest or (whole and not value.is_integer()):
        return False
    if name in FACTS:
        return True
    number: float = int(value) if whole else value
    return check_range(name, [number] if _is_list(name) else number) is None
