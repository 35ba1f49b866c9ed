"""A training step: its settings, the job running live, and the h2o-py code."""

from __future__ import annotations

import logging
import threading

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, ProgressBar, Static, TabbedContent, TabPane

from screens.base import StepView
from tui.lab import fmt
from tui.lab.codegen import py
from tui.lab.errors import LabError
from tui.lab.steps import Step
from tui.lab.training import CANCELLED, DONE, FAILED, INTERRUPTED, RUNNING, Run, RunSpec
from tui.messages import DataLoaded, DataProgress, RunFailed, RunUpdated
from widgets.chart import ScoringChart
from widgets.code import CodePanel
from widgets.table import PairsView

log = logging.getLogger("h2o-lab")

STATUS_STYLE = {
    RUNNING: ("Training", "bold yellow"),
    DONE: ("Finished", "bold green"),
    CANCELLED: ("Cancelled: the partial model is kept", "bold yellow"),
    FAILED: ("Failed", "bold red"),
    INTERRUPTED: ("Interrupted: the cluster went away", "bold red"),
}

PARAM_NOTES = {
    "activation": "None: H2O's default, Rectifier (ReLU)",
}


def describe_value(name: str, value: object) -> str:
    if name in PARAM_NOTES and value is None:
        return PARAM_NOTES[name]
    return py(value)


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
        text.append(f" in {fmt.duration(run.elapsed)} · {run.model_id}")
        if run.error:
            text.append("\n" + run.error, style="red")
    return text


def metrics_text(run: Run) -> Text:
    text = Text()
    for which, label in (("training", "Training"), ("validation", "Validation"), ("cross_validation", "Cross-validation")):
        values = run.metrics.get(which)
        if not values:
            continue
        if text:
            text.append("\n")
        text.append(f"{label}: ", style="bold")
        parts = []
        for key, name in (("MSE", "MSE"), ("RMSE", "RMSE"), ("mae", "MAE"), ("r2", "R²"), ("logloss", "logloss"), ("AUC", "AUC")):
            if key in values:
                parts.append(f"{name} {fmt.number(values[key])}")
        text.append("  ".join(parts))
    return text


class TrainView(StepView):
    DEFAULT_CSS = """
    TrainView TabbedContent {
        height: 1fr;
    }
    TrainView TabPane {
        padding: 0;
    }
    TrainView .settings {
        padding: 0 1;
    }
    TrainView .reason {
        height: auto;
        padding: 0 1 1 1;
        color: $text-muted;
    }
    TrainView .buttons {
        height: auto;
        padding: 0 1;
    }
    TrainView .buttons Button {
        margin-right: 2;
    }
    TrainView #run-status {
        height: auto;
        padding: 0 1;
    }
    TrainView #run-progress {
        padding: 0 1;
        height: 1;
    }
    TrainView #run-message {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    TrainView #run-metrics {
        height: auto;
        padding: 0 1;
    }
    TrainView #run-chart {
        margin: 0 1;
    }
    TrainView #run-pane > Vertical {
        height: 1fr;
    }
    """

    def __init__(self, step: Step) -> None:
        super().__init__(step)
        self.spec = step.spec()
        self.run: Run | None = None
        self._cancel = threading.Event()

    # -- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with TabbedContent(id="train-tabs"):
            with TabPane("Setup", id="setup-pane"):
                with VerticalScroll():
                    yield from self.compose_intro()
                    yield Static("Settings", classes="heading")
                    yield PairsView(id="settings", classes="settings")
                    if self.step.scoring_reason:
                        yield Static(self.step.scoring_reason, classes="reason")
                    with Horizontal(classes="buttons"):
                        yield Button("Train (t)", id="train-setup", variant="primary", compact=True)
            with TabPane("Training", id="run-pane"):
                with Vertical():
                    yield Static("Not trained yet. Press t to train.", id="run-status")
                    yield ProgressBar(id="run-progress", total=1.0, show_eta=False)
                    yield Static(id="run-message")
                    yield ScoringChart(id="run-chart")
                    yield Static(id="run-metrics")
                    with Horizontal(classes="buttons"):
                        yield Button("Train (t)", id="train-run", variant="primary", compact=True)
                        yield Button("Cancel (x)", id="cancel", disabled=True, compact=True)
            with TabPane("Code", id="code-pane"):
                yield CodePanel(id="train-code")

    def on_mount(self) -> None:
        self.query_one("#settings", PairsView).set_rows(self.settings_rows())
        self.refresh_code()

    def settings_rows(self) -> list[tuple[str, str | Text]]:
        rows: list[tuple[str, str | Text]] = [
            ("response", self.spec.response),
            ("predictors", ", ".join(self.spec.predictors)),
            ("training frame", "80% split (seed 1234)" if self.spec.split else "the whole cars frame"),
        ]
        if self.spec.split:
            rows.append(("validation frame", "the other 20%"))
        for name, value in self.step.params.items():
            rows.append((name, describe_value(name, value)))
        for name, value in self.step.scoring.items():
            rows.append((name, Text.assemble(describe_value(name, value), ("  (added for the live chart)", "dim"))))
        if self.step.metric_hint:
            rows.append(("metric", self.step.metric_hint))
        return rows

    def refresh_code(self) -> None:
        info = self.app.frames.get(self.spec.dataset)  # type: ignore[attr-defined]
        code = self.app.lab.code_for(self.spec, self.step, info)  # type: ignore[attr-defined]
        self.query_one("#train-code", CodePanel).set_code(self.run.code if self.run and self.run.code else code)

    # -- actions ------------------------------------------------------------------------------
    @property
    def training(self) -> bool:
        return self.run is not None and self.run.status == RUNNING

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id in ("train-setup", "train-run"):
            self.action_train()
        elif event.button.id == "cancel":
            self.action_cancel()

    def action_train(self) -> None:
        if self.training:
            self.notify("A model is already training on this step.", severity="warning")
            return
        if not self.app.lab.ready:  # type: ignore[attr-defined]
            self.notify("The cluster is not ready yet; see step 1.", severity="warning")
            return
        self._cancel.clear()
        self.run = None
        self.query_one("#train-tabs", TabbedContent).active = "run-pane"
        self.query_one("#run-chart", ScoringChart).clear("Waiting for the first score…")
        self.query_one("#run-metrics", Static).update("")
        self._set_running(True)
        self.query_one("#run-status", Static).update(Text("Starting the job…", style="bold yellow"))
        self.query_one("#run-progress", ProgressBar).update(progress=0.0)
        self._train_worker(self.spec)

    def action_cancel(self) -> None:
        if self.training:
            self._cancel.set()
            self.query_one("#run-status", Static).update(Text("Cancelling…", style="bold yellow"))

    def request_cancel(self) -> None:
        """Used by the app on quit."""
        self._cancel.set()

    def _set_running(self, running: bool) -> None:
        cancel = self.query_one("#cancel", Button)
        changed = cancel.disabled == running
        cancel.disabled = not running
        for button_id in ("#train-setup", "#train-run"):
            self.query_one(button_id, Button).disabled = running
        if changed:
            self.app.refresh_chrome()  # type: ignore[attr-defined]

    # -- the worker ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="train", exit_on_error=False)
    def _train_worker(self, spec: RunSpec) -> None:
        lab = self.app.lab  # type: ignore[attr-defined]
        try:
            if lab.frame_info(spec.dataset) is None:
                info = lab.load_cars(lambda text: self.app.post_message(DataProgress("cars", text)))
                self.app.post_message(DataLoaded(info))
            lab.train(spec, on_update=lambda run: self.post_message(RunUpdated(run)), should_cancel=self._cancel.is_set)
        except LabError as exc:
            self.post_message(RunFailed(spec.step, exc))
        except Exception as exc:  # never a traceback on the screen
            log.exception("training failed")
            self.post_message(RunFailed(spec.step, LabError(f"Training stopped unexpectedly: {exc}")))

    # -- results ------------------------------------------------------------------------------
    @on(RunUpdated)
    def _on_run_updated(self, message: RunUpdated) -> None:
        message.stop()
        self.show_run(message.run)
        if message.run.finished:
            self.app.run_finished(self.step.number, message.run)  # type: ignore[attr-defined]

    @on(RunFailed)
    def _on_run_failed(self, message: RunFailed) -> None:
        message.stop()
        self._set_running(False)
        if message.run is not None:
            self.show_run(message.run)
        text = Text(message.error.message, style="bold red")
        if message.error.hint:
            text.append("\n" + message.error.hint, style="italic")
        self.query_one("#run-status", Static).update(text)
        self.app.run_finished(self.step.number, self.run)  # type: ignore[attr-defined]

    def show_run(self, run: Run) -> None:
        self.run = run
        self.query_one("#run-status", Static).update(status_text(run))
        message = Text()
        if run.message:
            message.append("H2O: ", style="bold")
            message.append(run.message.strip())
        for warning in run.warnings:
            message.append(("\n" if message else "") + "H2O warns: " + warning, style="yellow")
        self.query_one("#run-message", Static).update(message)
        self.query_one("#run-progress", ProgressBar).update(progress=run.progress)
        self.query_one("#run-chart", ScoringChart).show(run.history, force=run.finished)
        self.query_one("#run-metrics", Static).update(metrics_text(run))
        self._set_running(run.status == RUNNING)
        if run.code:
            self.query_one("#train-code", CodePanel).set_code(run.code)
