"""After a failed run: its likely cause, named with where it came from, and the one-key fix that helps.

A network that H2O stops as numerically unstable, trained with adaptive_rate off, most likely took too large
steps: its rate. The fix that helps is a lower rate (the walkthrough's, which step 7 teaches) or adaptive_rate
back on; a fix offered for another reason (a weak l1) does not, so this one comes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.lab.carry import RATE_STEP, Start
from tui.lab.codegen import py
from tui.lab.params import same_value
from tui.lab.steps import BY_NUMBER
from tui.lab.training import FAILED, Run, RunSpec

UNSTABLE = "numerically unstable"  # how the lab's failure text names it (tui.lab.h2o_errors.explain_failure)


@dataclass
class FailureFix:
    """What the form offers after a failed run: a field's value that helps, and the words that go with it."""

    name: str  # the field to change
    value: Any  # what f sets it to
    label: str  # the fix's button
    note: str  # the field's warning
    said: str  # the line under the failure on the Training tab


def manual_rate(params: dict[str, Any]) -> float | None:
    """The rate a network trains with when adaptive_rate is off (None while ADADELTA sets the rate itself)."""
    rate = params.get("rate")
    if params.get("adaptive_rate", True) is not False or not isinstance(rate, (int, float)):
        return None
    return float(rate)


def lower_rate(step: int, rate: float) -> float:
    """A rate to try instead of ``rate``: the walkthrough's (step 7's 0.01, or the step's own) when lower, else a
    tenth of it."""
    own = BY_NUMBER[step].spec().params.get("rate") if step in BY_NUMBER else None
    taught = own if isinstance(own, (int, float)) else BY_NUMBER[RATE_STEP].spec().params["rate"]
    if rate <= 0 or taught < rate:
        return float(taught)
    return float(f"{rate / 10:.1g}")


def likely_cause(spec: RunSpec) -> str:
    """The likely cause of a numerically unstable run of ``spec``, and what to change."""
    if spec.params.get("adaptive_rate", True) is not False:
        return (
            "ADADELTA set the rate (adaptive_rate is on), so the likely cause is elsewhere: try a bounded activation "
            "(Tanh), a smaller initial_weight_scale, or regularization (max_w2, l1, l2)."
        )
    rate = manual_rate(spec.params)
    if rate is None:
        return "Give a lower rate than H2O's default, or turn adaptive_rate back on."
    if rate <= 0:
        why = f"rate {py(rate)} with adaptive_rate off: a learning rate must be above 0."
    else:
        why = f"rate {py(rate)} with adaptive_rate off, too large a step for this network."
    lower = py(lower_rate(spec.step, rate))
    return f"The likely cause: {why} Lower rate (to {lower}, say) or turn adaptive_rate on."


def came_from(origin: Start | None, name: str, value: Any) -> str:
    """Where the form's ``name`` = ``value`` came from, in a few words ('' when it was set in the form since)."""
    if origin is None or not same_value(origin.params.get(name), value):
        return ""
    if name in origin.changes and origin.step:
        return f"step {origin.step}'s walkthrough values"
    return origin.source


def fix_after(run: Run | None, values: dict[str, Any], origin: Start | None) -> FailureFix | None:
    """The fix to offer after ``run`` failed, while the form still has the values that failed (else None)."""
    if run is None or run.status != FAILED or UNSTABLE not in run.error:
        return None
    rate = manual_rate(run.spec.params)
    if rate is None or manual_rate(values) is None or not same_value(values.get("rate"), rate):
        return None
    lower = lower_rate(run.spec.step, rate)
    where = came_from(origin, "rate", rate)
    shown = py(rate)
    whence = f"rate {shown} came from {where}" if where else f"rate {shown} was set in this form"
    return FailureFix(
        name="rate",
        value=lower,
        label=f"Use rate = {py(lower)}",
        note=(
            f"{run.run_id} became numerically unstable with this rate and adaptive_rate off: "
            f"lower it (f sets {py(lower)}) or turn adaptive_rate on"
        ),
        said=f"{whence}. Press f to set rate to {py(lower)}, or turn adaptive_rate on (Setup tab).",
    )


@dataclass
class AfterFailure:
    """A step form's memory for the fix: the step's run shown when it failed, and where the form's values came
    from (the carry, a run loaded, Reset...)."""

    failed: Run | None = None
    origin: Start | None = None

    def shown(self, run: Run | None) -> bool:
        """The step shows ``run`` (None: none): kept when it failed. True when that changes what is offered."""
        failed = run if run is not None and run.status == FAILED else None
        changed = failed is not self.failed
        self.failed = failed
        return changed

    def fix(self, values: dict[str, Any]) -> FailureFix | None:
        """The fix on offer for the form's ``values`` (None once they moved on from the run that failed)."""
        return fix_after(self.failed, values, self.origin)

    def words(self, run: Run, values: dict[str, Any]) -> str:
        """What to say under ``run``'s failure: where its likely cause came from and the fix on offer ('' if none)."""
        fix = fix_after(run, values, self.origin)
        return fix.said if fix is not None else ""
