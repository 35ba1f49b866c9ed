"""A training step: its form, the job running live, the results, and the h2o-py code.

:class:`TrainView` is the one object the app talks to. Each tab is a widget of its own: the Setup tab
(``widgets/train_setup.py``) keeps what a run would train, the Training tab (``run_controls.py``) runs the job
and keeps the run shown, then come the Results (``results.py``) and, on MNIST, the Mistakes (``mistakes.py``).
The Setup and Training tabs are made with the view, so they hold the step's state before it is first shown;
the view mounts every tab then, answers the app, and passes a run's news to every tab. Whatever the steps
share lives on the app and is reached through :class:`~widgets.train_link.AppLink`.
"""

from __future__ import annotations

from types import EllipsisType
from typing import Any, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, TabPane

from screens.dialogs import ConfirmDialog
from screens.train_outcome import RunOutcome
from tui.lab.carry import Start
from tui.lab.codegen import py
from tui.lab.params import ParamMeta
from tui.lab.steps import Step
from tui.lab.training import CANCELLED, DONE, FAILED, RUNNING, Run, RunSpec
from tui.messages import RunFailed, RunUpdated
from widgets.code import CodePanel
from widgets.inside import InsidePanel
from widgets.mistakes import MistakesPanel
from widgets.param_form import ParamForm
from widgets.results import ResultsPanel
from widgets.run_controls import RunControls
from widgets.sample_rows import SampleRows
from widgets.train_link import AppLink
from widgets.train_setup import SetupPanel
from widgets.train_tabs import TrainTabs

BUTTON_ACTIONS = {
    "train-setup": "train",
    "train-run": "train",
    "cancel": "cancel",
    "reset": "reset",
    "continue": "continue",
}


class _Body(Vertical):
    """Holds a step's widgets; composing them here lets the step be built late."""

    DEFAULT_CSS = """
    _Body {
        height: 1fr;
    }
    """

    def __init__(self, view: TrainView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        """The view's tabs and what is in them."""
        yield from self.view._body_compose()


class TrainView(RunOutcome):
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
        self.link = AppLink(self)
        # Made now, mounted when the step is first shown: it keeps the step's choices until then.
        self._setup = SetupPanel(*self.compose_intro(), step=step, link=self.link)
        self._controls = RunControls(step.category, self._setup, self.link, ConfirmDialog)
        self.mistakes: tuple[str, int, list] | None = None
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
        if self._built:
            self.call_after_refresh(self.query_one(TrainTabs).place_underline)
        else:
            self.prepare()

    def prepare(self) -> None:
        """Build the step's widgets now, shown or not (once)."""
        if not self._built and not self._building:
            self._building = True
            self.call_later(self._build)

    @property
    def building(self) -> bool:
        """True while the step's widgets are being built."""
        return self._building

    async def _build(self) -> None:
        if self._metas is not None:
            self._setup.compose_form(self._metas)  # built with the rest, in one go
        body = _Body(self)
        body.display = False
        await self.mount(body)
        self._building = False
        if not self.is_attached or self.link.leaving():
            return  # the app is leaving: nothing to fill in
        self._built = True
        self._setup.show_settings()
        results = self.query_one(ResultsPanel)
        results.show_parts(folds=False)
        if self._metas is not None:
            await self._mount_form()  # H2O's parameter list came while the view was being mounted
        body.display = True
        results.show_parts(classifier=False)  # until a run shows what it has
        if self.run is not None:
            self.show_run(self.run)
        if self.mistakes is not None:
            self.show_mistakes(*self.mistakes)
        if self.is_mnist:
            self._setup.show_estimate()
        elif self.link.lab.ready:
            self.call_after_refresh(self._setup.find_split)  # starting its worker waits on other threads
        self.show_tab(self._tab)
        self.refresh_code()
        self.call_after_refresh(self.query_one(TrainTabs).place_underline)

    def _body_compose(self) -> ComposeResult:
        """The step's widgets (composed by :class:`_Body` when the step is first shown)."""
        with TrainTabs():
            with TabPane("Setup", id="setup-pane"):
                yield self._setup
            with TabPane("Training", id="run-pane"):
                yield self._controls
            with TabPane("Results", id="results-pane"):
                yield ResultsPanel()
            if self.is_mnist:
                with TabPane("Mistakes", id="mistakes-pane"):
                    yield MistakesPanel()
            yield from self._extra_panes()
            with TabPane("Inside", id="inside-pane"):
                yield InsidePanel()
            with TabPane("Code", id="code-pane"):
                yield CodePanel(id="train-code", filename=f"h2o_lab_step{self.step.number}.py")

    def _extra_panes(self) -> ComposeResult:
        """More tabs, before the code (the evaluation step adds its own)."""
        yield from ()

    def on_mount(self) -> None:
        """H2O's parameter list may have come before this view was made."""
        metas = self.link.metas()
        if metas:
            self._metas = metas

    def on_resize(self) -> None:
        """As many cards of mistakes side by side as the width holds."""
        if self._built and self.is_mnist:
            self.query_one(MistakesPanel).fit(self.size.width)

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

    # -- what a run would train (the Setup tab keeps it) ---------------------------------------
    @property
    def spec(self) -> RunSpec:
        """The step's own spec; its params are the form's values once the form is there."""
        return self._setup.spec

    @property
    def is_mnist(self) -> bool:
        """True for the steps that train on MNIST (they choose their rows and find the mistakes)."""
        return self._setup.is_mnist

    @property
    def sample_rows(self) -> int | None:
        """MNIST: the first rows a run trains on (None: all of them)."""
        return self._setup.sample_rows

    @property
    def checkpoint(self) -> Run | None:
        """The run this form continues, if any."""
        return self._setup.checkpoint

    @property
    def carried(self) -> bool:
        """True while the form holds values carried from where the step starts, not the learner's own (those
        are not kept as theirs: the next session carries them anew)."""
        return self._setup.carried

    @property
    def form(self) -> ParamForm | None:
        """The parameter form, once the step is built and H2O's parameter list has come."""
        return self._setup.form if self._built else None

    def current_spec(self) -> RunSpec:
        """What a run would train now: the form's values (or the step's), its rows, the run it continues."""
        return self._setup.current_spec()

    def set_sample_rows(self, rows: int | None) -> None:
        """Train on the first ``rows`` rows (None or 0: all of them)."""
        self._setup.set_sample_rows(rows)

    def estimate(self) -> tuple[float, float] | None:
        """(seconds, samples per second) for the form's values, when this cluster's speed is known."""
        return self._setup.estimate()

    def load_values(
        self,
        params: dict[str, Any],
        checkpoint: Run | None = None,
        sample_rows: int | EllipsisType | None = ...,
        origin: Start | None = None,
    ) -> None:
        """Put a run's values (or the preset) back into the form; with ``sample_rows``, its training rows too;
        ``origin`` says where they come from."""
        self._setup.load_values(params, checkpoint, sample_rows, origin)
        self.refresh_code()
        self.show_tab("setup-pane")

    def set_metas(self, metas: list[ParamMeta]) -> None:
        """H2O's parameter list arrived; the form replaces the summary once the step is built."""
        self._metas = metas
        if self._built:
            self.call_later(self._mount_form)

    async def _mount_form(self) -> None:
        if self._metas is not None and self.form is None and self._built:
            await self._setup.mount_form(self._metas)
            self.refresh_code()
            self._setup.show_estimate()

    @on(ParamForm.Changed)
    def _form_changed(self, event: ParamForm.Changed) -> None:
        event.stop()  # the Setup tab has checked the values
        self.refresh_code()
        self.link.save_progress()
        if self.run is not None and self.run.status == FAILED:
            self._controls.show(self.run)  # its words say the fix on offer only while the form offers it

    @on(SetupPanel.Carried)
    def _values_carried(self, event: SetupPanel.Carried) -> None:
        event.stop()  # where the step starts moved: the code shows the values the form took
        self.refresh_code()

    @on(SampleRows.Changed)
    def _rows_changed(self, event: SampleRows.Changed) -> None:
        event.stop()  # the Setup tab has read the rows
        self.refresh_code()

    def refresh_code(self) -> None:
        """The Code tab: the h2o-py code of what the form would train."""
        if self._built:
            code = self.link.lab.code_for(self.current_spec(), self.step, self.link.frame_info(self.spec.dataset))
            self.query_one("#train-code", CodePanel).set_code(code)

    def cluster_ready(self) -> None:
        """A (new) cluster is ready: a built step that splits its data can show the split's sizes."""
        if self._built:
            self._setup.find_split()

    def split_key(self) -> tuple:
        """What decides the sizes of this step's split (steps with the same key share them)."""
        return self._setup.split_key()

    def show_split(self, sizes: list[int]) -> None:
        """The split's sizes are known: say them under the step's lesson."""
        if self._built:
            self._setup.show_split()

    # -- keys and buttons ---------------------------------------------------------------------
    @property
    def run(self) -> Run | None:
        """The run the step shows (the Training tab keeps it)."""
        return self._controls.run

    @property
    def training(self) -> bool:
        """True while this step's run is training."""
        return self._controls.training

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The buttons do what their keys do."""
        action = BUTTON_ACTIONS.get(event.button.id or "")
        if action is not None:
            event.stop()
            getattr(self, f"action_{action}")()

    def action_reset(self) -> None:
        """The step's own values back in the form (the training rows stay the learner's choice)."""
        params = self.step.spec().params
        walkthrough = Start(params, source=f"step {self.step.number}'s walkthrough values", step=self.step.number)
        self.load_values(params, origin=walkthrough)
        self.notify(f"Step {self.step.number}'s values are back.", timeout=3)

    def check_step_action(self, action: str) -> bool:
        """x needs a run training, f a fix the form offers, k a finished run with a model."""
        if not super().check_step_action(action):
            return False
        if action == "cancel":
            return self._controls.cancellable()
        if action == "fix":
            return self.form is not None and self.form.first_fix() is not None
        if action == "continue":
            return self.run is not None and self.link.lab.why_not_continue(self.run) is None
        return True

    def action_fix(self) -> None:
        """Apply the fix the form offers (f key)."""
        form = self.form
        fix = form.first_fix() if form is not None else None
        if fix is not None:
            self.show_tab("setup-pane")  # the change is seen where it is made
            form.apply_fix(fix)  # type: ignore[union-attr]
            shown = ("on" if fix[1] else "off") if isinstance(fix[1], bool) else py(fix[1])  # as the form shows it
            self.notify(f"{fix[0]} set to {shown}.", timeout=3)

    def action_continue(self) -> None:
        """Continue the finished run from its checkpoint (k key)."""
        if self.run is not None and self.check_step_action("continue"):
            self.link.continue_run(self.run)

    def action_cancel(self) -> None:
        """Cancel the running job; H2O keeps the partial model (x key)."""
        if self._built and self._controls.cancellable():
            self._controls.cancel()
            self._controls.say(Text("Cancelling…", style="bold yellow"))

    def request_cancel(self) -> None:
        """Used by the app on quit."""
        self._controls.cancel()

    def action_train(self) -> None:
        """Train the form's values (t key, or the Train button); the Training tab runs the job."""
        if cast(Any, self.app).refuse_while_sweeping():  # a sweep trains: not a second job on the same cores
            return
        if not self._built:
            self.on_show_step()
            self.call_later(self.action_train)
        elif self._controls.winding_down():
            self._controls.train_when_done()
        elif self.training or self._controls.job_pending():
            self.notify("A model is already training on this step.", severity="warning")
        else:
            self._controls.train()

    # -- runs and their results ---------------------------------------------------------------
    @on(RunFailed)
    def _on_run_failed(self, message: RunFailed) -> None:
        message.stop()
        self._controls.job.end()
        self._controls.set_running(False)
        if message.run is not None:
            self.show_run(message.run)
            self.link.run_updated(message.run)
        self._controls.show_failure(message.error, self.run)
        self.link.refresh_chrome()

    @on(RunUpdated)
    def _on_run_updated(self, message: RunUpdated) -> None:
        message.stop()
        run = message.run
        self.show_run(run)
        self.link.run_updated(run)
        if run.finished and self.is_mnist and run.model_id and run.status in (DONE, CANCELLED):
            self._setup.show_estimate()
            self.query_one(MistakesPanel).look_for(run, self.link.lab)

    def show_run(self, run: Run) -> None:
        """Show a run (live, or finished with its results); kept for later while the step is not built."""
        self._setup.show_failure(run)
        self._controls.show(run)
        if not self._built:
            return
        self._controls.set_running(run.status == RUNNING)
        if run.code:
            self.query_one("#train-code", CodePanel).set_code(run.code)
        if run.finished:
            self.show_results(run)
