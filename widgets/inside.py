"""A training step's Inside tab: what a finished model leans on, and its weights.

For the cars, the five predictors ranked by H2O's variable importance, as bars; for MNIST, the 28x28
pixels' importances drawn as a digit is drawn, with the most important ones named by row and column.
For a run that kept its weights (export_weights_and_biases), each layer's weights: a histogram, the share
within 0.001 of zero and their size, beside the latest run of the same network with another penalty.
"""

from __future__ import annotations

from rich.table import Table as RichTable
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from tui.lab.errors import LabError
from tui.lab.inside import (
    Importance,
    dropout_verdict,
    fit_gap,
    has_dropout,
    importances,
    pixel_map,
    pixel_position,
    teaches_activation,
    teaches_dropout,
    without_dropout,
)
from tui.lab.mnist import SIDE
from tui.lab.training import CANCELLED, Run
from tui.lab.weights import NEAR_ZERO, LayerWeights, comparison, exported, penalty
from widgets.activations import activation_pictures
from widgets.digits import render_digit, terminal_has_greys
from widgets.predictions import PredictionsPanel
from widgets.run_texts import status_text

IMPORTANCE_LESSON = (
    "H2O rates each input by the weights that lead from it into the network (Gedeon's method): the "
    "stronger those connections, the more the prediction moves with that input. The top input scores 1."
)
PIXEL_LESSON = (
    "Below, each pixel is as bright as its rank: the top-rated pixel white, the lowest black, and black too "
    "where the training digits never change (H2O leaves those pixels out)."
)
NO_GREYS_SHARE = 0.25  # without greys, the top quarter of the pixels is drawn
WEIGHTS_LESSON = (
    f"L1 pushes weights to zero; L2 makes them all smaller. Each bar chart spreads a layer's weights from "
    f"its most negative (left) to its most positive (right); 'zero' counts the weights within {NEAR_ZERO:g} of it."
)
ACTIVATION_LESSON = (
    "Each unit adds up its weighted inputs and passes the sum through its activation; without that bend, any "
    "number of layers would add up to one straight-line model. This run's activation is marked:"
)
GAP_LESSON = (
    "A network that memorises its training rows does much better on them than on rows it has not seen. Dropout "
    "switches units off at random while it trains, so no unit can lean on another: the gap between the two errors "
    "should narrow. Here, against your latest run of the same network without dropout:"
)
NOT_KEPT = (
    "This run did not keep its weights. Turn export_weights_and_biases on in the form (step 8 sets it) "
    "and train again to see them here."
)
SPARKS = " ▁▂▃▄▅▆▇█"
TOP_PIXELS = 5
NAME_WIDTH = 13


def importance_bars(found: list[Importance], width: int) -> Text:
    """One line per input: its name, a bar as long as its scaled importance, the value and its share."""
    text = Text()
    bar_room = max(8, min(40, width - NAME_WIDTH - 14))
    for index, item in enumerate(found):
        if index:
            text.append("\n")
        cells = round(item.scaled * bar_room)
        text.append(f"{item.name[: NAME_WIDTH - 1]:<{NAME_WIDTH}}", style="bold" if index == 0 else "")
        text.append("█" * cells, style="cyan")
        text.append(" " * (bar_room - cells))
        text.append(f" {item.scaled:.3f} {item.share:4.0%}", style="dim")
    return text


def pixel_text(found: list[Importance]) -> Text:
    """The most important pixels by row and column, and how many pixels H2O scored."""
    text = Text("Most important pixels\n", style="bold")
    shown = 0
    for item in found:
        where = pixel_position(item.name)
        if where is None:
            continue
        shown += 1
        row, column = where
        text.append(f"{shown}. row {row}, column {column}", style="bold" if shown == 1 else "")
        text.append(f"  {item.scaled:.3f}\n", style="dim")
        if shown == TOP_PIXELS:
            break
    left_out = SIDE * SIDE - len(found)
    text.append(f"\n{len(found)} pixels rated; {left_out} never change in the training digits.", style="dim")
    return text


def sparkline(counts: list[int]) -> str:
    """A histogram as one line of block characters (an empty bin is a space)."""
    top = max(counts, default=0) or 1
    return "".join(SPARKS[0] if c == 0 else SPARKS[max(1, round(c / top * (len(SPARKS) - 1)))] for c in counts)


def weights_text(run: Run, layers: list[LayerWeights], other: Run | None) -> Text:
    """Each layer: its shape, its histogram, the share near zero and the weights' size; then the comparison."""
    text = Text(f"{run.run_id} ({penalty(run)})", style="bold")
    others = [LayerWeights.from_dict(d) for d in other.weights] if other is not None else []
    for layer in layers:
        text.append(f"\nlayer {layer.layer}: {layer.inputs} → {layer.units}, {layer.count:,} weights\n")
        text.append(sparkline(layer.histogram), style="cyan")
        text.append(f"  zero {layer.near_zero:.1%} · RMS {layer.rms:.3f}", style="bold")
        match = next((o for o in others if o.layer == layer.layer), None)
        if match is not None:
            text.append(f"\n{sparkline(match.histogram)}", style="dim")
            text.append(f"  zero {match.near_zero:.1%} · RMS {match.rms:.3f}", style="dim")
    if other is not None:
        text.append(f"\n\nDim lines: {other.run_id} ({penalty(other)}), the same network.", style="dim")
    return text


def missing_reason(run: Run) -> str:
    """Why a finished run has no importances to show."""
    if run.spec.params.get("variable_importances") is False:
        return "variable_importances was off for this run: H2O did not compute them."
    if run.status == CANCELLED:
        return "The job was stopped before H2O wrote the model's importances."
    if not run.model_id or run.importances is None:
        return "H2O gave no variable importances for this run (runs recorded before the lab read them have none)."
    return ""


class InsidePanel(VerticalScroll):
    """The Inside tab's contents, empty until a run finishes."""

    DEFAULT_CSS = """
    InsidePanel .caption {
        height: auto;
        padding: 0 1;
        margin-top: 1;
        text-style: bold;
    }
    InsidePanel .lesson {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    InsidePanel #inside-status, InsidePanel #importance-bars, InsidePanel #weights-text, InsidePanel #gap-text,
    InsidePanel #activation-curves {
        height: auto;
        padding: 0 1;
    }
    InsidePanel #pixels {
        height: auto;
        padding: 1 1 0 1;
    }
    InsidePanel #pixel-picture {
        width: 28;
        height: 14;
    }
    InsidePanel #pixel-text {
        width: 1fr;
        height: auto;
        padding-left: 2;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="inside")
        self.run: Run | None = None
        self._weights: tuple[str, Text] | None = None  # (run id, what to show) once known
        self._gap: RichTable | None = None  # dropout's comparison, for a run with dropout
        self._opened = False  # the tab has been in front: the predictions are read from then on
        # The parts are made here and held, never looked up: the panel may be taken away while they mount.
        self.status = Static("No finished run yet: train one (t), then look inside its model here.", id="inside-status")
        self.lesson = Static(IMPORTANCE_LESSON, id="importance-lesson", classes="lesson")
        self.bars = Static(id="importance-bars")
        self.pixels = Horizontal(id="pixels")
        self.pixel_picture = Static(id="pixel-picture")
        self.pixel_text = Static(id="pixel-text")
        self.activation_curves = Static(id="activation-curves", classes="activation-only")
        self.gap_text = Static(id="gap-text", classes="gap-only")
        self.weights_text = Static(id="weights-text", classes="weights-only")
        self.answers = PredictionsPanel()

    def compose(self) -> ComposeResult:
        """The run's status, then the importances: bars (cars) or a picture of the pixels (MNIST)."""
        yield self.status
        yield Static("Which inputs the network leans on", classes="caption")
        yield self.lesson
        yield self.bars
        with self.pixels:
            yield self.pixel_picture
            yield self.pixel_text
        yield Static("The activation of its units", classes="caption activation-only")
        yield Static(ACTIVATION_LESSON, classes="lesson activation-only")
        yield self.activation_curves
        yield Static("Dropout and the gap between training and validation", classes="caption gap-only")
        yield Static(GAP_LESSON, classes="lesson gap-only")
        yield self.gap_text
        yield Static("The weights, layer by layer", classes="caption weights-only")
        yield Static(WEIGHTS_LESSON, classes="lesson weights-only")
        yield self.weights_text
        yield Static("Its answers, row by row", classes="caption answers-only")
        yield self.answers

    def on_mount(self) -> None:
        """Nothing to show until a run has finished."""
        self._draw()

    def on_resize(self) -> None:
        """The bars take the width there is."""
        if self.run is not None:
            self._draw()

    def show(self, run: Run, lab=None) -> None:
        """Show a finished run's importances, and (with ``lab``) read its weights in a thread."""
        self.run = run
        if self._weights is not None and self._weights[0] != run.run_id:
            self._weights = None
        if lab is not None:
            self._gap = self._gap_table(run, lab.run_table())
            self.answers.show(run, lab, self._opened)
        if lab is not None and self._weights is None:
            if exported(run) and run.model_id:
                self._weights = (run.run_id, Text("Reading the weights from H2O…", style="italic"))
                self._weights_worker(run, lab)
            else:
                self._weights = (run.run_id, Text(NOT_KEPT, style="italic"))
        if self.is_mounted:
            self._draw()

    def opened(self) -> None:
        """The Inside tab came to the front: read the predictions of the run shown (once)."""
        self._opened = True
        self.answers.load()

    @work(thread=True, exclusive=True, group="weights", exit_on_error=False)
    def _weights_worker(self, run: Run, lab) -> None:
        try:
            layers = lab.weights(run)
            text = weights_text(run, layers, comparison(run, [*lab.past_runs, *lab.runs]))
        except LabError as exc:
            text = Text(exc.message, style="red")
        self.app.call_from_thread(self._got_weights, run.run_id, text)

    def _got_weights(self, run_id: str, text: Text) -> None:
        if self.run is not None and self.run.run_id == run_id:
            self._weights = (run_id, text)
            if self.is_mounted:
                self._draw()

    @property
    def weights_shown(self) -> str:
        """What the weights section says (plain text), for the tests and the reader."""
        return self._weights[1].plain if self._weights is not None else ""

    @staticmethod
    def _gap_table(run: Run, runs: list) -> RichTable | None:
        """Dropout's section: this run's training-validation gap against the same network's without dropout."""
        this = fit_gap(run)
        if not has_dropout(run.spec.params) or not teaches_dropout(run) or this is None:
            return None
        base_run = without_dropout(run, runs)
        base = fit_gap(base_run) if base_run is not None else None
        table = RichTable(box=None, padding=(0, 1), header_style="bold")
        for header in ("run", "dropout", "train MSE", "valid MSE", "gap"):
            table.add_column(header, justify="left" if header in ("run", "dropout") else "right", no_wrap=True)
        for gap, dropout in ((this, "yes"), (base, "no")):
            if gap is not None:
                table.add_row(gap.run_id, dropout, f"{gap.train:.4f}", f"{gap.valid:.4f}", f"{gap.gap:+.4f}")
        box = RichTable.grid()
        box.add_column()
        box.add_row(table)
        box.add_row(Text(dropout_verdict(this, base, run.spec.dataset), style="italic"))
        return box

    def _draw(self) -> None:
        run = self.run
        found = importances(run) if run is not None else []
        picture = bool(found) and run is not None and run.spec.dataset == "mnist"
        status = self.status
        if run is None:
            status.display = True
        else:
            text = status_text(run)
            reason = missing_reason(run) if not found else ""
            if reason:
                text.append("\n" + reason, style="italic")
            status.update(text)
        for selector in (".caption", "#importance-lesson"):
            for widget in self.query(selector):
                widget.display = bool(found)
        bars = self.bars
        bars.display = bool(found) and not picture
        self.pixels.display = picture
        if picture:
            self.lesson.update(f"{IMPORTANCE_LESSON} {PIXEL_LESSON}")
            greys = terminal_has_greys(self)
            pixels = pixel_map(found)
            if not greys:
                pixels = [255 if p >= 255 * (1 - NO_GREYS_SHARE) else 0 for p in pixels]
            self.pixel_picture.update(render_digit(pixels, greys))
            self.pixel_text.update(pixel_text(found))
        elif found:
            self.lesson.update(IMPORTANCE_LESSON)
            bars.update(importance_bars(found, self.size.width or 60))
        for widget in self.query(".answers-only"):
            widget.display = run is not None
        self.answers.display = run is not None
        shows_activation = run is not None and teaches_activation(run)
        for widget in self.query(".activation-only"):
            widget.display = shows_activation
        if shows_activation and run is not None:
            chosen = run.spec.params.get("activation") or "Rectifier"  # H2O's default
            self.activation_curves.update(activation_pictures(str(chosen)))
        for widget in self.query(".gap-only"):
            widget.display = self._gap is not None and run is not None
        if self._gap is not None:
            self.gap_text.update(self._gap)
        for widget in self.query(".weights-only"):
            widget.display = self._weights is not None
        if self._weights is not None:
            self.weights_text.update(self._weights[1])
