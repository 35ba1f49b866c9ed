"""A training step: its form, the job running live, the results, and the h2o-py code.

:class:`TrainView` composes one widget per tab (``widgets/train_setup.py``, ``run_controls.py``, ``results.py``,
``mistakes.py``) and is the one object the app talks to. It keeps the step's state (the run shown, the rows
chosen, the run being continued) while its widgets are not built yet, coordinates them once they are, and is
the only one of these parts that reads the app's shared state (its lab, speeds, split sizes, frames).
"""

from __future__ import annotations

from types import EllipsisType
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widgets import Button, TabPane

from screens.base import StepView
from tui.lab.codegen import py
from tui.lab.errors import LabError
from tui.lab.mnist import estimate_seconds
from tui.lab.params import ParamMeta
from tui.lab.steps import Step
from tui.lab.training import CANCELLED, DONE, RUNNING, Run, RunSpec
from tui.messages import MistakesFound, ParamsChecked, RunFailed, RunUpdated, SpeedMeasured
from widgets.code import CodePanel
from widgets.mistakes import MistakesPanel
from widgets.param_form import ParamForm
from widgets.results import ResultsPanel
from widgets.run_controls import NOT_TRAINED, RunControls, chart_metrics, ensure_data
from widgets.sample_rows import SampleRows
from widgets.train_setup import SetupPanel
from widgets.train_tabs import TrainTabs
from widgets.train_texts import confirm_words, epochs_of, estimate_text, frames_text, scoring_notes, settings_rows

BUTTON_ACTIONS = {"train-setup": "train", "train-run": "train", "cancel": "cancel", "reset": "reset", "continue": "continue"}


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


class _Body(Vertical):
    """Holds a step's widgets; composing them here lets the step be built late."""

    DEFAULT_CSS = """
    _Body {
        height: 1fr;
    }
    """

    def __init__(self, view: "TrainView") -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        """The view's tabs and what is in them."""
        yield from self.view._body_compose()


class TrainView(StepView):
    """One training step; the app calls its public methods and its ``action_*`` keys."""

    STEP_ACTIONS = frozenset({"train", "cancel", "fix", "continue", "prev_tab", "next_tab"})

    DEFAULT_CSS = """
    TrainView TabbedContent {
        height: 1fr;
    }
    TrainView TabPane {
        padding: 0;
    }
    """

    def __init__(self, step: Step) -> None:
        super().__init__(step)
        self.spec = step.spec()
        self.run: Run | None = None
        self.sample_rows: int | None = None
        self.mistakes: tuple[str, int, list] | None = None
        self.checkpoint: Run | None = None  # the run this form continues, if any
        self._metas: list[ParamMeta] | None = None
        self._built = False
        self._building = False
        self._tab = "setup-pane"

    # -- layout -------------------------------------------------------------------------------
    # A step's widgets are built the first time it is shown, so that the app paints at once;
    # until then, everything it is told is kept as state and drawn when it is built.
    def compose(self) -> ComposeResult:
        """Nothing until the step is first shown (see :meth:`on_show_step`)."""
        yield from ()

    def on_show_step(self) -> None:
        """The learner came to this step: build its widgets the first time."""
        if not self._built and not self._building:
            self._building = True
            self.call_later(self._build)

    async def _build(self) -> None:
        await self.mount(_Body(self))
        self._building = False
        if not self.is_attached or getattr(self.app, "leaving", False):
            return  # the app is leaving: nothing to fill in
        self._built = True
        self._setup.show_settings(settings_rows(self.step, self.spec))
        if self._metas is not None:
            await self._mount_form()
        if self.run is not None:
            self.show_run(self.run)
        if self.mistakes is not None:
            self.show_mistakes(*self.mistakes)
        if self.is_mnist:
            self.show_estimate()
        elif self.spec.split and self._split_key() not in self.app.split_sizes and self.app.lab.ready:  # type: ignore[attr-defined]
            self._split_worker(self.current_spec())
        self.show_tab(self._tab)
        self.refresh_code()

    def _body_compose(self) -> ComposeResult:
        """The step's widgets (composed by :class:`_Body` when the step is first shown)."""
        with TrainTabs():
            with TabPane("Setup", id="setup-pane"):
                rows = SampleRows(self.sample_rows) if self.is_mnist else None
                yield SetupPanel(*self.compose_intro(), step=self.step, frames=self._frames_text(), rows=rows)
            with TabPane("Training", id="run-pane"):
                yield RunControls(chart_metrics(self.step.category))
            with TabPane("Results", id="results-pane"):
                yield ResultsPanel()
            if self.is_mnist:
                with TabPane("Mistakes", id="mistakes-pane"):
                    yield MistakesPanel()
            yield from self._extra_panes()
            with TabPane("Code", id="code-pane"):
                yield CodePanel(id="train-code", filename=f"h2o_lab_step{self.step.number}.py")

    def _extra_panes(self) -> ComposeResult:
        """More tabs, before the code (the evaluation step adds its own)."""
        yield from ()

    def on_mount(self) -> None:
        """H2O's parameter list may have come before this view was made."""
        metas = getattr(self.app, "metas", None)
        if metas:
            self._metas = metas

    def on_resize(self) -> None:
        """As many cards of mistakes side by side as the width holds."""
        if self._built and self.is_mnist:
            self.query_one(MistakesPanel).fit(self.size.width)

    @property
    def _setup(self) -> SetupPanel:
        return self.query_one(SetupPanel)

    @property
    def _controls(self) -> RunControls:
        return self.query_one(RunControls)

    @property
    def is_mnist(self) -> bool:
        """True for the steps that train on MNIST (they choose their rows and find the mistakes)."""
        return self.spec.dataset == "mnist"

    def show_tab(self, tab: str) -> None:
        """Bring a tab to the front (kept for later while the step is not built)."""
        self._tab = tab
        if self._built:
            self.query_one(TrainTabs).show(tab)

    def _tab_order(self) -> list[str]:
        return self.query_one(TrainTabs).order()

    def action_next_tab(self, step: int = 1) -> None:
        """The next tab (] key); ``step=-1`` for the previous one."""
        if self._built:
            self.show_tab(self.query_one(TrainTabs).neighbour(step))

    def action_prev_tab(self) -> None:
        """The previous tab ([ key)."""
        self.action_next_tab(-1)

    # -- what the steps share: the split's sizes, the cluster's speed, MNIST's rows --------------
    def cluster_ready(self) -> None:
        """A (new) cluster is ready: a built step that splits its data can show the split's sizes."""
        if self._built and self.spec.split and not self.is_mnist and self._split_key() not in self.app.split_sizes:  # type: ignore[attr-defined]
            self._split_worker(self.current_spec())

    @work(thread=True, group="split", exit_on_error=False)
    def _split_worker(self, spec: RunSpec) -> None:
        """The sizes of the 80/20 split, shown before anything trains (the data is read if needed)."""
        lab = self.app.lab  # type: ignore[attr-defined]
        try:
            ensure_data(lab, spec, self.app.post_message)
            sizes = lab.split_sizes(spec)
        except LabError:
            return  # the Train key will say what is wrong
        self.app.call_from_thread(self._got_split, sizes)

    def _split_key(self) -> tuple:
        spec = self.current_spec() if self._built else self.spec
        return (spec.dataset, spec.split, spec.sample_rows)

    def _got_split(self, sizes: list[int]) -> None:
        key = self._split_key()
        self.app.split_sizes[key] = sizes  # type: ignore[attr-defined]
        for view in self.app.training_views():  # type: ignore[attr-defined]
            if view._split_key() == key:
                view.show_split(sizes)

    def _frames_text(self) -> Text:
        split = self.spec.split and not self.is_mnist and self.is_attached
        return frames_text(self.spec, self.app.split_sizes.get(self._split_key()) if split else None)  # type: ignore[attr-defined]

    def show_split(self, sizes: list[int]) -> None:
        """The split's sizes are known: say them under the step's lesson."""
        if self._built:
            self._setup.show_frames(self._frames_text())

    def training_rows_total(self) -> int:
        """The rows of the MNIST training frame (60,000 until it is read)."""
        return self.app.mnist.train.rows if getattr(self.app, "mnist", None) else 60000  # type: ignore[attr-defined]

    def training_rows(self) -> int:
        """The rows a run of this step trains on."""
        total = self.training_rows_total()
        return min(self.sample_rows or total, total)

    def estimate(self) -> tuple[float, float] | None:
        """(seconds, samples per second) for the form's values, when this cluster's speed is known."""
        spec = self.current_spec()
        speed = self.app.speed_for(spec)  # type: ignore[attr-defined]
        return (estimate_seconds(self.training_rows(), epochs_of(spec), speed), speed) if speed else None

    def show_estimate(self) -> None:
        """Say how long a run should take; advise at the form's fields when the chart would get few points."""
        if self._built and self.is_mnist:
            spec, rows = self.current_spec(), self.training_rows()
            self._setup.set_scoring_notes(scoring_notes(spec.params, rows))
            self.query_one(SampleRows).show_estimate(estimate_text(rows, epochs_of(spec), self.estimate()))

    # -- MNIST: how many rows -----------------------------------------------------------------
    def set_sample_rows(self, rows: int | None) -> None:
        """Train on the first ``rows`` rows (None or 0: all of them)."""
        self.sample_rows = rows if rows and rows > 0 else None
        if self._built:
            self.query_one(SampleRows).show_rows(self.sample_rows)
            self._read_rows()

    def rows_error(self) -> str | None:
        """The sample size's message, or None when it is usable."""
        if not self._built or not self.is_mnist:
            return None
        return self.query_one(SampleRows).error(self.training_rows_total())

    def _read_rows(self) -> None:
        if self._built and self.is_mnist:
            rows, error = self.query_one(SampleRows).read(self.training_rows_total())
            if error is None:
                self.sample_rows = rows
                self.show_estimate()

    @on(SampleRows.Changed)
    def _rows_changed(self, event: SampleRows.Changed) -> None:
        event.stop()
        self._read_rows()
        self.refresh_code()

    # -- the form -----------------------------------------------------------------------------
    @property
    def form(self) -> ParamForm | None:
        """The parameter form, once the step is built and H2O's parameter list has come."""
        if not self._built:
            return None
        try:
            return self._setup.form
        except NoMatches:
            return None

    def set_metas(self, metas: list[ParamMeta]) -> None:
        """H2O's parameter list arrived; the form replaces the summary once the step is built."""
        self._metas = metas
        if self._built:
            self.call_later(self._mount_form)

    async def _mount_form(self) -> None:
        if self._metas is not None and self.form is None and self._built:
            await self._setup.mount_form(self._metas, self.spec)
            self._setup.set_checkpoint(self.checkpoint, self.spec)
            self.refresh_code()
            self.show_estimate()

    def current_spec(self) -> RunSpec:
        """What a run would train now: the form's values (or the step's), its rows, the run it continues."""
        form = self.form
        values = form.values if form is not None else self.spec.params
        return spec_with(self.spec, values, self.checkpoint, self.sample_rows if self.is_mnist else None)

    @on(ParamForm.Changed)
    def _form_changed(self, event: ParamForm.Changed) -> None:
        event.stop()
        self._setup.check_checkpoint(self.checkpoint, self.spec)
        self.refresh_code()
        self.show_estimate()
        self.app.save_progress()  # type: ignore[attr-defined]

    def load_values(
        self, params: dict[str, Any], checkpoint: Run | None = None, sample_rows: int | None | EllipsisType = ...
    ) -> None:
        """Put a run's values (or the preset) back into the form; with ``sample_rows``, its training rows too."""
        self.checkpoint = checkpoint
        if self.is_mnist and sample_rows is not ...:
            self.set_sample_rows(sample_rows)
        values = {k: v for k, v in params.items() if k != "checkpoint"}
        form = self.form
        if form is not None:
            form.set_values(values)
            self._setup.set_checkpoint(checkpoint, self.spec)
        else:
            self.spec.params = values
        self.refresh_code()
        self.show_tab("setup-pane")

    def refresh_code(self) -> None:
        """The Code tab: the h2o-py code of what the form would train."""
        if self._built:
            info = self.app.frames.get(self.spec.dataset)  # type: ignore[attr-defined]
            code = self.app.lab.code_for(self.current_spec(), self.step, info)  # type: ignore[attr-defined]
            self.query_one("#train-code", CodePanel).set_code(code)

    # -- keys and buttons ---------------------------------------------------------------------
    @property
    def training(self) -> bool:
        """True while this step's run is training."""
        return self.run is not None and self.run.status == RUNNING

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The buttons do what their keys do."""
        action = BUTTON_ACTIONS.get(event.button.id or "")
        if action is not None:
            event.stop()
            getattr(self, f"action_{action}")()

    def action_reset(self) -> None:
        """The step's own values back in the form (the training rows stay the learner's choice)."""
        self.load_values(self.step.spec().params)
        self.notify(f"Step {self.step.number}'s values are back.", timeout=3)

    def action_fix(self) -> None:
        """Apply the fix the form offers (f key)."""
        form = self.form
        fix = form.first_fix() if form is not None else None
        if fix is not None:
            self.show_tab("setup-pane")  # the change is seen where it is made
            form.apply_fix(fix)  # type: ignore[union-attr]
            self.notify(f"{fix[0]} set to {py(fix[1])}.", timeout=3)

    def action_continue(self) -> None:
        """Continue the finished run from its checkpoint (k key)."""
        if self.run is not None and self.run.status in (DONE, CANCELLED) and self.run.model_id:
            self.app.continue_run(self.run)  # type: ignore[attr-defined]

    def action_cancel(self) -> None:
        """Cancel the running job; H2O keeps the partial model (x key)."""
        if self.training and self._built:
            self._controls.cancel()
            self._controls.say(Text("Cancelling…", style="bold yellow"))

    def request_cancel(self) -> None:
        """Used by the app on quit."""
        if self._built:
            self._controls.cancel()

    def _set_running(self, running: bool) -> None:
        if self._built:
            changed = self._controls.set_running(running)
            self._setup.set_running(running)
            if changed:
                self.app.refresh_chrome()  # type: ignore[attr-defined]

    # -- training: checked here, then measured (MNIST), then checked by H2O, then the job -------
    def action_train(self) -> None:
        """Train the form's values (t key)."""
        if not self._built:
            self.on_show_step()
            self.call_later(self.action_train)
            return
        if self.training or self._controls.job_pending():
            self.notify("A model is already training on this step.", severity="warning")
            return
        if not self.app.lab.ready:  # type: ignore[attr-defined]
            self.notify("The cluster is not ready yet; see step 1.", severity="warning")
            return
        errors = self._setup.form_errors(self.checkpoint, self.spec)
        if errors:
            self.show_tab("setup-pane")
            self._setup.report_errors(errors)
            return
        if not self.is_mnist:
            self._start(self.current_spec())
            return
        error = self.rows_error()
        if error:
            self.show_tab("setup-pane")
            self.query_one(SampleRows).focus_count()
            self.notify(f"Training rows: {error}.", severity="error")
        elif self.estimate() is None:
            self._set_running(True)
            self._controls.measure(self.current_spec(), self.app.lab)  # type: ignore[attr-defined]
            self.query_one(SampleRows).show_estimate(Text("Measuring this cluster's speed (a few seconds of training)…", style="yellow"))
        else:
            self._confirm_and_train()

    def _confirm_and_train(self) -> None:
        found, spec = self.estimate(), self.current_spec()
        if found is None or found[0] < 60:
            self._start(spec)
            return

        def answer(yes: bool | None) -> None:
            """Train, or say why nothing started."""
            if yes:
                self._start(spec)
            else:
                self._set_running(False)
                self._controls.say("Not started. A sample of rows or fewer epochs trains faster.")

        from screens.dialogs import ConfirmDialog  # noqa: PLC0415

        words = confirm_words(found[0], self.training_rows(), spec)
        self.app.push_screen(ConfirmDialog("Train now?", words, yes="Train", no="Not now"), answer)

    def _start(self, spec: RunSpec) -> None:
        self._set_running(True)
        self._controls.train(spec, self.app.lab)  # type: ignore[attr-defined]

    @on(SpeedMeasured)
    def _on_speed(self, message: SpeedMeasured) -> None:
        message.stop()
        self.app.speeds[message.key] = message.speed  # type: ignore[attr-defined]
        self._set_running(False)
        self._controls.say(NOT_TRAINED)
        self.show_estimate()
        self._confirm_and_train()

    @on(ParamsChecked)
    def _on_params_checked(self, message: ParamsChecked) -> None:
        message.stop()
        self._got_split(message.split_sizes)
        form = self.form
        if form is not None:
            form.set_server_check(message.errors, message.warnings)
        if message.errors:
            self._set_running(False)
            self._controls.say(Text("H2O rejected the parameters; see the Setup tab.", style="bold red"))
            self.show_tab("setup-pane")
            if form is not None:
                form.focus_first_error()
            self.notify("H2O rejected the parameters: the reasons stand at their fields.", severity="error")
            return
        self.run = None
        self.show_tab("run-pane")
        folds = self.current_spec().params.get("nfolds") or 0
        self._controls.starting(f"Training the {folds} cross-validation networks first…" if folds else "Waiting for the first score…")

    @on(RunFailed)
    def _on_run_failed(self, message: RunFailed) -> None:
        message.stop()
        self._set_running(False)
        if message.run is not None:
            self.show_run(message.run)
            self.app.run_updated(message.run)  # type: ignore[attr-defined]
        self._controls.show_failure(message.error, self.run)
        self.app.refresh_chrome()  # type: ignore[attr-defined]

    # -- runs and their results ---------------------------------------------------------------
    @on(RunUpdated)
    def _on_run_updated(self, message: RunUpdated) -> None:
        message.stop()
        run = message.run
        self.show_run(run)
        self.app.run_updated(run)  # type: ignore[attr-defined]
        if run.finished and self.is_mnist and run.model_id and run.status in (DONE, CANCELLED):
            self.show_estimate()
            self.query_one(MistakesPanel).look_for(run, self.app.lab)  # type: ignore[attr-defined]

    def show_run(self, run: Run) -> None:
        """Show a run (live, or finished with its results); kept for later while the step is not built."""
        self.run = run
        if not self._built:
            return
        self._controls.show(run)
        self._set_running(run.status == RUNNING)
        if run.code:
            self.query_one("#train-code", CodePanel).set_code(run.code)
        if run.finished:
            self.show_results(run)

    def show_results(self, run: Run) -> None:
        """Fill the Results tab from a finished run."""
        self.query_one(ResultsPanel).show(run)

    @on(MistakesFound)
    def _on_mistakes(self, message: MistakesFound) -> None:
        message.stop()
        self.show_mistakes(message.run_id, message.count, message.digits)

    def show_mistakes(self, run_id: str, count: int, digits: list) -> None:
        """Show the test digits a run gets wrong (MNIST); kept for later while the step is not built."""
        self.mistakes = (run_id, count, digits)
        if self._built:
            total = self.app.mnist.test.rows if getattr(self.app, "mnist", None) else 10000  # type: ignore[attr-defined]
            self.query_one(MistakesPanel).show(run_id, count, digits, total)
