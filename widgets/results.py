"""A training step's Results tab: a finished run's metrics, confusion matrix, hit ratios, folds and layers."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Static

from tui.lab import fmt
from tui.lab.carry import mini_batch_note
from tui.lab.inside import used_values
from tui.lab.mnist import confusion_totals
from tui.lab.training import Run
from widgets.paged_table import Cell, PagedTable
from widgets.run_texts import status_text
from widgets.step_runs import step_runs_table

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


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return fmt.number(value)
    return str(value)


HITS_CAPTION = "Top-k hit ratios: how often the true digit is among the k likeliest"


def confusion_caption(run: Run) -> str:
    """What the confusion matrix's rows and columns are, for the run's kind of problem."""
    if run.spec.dataset == "mnist":
        return "Confusion matrix (rows: the true digit, columns: the prediction)"
    if str(run.model_category).lower() == "binomial":
        return (
            "Confusion matrix at the threshold of the highest F1 (rows: the true class, 1 = more than 20 mpg; "
            "columns: the prediction)"
        )
    return "Confusion matrix (rows: the true class, columns: the prediction)"


class ResultsPanel(VerticalScroll):
    """The Results tab's contents; the parts for classifiers and for cross-validation show when a run has them."""

    DEFAULT_CSS = """
    ResultsPanel DataTable {
        height: auto;
        max-height: 12;
        margin: 0 1 1 1;
    }
    ResultsPanel #continue-why {
        height: auto;
        color: $text-muted;
    }
    ResultsPanel .caption {
        height: auto;
        padding: 0 1;
        text-style: bold;
    }
    ResultsPanel #results-status {
        height: auto;
        padding: 0 1;
    }
    ResultsPanel #results-used {
        height: auto;
        padding: 0 1 1 1;
    }
    ResultsPanel #results-step-runs {
        height: auto;
        padding: 0 1 1 1;
    }
    ResultsPanel #results-note {
        height: auto;
        padding: 0 1 1 1;
        color: $text-muted;
    }
    ResultsPanel .buttons {
        height: auto;
        padding: 0 1;
        margin-top: 1;
    }
    ResultsPanel .buttons Button {
        margin-right: 2;
    }
    """

    def compose(self) -> ComposeResult:
        """Every table, empty until a run finishes."""
        yield Static("No finished run yet.", id="results-status")
        yield Static("Metrics", classes="caption")
        yield PagedTable(id="results-metrics", cursor_type="row", zebra_stripes=True)
        yield Static("Confusion matrix", id="confusion-caption", classes="caption class-only")
        yield DataTable(id="results-confusion", classes="class-only", cursor_type="cell", zebra_stripes=False)
        yield Static(HITS_CAPTION, id="hits-caption", classes="caption class-only hits")
        yield DataTable(id="results-hits", classes="class-only hits", cursor_type="row", zebra_stripes=True)
        yield Static("Cross-validation, fold by fold", classes="caption cv-only")
        yield PagedTable(id="results-cv", classes="cv-only", cursor_type="row", zebra_stripes=True)
        yield Static("Status of Neuron Layers", classes="caption")
        yield PagedTable(id="results-layers", cursor_type="row", zebra_stripes=True)
        yield Static(id="results-note")
        yield Static("Values H2O trained with, where they differ from the form", classes="caption used-only")
        yield Static(id="results-used", classes="used-only")
        with Horizontal(classes="buttons"):
            continue_button = Button("Continue this run (k)", id="continue", compact=True, disabled=True)
            continue_button.display = False  # until a run that H2O can continue is shown
            yield continue_button
        yield Static(id="continue-why")
        yield Static("Your runs of this step", classes="caption")
        yield Static(id="results-step-runs")

    def show_step_runs(self, runs: list, current: str | None) -> None:
        """The step's finished runs side by side (step 11's table of accuracies)."""
        self.query_one("#results-step-runs", Static).update(step_runs_table(runs, current))

    def show_parts(self, *, classifier: bool | None = None, folds: bool | None = None) -> None:
        """Show or hide the tables of classifiers (confusion, hit ratios) and of cross-validation."""
        for selector, shown in ((".class-only", classifier), (".cv-only", folds)):
            if shown is not None:
                for widget in self.query(selector):
                    widget.display = shown

    def show(self, run: Run, refusal: str | None = None) -> None:
        """Fill every table from a finished run; ``refusal`` says why it cannot be continued (None: it can)."""
        columns = [w for w in ("training", "validation", "cross_validation") if run.metrics.get(w)]
        status = status_text(run)
        if not columns:
            status.append(
                "\nH2O had scored nothing when the job stopped: no metrics, and no table of the layers "
                "(H2O writes it when a job ends).",
                style="italic",
            )
        self.query_one("#results-status", Static).update(status)
        self.query_one("#results-metrics", PagedTable).set_data(
            ["metric", *[c.replace("_", "-") for c in columns]],
            [
                [label, *[_cell(run.metrics[c].get(key)) for c in columns]]
                for key, label in METRIC_ROWS
                if any(key in run.metrics[c] for c in columns)
            ],
        )

        self.show_parts(classifier=run.confusion is not None)
        if run.confusion is not None:
            self._show_confusion(run)

        show_cv = run.cv_summary is not None and bool(run.cv_summary.rows)
        self.show_parts(folds=show_cv)
        if show_cv:
            self._show_folds(run)
        self._show_layers(run)
        self._show_used(run)
        button = self.query_one("#continue", Button)
        button.display = refusal is None  # offered only where H2O can do it
        self.query_one("#continue-why", Static).update(refusal or "")
        button.disabled = refusal is not None

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
        self.query_one("#confusion-caption", Static).update(confusion_caption(run))
        hits = self.query_one("#results-hits", DataTable)
        hits.clear(columns=True)
        has_hits = run.hit_ratios is not None and bool(run.hit_ratios.rows)
        for widget in self.query(".hits"):
            widget.display = has_hits  # H2O gives hit ratios for more than two classes only
        if run.hit_ratios is not None and has_hits:
            hits.add_columns("k", "hit ratio")
            for row in run.hit_ratios.rows[:5]:
                hits.add_row(str(row[0]), _cell(row[1]))

    def _show_folds(self, run: Run) -> None:
        assert run.cv_summary is not None
        names = [c.replace("cv_", "fold ").replace("_valid", "") for c in run.cv_summary.columns[1:]]
        self.query_one("#results-cv", PagedTable).set_data(
            ["metric", *names],
            [[str(row[0]), *[_cell(v) for v in row[1:]]] for row in run.cv_summary.rows if str(row[0]) in CV_ROWS],
        )

    def _show_used(self, run: Run) -> None:
        used = used_values(run)
        for widget in self.query(".used-only"):
            widget.display = bool(used)
        text = Text()
        auto = [u for u in used if u.left_to_h2o]
        if auto:
            text.append("Left to H2O (AUTO), it chose: ", style="dim")
            text.append(", ".join(f"{u.name} {u.used}" for u in auto))
        for item in used:
            if item.left_to_h2o:
                continue
            if text:
                text.append("\n")
            text.append(item.name, style="bold")
            text.append(f": {item.asked} → {item.used}")
            text.append(f" · {item.why}", style="dim")
        self.query_one("#results-used", Static).update(text)

    def _show_layers(self, run: Run) -> None:
        columns: list[str] = []
        rows: list[list[Cell]] = []
        if run.layers is not None:
            present = [(key, label) for key, label in LAYER_COLUMNS if key in run.layers.columns]
            columns = [label for _key, label in present]
            for row in run.layers.rows:
                cells = dict(zip(run.layers.columns, row))
                if isinstance(cells.get("dropout"), (int, float)):
                    cells["dropout"] = f"{cells['dropout']:g}%"  # H2O gives it in percent
                for key in ("l1", "l2"):  # as typed in the form (1e-05), so they fit beside the layer's kind
                    if isinstance(cells.get(key), (int, float)):
                        cells[key] = f"{cells[key]:g}"
                rows.append([_cell(cells.get(key)) for key, _label in present])
        self.query_one("#results-layers", PagedTable).set_data(columns, rows)
        note = Text()
        if run.layers_note:
            note.append("H2O: " + run.layers_note)
        batch_note = mini_batch_note(run)
        if batch_note is not None:  # the step that teaches it says it out loud; later ones recall it
            text, stressed = batch_note
            note.append("\n" + text, style="yellow" if stressed else "dim")
        self.query_one("#results-note", Static).update(note)
