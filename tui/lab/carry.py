"""Where a step's form starts: the step's own changes, on top of what the learner had in the step before.

The walkthrough builds each cars step on the one before ("step 5 + mini_batch_size=32"). The lab does the
same with the learner's own values: step N starts from the learner's last run of step N-1 (or, with none,
from step N-1's walkthrough values) and applies what step N changes. The form then compares every field
with what step N-1 really had, and says where its values came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.lab.codegen import written
from tui.lab.params import differences
from tui.lab.steps import BY_NUMBER, STEPS, Step
from tui.lab.training import CANCELLED, DONE, Run

# Parameters a run carries that belong to that run, not to the next step's form.
NOT_CARRIED = ("checkpoint",)


@dataclass
class Start:
    """A step's first values and what the form compares them with."""

    params: dict[str, Any]
    base: dict[str, Any] | None = None  # what the step before had; None: a new problem, nothing to compare with
    label: str = ""  # how the form names that ("step 4", "run-7")
    note: str = ""  # one line above the form: where the values come from
    changes: dict[str, Any] = field(default_factory=dict)  # what this step changes (None: it unsets the value)


def step_before(step: Step) -> Step | None:
    """The step this one builds on: the one before it, when it trains the same kind of model on the same data."""
    before = BY_NUMBER.get(step.number - 1)
    if before is None or before.kind != "train" or step.kind not in ("train", "evaluation"):
        return None
    if (before.dataset, before.response, tuple(before.predictors)) != (
        step.dataset,
        step.response,
        tuple(step.predictors),
    ):
        return None
    return before


def step_changes(step: Step, before: Step) -> dict[str, Any]:
    """What ``step`` sets differently from ``before`` (None where it drops a value ``before`` set)."""
    ours, theirs = step.spec().params, before.spec().params
    return {name: ours.get(name) for name in ours.keys() | theirs.keys() if ours.get(name) != theirs.get(name)}


def last_run_of(runs: list[Run], number: int) -> Run | None:
    """The learner's latest run of a step that ran to its end or was stopped by them (failed runs are not values)."""
    done = [r for r in runs if r.spec.step == number and r.status in (DONE, CANCELLED)]
    return max(done, key=lambda r: r.started_at or 0.0) if done else None


def teaching_step(param: str) -> int:
    """The cars step whose lesson is about ``param`` (its form shows that field first)."""
    return next(s.number for s in STEPS if s.dataset == "cars" and param in s.taught)


MINI_BATCH_STEP = teaching_step("mini_batch_size")  # H2O trains one row at a time whatever the value
RATE_STEP = teaching_step("rate")  # H2O ignores rate while adaptive_rate is on, and says so
RATE_WARNING = "rate cannot be specified if adaptive_rate is enabled"  # H2O's words, as its job reports them

# Values a step showed to have no effect, by the step that showed it: (step, test of the values, what to say).
KNOWN_NO_EFFECT: tuple[tuple[int, Any, str], ...] = (
    (
        MINI_BATCH_STEP,
        lambda p: (p.get("mini_batch_size") or 1) > 1,
        f"mini_batch_size {{mini_batch_size}} stays, though H2O trains one row at a time (step {MINI_BATCH_STEP})",
    ),
    (
        RATE_STEP,
        lambda p: p.get("rate") is not None and p.get("adaptive_rate", True) is not False,
        f"rate {{rate}} stays, though H2O ignores it while adaptive_rate is on (step {RATE_STEP}; turn it off to "
        "use rate)",
    ),
)


def recalled_warning(run: Run, warning: str) -> bool:
    """True for a warning of H2O's that an earlier step taught: the run recalls it quietly instead of warning."""
    return run.spec.dataset == "cars" and run.spec.step > RATE_STEP and warning.startswith(RATE_WARNING)


def mini_batch_note(run: Run) -> tuple[str, bool] | None:
    """What to say when H2O trained a run with mini-batch size 1 though it asked for more, and whether to
    stress it (on the step that teaches it; later steps recall it). None when there is nothing to say."""
    batch = run.spec.params.get("mini_batch_size")
    if not batch or batch <= 1 or "mini-batch size 1" not in run.layers_note:
        return None
    if run.spec.step == MINI_BATCH_STEP:
        return f"mini_batch_size was {batch}, yet H2O trained with mini-batch size 1.", True
    return f"mini_batch_size {batch} trained as 1, as step {MINI_BATCH_STEP} showed.", False


def kept_note(step: Step, params: dict[str, Any]) -> str:
    """One sentence on values kept from an earlier step that an earlier step showed to do nothing ('' if none)."""
    kept = [
        text.format(**params) for shown, applies, text in KNOWN_NO_EFFECT if step.number > shown and applies(params)
    ]
    if not kept or step.dataset != "cars":
        return ""
    return " As the walkthrough does, " + "; and ".join(kept) + "."


def start(step: Step, last_run: Run | None) -> Start:
    """Step ``step``'s first values, given the learner's last run of the step before (or None)."""
    own = dict(step.spec().params)
    before = step_before(step)
    if before is None:
        note = ""
        if step.kind == "evaluation":
            note = "A new question on the cars (is a car economical?): the walkthrough's values, compared with none."
        return Start(own, note=note)
    changes = step_changes(step, before)
    if last_run is None:
        return Start(
            own,
            base=dict(before.spec().params),
            label=f"step {before.number}",
            note=(
                f"Step {step.number}'s values from the walkthrough; no run of step {before.number} yet to build on."
                + kept_note(step, own)
            ),
            changes=changes,
        )
    base = {k: v for k, v in last_run.spec.params.items() if k not in NOT_CARRIED}
    params = {**base, **changes}
    params = {k: v for k, v in params.items() if v is not None or k == "activation"}
    changed = ", ".join(sorted(changes)) or "nothing"
    return Start(
        params,
        base=base,
        label=last_run.run_id,
        note=(
            f"Your {last_run.run_id} of step {before.number}, with step {step.number}'s changes ({changed}). "
            "'Reset to the step's values' below puts the walkthrough's back." + kept_note(step, params)
        ),
        changes=changes,
    )


def shown_value(value: Any) -> str:
    """A parameter's value as the tables of runs show it."""
    if value is None:
        return "not set"
    return value if isinstance(value, str) else written(value)


def changes(run: Run) -> str:
    """The parameters that differ from the run's step, as ``name=value`` pairs."""
    step = BY_NUMBER.get(run.spec.step)
    preset = step.spec().params if step else {}
    ours = {k: v for k, v in run.spec.params.items() if k != "checkpoint"}
    diff = differences(preset, ours)
    parts = [f"{name}={shown_value(new)}" if new is not None else f"{name} unset" for name, (_old, new) in diff.items()]
    if run.spec.sample_rows:
        parts.insert(0, f"rows={run.spec.sample_rows:,}")
    if run.checkpoint_of:
        parts.insert(0, f"continues {run.checkpoint_of}")
    return ", ".join(parts) if parts else "step's values"
