"""A training step's Training tab: the run the step shows, live (status, progress, chart, scores), and the job
that Train starts: a speed trial first on MNIST, a question before a long run, H2O's check of the parameters,
then the training, each in a thread worker.

The workers post what they learn (:class:`SpeedMeasured`, :class:`ParamsChecked`, :class:`RunUpdated`,
:class:`RunFailed`). The speed and H2O's check are handled here; the run's news and a failure bubble up to the
training view, which shows the run on every tab and tells the app.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, ProgressBar, Select, Static

from tui.lab.errors import LabError
from tui.lab.speed import TrialCancelled, trial_pays
from tui.lab.training import CHART_METRICS, INTERRUPTED, RUNNING, Run, RunSpec, speed_key
from tui.messages import (
    JobEnded,
    ParamsChecked,
    RunFailed,
    RunUpdated,
    SpeedMeasured,
    SpeedTrialCancelled,
    SpeedTrialProgress,
)
from widgets.chart import ScoringChart
from widgets.job_state import PendingJob
from widgets.paging import LabSelect
from widgets.run_texts import metrics_text, run_message, status_text
from widgets.train_link import AppLink, ensure_data
from widgets.train_tabs import TrainTabs
from widgets.train_texts import confirm_words

if TYPE_CHECKING:
    from widgets.train_setup import SetupPanel

log = logging.getLogger("h2o-lab")

CHART_CHOICES = {
    "Regression": ("mse", "rmse", "mae", "deviance"),
    "Multinomial": ("classification_error", "logloss", "rmse"),
    "Binomial": ("logloss", "auc", "classification_error", "rmse"),
}

NOT_TRAINED = "Not trained yet. Press t to train."
TRIAL = Text(
    "Measuring this cluster's speed with a short trial run, to say how long yours will take…", style="bold yellow"
)


def chart_metrics(category: str) -> tuple[str, ...]:
    """The metrics the live chart offers for a kind of model (the first is shown at first)."""
    return CHART_CHOICES.get(category, CHART_CHOICES["Regression"])


class RunControls(Vertical):
    """The Training tab's contents, the run the step shows, and the step's job.

    Made with its step (before it is first shown), it asks the Setup tab what to train, reaches the app
    through ``link``, and asks before a long run with ``dialog`` (the app's confirmation dialog).
    """

    DEFAULT_CSS = """
    RunControls {
        height: 1fr;
    }
    RunControls #run-status {
        height: auto;
        padding: 0 1;
    }
    RunControls #run-progress {
        padding: 0 1;
        height: 1;
    }
    RunControls #run-message {
        height: auto;
        max-height: 5;
        padding: 0 1;
        color: $text-muted;
    }
    RunControls #run-metrics {
        height: auto;
        padding: 0 1;
    }
    RunControls #run-chart {
        margin: 0 1;
    }
    RunControls #chart-bar {
        height: 1;
        padding: 0 1;
    }
    RunControls #chart-bar Static {
        width: auto;
        padding-right: 1;
    }
    RunControls #chart-metric {
        width: 28;
    }
    RunControls .buttons {
        height: auto;
        padding: 0 1;
        margin-top: 1;
    }
    RunControls .buttons Button {
        margin-right: 2;
    }
    """

    def __init__(self, category: str, setup: SetupPanel, link: AppLink, dialog: Callable[..., Screen]) -> None:
        super().__init__()
        self.metrics = chart_metrics(category)
        self.metric = self.metrics[0]
        self.run: Run | None = None  # the run the step shows (None from H2O's yes to a new job to its first news)
        self.setup = setup
        self.link = link
        self._dialog = dialog
        self._cancel = threading.Event()
        self._job_began = 0.0  # time.time() when the latest job (or speed trial) was started
        self._shown: dict[str, Text | str] = {}  # what each status line shows now
        self._expected: float | None = None  # the starting job's estimated length in seconds (MNIST)
        self._early = False  # that estimate is a speed trial's, which the run will likely beat
        self.job = PendingJob(link.refresh_chrome)

    def compose(self) -> ComposeResult:
        """Status, progress, H2O's messages, the chart and its metric, the scores, Train and Cancel."""
        yield Static(NOT_TRAINED, id="run-status")
        yield ProgressBar(id="run-progress", total=1.0, show_eta=False)
        yield Static(id="run-message")
        with Horizontal(id="chart-bar"):
            yield Static("Chart:")
            yield LabSelect(
                [(CHART_METRICS[key], key) for key in self.metrics],
                value=self.metric,
                allow_blank=False,
                compact=True,
                id="chart-metric",
            )
        yield ScoringChart(id="run-chart")
        yield Static(id="run-metrics")
        with Horizontal(classes="buttons"):
            yield Button("Train (t)", id="train-run", variant="primary", compact=True)
            yield Button("Cancel (x)", id="cancel", disabled=True, compact=True)

    # -- what is shown ------------------------------------------------------------------------
    def say(self, text: Text | str) -> None:
        """Put a line in the status (what the job is doing, or why it did not start)."""
        self._shown["#run-status"] = text
        self.query_one("#run-status", Static).update(text)

    @property
    def training(self) -> bool:
        """True while the run shown is training."""
        return self.run is not None and self.run.status == RUNNING

    def show(self, run: Run) -> None:
        """Show a run: its status, H2O's messages, progress, chart and latest scores (kept until mounted)."""
        self.run = run
        if not self.is_mounted:
            return
        # A job is looked at four times a second: only what changed is drawn again.
        status = status_text(run, self._expected, self._early)
        advice = self.setup.notes.after.words(run, self.setup.current_spec().params)
        if advice:
            status.append("\n" + advice, style="italic")
        self._update("#run-status", status)
        self._update("#run-message", run_message(run))
        self.query_one("#run-progress", ProgressBar).update(progress=run.progress)
        self.query_one("#run-chart", ScoringChart).show(run.history, self.metric, force=run.finished)
        self._update("#run-metrics", metrics_text(run))

    def _update(self, selector: str, text: Text | str) -> None:
        if self._shown.get(selector) != text:
            self._shown[selector] = text
            self.query_one(selector, Static).update(text)

    def show_failure(self, error: LabError, run: Run | None) -> None:
        """Say why the job stopped, and what to do next."""
        if run is not None and run.status == INTERRUPTED:
            # The run says what happened and keeps its scores; say what to do next.
            text = status_text(run)
            text.append("\nPress r to start a fresh cluster; the data is read into it again.", style="italic")
        else:
            text = Text(error.message, style="bold red")
            if error.hint:
                text.append("\n" + error.hint, style="italic")
        self.say(text)

    def starting(self, waiting: str) -> None:
        """H2O accepted the parameters: clear the last run's chart and scores for the new job."""
        self.run = None
        self.query_one("#run-chart", ScoringChart).clear(waiting)
        self._update("#run-metrics", "")
        self.say(Text("Starting the job…", style="bold yellow"))
        self.query_one("#run-progress", ProgressBar).update(progress=0.0)

    def set_running(self, running: bool) -> None:
        """While a job runs, Cancel works and the Train and Reset buttons wait."""
        cancel = self.query_one("#cancel", Button)
        changed = cancel.disabled == running
        cancel.disabled = not running
        self.query_one("#train-run", Button).disabled = running
        self.setup.set_running(running)
        if changed:
            self.link.refresh_chrome()

    @on(Select.Changed, "#chart-metric")
    def _metric_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is not Select.NULL:
            self.metric = str(event.value)
            if self.run is not None:
                self.query_one("#run-chart", ScoringChart).show(self.run.history, self.metric, force=True)

    # -- the job ------------------------------------------------------------------------------
    def cancellable(self) -> bool:
        """x applies: a run trains, or a job is on its way (data, checks, speed trial). Not once the job's run
        has ended, while its worker still saves the model: there is nothing left to stop."""
        if self.training:
            return True
        if not self.job_pending():
            return False
        run = self.run
        return not (run is not None and run.finished and run.started_at >= self._job_began)

    def job_pending(self) -> bool:
        """A job (or a speed trial) is starting or running: a second t must not start another."""
        return self.job.pending

    def winding_down(self) -> bool:
        """The job's run has finished and its worker only saves the model: a t now waits for it."""
        run = self.run
        return self.job.pending and not self.training and run is not None and run.finished

    def train_when_done(self) -> None:
        """Train again as soon as the job that just finished has saved its model."""
        self.job.again = True
        self.say(Text("Saving the last model first; the new run starts right after.", style="italic"))

    @on(JobEnded)
    def _on_job_ended(self, message: JobEnded) -> None:
        message.stop()
        if self.job.end(message.job):
            self.train()

    def train(self) -> None:
        """Train what the Setup tab holds (t): checked there, timed first on MNIST, asked about if long."""
        if not self.link.lab.ready:
            self.notify("The cluster is not ready yet; see step 1.", severity="warning")
            return
        setup = self.setup
        if not setup.ready_to_train(lambda: self._show_tab("setup-pane")):
            return
        if not setup.is_mnist:
            self._start(setup.current_spec())
        elif setup.estimate() is None and trial_pays(setup.current_spec(), setup.training_rows()):
            self.set_running(True)
            self._cancel.clear()
            self._job_began = time.time()
            self._show_tab("run-pane")  # the trial's progress shows where a run's does
            self.say(TRIAL)
            self.query_one("#run-progress", ProgressBar).update(progress=0.0)
            self._measure_worker(setup.current_spec(), self.link.lab, self.job.begin())
            setup.show_measuring()
        else:
            self._confirm_and_train()

    def _confirm_and_train(self) -> None:
        """Train, asking first when the run should take a minute or more (a run too short to time trains at once)."""
        found, spec = self.setup.estimate(), self.setup.current_spec()
        if found is None or found[0] < 60:
            self._start(spec)
            return

        def answer(yes: bool | None) -> None:
            """Train, or say why nothing started."""
            if yes:
                self._start(spec)
            else:
                self.set_running(False)
                self.say("Not started. A sample of rows or fewer epochs trains faster.")

        words = confirm_words(found[0], self.setup.training_rows(), spec, self.link.speed_is_early(spec))
        self.app.push_screen(self._dialog("Train now?", words, yes="Train", no="Not now"), answer)

    def _start(self, spec: RunSpec) -> None:
        self.set_running(True)
        self._cancel.clear()
        self._job_began = time.time()
        self.say(Text("Checking the parameters with H2O…", style="bold yellow"))
        self._train_worker(spec, self.link.lab, self.job.begin())

    def _show_tab(self, tab: str) -> None:
        self.query_ancestor(TrainTabs).show(tab)

    @on(SpeedTrialProgress)
    def _on_trial_progress(self, message: SpeedTrialProgress) -> None:
        message.stop()
        if self._cancel.is_set():
            return
        self.say(TRIAL + Text(f"\n{message.text}; x stops it.", style="italic"))
        self.query_one("#run-progress", ProgressBar).update(progress=message.fraction)

    @on(SpeedTrialCancelled)
    def _on_trial_cancelled(self, message: SpeedTrialCancelled) -> None:
        message.stop()
        self.job.end()
        self.set_running(False)
        self.say("Speed trial stopped; nothing was trained. Press t to measure and train again.")
        self.query_one("#run-progress", ProgressBar).update(progress=0.0)
        self.setup.show_estimate()

    @on(SpeedMeasured)
    def _on_speed(self, message: SpeedMeasured) -> None:
        message.stop()
        self.job.end()
        self.set_running(False)
        self.say(NOT_TRAINED)
        self.query_one("#run-progress", ProgressBar).update(progress=0.0)  # the bar was the trial's
        self.setup.show_estimate()
        self._confirm_and_train()

    @on(ParamsChecked)
    def _on_params_checked(self, message: ParamsChecked) -> None:
        message.stop()
        self.setup.got_split(message.split_sizes)
        form = self.setup.form
        if form is not None:
            form.set_server_check(message.errors, message.warnings)
        if message.errors:
            self.job.end()
            self.set_running(False)
            self.say(Text("H2O rejected the parameters; see the Setup tab.", style="bold red"))
            self._show_tab("setup-pane")
            if form is not None:
                form.focus_first_error()
            self.notify("H2O rejected the parameters: the reasons stand at their fields.", severity="error")
            return
        self._show_tab("run-pane")
        found = self.setup.estimate() if self.setup.is_mnist else None
        self._expected = found[0] if found else None
        self._early = self.link.speed_is_early(self.setup.current_spec())
        folds = self.setup.current_spec().params.get("nfolds") or 0
        self.starting(
            f"Training the {folds} cross-validation networks first…" if folds else "Waiting for the first score…"
        )

    def cancel(self) -> None:
        """Ask the job to stop; H2O keeps the partial model."""
        self._cancel.set()

    @work(thread=True, exclusive=True, group="train", exit_on_error=False)
    def _measure_worker(self, spec: RunSpec, lab, job: int) -> None:
        try:
            self._measure(spec, lab)
        finally:
            self.post_message(JobEnded(job))

    def _measure(self, spec: RunSpec, lab) -> None:
        try:
            ensure_data(lab, spec, self.app.post_message)
            speed = lab.measure_speed(
                spec,
                should_cancel=self._cancel.is_set,
                on_progress=lambda fraction, text: self.post_message(SpeedTrialProgress(fraction, text)),
            )
        except TrialCancelled:
            self.post_message(SpeedTrialCancelled())
            return
        except LabError as exc:
            self.post_message(RunFailed(spec.step, exc))
            return
        except Exception as exc:
            log.exception("speed trial failed")
            self.post_message(RunFailed(spec.step, LabError(f"The speed trial stopped unexpectedly: {exc}")))
            return
        self.post_message(SpeedMeasured(speed_key(spec), speed))

    @work(thread=True, exclusive=True, group="train", exit_on_error=False)
    def _train_worker(self, spec: RunSpec, lab, job: int) -> None:
        try:
            self._train(spec, lab)
        finally:
            self.post_message(JobEnded(job))

    def _train(self, spec: RunSpec, lab) -> None:
        try:
            ensure_data(lab, spec, self.app.post_message)
            check = lab.check_params(spec)
            self.post_message(ParamsChecked(spec.step, check.errors, check.warnings, lab.split_sizes(spec)))
            if not check.ok:
                return
            lab.train(spec, on_update=lambda run: self.post_message(RunUpdated(run)), should_cancel=self._cancel.is_set)
        except LabError as exc:
            self.post_message(RunFailed(spec.step, exc))
        except Exception as exc:  # never a traceback on the screen
            if self.link.leaving():  # the lab closed h2o's connection under a job being checked or started
                log.info("training stopped as the lab closed: %r", exc)
                return
            log.exception("training failed")
            self.post_message(RunFailed(spec.step, LabError(f"Training stopped unexpectedly: {exc}")))
