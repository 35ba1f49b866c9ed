"""A training step: its form, the job running live, the results, and the h2o-py code."""

from __future__ import annotations

import logging
import math
import threading
from types import EllipsisType
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.containers import Grid
from textual.message import Message
from textual.widgets import (
    Button,
    DataTable,
    Input,
    ProgressBar,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from screens.base import StepView
from tui.lab import fmt
from tui.lab.codegen import py
from tui.lab.errors import LabError
from tui.lab.mnist import confusion_totals, estimate_seconds, parse_rows
from tui.lab.params import ParamMeta, canonical, checkpoint_notes, checkpoint_problems
from tui.lab.steps import BY_NUMBER, Step
from tui.lab.training import CANCELLED, CHART_METRICS, DONE, FAILED, INTERRUPTED, RUNNING, Run, RunSpec, speed_key
from tui.messages import DataLoaded, DataProgress, MistakesFound, MnistLoaded, ParamsChecked, RunFailed, RunUpdated, SpeedMeasured
from widgets.chart import ScoringChart
from widgets.code import CodePanel
from widgets.digits import DigitCard
from widgets.param_form import ParamForm
from widgets.table import PairsView

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

PARAM_NOTES = {
    "activation": "None: H2O's default, Rectifier (ReLU)",
}

METRIC_ROWS = [
    ("error", "error rate"),
    ("accuracy", "accuracy"),
    ("logloss", "logloss"),
    ("mean_per_class_error", "mean per-class error"),
    ("MSE", "MSE"),
    ("RMSE", "RMSE"),
    ("mae", "MAE"),
    ("r2", "R²"),
    ("mean_residual_deviance", "deviance"),
    ("AUC", "AUC"),
    ("pr_auc", "AUCPR"),
]
LAYER_COLUMNS = [
    ("layer", "layer"),
    ("units", "units"),
    ("type", "type"),
    ("dropout", "dropout"),
    ("l1", "L1"),
    ("l2", "L2"),
    ("mean_rate", "mean rate"),
    ("mean_weight", "weight mean"),
    ("weight_rms", "weight RMS"),
    ("mean_bias", "bias mean"),
    ("bias_rms", "bias RMS"),
]
CV_ROWS = ("mse", "rmse", "mae", "r2", "logloss", "auc", "err")


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
        text.append(f" in {fmt.duration(run.elapsed)} · {run.run_id}")
        if run.checkpoint_of:
            text.append(f", continuing {run.checkpoint_of}")
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
        keys = (("error", "error"), ("accuracy", "accuracy"), ("logloss", "logloss")) if "error" in values else (
            ("MSE", "MSE"), ("RMSE", "RMSE"), ("mae", "MAE"), ("r2", "R²"), ("logloss", "logloss"), ("AUC", "AUC")
        )
        for key, name in keys:
            if key in values:
                parts.append(f"{name} {fmt.number(values[key])}")
        text.append("  ".join(parts))
    return text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return fmt.number(value)
    return str(value)


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
        yield from self.view._body_compose()


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
        margin-top: 1;
    }
    TrainView .buttons Button {
        margin-right: 2;
    }
    TrainView #setup-news {
        height: auto;
        padding: 0 1;
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
        height: auto;
        max-height: 5;
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
    TrainView #chart-bar {
        height: 1;
        padding: 0 1;
    }
    TrainView #chart-bar Static {
        width: auto;
        padding-right: 1;
    }
    TrainView #chart-metric {
        width: 28;
    }
    TrainView #run-pane > Vertical {
        height: 1fr;
    }
    TrainView #results-pane DataTable {
        height: auto;
        max-height: 12;
        margin: 0 1 1 1;
    }
    TrainView .caption {
        height: auto;
        padding: 0 1;
        text-style: bold;
    }
    TrainView #results-confusion {
        max-height: 16;
    }
    TrainView #rows-choice {
        height: auto;
        padding: 0 1;
    }
    TrainView #rows-kind {
        width: 30;
    }
    TrainView #rows-count {
        width: 14;
        margin-left: 4;
    }
    TrainView #rows-error {
        height: auto;
        padding-left: 4;
    }
    TrainView #estimate {
        height: auto;
        padding: 0 1 1 1;
    }
    TrainView #mistakes-news {
        height: auto;
        padding: 0 1 1 1;
    }
    TrainView #mistakes-grid {
        height: auto;
        grid-size: 1;
        padding: 0 1;
    }
    TrainView #results-status {
        height: auto;
        padding: 0 1;
    }
    TrainView #results-note {
        height: auto;
        padding: 0 1 1 1;
        color: $text-muted;
    }
    """

    def __init__(self, step: Step) -> None:
        super().__init__(step)
        self.spec = step.spec()
        self.run: Run | None = None
        self.metric = CHART_CHOICES.get(step.category, CHART_CHOICES["Regression"])[0]
        self.sample_rows: int | None = None
        self.mistakes: tuple[str, int, list] | None = None
        self.checkpoint: Run | None = None  # the run this form continues, if any
        self._scoring_notes: dict[str, str] = {}
        self._checkpoint_notes: dict[str, str] = {}
        self._cancel = threading.Event()
        self._metas: list[ParamMeta] | None = None
        self._built = False
        self._building = False
        self._tab = "setup-pane"

    # -- layout -------------------------------------------------------------------------------
    # A step's widgets are built the first time it is shown, so that the app paints at once;
    # until then, everything it is told is kept as state and drawn when it is built.
    def compose(self) -> ComposeResult:
        yield from ()

    def on_show_step(self) -> None:
        if not self._built and not self._building:
            self._building = True
            self.call_later(self._build)

    async def _build(self) -> None:
        await self.mount(_Body(self))
        self._building = False
        if not self.is_attached or getattr(self.app, "leaving", False):
            return  # the app is leaving: nothing to fill in
        self._built = True
        self.query_one("#settings", PairsView).set_rows(self.settings_rows())
        for widget in self.query(".cv-only"):
            widget.display = False
        if self._metas is not None:
            await self._mount_form()
        for widget in self.query(".class-only"):
            widget.display = False
        if self.run is not None:
            self.show_run(self.run)
        if self.mistakes is not None:
            self.show_mistakes(*self.mistakes)
        if self.is_mnist:
            self.query_one("#rows-count", Input).display = True
            self.show_estimate()
        elif self.spec.split and self._split_key() not in self.app.split_sizes and self.app.lab.ready:  # type: ignore[attr-defined]
            self._split_worker(self.current_spec())
        self.show_tab(self._tab)
        self.refresh_code()

    def cluster_ready(self) -> None:
        """A (new) cluster is ready: a built step that splits its data can show the split's sizes."""
        if self._built and self.spec.split and not self.is_mnist and self._split_key() not in self.app.split_sizes:  # type: ignore[attr-defined]
            self._split_worker(self.current_spec())

    @work(thread=True, group="split", exit_on_error=False)
    def _split_worker(self, spec: RunSpec) -> None:
        """The sizes of the 80/20 split, shown before anything trains (the data is read if needed)."""
        lab = self.app.lab  # type: ignore[attr-defined]
        try:
            self._ensure_data(lab, spec)
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

    def show_tab(self, tab: str) -> None:
        self._tab = tab
        if not self._built:
            return
        tabs = self.query_one("#train-tabs", TabbedContent)
        focused = self.app.focused
        if focused is not None and tabs in focused.ancestors:
            pane = next((a for a in focused.ancestors if isinstance(a, TabPane)), None)
            if pane is not None and pane.id != tab:
                # A focused widget in another tab would pull the tabs back to itself.
                self.app.action_leave_field()  # type: ignore[attr-defined]
        tabs.active = tab

    def _body_compose(self) -> ComposeResult:
        """The step's widgets (composed by :class:`_Body` when the step is first shown)."""
        with TabbedContent(id="train-tabs"):
            with TabPane("Setup", id="setup-pane"):
                with VerticalScroll(id="setup-scroll"):
                    yield from self.compose_intro()
                    yield Static(self._frames_text(), id="setup-news")
                    if self.is_mnist:
                        yield from self._compose_rows_choice()
                    yield PairsView(id="settings", classes="settings")
                    if self.step.scoring_reason:
                        yield Static(self.step.scoring_reason, classes="reason")
                    with Horizontal(classes="buttons"):
                        yield Button("Train (t)", id="train-setup", variant="primary", compact=True)
                        yield Button("Reset to the step's values", id="reset", compact=True)
            with TabPane("Training", id="run-pane"):
                with Vertical():
                    yield Static("Not trained yet. Press t to train.", id="run-status")
                    yield ProgressBar(id="run-progress", total=1.0, show_eta=False)
                    yield Static(id="run-message")
                    with Horizontal(id="chart-bar"):
                        yield Static("Chart:")
                        yield Select(
                            [(CHART_METRICS[key], key) for key in self.chart_metrics],
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
            with TabPane("Results", id="results-pane"):
                with VerticalScroll():
                    yield Static("No finished run yet.", id="results-status")
                    yield Static("Metrics", classes="caption")
                    yield DataTable(id="results-metrics", cursor_type="row", zebra_stripes=True)
                    yield Static("Confusion matrix (rows: the true digit, columns: the prediction)", classes="caption class-only")
                    yield DataTable(id="results-confusion", classes="class-only", cursor_type="cell", zebra_stripes=False)
                    yield Static("Top-k hit ratios: how often the true digit is among the k likeliest", classes="caption class-only")
                    yield DataTable(id="results-hits", classes="class-only", cursor_type="row", zebra_stripes=True)
                    yield Static("Cross-validation, fold by fold", classes="caption cv-only")
                    yield DataTable(id="results-cv", classes="cv-only", cursor_type="row", zebra_stripes=True)
                    yield Static("Status of Neuron Layers", classes="caption")
                    yield DataTable(id="results-layers", cursor_type="row", zebra_stripes=True)
                    yield Static(id="results-note")
                    with Horizontal(classes="buttons"):
                        yield Button("Continue this run (k)", id="continue", compact=True, disabled=True)
            if self.is_mnist:
                with TabPane("Mistakes", id="mistakes-pane"):
                    with VerticalScroll(id="mistakes-scroll"):
                        yield Static("After a run, the test digits it gets wrong appear here.", id="mistakes-news")
                        yield Grid(id="mistakes-grid")
            yield from self._extra_panes()
            with TabPane("Code", id="code-pane"):
                yield CodePanel(id="train-code", filename=f"h2o_lab_step{self.step.number}.py")

    def on_mount(self) -> None:
        metas = getattr(self.app, "metas", None)
        if metas:
            self._metas = metas

    def _extra_panes(self) -> ComposeResult:
        """More tabs, before the code (the evaluation step adds its own)."""
        yield from ()

    # -- MNIST: how many rows, and how long ------------------------------------------------------
    @property
    def is_mnist(self) -> bool:
        return self.spec.dataset == "mnist"

    @property
    def chart_metrics(self) -> tuple[str, ...]:
        return CHART_CHOICES.get(self.step.category, CHART_CHOICES["Regression"])

    def _compose_rows_choice(self) -> ComposeResult:
        with Vertical(id="rows-choice"):
            yield Static("Training rows", classes="heading")
            yield Select(
                [("all 60,000 rows", "all"), ("only the first rows:", "sample")],
                value="all" if self.sample_rows is None else "sample",
                allow_blank=False,
                compact=True,
                id="rows-kind",
            )
            yield Input(value=str(self.sample_rows or 5000), id="rows-count", compact=True, placeholder="rows", select_on_focus=False)
            yield Static(id="rows-error")
            yield Static(
                "A small sample trains in a fraction of the time but reaches a lower accuracy: the network sees "
                "fewer ways of writing each digit.",
                classes="reason",
            )
            yield Static(id="estimate")

    def set_sample_rows(self, rows: int | None) -> None:
        self.sample_rows = rows if rows and rows > 0 else None
        if self._built:
            self.query_one("#rows-kind", Select).value = "all" if self.sample_rows is None else "sample"
            if self.sample_rows is not None:
                self.query_one("#rows-count", Input).value = str(self.sample_rows)
            self._read_rows()

    def rows_error(self) -> str | None:
        """The sample size's message, or None when it is usable."""
        if not self._built or not self.is_mnist:
            return None
        if self.query_one("#rows-kind", Select).value == "all":
            return None
        total = self.app.mnist.train.rows if getattr(self.app, "mnist", None) else 60000  # type: ignore[attr-defined]
        _rows, error = parse_rows(self.query_one("#rows-count", Input).value, total)
        return error

    def _read_rows(self) -> None:
        if not self._built or not self.is_mnist:
            return
        error = self.rows_error()
        self.query_one("#rows-error", Static).update(Text(error, style="red") if error else "")
        if error:
            return
        if self.query_one("#rows-kind", Select).value == "all":
            self.sample_rows = None
        else:
            self.sample_rows, _error = parse_rows(self.query_one("#rows-count", Input).value, self.training_rows_total())
        self.show_estimate()

    @on(Select.Changed, "#rows-kind")
    @on(Input.Changed, "#rows-count")
    def _rows_changed(self, event: Message) -> None:
        event.stop()
        self._read_rows()
        self.refresh_code()

    def training_rows_total(self) -> int:
        return self.app.mnist.train.rows if getattr(self.app, "mnist", None) else 60000  # type: ignore[attr-defined]

    def training_rows(self) -> int:
        total = self.app.mnist.train.rows if getattr(self.app, "mnist", None) else 60000  # type: ignore[attr-defined]
        return min(self.sample_rows or total, total)

    def estimate(self) -> tuple[float, float] | None:
        """(seconds, samples per second) for the form's values, when this cluster's speed is known."""
        speed = self.app.speed_for(self.current_spec())  # type: ignore[attr-defined]
        if not speed:
            return None
        epochs = float(self.current_spec().params.get("epochs") or 10)
        return estimate_seconds(self.training_rows(), epochs, speed), speed

    def _scoring_advice(self) -> None:
        """With few samples per iteration the chart gets few points: say so at the field that decides it."""
        form = self.form
        if form is None or not self.is_mnist:
            return
        params = self.current_spec().params
        per_iteration = params.get("train_samples_per_iteration")
        epochs = float(params.get("epochs") or 10)
        notes = {}
        if isinstance(per_iteration, int) and per_iteration > 0 and not params.get("score_each_iteration"):
            samples = self.training_rows() * epochs
            iterations = max(1, math.ceil(samples / per_iteration))
            if iterations < 10:
                notes["train_samples_per_iteration"] = (
                    f"{self.training_rows():,} rows × {fmt.number(epochs)} epochs makes {samples:,.0f} samples: "
                    f"{iterations} iteration{'s' if iterations != 1 else ''} of up to {per_iteration:,}. H2O scores "
                    "at most once per iteration (and by default at most every 5 s), so the chart gets few points: "
                    "lower this value or turn on score_each_iteration for more"
                )
        self._scoring_notes = notes
        self._push_notes()

    def show_estimate(self) -> None:
        self._scoring_advice()
        if not self._built or not self.is_mnist:
            return
        widget = self.query_one("#estimate", Static)
        found = self.estimate()
        epochs = float(self.current_spec().params.get("epochs") or 10)
        rows = self.training_rows()
        if found is None:
            widget.update(
                Text.assemble(
                    ("Time: ", "bold"),
                    f"{rows:,} rows × {fmt.number(epochs)} epochs. Press t: the lab first times a few seconds of "
                    "training on this cluster, then says how long the run will take (and asks before a long one).",
                )
            )
            return
        seconds, speed = found
        widget.update(
            Text.assemble(
                ("Time: about ", "bold"),
                (fmt.duration(seconds), "bold"),
                f" for {rows:,} rows × {fmt.number(epochs)} epochs, at {speed:,.0f} samples/s measured on this "
                "cluster (scoring included).",
            )
        )

    def _frames_text(self) -> Text:
        if self.is_mnist:
            return Text("Training frame: the MNIST training digits; validation frame: the 10,000 test digits.")
        if not self.spec.split:
            return Text("Training frame: the whole cars frame, 406 rows.", style="dim")
        sizes = self.app.split_sizes.get(self._split_key()) if self.is_attached else None  # type: ignore[attr-defined]
        text = Text("Training frame: 80% of the cars rows, validation frame: the other 20% (split with seed 1234)")
        if sizes and len(sizes) == 2:
            text.append(f": {sizes[0]} and {sizes[1]} rows", style="bold")
        text.append(".")
        return text

    def show_split(self, sizes: list[int]) -> None:
        if self._built:
            self.query_one("#setup-news", Static).update(self._frames_text())

    def settings_rows(self) -> list[tuple[str, str | Text]]:
        rows: list[tuple[str, str | Text]] = [
            ("response", self.spec.response),
            ("predictors", ", ".join(self.spec.predictors)),
        ]
        for name, value in self.step.params.items():
            rows.append((name, describe_value(name, value)))
        for name, value in self.step.scoring.items():
            rows.append((name, Text.assemble(describe_value(name, value), ("  (added for the live chart)", "dim"))))
        if self.step.metric_hint:
            rows.append(("metric", self.step.metric_hint))
        return rows

    # -- the form -----------------------------------------------------------------------------
    @property
    def form(self) -> ParamForm | None:
        if not self._built:
            return None
        try:
            return self.query_one(ParamForm)
        except Exception:
            return None

    def set_metas(self, metas: list[ParamMeta]) -> None:
        """H2O's parameter list arrived; the form replaces the summary once the step is built."""
        self._metas = metas
        if self._built:
            self.call_later(self._mount_form)

    async def _mount_form(self) -> None:
        """Replace the summary of the step's values with the full form."""
        metas = self._metas
        if metas is None or self.form is not None or not self._built:
            return
        by_name = {m.name: m for m in metas}
        self.spec.params = canonical(self.spec.params, by_name)
        previous_step = BY_NUMBER.get(self.step.number - 1)
        previous = None
        label = ""
        if previous_step is not None and previous_step.kind == "train":
            previous = canonical(previous_step.spec().params, by_name)
            label = f"step {previous_step.number}"
        form = ParamForm(metas, self.spec.params, self.step.taught, previous, label, id="param-form")
        settings = self.query_one("#settings", PairsView)
        settings.display = False
        await self.query_one("#setup-scroll", VerticalScroll).mount(form, after=settings)
        self._show_checkpoint_banner()
        self._check_checkpoint()
        self.refresh_code()
        self.show_estimate()

    def current_spec(self) -> RunSpec:
        form = self.form
        params = dict(form.values) if form is not None else dict(self.spec.params)
        sample = self.sample_rows if self.is_mnist else None
        if self.checkpoint is not None:
            params["checkpoint"] = self.checkpoint.model_id
        params = {k: v for k, v in params.items() if v is not None or k == "activation"}
        return RunSpec(
            step=self.step.number,
            params=params,
            response=self.spec.response,
            predictors=list(self.spec.predictors),
            dataset=self.spec.dataset,
            split=self.spec.split,
            sample_rows=sample,
        )

    @on(ParamForm.Changed)
    def _form_changed(self, event: ParamForm.Changed) -> None:
        event.stop()
        self._check_checkpoint()
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
        else:
            self.spec.params = values
        self._show_checkpoint_banner()
        self._check_checkpoint()
        self.refresh_code()
        self.show_tab("setup-pane")

    def _show_checkpoint_banner(self) -> None:
        form = self.form
        if form is None:
            return
        if self.checkpoint is None:
            form.set_banner(None)
            return
        base = self.checkpoint
        text = Text.assemble(
            ("Continuing ", "bold"),
            (f"{base.run_id} (step {base.spec.step}, {fmt.number(base.epochs_done)} epochs, {base.model_id})", "bold"),
            ".\nH2O keeps the network and trains it further. epochs counts from the start, and the "
            "network's shape, activation and learning-rate settings cannot change. H2O hands back the best "
            "network it scores (overwrite_with_best_model), which can be this one if the extra epochs do no "
            "better. Press Reset to start over.",
        )
        form.set_banner(text)

    def _check_checkpoint(self) -> None:
        form = self.form
        if form is None:
            return
        if self.checkpoint is None:
            self._checkpoint_notes = {}
            form.set_extra_errors({})
            self._push_notes()
            return
        base = self.checkpoint
        problems = checkpoint_problems(
            form.values,
            form.metas,
            base.spec.params,
            base.epochs_done,
            base_label=base.run_id,
            same_frames=base.spec.same_frames(self.spec),
        )
        self._checkpoint_notes = checkpoint_notes(form.values, form.metas, base.spec.params, base_label=base.run_id)
        form.set_extra_errors(problems)
        self._push_notes()

    def _push_notes(self) -> None:
        """The lab's own notes at fields: chart advice (MNIST) and what continuing a run ignores."""
        if self.form is not None:
            self.form.set_extra_warnings({**self._scoring_notes, **self._checkpoint_notes})

    def refresh_code(self) -> None:
        if not self._built:
            return
        info = self.app.frames.get(self.spec.dataset)  # type: ignore[attr-defined]
        code = self.app.lab.code_for(self.current_spec(), self.step, info)  # type: ignore[attr-defined]
        self.query_one("#train-code", CodePanel).set_code(code)

    # -- actions ------------------------------------------------------------------------------
    @property
    def training(self) -> bool:
        return self.run is not None and self.run.status == RUNNING

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button_id = event.button.id
        if button_id in ("train-setup", "train-run"):
            event.stop()
            self.action_train()
        elif button_id == "cancel":
            event.stop()
            self.action_cancel()
        elif button_id == "reset":
            event.stop()
            self.action_reset()
        elif button_id == "continue":
            event.stop()
            self.action_continue()

    TABS = ("setup-pane", "run-pane", "results-pane", "eval-pane", "mistakes-pane", "code-pane")

    def _tab_order(self) -> list[str]:
        tabs = self.query_one("#train-tabs", TabbedContent)
        return [pane.id for pane in tabs.query(TabPane) if pane.id]

    def action_next_tab(self, step: int = 1) -> None:
        if not self._built:
            return
        order = self._tab_order()
        current = self.query_one("#train-tabs", TabbedContent).active
        index = order.index(current) if current in order else 0
        self.show_tab(order[(index + step) % len(order)])

    def action_prev_tab(self) -> None:
        self.action_next_tab(-1)

    def action_reset(self) -> None:
        self.load_values(self.step.spec().params)  # the training rows stay the learner's choice
        self.notify(f"Step {self.step.number}'s values are back.", timeout=3)

    def action_fix(self) -> None:
        form = self.form
        fix = form.first_fix() if form is not None else None
        if fix is not None:
            self.show_tab("setup-pane")  # the change is seen where it is made
            form.apply_fix(fix)  # type: ignore[union-attr]
            self.notify(f"{fix[0]} set to {py(fix[1])}.", timeout=3)

    def action_continue(self) -> None:
        if self.run is not None and self.run.status in (DONE, CANCELLED) and self.run.model_id:
            self.app.continue_run(self.run)  # type: ignore[attr-defined]

    def action_train(self) -> None:
        if not self._built:
            self.on_show_step()
            self.call_later(self.action_train)
            return
        if self.training or self._job_pending():
            self.notify("A model is already training on this step.", severity="warning")
            return
        if not self.app.lab.ready:  # type: ignore[attr-defined]
            self.notify("The cluster is not ready yet; see step 1.", severity="warning")
            return
        form = self.form
        if form is not None:
            self._check_checkpoint()
            errors = form.errors()
            if errors:
                self.show_tab("setup-pane")
                form.focus_first_error()
                whole = errors.pop("_", None)  # about the form as a whole, not one field
                if whole:
                    self.notify(whole, severity="error", timeout=10)
                if errors:
                    count = len(errors)
                    self.notify(f"{count} field{'s' if count != 1 else ''} to fix first (marked in red).", severity="error")
                return
        if self.is_mnist:
            error = self.rows_error()
            if error:
                self.show_tab("setup-pane")
                self.query_one("#rows-count", Input).focus()
                self.notify(f"Training rows: {error}.", severity="error")
                return
            if self.estimate() is None:
                self._set_running(True)
                self.query_one("#run-status", Static).update(Text("Measuring this cluster's speed…", style="bold yellow"))
                self.query_one("#estimate", Static).update(Text("Measuring this cluster's speed (a few seconds of training)…", style="yellow"))
                self._measure_worker(self.current_spec())
                return
            self._confirm_and_train()
            return
        self._start(self.current_spec())

    def _job_pending(self) -> bool:
        """A job (or a speed trial) of this step is starting or running: a second t must not start another."""
        return any(w.node is self and w.group == "train" and not w.is_finished for w in self.app.workers)

    def _confirm_and_train(self) -> None:
        found = self.estimate()
        spec = self.current_spec()
        if found is None or found[0] < 60:
            self._start(spec)
            return
        seconds, _speed = found

        def answer(yes: bool | None) -> None:
            if yes:
                self._start(spec)
            else:
                self._set_running(False)
                self.query_one("#run-status", Static).update("Not started. A sample of rows or fewer epochs trains faster.")

        from screens.dialogs import ConfirmDialog  # noqa: PLC0415

        self.app.push_screen(
            ConfirmDialog(
                "Train now?",
                f"This run should take about {fmt.duration(seconds)} on this cluster "
                f"({self.training_rows():,} rows × {fmt.number(float(spec.params.get('epochs') or 10))} epochs). "
                "You can cancel it at any time and keep the partial model.",
                yes="Train",
                no="Not now",
            ),
            answer,
        )

    def _start(self, spec: RunSpec) -> None:
        self._cancel.clear()
        self._set_running(True)
        self.query_one("#run-status", Static).update(Text("Checking the parameters with H2O…", style="bold yellow"))
        self._train_worker(spec)

    @work(thread=True, exclusive=True, group="train", exit_on_error=False)
    def _measure_worker(self, spec: RunSpec) -> None:
        lab = self.app.lab  # type: ignore[attr-defined]
        try:
            self._ensure_data(lab, spec)
            speed = lab.measure_speed(spec)
        except LabError as exc:
            self.post_message(RunFailed(spec.step, exc))
            return
        except Exception as exc:
            log.exception("speed trial failed")
            self.post_message(RunFailed(spec.step, LabError(f"The speed trial stopped unexpectedly: {exc}")))
            return
        self.post_message(SpeedMeasured(speed_key(spec), speed))

    @on(SpeedMeasured)
    def _on_speed(self, message: SpeedMeasured) -> None:
        message.stop()
        self.app.speeds[message.key] = message.speed  # type: ignore[attr-defined]
        self._set_running(False)
        self.query_one("#run-status", Static).update("Not trained yet. Press t to train.")
        self.show_estimate()
        self._confirm_and_train()

    def _ensure_data(self, lab, spec: RunSpec) -> None:
        """Import the step's data first if the learner skipped its step (from a worker)."""
        if spec.dataset == "mnist":
            if lab.mnist is None:
                info = lab.load_mnist(lambda text: self.app.post_message(DataProgress("mnist", text)))
                self.app.post_message(MnistLoaded(info))
        elif lab.frame_info(spec.dataset) is None:
            info = lab.load_cars(lambda text: self.app.post_message(DataProgress("cars", text)))
            self.app.post_message(DataLoaded(info))

    def action_cancel(self) -> None:
        if self.training:
            self._cancel.set()
            self.query_one("#run-status", Static).update(Text("Cancelling…", style="bold yellow"))

    def request_cancel(self) -> None:
        """Used by the app on quit."""
        self._cancel.set()

    def _set_running(self, running: bool) -> None:
        if not self._built:
            return
        cancel = self.query_one("#cancel", Button)
        changed = cancel.disabled == running
        cancel.disabled = not running
        for button_id in ("#train-setup", "#train-run", "#reset"):
            self.query_one(button_id, Button).disabled = running
        if changed:
            self.app.refresh_chrome()  # type: ignore[attr-defined]

    # -- the worker ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="train", exit_on_error=False)
    def _train_worker(self, spec: RunSpec) -> None:
        lab = self.app.lab  # type: ignore[attr-defined]
        try:
            self._ensure_data(lab, spec)
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

    @on(ParamsChecked)
    def _on_params_checked(self, message: ParamsChecked) -> None:
        message.stop()
        self._got_split(message.split_sizes)
        form = self.form
        if form is not None:
            form.set_server_check(message.errors, message.warnings)
        if message.errors:
            self._set_running(False)
            self.query_one("#run-status", Static).update(
                Text("H2O rejected the parameters; see the Setup tab.", style="bold red")
            )
            self.show_tab("setup-pane")
            if form is not None:
                form.focus_first_error()
            self.notify("H2O rejected the parameters: the reasons stand at their fields.", severity="error")
            return
        self.run = None
        self.show_tab("run-pane")
        folds = self.current_spec().params.get("nfolds") or 0
        waiting = f"Training the {folds} cross-validation networks first…" if folds else "Waiting for the first score…"
        self.query_one("#run-chart", ScoringChart).clear(waiting)
        self.query_one("#run-metrics", Static).update("")
        self.query_one("#run-status", Static).update(Text("Starting the job…", style="bold yellow"))
        self.query_one("#run-progress", ProgressBar).update(progress=0.0)

    # -- results ------------------------------------------------------------------------------
    @on(RunUpdated)
    def _on_run_updated(self, message: RunUpdated) -> None:
        message.stop()
        self.show_run(message.run)
        self.app.run_updated(message.run)  # type: ignore[attr-defined]
        if message.run.finished and self.is_mnist and message.run.model_id and message.run.status in (DONE, CANCELLED):
            self.show_estimate()
            self.query_one("#mistakes-news", Static).update("Scoring the test digits to find the mistakes…")
            self._mistakes_worker(message.run)

    @work(thread=True, exclusive=True, group="mistakes", exit_on_error=False)
    def _mistakes_worker(self, run: Run) -> None:
        try:
            count, digits = self.app.lab.mistakes(run)  # type: ignore[attr-defined]
        except LabError as exc:
            self.app.call_from_thread(self.query_one("#mistakes-news", Static).update, Text(exc.message, style="red"))
            return
        self.post_message(MistakesFound(run.run_id, count, digits))

    @on(MistakesFound)
    def _on_mistakes(self, message: MistakesFound) -> None:
        message.stop()
        self.show_mistakes(message.run_id, message.count, message.digits)

    def show_mistakes(self, run_id: str, count: int, digits: list) -> None:
        self.mistakes = (run_id, count, digits)
        if not self._built:
            return
        total = self.app.mnist.test.rows if getattr(self.app, "mnist", None) else 10000  # type: ignore[attr-defined]
        news = Text.assemble(
            (f"{run_id} gets {count:,} of the {total:,} test digits wrong", "bold"),
            f" ({count / total:.1%}).",
        )
        if digits:
            news.append(f" The first {len(digits)}, with what the network said and how sure it was:")
        self.query_one("#mistakes-news", Static).update(news)
        grid = self.query_one("#mistakes-grid", Grid)
        grid.remove_children()
        grid.mount_all([DigitCard(d) for d in digits])

    @on(RunFailed)
    def _on_run_failed(self, message: RunFailed) -> None:
        message.stop()
        self._set_running(False)
        if message.run is not None:
            self.show_run(message.run)
            self.app.run_updated(message.run)  # type: ignore[attr-defined]
        if self.run is not None and self.run.status == INTERRUPTED:
            # The run says what happened and keeps its scores; say what to do next.
            text = status_text(self.run)
            text.append("\nPress r to start a fresh cluster; the data is read into it again.", style="italic")
        else:
            text = Text(message.error.message, style="bold red")
            if message.error.hint:
                text.append("\n" + message.error.hint, style="italic")
        self.query_one("#run-status", Static).update(text)
        self.app.refresh_chrome()  # type: ignore[attr-defined]

    @on(Select.Changed, "#chart-metric")
    def _metric_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is not Select.NULL:
            self.metric = str(event.value)
            history = self.run.history if self.run else None
            if history is not None:
                self.query_one("#run-chart", ScoringChart).show(history, self.metric, force=True)

    def show_run(self, run: Run) -> None:
        self.run = run
        if not self._built:
            return
        self.query_one("#run-status", Static).update(status_text(run))
        message = Text()
        if run.status == RUNNING and run.message:
            message.append("H2O: ", style="bold")
            message.append(run.message.strip())
        for warning in run.warnings:
            message.append(("\n" if message else "") + "H2O warns: " + fmt.short_lists(warning), style="yellow")
        for note in run.notes:
            message.append(("\n" if message else "") + note, style="bold yellow")
        self.query_one("#run-message", Static).update(message)
        self.query_one("#run-progress", ProgressBar).update(progress=run.progress)
        self.query_one("#run-chart", ScoringChart).show(run.history, self.metric, force=run.finished)
        self.query_one("#run-metrics", Static).update(metrics_text(run))
        self._set_running(run.status == RUNNING)
        if run.code:
            self.query_one("#train-code", CodePanel).set_code(run.code)
        if run.finished:
            self.show_results(run)

    def _show_confusion(self, run: Run) -> None:
        assert run.confusion is not None
        table = self.query_one("#results-confusion", DataTable)
        table.clear(columns=True)
        columns = run.confusion.columns
        rows = run.confusion.rows
        if columns and columns[0] == "":
            columns, rows = columns[1:], [r[1:] for r in rows]
        totals = confusion_totals(columns, rows)
        classes = totals["classes"]
        table.add_columns("true", *classes, "error")
        for index, name in enumerate(classes):
            if index >= len(rows):
                break
            counts = [int(float(v or 0)) for v in rows[index][: len(classes)]]
            n = sum(counts) or 1
            cells = []
            for j, count in enumerate(counts):
                share = count / n
                if j == index:
                    style = f"bold on rgb(0,{60 + int(140 * share)},0)"
                elif count:
                    style = f"on rgb({60 + int(195 * min(1.0, share * 8))},0,0)"
                else:
                    style = "dim"
                cells.append(Text(str(count) if count else "·", style=style, justify="right"))
            table.add_row(Text(name, style="bold"), *cells, Text(f"{totals['per_class'][name]:.1%}", justify="right"))
        table.add_row(
            Text("all", style="bold"),
            *[Text("") for _ in classes],
            Text(f"{totals['error']:.1%}", style="bold", justify="right"),
        )
        hits = self.query_one("#results-hits", DataTable)
        hits.clear(columns=True)
        if run.hit_ratios is not None:
            hits.add_columns("k", "hit ratio")
            for row in run.hit_ratios.rows[:5]:
                hits.add_row(str(row[0]), _cell(row[1]))

    def on_resize(self) -> None:
        if self._built and self.is_mnist:
            grid = self.query_one("#mistakes-grid", Grid)
            grid.styles.grid_size_columns = max(1, (self.size.width - 2) // 32)

    def show_results(self, run: Run) -> None:
        self.query_one("#results-status", Static).update(status_text(run))
        table = self.query_one("#results-metrics", DataTable)
        table.clear(columns=True)
        columns = [w for w in ("training", "validation", "cross_validation") if run.metrics.get(w)]
        table.add_columns("metric", *[c.replace("_", "-") for c in columns])
        for key, label in METRIC_ROWS:
            if any(key in run.metrics[c] for c in columns):
                table.add_row(label, *[_cell(run.metrics[c].get(key)) for c in columns])

        show_class = run.confusion is not None
        for widget in self.query(".class-only"):
            widget.display = show_class
        if run.confusion is not None:
            self._show_confusion(run)

        cv = self.query_one("#results-cv", DataTable)
        show_cv = run.cv_summary is not None and bool(run.cv_summary.rows)
        for widget in self.query(".cv-only"):
            widget.display = show_cv
        if show_cv and run.cv_summary is not None:
            cv.clear(columns=True)
            names = [c.replace("cv_", "fold ").replace("_valid", "") for c in run.cv_summary.columns[1:]]
            cv.add_columns("metric", *names)
            for row in run.cv_summary.rows:
                if str(row[0]) in CV_ROWS:
                    cv.add_row(str(row[0]), *[_cell(v) for v in row[1:]])

        layers = self.query_one("#results-layers", DataTable)
        layers.clear(columns=True)
        if run.layers is not None:
            present = [(key, label) for key, label in LAYER_COLUMNS if key in run.layers.columns]
            layers.add_columns(*[label for _key, label in present])
            for row in run.layers.rows:
                cells = dict(zip(run.layers.columns, row))
                if isinstance(cells.get("dropout"), (int, float)):
                    cells["dropout"] = f"{cells['dropout']:g}%"  # H2O gives it in percent
                layers.add_row(*[_cell(cells.get(key)) for key, _label in present])
        note = Text()
        if run.layers_note:
            note.append("H2O: " + run.layers_note)
        batch = run.spec.params.get("mini_batch_size")
        if batch and batch > 1 and "mini-batch size 1" in run.layers_note:
            note.append(f"\nmini_batch_size was {batch}, yet H2O trained with mini-batch size 1.", style="yellow")
        self.query_one("#results-note", Static).update(note)
        self.query_one("#continue", Button).disabled = not (run.status in (DONE, CANCELLED) and run.model_id)
