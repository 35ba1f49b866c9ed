"""A training step's Training tab: the job's status, progress and live chart, its Train and Cancel buttons,
and the job itself (a speed trial, then H2O's check of the parameters and the training), run in threads.

The jobs post what they learn (:class:`SpeedMeasured`, :class:`ParamsChecked`, :class:`RunUpdated`,
:class:`RunFailed`); those bubble up to the training view, which decides what follows.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, ProgressBar, Select, Static

from tui.lab import fmt
from tui.lab.errors import LabError
from tui.lab.training import CANCELLED, CHART_METRICS, DONE, FAILED, INTERRUPTED, RUNNING, Run, RunSpec, speed_key
from tui.messages import DataLoaded, DataProgress, MnistLoaded, ParamsChecked, RunFailed, RunUpdated, SpeedMeasured
from widgets.chart import ScoringChart

log = logging.getLogger("h2o-lab")

STATUS_STYLE = {
    RUNNING: ("Training", "bold yellow"),
    DONE: ("Finished", "bold green"),
    CANCELLED: ("Cancelled: the partial model is kept", "bold yellow"),
    FAILED: ("Failed", "bold red"),
    INTERRUPTED: ("Interrupted: the cluster went away", "bold red"),
}

CHART_CHOICES = {
    "Regression": ("mse", "rmse", "mae", "deviance"),
    "Multinomial": ("classification_error", "logloss", "rmse"),
    "Binomial": ("logloss", "auc", "classification_error", "rmse"),
}

NOT_TRAINED = "Not trained yet. Press t to train."


def chart_metrics(category: str) -> tuple[str, ...]:
    """The metrics the live chart offers for a kind of model (the first is shown at first)."""
    return CHART_CHOICES.get(category, CHART_CHOICES["Regression"])


def status_text(run: Run) -> Text:
    """``Training · 40% · 870 samples/s · 5 s left`` while running; the outcome after."""
    label, style = STATUS_STYLE.get(run.status, (run.status, "bold"))
    text = Text(label, style=style)
    if run.status == RUNNING:
        text.append(f" · {run.elapsed:.0f} s")
        if run.speed is not None:
            text.append(f" · {run.speed:,.0f} samples/s")
        if run.time_left is not None:
            text.append(f" · {fmt.duration(run.time_left)} left")
    else:
        text.append(f" in {fmt.duration(run.elapsed)} · {run.run_id}")
        if run.checkpoint_of:
            text.append(f", continuing {run.checkpoint_of}")
        if run.error:
            text.append("\n" + run.error, style="red")
    return text


def metrics_text(run: Run) -> Text:
    """The latest scores on one line per frame (training, validation, cross-validation)."""
    text = Text()
    for which, label in (("training", "Training"), ("validation", "Validation"), ("cross_validation", "Cross-validation")):
        values = run.metrics.get(which)
        if not values:
            continue
        if text:
            text.append("\n")
        text.append(f"{label}: ", style="bold")
        parts = []
        keys = (("error", "error"), ("accuracy", "accuracy"), ("logloss", "logloss")) if "error" in values else (
            ("MSE", "MSE"), ("RMSE", "RMSE"), ("mae", "MAE"), ("r2", "R²"), ("logloss", "logloss"), ("AUC", "AUC")
        )
        for key, name in keys:
            if key in values:
                parts.append(f"{name} {fmt.number(values[key])}")
        text.append("  ".join(parts))
    return text


def run_message(run: Run) -> Text:
    """H2O's latest word on a running job, its warnings, and the lab's notes."""
    message = Text()
    if run.status == RUNNING and run.message:
        message.append("H2O: ", style="bold")
        message.append(run.message.strip())
    for warning in run.warnings:
        message.append(("\n" if message else "") + "H2O warns: " + fmt.short_lists(warning), style="yellow")
    for note in run.notes:
        message.append(("\n" if message else "") + note, style="bold yellow")
    return message


def ensure_data(lab, spec: RunSpec, post: Callable[[Message], object]) -> None:
    """Import a step's data first if the learner skipped its step (from a worker; ``post`` reaches the app)."""
    if spec.dataset == "mnist":
        if lab.mnist is None:
            info = lab.load_mnist(lambda text: post(DataProgress("mnist", text)))
            post(MnistLoaded(info))
    elif lab.frame_info(spec.dataset) is None:
        info = lab.load_cars(lambda text: post(DataProgress("cars", text)))
        post(DataLoaded(info))


class RunControls(Vertical):
    """The Training tab's contents, and the step's training job."""

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

    def __init__(self, metrics: tuple[str, ...]) -> None:
        super().__init__()
        self.metrics = metrics
        self.metric = metrics[0]
        self._history = None  # the scores drawn, for a change of metric
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        """Status, progress, H2O's messages, the chart and its metric, the scores, Train and Cancel."""
        yield Static(NOT_TRAINED, id="run-status")
        yield ProgressBar(id="run-progress", total=1.0, show_eta=False)
        yield Static(id="run-message")
        with Horizontal(id="chart-bar"):
            yield Static("Chart:")
            yield Select(
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
        self.query_one("#run-status", Static).update(text)

    def show(self, run: Run) -> None:
        """Draw a run: its status, H2O's messages, progress, chart and latest scores."""
        self._history = run.history
        self.say(status_text(run))
        self.query_one("#run-message", Static).update(run_message(run))
        self.query_one("#run-progress", ProgressBar).update(progress=run.progress)
        self.query_one("#run-chart", ScoringChart).show(run.history, self.metric, force=run.finished)
        self.query_one("#run-metrics", Static).update(metrics_text(run))

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
        self._history = None
        self.query_one("#run-chart", ScoringChart).clear(waiting)
        self.query_one("#run-metrics", Static).update("")
        self.say(Text("Starting the job…", style="bold yellow"))
        self.query_one("#run-progress", ProgressBar).update(progress=0.0)

    def set_running(self, running: bool) -> bool:
        """Train waits and Cancel works while a job runs; True when that changed."""
        cancel = self.query_one("#cancel", Button)
        changed = cancel.disabled == running
        cancel.disabled = not running
        self.query_one("#train-run", Button).disabled = running
        return changed

    @on(Select.Changed, "#chart-metric")
    def _metric_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is not Select.NULL:
            self.metric = str(event.value)
            if self._history is not None:
                self.query_one("#run-chart", ScoringChart).show(self._history, self.metric, force=True)

    # -- the job ------------------------------------------------------------------------------
    def job_pending(self) -> bool:
        """A job (or a speed trial) is starting or running: a second t must not start another."""
        return any(w.node is self and w.group == "train" and not w.is_finished for w in self.app.workers)

    def measure(self, spec: RunSpec, lab) -> None:
        """Time a few seconds of training on this cluster (posts :class:`SpeedMeasured`)."""
        self.say(Text("Measuring this cluster's speed…", style="bold yellow"))
        self._measure_worker(spec, lab)

    def train(self, spec: RunSpec, lab) -> None:
        """Have H2O check the parameters, then train (posts :class:`ParamsChecked`, then the run's news)."""
        self._cancel.clear()
        self.say(Text("Checking the parameters with H2O…", style="bold yellow"))
        self._train_worker(spec, lab)

    def cancel(self) -> None:
        """Ask the job to stop; H2O keeps the partial model."""
        self._cancel.set()

    @work(thread=True, exclusive=True, group="train", exit_on_error=False)
    def _measure_worker(self, spec: RunSpec, lab) -> None:
        try:
            ensure_data(lab, spec, self.app.post_message)
            speed = lab.measure_speed(spec)
        except LabError as exc:
            self.post_message(RunFailed(spec.step, exc))
            return
        except Exception as exc:
            log.exception("speed trial failed")
            self.post_message(RunFailed(spec.step, LabError(f"The speed trial stopped unexpectedly: {exc}")))
            return
        self.post_message(SpeedMeasured(speed_key(spec), speed))

    @work(thread=True, exclusive=True, group="train", exit_on_error=False)
    def _train_worker(self, spec: RunSpec, lab) -> None:
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
            log.exception("training failed")
            self.post_message(RunFailed(spec.step, LabError(f"Training stopped unexpectedly: {exc}")))
