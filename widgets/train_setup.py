"""A training step's Setup tab: its frames, its values (then the full form), and the Train and Reset buttons."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import Button, Static

from tui.lab import fmt
from tui.lab.params import ParamMeta, canonical, checkpoint_notes, checkpoint_problems
from tui.lab.steps import BY_NUMBER, Step
from tui.lab.training import Run, RunSpec
from widgets.param_form import ParamForm
from widgets.sample_rows import SampleRows
from widgets.table import PairsView


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


class SetupPanel(VerticalScroll):
    """The Setup tab's contents; ``intro`` (the step's heading and lesson) comes first."""

    DEFAULT_CSS = """
    SetupPanel .settings {
        padding: 0 1;
    }
    SetupPanel .reason {
        height: auto;
        padding: 0 1 1 1;
        color: $text-muted;
    }
    SetupPanel .buttons {
        height: auto;
        padding: 0 1;
        margin-top: 1;
    }
    SetupPanel .buttons Button {
        margin-right: 2;
    }
    SetupPanel #setup-news {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, *intro: Widget, step: Step, frames: Text, rows: SampleRows | None = None) -> None:
        """``rows``: the choice of training rows, on the steps that have one (MNIST)."""
        super().__init__(*intro, id="setup-scroll")
        self.step = step
        self._frames = frames
        self._rows = rows
        self._scoring_notes: dict[str, str] = {}
        self._checkpoint_notes: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        """The frames, the rows (MNIST), the step's values, and the buttons; the form comes later."""
        yield Static(self._frames, id="setup-news")
        if self._rows is not None:
            yield self._rows
        yield PairsView(id="settings", classes="settings")
        if self.step.scoring_reason:
            yield Static(self.step.scoring_reason, classes="reason")
        with Horizontal(classes="buttons"):
            yield Button("Train (t)", id="train-setup", variant="primary", compact=True)
            yield Button("Reset to the step's values", id="reset", compact=True)

    @property
    def form(self) -> ParamForm | None:
        """The parameter form, once H2O's parameter list has come and it is mounted."""
        try:
            return self.query_one(ParamForm)
        except NoMatches:
            return None

    def show_frames(self, text: Text) -> None:
        """Say which frames the step trains on (again, once the split's sizes are known)."""
        self.query_one("#setup-news", Static).update(text)

    def show_settings(self, rows: list[tuple[str, str | Text]]) -> None:
        """The step's values, shown until the form replaces them."""
        self.query_one("#settings", PairsView).set_rows(rows)

    def set_running(self, running: bool) -> None:
        """While a job runs, Train and Reset wait."""
        for button_id in ("#train-setup", "#reset"):
            self.query_one(button_id, Button).disabled = running

    async def mount_form(self, metas: list[ParamMeta], spec: RunSpec) -> ParamForm:
        """Replace the summary of the step's values with the full form (``spec.params`` becomes canonical)."""
        by_name = {m.name: m for m in metas}
        spec.params = canonical(spec.params, by_name)
        previous_step = BY_NUMBER.get(self.step.number - 1)
        previous = None
        label = ""
        if previous_step is not None and previous_step.kind == "train":
            previous = canonical(previous_step.spec().params, by_name)
            label = f"step {previous_step.number}"
        form = ParamForm(metas, spec.params, self.step.taught, previous, label, id="param-form")
        settings = self.query_one("#settings", PairsView)
        settings.display = False
        await self.mount(form, after=settings)
        return form

    def form_errors(self, base: Run | None, spec: RunSpec) -> dict[str, str]:
        """The form's errors, with what continuing ``base`` forbids checked again (none before the form)."""
        form = self.form
        if form is None:
            return {}
        self.check_checkpoint(base, spec)
        return form.errors()

    def report_errors(self, errors: dict[str, str]) -> None:
        """Put the cursor on the first error and say how many fields to fix."""
        form = self.form
        if form is not None:
            form.focus_first_error()
        errors = dict(errors)
        whole = errors.pop("_", None)  # about the form as a whole, not one field
        if whole:
            self.notify(whole, severity="error", timeout=10)
        if errors:
            count = len(errors)
            self.notify(f"{count} field{'s' if count != 1 else ''} to fix first (marked in red).", severity="error")

    # -- the lab's own words at the form's fields ----------------------------------------------
    def set_checkpoint(self, base: Run | None, spec: RunSpec) -> None:
        """The run this form continues (or None): say so above the form, and check the form against it."""
        form = self.form
        if form is not None:
            form.set_banner(None if base is None else checkpoint_banner(base))
            self.check_checkpoint(base, spec)

    def check_checkpoint(self, base: Run | None, spec: RunSpec) -> None:
        """What cannot change when continuing ``base`` (errors), and what H2O ignores (notes)."""
        form = self.form
        if form is None:
            return
        if base is None:
            self._checkpoint_notes = {}
            form.set_extra_errors({})
            self._push_notes()
            return
        problems = checkpoint_problems(
            form.values,
            form.metas,
            base.spec.params,
            base.epochs_done,
            base_label=base.run_id,
            same_frames=base.spec.same_frames(spec),
        )
        self._checkpoint_notes = checkpoint_notes(form.values, form.metas, base.spec.params, base_label=base.run_id)
        form.set_extra_errors(problems)
        self._push_notes()

    def set_scoring_notes(self, notes: dict[str, str]) -> None:
        """Advice about the live chart, at the fields it is about (MNIST; kept only once the form is there)."""
        if self.form is not None:
            self._scoring_notes = notes
            self._push_notes()

    def _push_notes(self) -> None:
        form = self.form
        if form is not None:
            form.set_extra_warnings({**self._scoring_notes, **self._checkpoint_notes})
