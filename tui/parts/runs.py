"""The App's part for the runs: their news, the run table, and opening, loading, continuing a run."""

from __future__ import annotations

from typing import Any, cast

from textual import work
from textual.reactive import reactive
from textual.worker import Worker

from screens.base import on_worker_error
from tui.lab.carry import Start, loaded_start
from tui.lab.errors import LabError
from tui.lab.frames import FrameInfo
from tui.lab.mnist import MnistInfo
from tui.lab.params import ParamMeta
from tui.lab.training import DONE, Run, RunSpec
from tui.parts.base import CHECKPOINT_STEP, LabAppBase


class RunNews(LabAppBase):
    """Every run's news passes here; the run table, and a run opened, loaded into a form or continued."""

    starts: reactive[int] = reactive(0, init=False)
    """Counts the moves of where the steps' forms start (:meth:`tui.lab.service.Lab.start_of`): one each time a
    run ends or the learner loads one with l. Each step's Setup tab watches it, and a form that still holds
    carried values takes the new ones."""

    # -- runs ---------------------------------------------------------------------------------
    def speed_for(self, spec: RunSpec) -> float | None:
        """Samples per second known for this network on this cluster (measured, or seen in a finished run)."""
        return self.lab.known_speed(spec)

    @property
    def runs(self) -> dict[str, Run]:
        """Every run's latest copy by id (the lab's run table), this session's and earlier ones'."""
        return {run.run_id: run for run in self.lab.run_table()}

    @property
    def frames(self) -> dict[str, FrameInfo]:
        """The tables imported into this cluster (cars), by name."""
        info = self.lab.frame_info("cars")
        return {"cars": info} if info is not None else {}

    @property
    def mnist(self) -> MnistInfo | None:
        """What the imported MNIST frames hold, or None."""
        return self.lab.mnist

    @property
    def metas(self) -> list[ParamMeta] | None:
        """H2O's parameter descriptions once fetched, else None."""
        return self.lab.metas

    def run_updated(self, run: Run) -> None:
        """Every view's run news comes through here, so the run table stays complete."""
        if run.finished:
            self.save_progress()
            cast(Any, self).check_goals()  # the exercises' part (Goals): a finished run may reach a goal
        if run.status == DONE:
            self.done.add(run.spec.step)
        if run.finished:
            self.starts += 1
        if run.finished or run.run_id not in self._runs_shown:
            self._runs_shown.add(run.run_id)
            self._show_runs()
            if run.finished:
                for view in self.training_views():
                    if hasattr(view, "refresh_runs"):
                        view.refresh_runs()
        self.refresh_chrome()

    def _show_runs(self) -> None:
        view = self._runs_view()
        if view is not None:
            view.show_runs(self.lab.run_table())

    def _runs_view(self) -> Any:
        """The page of all runs, or None while the screen is still being built."""
        return self._view("runs")

    def continue_run(self, run: Run) -> None:
        """Open step 9 (or the run's own step) with this run's values, set to continue it from its checkpoint."""
        refusal = self.lab.why_not_continue(run)
        if refusal:
            self.notify(refusal, severity="warning", timeout=10)
            return
        # Step 9 teaches checkpoints; a run on other frames (step 3 uses every row) goes on in its own step.
        checkpoints = next(s for s in self.steps if s.key == CHECKPOINT_STEP)
        target = checkpoints.number if run.spec.same_frames(checkpoints.spec()) else run.spec.step
        view = self._open_view(target)
        if view is None:
            return
        self._saved_forms.pop(str(target), None)
        self.show_step(target)
        params = self.lab.continue_params(run)
        origin = Start(params, source=f"{run.run_id}, which this form continues", step=target)
        view.load_values(params, checkpoint=run, sample_rows=run.spec.sample_rows, origin=origin)
        self.notify(f"Step {target} is set to continue {run.run_id}: check epochs, then press t.", timeout=6)

    def load_run(self, run: Run) -> None:
        """Put a run's values back into its step's form, to try a variation."""
        view = self._open_view(run.spec.step)
        if view is None or not hasattr(view, "load_values"):
            return
        self._saved_forms.pop(str(run.spec.step), None)
        self.lab.run_loaded(run)  # its values are the step's now (a sweep's model too): the next step builds on them
        checkpoint = self.lab.latest(run.checkpoint_of) if run.checkpoint_of else None
        self.show_step(run.spec.step)
        origin = loaded_start(run)
        view.load_values(run.spec.params, checkpoint=checkpoint, sample_rows=run.spec.sample_rows, origin=origin)
        if view.run is None or not view.training:
            view.show_run(run)
        self.starts += 1  # after the loaded values are in: the next step builds on them
        self.notify(f"{run.run_id}'s values are in step {run.spec.step}'s form.", timeout=4)

    def reload_run(self, run: Run) -> None:
        if not self.lab.ready:
            self.notify("The cluster is not ready yet.", severity="warning")
            return
        self.notify(f"Loading the saved model of {run.run_id}…", timeout=3)
        self._reload_worker(run)

    @work(thread=True, group="reload", exit_on_error=False)
    def _reload_worker(self, run: Run) -> None:
        self.lab.reload_run(run)
        self.call_from_thread(self.notify, f"{run.run_id}'s model is in the cluster again ({run.model_id}).", timeout=5)
        self.call_from_thread(self.refresh_bindings)

    def open_run(self, run: Run) -> None:
        view = self._open_view(run.spec.step)
        if view is None or not hasattr(view, "show_run") or view.training:
            return
        self.show_step(run.spec.step)
        view.show_run(run)
        view.show_tab("results-pane")

    # -- parameters ---------------------------------------------------------------------------
    @on_worker_error("reload", "Loading the model")
    def _reload_failed(self, _worker: Worker, error: LabError) -> None:
        self.notify(error.message, severity="error", timeout=8)
