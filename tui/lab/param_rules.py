"""What H2O's parameter metadata does not say: valid ranges, rules between fields, advice, and checkpoints.

Pure functions over parsed values (see :mod:`tui.lab.params`): no network, so they run as the learner types.
"""

from __future__ import annotations

from typing import Any

from tui.lab.params import ParamMeta, effective, format_number, format_value, norm


def _between(low: float | None, high: float | None, low_open: bool = False, high_open: bool = False):
    def check(v: float) -> str | None:
        if low is not None and (v < low or (low_open and v == low)):
            return f"must be {'>' if low_open else '>='} {format_number(low)}"
        if high is not None and (v > high or (high_open and v == high)):
            return f"must be {'<' if high_open else '<='} {format_number(high)}"
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
            "a seed alone does not repeat a run (threads, and dropout even on one thread, vary it): "
            "turn on reproducible for identical results",
        )
    return notes


# -- continuing a run from its checkpoint -------------------------------------------------------

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
        if name in metas and norm(now.get(name)) != norm(then.get(name))
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
        if norm(now.get(name)) != norm(before):
            problems[name] = (
                f"cannot change when continuing {base_label}: it was {format_value(metas[name], before) or 'not set'}"
            )
    epochs = now.get("epochs")
    if epochs is not None and epochs <= base_epochs:
        problems["epochs"] = (
            f"counts from the start: {base_label} already has {format_number(float(base_epochs))} epochs, "
            f"so give more than that (for example {format_number(float(base_epochs) + 10)})"
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
