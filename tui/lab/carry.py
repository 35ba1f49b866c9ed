"""Where a step's form starts: the learner's own last run of it, or the step's changes on top of the step before.

The walkthrough builds each cars step on the one before ("step 5 + mini_batch_size=32"). The lab does the
same with the learner's own values: step N starts from the learner's last run of step N itself; a step they
never ran starts from their last run of step N-1 (or, with none, from step N-1's walkthrough values) with
what step N changes. The form then compares every field with what step N-1 really had, and says where its
values came from.

A step's "last run" is the one whose values the learner last took up there: the latest they trained from its
form, or one they loaded into its form with l since. A sweep's models count only once loaded: the sweep chose
their values, not the learner (the last of a learning-rate sweep is its highest rate). A run the learner stopped
counts when H2O had scored a model by then ("stopped early"); one stopped before that is passed over, and the
form says so.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.lab.codegen import written
from tui.lab.journal import Journal
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
    source: str = ""  # where ``params`` came from, in a few words ("your run-7 of step 4")
    step: int = 0  # the step whose form starts so (its changes are its walkthrough's)


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


def taken_up(run: Run, loaded: Mapping[str, float]) -> float | None:
    """When the learner last took up ``run``'s values on its step: trained it from the form, or loaded it with l
    (a sweep's model only so); None if never."""
    times = [loaded[run.run_id]] if run.run_id in loaded else []
    if not run.sweep:
        times.append(run.started_at or 0.0)
    return max(times) if times else None


def kept_model(run: Run) -> bool:
    """Whether ``run`` left a model: it ran to its end, or was stopped after H2O had trained and scored it (its
    scoring history starts with a row at epoch 0, before any training)."""
    return run.status == DONE or (run.status == CANCELLED and (run.epochs_done > 0 or bool(run.metrics)))


def last_run_of(runs: list[Run], number: int, loaded: Mapping[str, float] | None = None) -> Run | None:
    """The run whose values the learner last took up on step ``number`` (see :func:`taken_up`), among those that
    left a model (:func:`kept_model`: failed runs, and runs stopped before they had one, are not values);
    ``loaded``: run id -> when the learner loaded it into its step's form."""
    loaded = loaded or {}
    done = [r for r in runs if r.spec.step == number and kept_model(r)]
    taken = [(when, r) for r in done if (when := taken_up(r, loaded)) is not None]
    return max(taken, key=lambda pair: pair[0])[1] if taken else None


def passed_over(runs: list[Run], number: int, chosen: Run | None, loaded: Mapping[str, float] | None = None) -> str:
    """The sweep of step ``number`` whose models are newer than ``chosen`` and were left out, none of them loaded
    ('' if none): the form says they count once one is loaded."""
    loaded = loaded or {}
    since = chosen.started_at if chosen is not None else float("-inf")
    left = [
        r
        for r in runs
        if r.spec.step == number
        and r.sweep
        and r.run_id not in loaded
        and r.status in (DONE, CANCELLED)
        and (r.started_at or 0.0) > since
    ]
    return max(left, key=lambda r: r.started_at or 0.0).sweep if left else ""


def stopped_first(
    runs: list[Run], number: int, chosen: Run | None, loaded: Mapping[str, float] | None = None
) -> Run | None:
    """The learner's latest run of step ``number`` that they stopped before it had a model, when it is newer than
    ``chosen`` (the run built on instead, or None): the form says why it is passed over. None if there is none."""
    stopped = [r for r in runs if r.spec.step == number and r.status == CANCELLED and not r.sweep and not kept_model(r)]
    latest = max(stopped, key=lambda r: r.started_at or 0.0, default=None)
    since = taken_up(chosen, loaded or {}) if chosen is not None else None
    if latest is None or (since is not None and (latest.started_at or 0.0) <= since):
        return None
    return latest


def whose(run: Run, where: str) -> str:
    """A run as the form's banner names it: "your run-7 of step 4", or "sweep-1's run-9 of step 7, which you
    loaded" (a sweep's model counts only once loaded); "(stopped early)" after a run the learner stopped."""
    early = " (stopped early)" if run.status == CANCELLED else ""
    if run.sweep:
        return f"{run.sweep}'s {run.run_id} {where}{early}, which you loaded"
    return f"your {run.run_id} {where}{early}"


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


RESET_NOTE = "'Reset to the step's values' below puts the walkthrough's back."


def _count_once_loaded(sweep: str, later: bool = False) -> str:
    return f"{sweep}'s {'later ' if later else ''}models count once you load one into the form with l (All runs)"


def start(
    step: Step, last_run: Run | None, own_run: Run | None = None, left_sweep: str = "", stopped: Run | None = None
) -> Start:
    """Step ``step``'s first values: the learner's last run of the step itself (``own_run``), else the step's
    changes on top of their last run of the step before (``last_run``, or None). ``left_sweep``: a sweep of the
    step before whose models were left out; ``stopped``: a later run of the step before, stopped before it had a
    model; both are said in the note."""
    carried = _carried(step, last_run, left_sweep, stopped)
    if own_run is None:
        return carried
    params = {k: v for k, v in own_run.spec.params.items() if k not in NOT_CARRIED}
    source = whose(own_run, "of this step")
    note = f"Values of {source}, the last you trained or loaded here. {RESET_NOTE}" + kept_note(step, params)
    return Start(
        params,
        base=carried.base,
        label=carried.label,
        note=note,
        changes=carried.changes,
        source=source,
        step=step.number,
    )


def _carried(step: Step, last_run: Run | None, left_sweep: str, stopped: Run | None = None) -> Start:
    """Step ``step``'s first values for a learner who has not run it: the walkthrough's, on the step before's."""
    own = dict(step.spec().params)
    walkthrough = f"step {step.number}'s walkthrough values"
    before = step_before(step)
    if before is None:
        note = ""
        if step.kind == "evaluation":
            note = "A new question on the cars (is a car economical?): the walkthrough's values, compared with none."
        return Start(own, note=note, source=walkthrough, step=step.number)
    changes = step_changes(step, before)
    no_model = f"your {stopped.run_id} of step {before.number} was stopped before it had a model" if stopped else ""
    if last_run is None:
        if stopped is not None:
            why = f": {no_model}, so there is nothing to build on"
            why += f"; {_count_once_loaded(left_sweep)}." if left_sweep else "."
        else:
            why = f"; no run of step {before.number} yet to build on"
            why += f": {_count_once_loaded(left_sweep)}." if left_sweep else "."
        return Start(
            own,
            base=dict(before.spec().params),
            label=f"step {before.number}",
            note=f"Step {step.number}'s values from the walkthrough" + why + kept_note(step, own),
            changes=changes,
            source=walkthrough,
            step=step.number,
        )
    base = {k: v for k, v in last_run.spec.params.items() if k not in NOT_CARRIED}
    params = {**base, **changes}
    params = {k: v for k, v in params.items() if v is not None or k == "activation"}
    changed = ", ".join(sorted(changes)) or "nothing"
    source = whose(last_run, f"of step {before.number}")
    later = f"; {no_model}, so it is not built on" if stopped is not None else ""
    later += f"; {_count_once_loaded(left_sweep, later=True)}" if left_sweep else ""
    return Start(
        params,
        base=base,
        label=last_run.run_id,
        note=(
            f"Values of {source}, with step {step.number}'s changes ({changed}){later}. {RESET_NOTE}"
            + kept_note(step, params)
        ),
        changes=changes,
        source=source,
        step=step.number,
    )


def loaded_start(run: Run) -> Start:
    """The form's values once the learner loads ``run`` into its step's form (l in All runs)."""
    params = {k: v for k, v in run.spec.params.items() if k not in NOT_CARRIED}
    source = f"{run.sweep}'s {run.run_id} of this step" if run.sweep else f"your {run.run_id} of this step"
    return Start(params, note=f"Values of {source}, loaded from All runs.", source=source, step=run.spec.step)


class Carry:
    """Where each step's form starts, from the run table and the runs the learner loaded with l (kept in the
    journal, so that a loaded sweep model still counts in the next session)."""

    KEY = "loaded"  # the journal's state: run id -> when the learner loaded it into its step's form

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        saved = journal.state(self.KEY) or {}
        self.loaded: dict[str, float] = (
            {k: float(v) for k, v in saved.items() if isinstance(v, (int, float))} if isinstance(saved, dict) else {}
        )

    def run_loaded(self, run: Run) -> None:
        """The learner put ``run``'s values into its step's form: from now on they are the step's."""
        self.loaded[run.run_id] = time.time()
        self._journal.save_state(self.KEY, self.loaded)

    def start_of(self, step: Step, runs: list[Run]) -> Start:
        """Where step ``step``'s form starts (see :func:`start`), given every run."""
        before = last_run_of(runs, step.number - 1, self.loaded)
        left = passed_over(runs, step.number - 1, before, self.loaded)
        stopped = stopped_first(runs, step.number - 1, before, self.loaded)
        return start(step, before, last_run_of(runs, step.number, self.loaded), left, stopped)


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
