"""A training step's Setup tab, and what it decides: what a run of the step would train.

:class:`SetupPanel` keeps the step's choices (its values, the training rows, the run it continues) from the
moment the step exists, before it is first shown; once mounted it shows them, then the full form when H2O's
parameter list comes. It answers :meth:`SetupPanel.current_spec`, the one spec a run of the step trains.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from types import EllipsisType
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.css.query import NoMatches
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Static

from tui.lab.carry import Start
from tui.lab.mnist import FURTHER, estimate_seconds
from tui.lab.params import ParamMeta, canonical
from tui.lab.speed import trial_pays
from tui.lab.steps import Step
from tui.lab.training import Run, RunSpec
from widgets.param_form import ParamForm
from widgets.sample_rows import SampleRows
from widgets.table import PairsView
from widgets.train_link import AppLink
from widgets.train_notes import FormNotes
from widgets.train_split import SplitNews
from widgets.train_start import FormStart
from widgets.train_texts import (
    checkpoint_banner,
    epochs_of,
    estimate_text,
    further_notice,
    scoring_notes,
    settings_rows,
)

MEASURING = Text(
    "Measuring this cluster's speed (a short trial run; its progress is on the Training tab)…", style="yellow"
)

FURTHER_NOTE = "Go further's values, not the walkthrough's that the lesson describes; Reset brings those back."


def spec_with(spec: RunSpec, values: dict[str, Any], checkpoint: Run | None, sample_rows: int | None) -> RunSpec:
    """What a run of ``spec``'s step trains with these values, continuing ``checkpoint``, on these rows."""
    params = dict(values)
    if checkpoint is not None:
        params["checkpoint"] = checkpoint.model_id
    return RunSpec(
        step=spec.step,
        params={k: v for k, v in params.items() if v is not None or k == "activation"},
        response=spec.response,
        predictors=list(spec.predictors),
        dataset=spec.dataset,
        split=spec.split,
        sample_rows=sample_rows,
    )


class SetupPanel(VerticalScroll, SplitNews, can_focus=False):  # scrolls with the focused field; Tab goes to the fields
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

    def __init__(self, *intro: Widget, step: Step, link: AppLink) -> None:
        super().__init__(*intro, id="setup-scroll")
        self.step = step
        self.link = link
        self.spec = step.spec()  # the step's values; the form's, once it is there
        self.sample_rows: int | None = None  # MNIST: train on the first rows only
        self.checkpoint: Run | None = None  # the run this form continues, if any
        self.notes = FormNotes(step)  # at the form's fields: what continuing forbids or ignores, fixes on offer
        self.start = FormStart(step, link)  # where the form's values came from; carried ones follow the lab's
        self._last_form: ParamForm | None = None
        self._composing: ParamForm | None = None  # made before the panel was mounted: composed with it
        # The values the form will start with, until it comes (held: loaded values redraw it before it is mounted).
        self._settings = PairsView(id="settings", classes="settings")

    class Carried(Message):
        """The form took the values where the step starts now (a run ended, or one was loaded with l)."""

    def on_mount(self) -> None:
        """Follow where the step starts, for as long as the form holds values carried from there."""
        self.link.watch_starts(self, self._starts_moved)

    def _starts_moved(self) -> None:
        """Where the step starts moved: a form that holds carried values takes the new ones, and its banner says
        where they come from now; the learner's own values stay."""
        form = self.form
        if form is None:
            if self.carried:
                self.show_settings()
            return
        begin = self.start.anew(form) if self.carried else None
        if begin is None:
            return
        self.notes.after.origin = begin
        if (begin.params, begin.base, begin.label) != (form.values, form.previous, form.previous_label):
            self.spec.params = begin.params
            form.set_previous(begin.base, begin.label)
            form.set_values(begin.params)
            self.show_estimate()
            self.post_message(self.Carried())
        self.set_checkpoint(self.checkpoint)

    @property
    def carried(self) -> bool:
        """True while the form holds values carried from where the step starts, not the learner's own (nor their
        choice of rows)."""
        return self.start.holds(self.form) and self.sample_rows is None

    def compose(self) -> ComposeResult:
        """The frames, the rows (MNIST), the step's values or their form, and the buttons."""
        yield Static(self.frames_text(), id="setup-news")
        if self.is_mnist:
            yield SampleRows(self.sample_rows)
        self._settings.display = self._composing is None
        yield self._settings
        if self._composing is not None:
            yield self._composing
            self._composing = None
        if self.step.scoring_reason:
            yield Static(self.step.scoring_reason, classes="reason")
        with Horizontal(classes="buttons"):
            yield Button("Train (t)", id="train-setup", variant="primary", compact=True)
            yield Button("Reset to the step's values", id="reset", compact=True)
            if self.is_mnist:
                yield Button("Go further", id="further", compact=True)

    def show_settings(self) -> None:
        """The values the form will start with, shown until it replaces them."""
        self._settings.set_rows(settings_rows(self.step, replace(self.spec, params=self.start_values())))

    def start_values(self) -> dict[str, Any]:
        """The values the form starts with, known before H2O's parameter list comes: those put in (a form of an
        earlier session, a run loaded back), else the step's changes on top of the learner's step before. Both
        come from the journal, which needs no cluster."""
        return self.spec.params if self.start.given else self.start.begin().params

    @property
    def is_mnist(self) -> bool:
        """True for the steps that train on MNIST (they choose their rows)."""
        return self.spec.dataset == "mnist"

    @property
    def form(self) -> ParamForm | None:
        """The parameter form, once H2O's parameter list has come and it is mounted."""
        if not self.is_mounted:
            return None
        try:
            return self.query_one(ParamForm)
        except NoMatches:
            return None

    def current_spec(self) -> RunSpec:
        """What a run would train now: the form's values (or the step's), its rows, the run it continues."""
        form = self.form or self._last_form  # a form taken down as the app leaves still holds what was typed
        values = form.values if form is not None else self.start_values()
        return spec_with(self.spec, values, self.checkpoint, self.sample_rows if self.is_mnist else None)

    def load_values(
        self,
        params: dict[str, Any],
        checkpoint: Run | None,
        sample_rows: int | EllipsisType | None,
        origin: Start | None = None,
    ) -> None:
        """Put a run's values (or the preset) in the form; with ``sample_rows``, its training rows too; ``origin``
        says where they come from (its note above the form)."""
        self.checkpoint = checkpoint
        self.start.give(origin)  # with its note, not the note of the values the form started with
        self.notes.after.origin = origin
        if self.is_mnist and sample_rows is not ...:
            self.set_sample_rows(sample_rows)
        values = {k: v for k, v in params.items() if k != "checkpoint"}
        form = self._held_form
        if form is not None:
            form.set_values(values)
            self.set_checkpoint(checkpoint)
        else:
            self.spec.params = values
            self.show_settings()
        self.show_estimate()  # for the values now in the form, not those before

    def set_running(self, running: bool) -> None:
        """While a job runs, Train and Reset wait."""
        for button in self.query(".buttons Button").results(Button):
            button.disabled = running

    @on(Button.Pressed, "#further")
    def _go_further(self, event: Button.Pressed) -> None:
        """The go-further network in the form, on every training digit."""
        event.stop()
        further = Start(FURTHER, note=FURTHER_NOTE, source="Go further's values", step=self.step.number)
        self.load_values(FURTHER, None, None, origin=further)  # the lesson describes other values
        form = self.form
        if form is not None:
            form.post_message(ParamForm.Changed(form, form.valid))
        self.notify(further_notice(self.training_rows()), title="Go further", timeout=8)

    # -- the form -----------------------------------------------------------------------------
    def _make_form(self, metas: list[ParamMeta]) -> ParamForm:
        """The full form for the step's values (they become canonical), carried from the step before."""
        by_name = {m.name: m for m in metas}
        begin = self.start.begin()
        given = self.start.given  # values put in keep the note they came with
        self.spec.params = canonical(self.spec.params if given else begin.params, by_name)
        previous = canonical(begin.base, by_name) if begin.base is not None else None
        if not given:
            self.start.took(begin, self.spec.params)
            self.notes.after.origin = begin
        form = ParamForm(metas, self.spec.params, self.step.taught, previous, begin.label, id="param-form")
        self._last_form = form
        return form

    @property
    def _held_form(self) -> ParamForm | None:
        """The form, mounted or made to be composed with the panel."""
        return self.form or self._composing

    def compose_form(self, metas: list[ParamMeta]) -> None:
        """Make the form before the panel is mounted: both are then built in one go."""
        if not self.is_mounted:
            self._composing = self._make_form(metas)
            self.set_checkpoint(self.checkpoint)

    async def mount_form(self, metas: list[ParamMeta]) -> None:
        """Replace the summary of the step's values with the full form (H2O's parameter list came late)."""
        if self.form is not None:
            return
        form = self._make_form(metas)
        self._settings.display = False
        await self.mount(form, after=self._settings)
        self.set_checkpoint(self.checkpoint)

    @on(ParamForm.Changed)
    def _form_changed(self, _event: ParamForm.Changed) -> None:
        # Not stopped: the view shows the code of the new values and saves them.
        self.check_checkpoint()
        self.show_estimate()

    def set_checkpoint(self, base: Run | None) -> None:
        """The run this form continues (or None): say so above the form, and check the form against it."""
        form = self._held_form
        if form is not None:
            form.set_banner(checkpoint_banner(base) if base is not None else (self.start.note or None))
            self.check_checkpoint()

    def check_checkpoint(self) -> None:
        """What cannot change when continuing a run (errors at the fields), and what H2O ignores (notes)."""
        form = self._held_form
        if form is not None:
            self.notes.check(form, self.checkpoint, self.spec)

    def _push_notes(self) -> None:
        form = self._held_form
        if form is not None:
            self.notes.push(form)

    def show_failure(self, run: Run | None) -> None:
        """The step's run shown: after a failure, the form offers what helps while it has the values that failed."""
        if self.notes.after.shown(run):
            self._push_notes()

    def ready_to_train(self, show: Callable[[], None]) -> bool:
        """No error in the form nor in the rows; otherwise ``show`` this tab, put the cursor on the first, say what to fix."""
        form = self.form
        if form is not None:
            self.check_checkpoint()
            errors = form.errors()
            if errors:
                show()
                form.focus_first_error()
                whole = errors.pop("_", None)  # about the form as a whole, not one field
                if whole:
                    self.notify(whole, severity="error", timeout=10)
                if errors:
                    count = len(errors)
                    self.notify(
                        f"{count} field{'s' if count != 1 else ''} to fix first (marked in red).", severity="error"
                    )
                return False
        error = self.rows_error()
        if error:
            show()
            self.query_one(SampleRows).focus_count()
            self.notify(f"Training rows: {error}.", severity="error")
            return False
        return True

    # -- MNIST: how many rows, and how long -----------------------------------------------------
    def set_sample_rows(self, rows: int | None) -> None:
        """Train on the first ``rows`` rows (None or 0: all of them)."""
        self.sample_rows = rows if rows and rows > 0 else None
        if self.is_mounted:
            self.query_one(SampleRows).show_rows(self.sample_rows)
            self._read_rows()

    def training_rows(self) -> int:
        """The rows a run of this step trains on."""
        total = self.link.mnist_rows()[0]
        return min(self.sample_rows or total, total)

    def rows_error(self) -> str | None:
        """The sample size's message, or None when it is usable."""
        if not self.is_mounted or not self.is_mnist:
            return None
        return self.query_one(SampleRows).error(self.link.mnist_rows()[0])

    def _read_rows(self) -> None:
        if self.is_mounted and self.is_mnist:
            rows, error = self.query_one(SampleRows).read(self.link.mnist_rows()[0])
            if error is None:
                self.sample_rows = rows
                self.show_estimate()

    @on(SampleRows.Changed)
    def _rows_changed(self, _event: SampleRows.Changed) -> None:
        # Not stopped: the view shows the code of the new choice.
        self._read_rows()

    def estimate(self) -> tuple[float, float] | None:
        """(seconds, samples per second) for the form's values, when this cluster's speed is known."""
        spec = self.current_spec()
        speed = self.link.speed_for(spec)
        return (estimate_seconds(self.training_rows(), epochs_of(spec), speed), speed) if speed else None

    def show_estimate(self) -> None:
        """Say how long a run should take; advise at the form's fields when the chart would get few points."""
        if self.is_mounted and self.is_mnist:
            spec, rows = self.current_spec(), self.training_rows()
            if self.form is not None:
                self.notes.scoring = scoring_notes(spec.params, rows)
                self._push_notes()
            early = self.link.speed_is_early(spec)
            timed = trial_pays(spec, rows)
            text = estimate_text(rows, epochs_of(spec), self.estimate(), early, timed)
            self.query_one(SampleRows).show_estimate(text)

    def show_measuring(self) -> None:
        """Say that the cluster's speed is being measured (MNIST)."""
        self.query_one(SampleRows).show_estimate(MEASURING)
