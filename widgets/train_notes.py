"""What the Setup tab says at its form's fields besides the form's own checks.

Errors where continuing a run forbids a change, and warnings: what H2O ignores when continuing, when the chart
would get few points (MNIST), what the L1 lesson measured, and the fix on offer after a failed run.
"""

from __future__ import annotations

from tui.lab.failure_fix import AfterFailure
from tui.lab.param_rules import checkpoint_notes, checkpoint_problems
from tui.lab.steps import Step
from tui.lab.training import Run, RunSpec
from tui.lab.weights import weak_l1_note
from widgets.param_form import ParamForm


class FormNotes:
    """The notes one step's form shows at its fields, kept between redraws."""

    def __init__(self, step: Step) -> None:
        self.step = step
        self.scoring: dict[str, str] = {}  # MNIST: where the chart would get few points
        self.checkpoint: dict[str, str] = {}  # what H2O ignores when continuing the run
        self.after = AfterFailure()  # where the form's values came from, the run that failed: what to offer

    def check(self, form: ParamForm, base: Run | None, spec: RunSpec) -> None:
        """What cannot change when continuing ``base`` (errors at the fields), and what H2O ignores (notes)."""
        if base is None:
            self.checkpoint = {}
            form.set_extra_errors({})
        else:
            problems = checkpoint_problems(
                form.values,
                form.metas,
                base.spec.params,
                base.epochs_done,
                base_label=base.run_id,
                same_frames=base.spec.same_frames(spec),
            )
            self.checkpoint = checkpoint_notes(form.values, form.metas, base.spec.params, base_label=base.run_id)
            form.set_extra_errors(problems)
        self.push(form)

    def push(self, form: ParamForm) -> None:
        """Every warning at the form's fields, and the fix on offer."""
        # The cars step that teaches L1 (its figures were measured on that network).
        lesson = weak_l1_note(form.values) if "l1" in self.step.taught and self.step.dataset == "cars" else {}
        fix = self.after.fix(form.values)
        failure = {fix.name: fix.note} if fix is not None else {}
        form.set_extra_warnings({**self.scoring, **self.checkpoint, **lesson, **failure})
        form.set_extra_fixes({fix.name: (fix.name, fix.value, fix.label)} if fix is not None else {})
