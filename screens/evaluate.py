"""Step 12: a binary classifier read properly: AUC and AUCPR, their curves, and a threshold explorer."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Select, Static, TabPane
from textual.worker import Worker

from screens.base import error_text, on_worker_error
from screens.train import TrainView
from tui.lab.errors import LabError
from tui.lab.evaluation import Evaluation
from tui.lab.training import CANCELLED, DONE, Run
from widgets.curves import CurveChart
from widgets.eval_tables import EvalTables, figures_box
from widgets.paging import LabSelect
from widgets.threshold import ThresholdExplorer

log = logging.getLogger("h2o-lab")

WIDE, TALL = 100, 36  # below either, the curves are short and the explorer leaves its keys to the footer

AUC_LESSON = (
    "Read the two curves from left to right as the threshold falls: each step says yes to more cars. The ROC "
    "curve plots the share of real yeses found (true positive rate) against the share of noes wrongly called "
    "yes (false positive rate); the diagonal is guessing, and AUC is the area under the curve. The "
    "precision-recall curve plots how many of the yeses are right (precision) against the share of real "
    "yeses found (recall); its baseline is the share of yeses in the data, and AUCPR is its area."
)


@dataclass(eq=False)
class Evaluated(Message):
    """A run's evaluation, or why there is none."""

    evaluation: Evaluation | None
    error: LabError | None = None


class EvalView(TrainView):
    """The training view of step 12, with an Evaluation tab."""

    DEFAULT_CSS = """
    EvalView #eval-scroll {
        padding: 0 1;
    }
    EvalView #eval-pick {
        height: 1;
    }
    EvalView #eval-pick Static {
        width: auto;
        padding-right: 1;
    }
    EvalView #eval-run {
        width: 40;
    }
    EvalView #eval-news {
        height: auto;
        margin-top: 1;
    }
    EvalView #eval-figures {
        height: auto;
        margin-top: 1;
    }
    EvalView #eval-curves {
        height: auto;
        grid-size: 2;
        grid-gutter: 1 2;
        margin-top: 1;
    }
    EvalView CurveChart {
        height: 16;
    }
    EvalView #eval-legend {
        height: auto;
        color: $text-muted;
    }
    EvalView .eval-lesson {
        height: auto;
        color: $text-muted;
        margin-top: 1;
    }
    EvalView .eval-only {
        display: none;
    }
    EvalView.evaluated .eval-only {
        display: block;
    }
    EvalView.evaluated #eval-curves {
        display: block;
    }
    """

    def __init__(self, step) -> None:
        super().__init__(step)
        self.evaluation: Evaluation | None = None
        self.picked: str | None = None  # the run the screen evaluates; None: the screen's own latest
        self._eval_note: Text | None = None

    def _extra_panes(self) -> ComposeResult:
        with TabPane("Evaluation", id="eval-pane"):
            with VerticalScroll(id="eval-scroll"):
                with Horizontal(id="eval-pick"):
                    yield Static("Run:")
                    yield LabSelect([], prompt="this step's latest run", allow_blank=True, compact=True, id="eval-run")
                yield Static("Train the step's model (t) to evaluate it, or pick a run.", id="eval-news")
                yield Static(id="eval-figures", classes="eval-only")
                # The explorer right above the curves: moving the threshold moves their ● in sight.
                yield ThresholdExplorer()
                with Grid(id="eval-curves", classes="eval-only"):
                    yield CurveChart(id="roc-chart")
                    yield CurveChart(id="pr-chart")
                yield Static(
                    "The stepped line: the curve · the straight line: its baseline (guessing for ROC, the share of yeses for "
                    "precision-recall) · ●: the threshold above · FPR, TPR: false and true positive rates",
                    id="eval-legend",
                    classes="eval-only",
                )
                yield Static(AUC_LESSON, classes="eval-lesson")
                yield EvalTables(classes="eval-only")

    async def _build(self) -> None:
        await super()._build()
        if not self._built:
            return
        self.query_one(ThresholdExplorer).display = False
        self.refresh_runs()
        if self.evaluation is not None:
            self.show_evaluation(self.evaluation)
        elif self._eval_note is not None:
            self.query_one("#eval-news", Static).update(self._eval_note)

    def on_resize(self) -> None:
        """The two curves side by side; short ones on a small terminal, so the explorer and both fit."""
        super().on_resize()
        if self._built:
            narrow = self.size.width < WIDE or self.size.height < TALL
            for chart in self.query(CurveChart):
                chart.styles.height = 10 if narrow else 16
            self.query_one(ThresholdExplorer).compact = narrow

    def on_descendant_focus(self, event) -> None:
        """The explorer focused: scroll it to the top, with the curves it moves right under it."""
        explorer = self.query_one(ThresholdExplorer) if self._built else None
        if explorer is not None and event.widget is explorer:
            self.query_one("#eval-scroll", VerticalScroll).scroll_to_widget(explorer, top=True, animate=False)

    # -- which run ----------------------------------------------------------------------------
    def refresh_runs(self) -> None:
        """The step's table of runs, and every finished run with a model in the run picker (the choice kept)."""
        super().refresh_runs()
        if not self._built:
            return
        runs = [r for r in self.lab_app.runs.values() if r.finished and r.model_id]
        select = self.query_one("#eval-run", Select)
        options = [
            (f"{r.run_id} · step {r.spec.step} · {(r.model_category or 'unknown').lower()}", r.run_id) for r in runs
        ]
        current = select.value
        with self.prevent(Select.Changed):
            select.set_options(options)
            if current is not Select.NULL and any(v == current for _l, v in options):
                select.value = current

    @on(Select.Changed, "#eval-run")
    def _picked(self, event: Select.Changed) -> None:
        event.stop()
        self.picked = None if event.value is Select.NULL else str(event.value)
        run = self.lab_app.runs.get(self.picked) if self.picked else self.run
        if run is not None:
            self.evaluate(run)

    def evaluate(self, run: Run) -> None:
        """Evaluate a run in a worker, saying so meanwhile."""
        note = Text(f"Evaluating {run.run_id}…", style="yellow")
        self._eval_note = note
        if self._built:
            self.remove_class("evaluated")
            self.query_one("#eval-news", Static).update(note)
            self.query_one(ThresholdExplorer).display = False
        self._evaluate_worker(run)

    @work(thread=True, exclusive=True, group="evaluate", exit_on_error=False)
    def _evaluate_worker(self, run: Run) -> None:
        self.post_message(Evaluated(self.lab_app.lab.evaluate(run)))

    @on_worker_error("evaluate", "The evaluation")
    def _evaluate_failed(self, _worker: Worker, error: LabError) -> None:
        self._on_evaluated(Evaluated(None, error))

    @on(Evaluated)
    def _on_evaluated(self, message: Evaluated) -> None:
        message.stop()
        if message.error is not None:
            self.evaluation = None
            text = error_text(message.error)
            self._eval_note = text
            if self._built:
                self.remove_class("evaluated")
                self.query_one("#eval-news", Static).update(text)
                self.query_one(ThresholdExplorer).display = False
            return
        assert message.evaluation is not None
        self.show_evaluation(message.evaluation)

    def show_run(self, run: Run) -> None:
        """As any training step, then evaluate the step's own run once it has finished as a binary classifier."""
        super().show_run(run)
        finished = run.finished and run.status in (DONE, CANCELLED) and run.model_id and self.picked is None
        fresh = self.evaluation is None or self.evaluation.run_id != run.run_id
        if finished and run.model_category == "Binomial" and fresh:
            self.evaluate(run)

    # -- drawing ------------------------------------------------------------------------------
    def show_evaluation(self, evaluation: Evaluation, index: int | None = None) -> None:
        """The news, the AUC and AUCPR figures, the threshold explorer and both curves (kept until built)."""
        self.evaluation = evaluation
        if not self._built:
            return
        self.add_class("evaluated")
        source = "the validation frame" if evaluation.scored_on == "validation" else "the training frame"
        news = Text.assemble(
            ("Evaluating ", ""),
            (evaluation.run_id, "bold"),
            f" on {source}: {evaluation.rows} cars, {evaluation.positives} of them '{evaluation.positive}' "
            f"(positive rate {evaluation.positive_rate:.3f}).",
        )
        if evaluation.unlabelled:
            news.append(
                f" {evaluation.unlabelled} more cars of the frame have no answer: left out, as H2O leaves them out.",
                style="dim",
            )
        if evaluation.scored_on == "training":
            news.append(
                "\nThis run has no validation frame, so these are training figures: the model has seen these cars, "
                "and the numbers flatter it.",
                style="yellow",
            )
        self._eval_note = news
        self.query_one("#eval-news", Static).update(news)

        self.query_one("#eval-figures", Static).update(figures_box(evaluation))
        explorer = self.query_one(ThresholdExplorer)
        explorer.display = True
        explorer.show(evaluation, index)
        self._draw_curves(explorer.index)
        self.query_one(EvalTables).show(evaluation, explorer.index)

    @on(ThresholdExplorer.Moved)
    def _moved(self, message: ThresholdExplorer.Moved) -> None:
        message.stop()
        self._draw_curves(message.index)
        if self.evaluation is not None:
            self.query_one(EvalTables).move(self.evaluation, message.index)

    def _draw_curves(self, index: int) -> None:
        evaluation = self.evaluation
        if evaluation is None:
            return
        fpr, tpr = evaluation.column("fpr"), evaluation.column("tpr")
        recall, precision = evaluation.column("recall"), evaluation.column("precision")
        # Anchor the curves at their ends, as the areas are computed.
        roc_x, roc_y = [0.0] + fpr + [1.0], [0.0] + tpr + [1.0]
        pr_points = [(r, p) for r, p in zip(recall, precision) if p == p]
        self.query_one("#roc-chart", CurveChart).draw(
            (
                f"ROC · AUC {evaluation.auc_h2o:.4f} · diagonal: guessing, 0.5",
                f"ROC · AUC {evaluation.auc_h2o:.4f} · diagonal 0.5",
                f"ROC · AUC {evaluation.auc_h2o:.4f}",
            ),
            "false positive rate",
            "true positive rate",
            (roc_x, roc_y, "ROC"),
            ([0.0, 1.0], [0.0, 1.0], "guessing, AUC 0.5"),
            (fpr[index], tpr[index]),
        )
        self.query_one("#pr-chart", CurveChart).draw(
            (
                f"Precision-recall · AUCPR {evaluation.aucpr_h2o:.4f} · baseline {evaluation.positive_rate:.3f}",
                f"PR · AUCPR {evaluation.aucpr_h2o:.4f} · baseline {evaluation.positive_rate:.3f}",
                f"AUCPR {evaluation.aucpr_h2o:.4f}",
            ),
            "recall",
            "precision",
            ([p[0] for p in pr_points], [p[1] for p in pr_points], "precision-recall"),
            ([0.0, 1.0], [evaluation.positive_rate] * 2, f"baseline {evaluation.positive_rate:.3f}"),
            (recall[index], precision[index]),
        )
