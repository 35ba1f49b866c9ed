"""The live scoring-history chart (plotext): a metric of training and validation against epochs."""

from __future__ import annotations

import math
import time

from tui.lab.training import CHART_METRICS, ScoringHistory
from widgets.plot import ANSI_THEMES, LabPlot
from widgets.scale import cap, clip, off_note
from widgets.ticks import nice_ticks

MAX_POINTS = 400  # drawing cost grows with points; longer series are thinned
# One mark per curve, all different, so that curves drawn side by side read without colour: as many as the
# largest sweep has models (24).
MARKS = (
    "braille", "x", "+", "o", "*", "#", "@", "%", "&", "$", "=", "~", "^",
    "a", "b", "c", "d", "e", "f", "g", "h", "k", "m", "n", "s", "u", "v", "w", "z",
)  # fmt: skip
# The colours plotext gives curves one after another (terminal colours: bright blue, green, red, cyan, magenta,
# yellow, then the plain ones), as numbers the key can use too; an ANSI theme draws every curve in the terminal's
# own foreground, and the marks alone tell them apart.
PALETTE = (12, 10, 9, 14, 13, 11, 4, 2, 1, 6, 5, 3)
Look = tuple[str, int | None]


def thin(xs: list[float], ys: list[float], limit: int = MAX_POINTS) -> tuple[list[float], list[float]]:
    """Keep at most ``limit`` points, always keeping the last one."""
    if len(xs) <= limit:
        return xs, ys
    step = math.ceil(len(xs) / limit)
    keep = list(range(0, len(xs), step))
    if keep[-1] != len(xs) - 1:
        keep.append(len(xs) - 1)
    return [xs[i] for i in keep], [ys[i] for i in keep]


def fit(width: int, *titles: str) -> str:
    """The first title that fits: plotext leaves out a title wider than the plot, key and all.

    It centres the title on the canvas, right of the y tick labels, so both halves must fit beside
    that centre: about the width less twice the labels' room (up to 8 columns).
    """
    room = max(0, width - 16)
    for title in titles:
        if len(title) <= room:
            return title
    return titles[-1] if titles else ""  # plotext may still find room; a cut number would mislead


def mark_text(marker: str) -> str:
    """A curve's mark as a key shows it: two of the characters its line is drawn with."""
    return "⢕⢕" if marker == "braille" else marker * 2


class ScoringChart(LabPlot):
    """Draws one metric of a scoring history; call :meth:`show` with each new history."""

    EMPTY = "No scores yet: start training to see the learning curve."

    DEFAULT_CSS = """
    ScoringChart {
        height: 1fr;
        min-height: 8;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None, min_interval: float = 0.2) -> None:
        super().__init__(id=id, classes=classes)
        self.caption = self.EMPTY
        self.metric = "mse"
        self.history = ScoringHistory()
        self.min_interval = min_interval
        self._series: list[tuple[str, list[float], list[float]]] = []
        self._series_title = ""
        self._series_short = ""
        self._series_keyed = True
        self._series_empty = ""
        self._drawn_at = 0.0
        self._pending = False
        self.points = 0

    def on_mount(self) -> None:
        """The first drawing (LabPlot.on_mount, run before this, chose the colours)."""
        self._draw()

    def on_resize(self) -> None:
        """Redraw at the new width, with the longest title that fits."""
        self._draw()  # the title that fits depends on the width

    def looks(self, count: int) -> list[Look]:
        """The mark and the colour (none on an ANSI theme) :meth:`compare` draws each of ``count`` curves with."""
        plain = self.theme == "clear" or self.app.theme in ANSI_THEMES
        return [(MARKS[i % len(MARKS)], None if plain else PALETTE[i % len(PALETTE)]) for i in range(count)]

    def show(self, history: ScoringHistory, metric: str | None = None, force: bool = False) -> None:
        """Draw a new scoring history (and metric), at most once every ``min_interval`` seconds unless forced."""
        if not force and history == self.history and (not metric or metric == self.metric):
            return  # nothing new since the last look at the job
        self.history = history
        if metric:
            self.metric = metric
        now = time.monotonic()
        if force or now - self._drawn_at >= self.min_interval:
            self._draw()
        elif not self._pending:
            self._pending = True
            self.set_timer(self.min_interval, self._draw_pending)

    def clear(self, caption: str | None = None) -> None:
        """Forget the history (and the curves compared) and show an empty chart with a caption (the last one if
        none is given)."""
        self.history = ScoringHistory()
        self._series = []
        if caption:
            self.caption = caption
        self._draw()

    def _draw_pending(self) -> None:
        self._pending = False
        self._draw()

    def compare(
        self,
        title: str,
        series: list[tuple[str, list[float], list[float]]],
        short: str = "",
        keyed: bool = True,
        empty: str = "No scores yet: none of these runs has scored.",
    ) -> None:
        """Draw several named curves at once (runs side by side); ``short``: the title where the whole one does not
        fit beside the key (the metric's name, which a narrow chart must still give). ``keyed``: the title ends
        with which mark is which curve (not when a key beside the chart says it). ``empty``: what the chart says
        when no curve has a point yet. One run that blew up is drawn clipped at the others' top (widgets/scale.py),
        and the title names it."""
        self._series = series
        self._series_title = title
        self._series_short = short
        self._series_keyed = keyed
        self._series_empty = empty
        self._draw()

    def _draw(self) -> None:
        self._drawn_at = time.monotonic()
        if getattr(self, "_series", None):
            self._draw_series()
            return
        label = CHART_METRICS.get(self.metric, self.metric)
        ex, ey = self.history.series(self.metric, "training")
        vx, vy = self.history.series(self.metric, "validation")
        self.points = len(ex)
        if not ex:
            self.say(self.caption)
            return
        plt = self.start()
        ex, ey = thin(ex, ey)
        # The key is in the title: a legend inside a small plot sits on the curves. Validation is drawn
        # as its scores alone (a line of x would cover the training curve), on top of the training line.
        plt.plot(ex, ey, marker="braille")
        key = "dots: training"
        if vx:
            vx, vy = thin(vx, vy)
            plt.scatter(vx, vy, marker="x")
            key += ", x: validation"
        kept = self.history.kept_row()
        if kept is not None:  # H2O handed back an earlier model than the last: mark it
            epoch = self.history.column("epochs")[kept]
            for which in ("validation", "training") if vx else ("training",):
                xs, ys = self.history.series(self.metric, which)
                if epoch in xs:
                    plt.scatter([epoch], [ys[xs.index(epoch)]], marker="◆")
                    key += ", ◆: kept"
                    break
        plural = "s" if self.points != 1 else ""
        scores = f"{self.points} score{plural}"
        short_key = key.replace("training", "train").replace("validation", "valid")
        plt.title(
            fit(
                self.size.width,
                f"{label} by epoch · {scores} · {key}",
                f"{label} · {scores} · {key}",
                f"{label} · {key}",
                f"{label} · {short_key}",
                short_key,
            )
        )
        plt.xlabel("epochs")
        self._round_ticks(ex + vx, ey + vy)
        self.refresh()

    def _round_ticks(self, xs: list[float], ys: list[float]) -> None:
        """Ticks at round values (2, 4, 6 epochs; 0.20, 0.22), as many as the plot has room for."""
        values = [(x, y) for x, y in zip(xs, ys) if math.isfinite(x) and math.isfinite(y)]
        if not values:
            return
        columns = self.size.width - 8  # less the y labels
        rows = self.size.height - 5  # less the title, the frame, the x labels and the axis name
        ticks, labels = nice_ticks(min(v[0] for v in values), max(v[0] for v in values), max(2, min(8, columns // 10)))
        if ticks:
            self.plt.xticks(ticks, labels)
        ticks, labels = nice_ticks(min(v[1] for v in values), max(v[1] for v in values), max(2, min(6, rows // 2 + 1)))
        if ticks:
            self.plt.yticks(ticks, labels)

    def _draw_series(self) -> None:
        if not any(xs for _, xs, _ in self._series):
            self.say(self._series_empty)
            return
        plt = self.start()
        names = {"braille": "dots"}
        drawn = []
        every_x: list[float] = []
        every_y: list[float] = []
        top, off = cap([(name.split()[0], ys) for name, xs, ys in self._series if xs])
        for (name, xs, ys), (marker, colour) in zip(self._series, self.looks(len(self._series))):
            if xs:
                xs, ys = thin(xs, ys)
                if top is not None:
                    ys = clip(ys, top)
                plt.plot(xs, ys, marker=marker, color=colour)
                drawn.append(f"{names.get(marker, marker)}: {name.split()[0]}")
                every_x += xs
                every_y += ys
        key = ", ".join(drawn) if self._series_keyed else ""
        title, short = self._series_title, self._series_short
        # The longest that fits, the metric's name before the key: a chart that does not say what it shows misleads.
        if key:
            choices = [f"{title} · {key}", f"{short} · {key}" if short else "", title, short]
        else:
            choices = [title, short]
        if off:
            # A capped axis is always said, in every title that may be chosen: the clipped curves are not what
            # they seem.
            note = off_note(off)
            choices = [f"{c} · {note}" for c in choices if c] + [note]
        plt.title(fit(self.size.width, *(c for c in choices if c)))
        plt.xlabel("epochs")
        self._round_ticks(every_x, every_y)
        self.refresh()


class CountsChart(LabPlot):
    """A bar chart of counts by label (digits per class)."""

    EMPTY = "No digits loaded yet."

    DEFAULT_CSS = """
    CountsChart {
        height: 12;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.labels: list[str] = []
        self.counts: list[int] = []
        self.title = ""

    def on_mount(self) -> None:
        """The first drawing (LabPlot.on_mount, run before this, chose the colours)."""
        self._draw()

    def on_resize(self) -> None:
        """Redraw at the new width, with the longest title that fits."""
        self._draw()

    def show(self, labels: list[str], counts: list[int], title: str) -> None:
        """Draw these counts by label, under this title."""
        self.labels, self.counts, self.title = list(labels), list(counts), title
        self._draw()

    def _draw(self) -> None:
        if not self.counts:
            self.say(self.EMPTY)
            return
        plt = self.start()
        plt.bar(self.labels, self.counts, marker="sd", width=0.5)  # gaps: one bar per label, not one block
        plt.title(fit(self.size.width, self.title, self.title.split(" (")[0]))
        top = max(self.counts)
        ticks = [float(round(top * i / 4)) for i in range(5)]
        plt.yticks(ticks, [f"{t:,.0f}" for t in ticks])
        self.refresh()
