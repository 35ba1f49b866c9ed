"""The App's part for parameter sweeps (H2O grid searches started from a step's form).

The sweep runs in a thread worker of the App, so that it goes on while the learner reads another step; its news
comes back as :class:`~tui.messages.SweepUpdated`. Each model it finishes is a run: the run table hears of it
like any run, and a :class:`~tui.messages.RunUpdated` for it is posted to the App.
"""

from __future__ import annotations

from typing import Any, cast

from textual import on, work
from textual.worker import Worker

from screens.base import on_worker_error
from tui.lab.errors import LabError
from tui.lab.sweep import SweepPlan
from tui.lab.sweep_runner import SWEEP_FAILED, SweepState
from tui.lab.training import Run
from tui.messages import RunUpdated, SweepUpdated
from tui.parts.base import TRAINING_KINDS, LabAppBase


class Sweeps(LabAppBase):
    """Sweeps: starting one from a form, its news, its models as runs."""

    sweep_state: SweepState | None = None  # the latest news of the last sweep started
    _sweep_forms: dict[int, Any] | None = None  # step number -> the sweep form's values left there (FormValues)

    def _sweep_screen(self) -> Any:
        from screens.sweep import SweepScreen  # noqa: PLC0415

        return next((s for s in self.screen_stack if isinstance(s, SweepScreen)), None)

    def action_open_sweep(self) -> None:
        """The sweep screen for the step on screen, seeded with its form's values (a sweep of it shown)."""
        from screens.dialogs import Dialog  # noqa: PLC0415
        from screens.sweep import SweepScreen  # noqa: PLC0415

        if isinstance(self.screen, (Dialog, SweepScreen)):
            return
        view = self.current_view()
        if view is None or view.step.kind not in TRAINING_KINDS or not hasattr(view, "current_spec"):
            self.notify("A sweep starts from a training step's form (steps 3 to 9, 11 and 12).", timeout=4)
            return
        metas = self.lab.metas
        if not metas:
            self.notify("H2O's list of parameters is not here yet: wait for the cluster.", severity="warning")
            return
        state = self.sweep_state
        shown = state if state is not None and state.plan.spec.step == view.step.number else None
        saved = (self._sweep_forms or {}).get(view.step.number)
        self.push_screen(SweepScreen(view.step, view.current_spec(), metas, shown, saved))

    def keep_sweep_form(self, number: int, values: Any) -> None:
        """The sweep form of step ``number`` as the learner left it, for the next time its sweep screen opens."""
        if self._sweep_forms is None:
            self._sweep_forms = {}
        self._sweep_forms[number] = values

    def training_running(self) -> bool:
        """A step's model or a sweep is training: quitting asks first (and closing the lab cancels the grid)."""
        return super().training_running() or self.sweep_running()

    def sweep_running(self) -> bool:
        """Whether a sweep is training (its worker, or the lab's loop that follows the grid)."""
        return self.lab.sweeps.running or any(w.group == "sweep" and w.is_running for w in self.workers)

    def sweep_step(self) -> int | None:
        """The step whose sweep is training (its news not finished yet), or None."""
        state = self.sweep_state
        if state is None or (state.finished and not self.lab.sweeps.running):
            return None
        return state.plan.spec.step

    def start_sweep(self, plan: SweepPlan, screen: Any = None) -> bool:
        """Start a sweep in a worker; False (with a word why) when it cannot start now."""
        if not self.lab.ready:
            self.notify("The cluster is not ready yet.", severity="warning")
            return False
        if self.sweep_running():
            self.notify("A sweep is already running: wait for it, or cancel it (x).", severity="warning")
            return False
        self.sweep_state = SweepState(sweep_id="sweep", plan=plan)  # shown at once; the worker's news replaces it
        if screen is not None:
            screen.show_state(self.sweep_state)
        self._sweep_worker(plan)
        cast(Any, self).refresh_chrome()  # the step shows busy in the step list
        return True

    def cancel_sweep(self) -> None:
        """Stop the running sweep (its loop cancels the grid job); the finished models stay."""
        self.lab.cancel_sweep()

    @work(thread=True, group="sweep", exclusive=True, exit_on_error=False)
    def _sweep_worker(self, plan: SweepPlan) -> None:
        def tell(state: SweepState, run: Run | None) -> None:
            self.post_message(SweepUpdated(state, run))

        self.lab.sweep(plan, on_update=tell)

    @on(SweepUpdated)
    def _on_sweep_updated(self, message: SweepUpdated) -> None:
        if self.leaving:
            return
        was = self.sweep_step()
        self.sweep_state = message.state
        if self.sweep_step() != was:
            cast(Any, self).refresh_chrome()  # the step list's busy mark came or went
        if message.run is not None:
            cast(Any, self).run_updated(message.run)  # the runs' part (RunNews)
            self.post_message(RunUpdated(message.run))
        screen = self._sweep_screen()
        if screen is not None:
            screen.show_state(message.state)
        if message.state.finished:
            said = f"{message.state.sweep_id} {message.state.status}: {len(message.state.runs)} models in All runs."
            self.notify(said, timeout=5)
            self.refresh_bindings()

    @on_worker_error("sweep", "The sweep")
    def _sweep_failed(self, _worker: Worker, error: LabError) -> None:
        state = self.sweep_state
        if state is not None and not state.finished:  # it never started: no news will say it ended
            state.status, state.error = SWEEP_FAILED, error.message
            cast(Any, self).refresh_chrome()
        self.notify(error.message, severity="error", timeout=8)
