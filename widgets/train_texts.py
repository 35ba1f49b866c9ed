"""The words a training step says about itself: its values, its frames, how long a run takes, chart advice.

Plain functions of the step, its spec and what the app knows (split sizes, the cluster's speed): the
training view asks the app, then hands the answers here, so nothing in this module reads the app.
"""

from __future__ import annotations

import math

from rich.text import Text

from tui.lab import fmt
from tui.lab.codegen import written
from tui.lab.steps import Step
from tui.lab.training import Run, RunSpec

PARAM_NOTES = {
    "activation": "None: H2O's default, Rectifier (ReLU)",
}


def further_notice(rows: int) -> str:
    """What Go further puts in the form (MNIST), and what it gave in the measured runs."""
    return (
        f"Wider layers with light dropout and capped weights, an adaptive rate and sparse input, 40 passes "
        f"over all {rows:,} digits, the last network kept: 0.982-0.985 test accuracy in the "
        "measured runs (about 13 minutes on two cores), against 0.961 for the walkthrough's. Train with t."
    )


def describe_value(name: str, value: object) -> str:
    """A parameter's value as Python (as the learner writes it), or what H2O does when it is left out."""
    if name in PARAM_NOTES and value is None:
        return PARAM_NOTES[name]
    return written(value)


def settings_rows(step: Step, spec: RunSpec) -> list[tuple[str, str | Text]]:
    """The values the form starts with (``spec``'s) as (name, value) rows, shown until H2O's parameter list
    brings the form; the scoring values the step adds for the live chart last, and said so."""
    rows: list[tuple[str, str | Text]] = [
        ("response", spec.response),
        ("predictors", ", ".join(spec.predictors)),
    ]
    added = {name for name, value in step.scoring.items() if name in spec.params and spec.params[name] == value}
    for name, value in spec.params.items():
        if name not in added:
            rows.append((name, describe_value(name, value)))
    for name in added:
        value = spec.params[name]
        rows.append((name, Text.assemble(describe_value(name, value), ("  (added for the live chart)", "dim"))))
    if step.metric_hint:
        rows.append(("metric", step.metric_hint))
    return rows


def frames_text(spec: RunSpec, sizes: list[int] | None) -> Text:
    """Which frames the step trains and validates on, with the split's sizes once they are known."""
    if spec.dataset == "mnist":
        return Text("Training frame: the MNIST training digits; validation frame: the 10,000 test digits.")
    if not spec.split:
        return Text("Training frame: the whole cars frame, 406 rows.", style="dim")
    text = Text("Training frame: 80% of the cars rows, validation frame: the other 20% (split with seed 1234)")
    if sizes and len(sizes) == 2:
        text.append(f": {sizes[0]} and {sizes[1]} rows", style="bold")
    text.append(".")
    return text


def epochs_of(spec: RunSpec) -> float:
    """The epochs a run of this spec trains for (H2O's default is 10)."""
    return float(spec.params.get("epochs") or 10)


# A trial's speed is a fresh network's; a rectifier network speeds up as it learns (tui.lab.speed.Speeds.early).
SPEEDS_UP = (
    "A rectifier network speeds up as it learns (a silent unit has no weights to update), so it often finishes "
    "sooner; once a run of this network has finished, its own speed is used."
)


def estimate_text(
    rows: int, epochs: float, found: tuple[float, float] | None, early: bool = False, timed: bool = True
) -> Text:
    """How long a run should take, or how the lab will find out (``found``: seconds and samples/s; ``early``:
    measured by a trial, which the run will likely beat; ``timed``: an unknown speed is timed by a trial first,
    else the run is too short for one and trains at once)."""
    if found is None and not timed:
        return Text.assemble(
            ("Time: ", "bold"),
            f"{rows:,} rows × {fmt.number(epochs)} epochs, a short run: t trains it at once (timing it first would "
            "cost more than a tenth of the run). Its speed is then known for longer runs of this network.",
        )
    if found is None:
        return Text.assemble(
            ("Time: ", "bold"),
            f"{rows:,} rows × {fmt.number(epochs)} epochs. Press t: the lab first times a few seconds of "
            "training on this cluster, then says how long the run will take (and asks before a long one).",
        )
    seconds, speed = found
    if early:
        return Text.assemble(
            ("Time: up to about ", "bold"),
            (fmt.duration(seconds), "bold"),
            f" for {rows:,} rows × {fmt.number(epochs)} epochs, at the {speed:,.0f} samples/s a short trial "
            f"measured on this cluster (scoring included). {SPEEDS_UP}",
        )
    return Text.assemble(
        ("Time: about ", "bold"),
        (fmt.duration(seconds), "bold"),
        f" for {rows:,} rows × {fmt.number(epochs)} epochs, at {speed:,.0f} samples/s measured on a cluster of "
        "this size (scoring included).",
    )


def scoring_notes(params: dict, rows: int) -> dict[str, str]:
    """With few samples per iteration the chart gets few points: a note for the field that decides it."""
    per_iteration = params.get("train_samples_per_iteration")
    epochs = float(params.get("epochs") or 10)
    notes = {}
    if isinstance(per_iteration, int) and per_iteration > 0 and not params.get("score_each_iteration"):
        samples = rows * epochs
        iterations = max(1, math.ceil(samples / per_iteration))
        if iterations < 10:
            notes["train_samples_per_iteration"] = (
                f"{rows:,} rows × {fmt.number(epochs)} epochs makes {samples:,.0f} samples: "
                f"{iterations} iteration{'s' if iterations != 1 else ''} of up to {per_iteration:,}. H2O scores "
                "at most once per iteration (and by default at most every 5 s), so the chart gets few points: "
                "lower this value or turn on score_each_iteration for more"
            )
    return notes


def confirm_words(seconds: float, rows: int, spec: RunSpec, early: bool = False) -> str:
    """The question asked before a long run starts (``early``: the estimate is a trial's, likely beaten)."""
    return (
        f"This run should take {'up to ' if early else ''}about {fmt.duration(seconds)} on this cluster "
        f"({rows:,} rows × {fmt.number(float(spec.params.get('epochs') or 10))} epochs). "
        + ("A rectifier network speeds up as it learns, so it often finishes well sooner. " if early else "")
        + "You can cancel it at any time and keep the partial model."
    )


def checkpoint_banner(base: Run) -> Text:
    """What continuing ``base`` from its checkpoint means, above the form."""
    return Text.assemble(
        ("Continuing ", "bold"),
        (f"{base.run_id} (step {base.spec.step}, {fmt.number(base.epochs_done)} epochs, {base.model_id})", "bold"),
        ".\nH2O keeps the network and trains it further. epochs counts from the start, and the "
        "network's shape, activation and learning-rate settings cannot change. H2O hands back the best "
        "network it scores (overwrite_with_best_model), which can be this one if the extra epochs do no "
        "better. Press Reset to start over.",
    )
