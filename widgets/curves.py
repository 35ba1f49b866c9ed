"""ROC and precision-recall curves (plotext), with their baselines and the current threshold's point."""

from __future__ import annotations

from widgets.chart import fit
from widgets.plot import LabPlot

Series = tuple[list[float], list[float], str]


NARROW = 45  # a chart narrower than this gets short axis names (the legend under the charts spells them out)
SHORT = {"false positive rate": "FPR", "true positive rate": "TPR"}


class CurveChart(LabPlot):
    EMPTY = "No evaluation yet: the curve comes once the model is evaluated."

    DEFAULT_CSS = """
    CurveChart {
        height: 16;
        min-height: 10;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._args: tuple | None = None

    def on_mount(self) -> None:
        """The curves given before mounting (LabPlot.on_mount, run before this, chose the colours)."""
        if self._args:
            self.draw(*self._args)

    def on_resize(self) -> None:
        """Redraw the curves at the new width, with the longest title that fits."""
        if self._args:
            self.draw(*self._args)  # the title that fits depends on the width

    def draw(
        self,
        title: str | tuple[str, ...],
        xlabel: str,
        ylabel: str,
        curve: Series,
        baseline: Series,
        point: tuple[float, float],
    ) -> None:
        """Draw a curve, its baseline and the threshold's point on unit axes, under the first title that fits."""
        self._args = (title, xlabel, ylabel, curve, baseline, point)
        plt = self.start()
        # No legend: in a small plot it would sit on the curve. The caption under the charts names the lines.
        plt.plot(baseline[0], baseline[1], marker="dot")
        plt.plot(curve[0], curve[1], marker="braille")
        x, y = point
        if x == x and y == y:  # not NaN
            plt.scatter([x], [y], marker="●")
        plt.xlim(0, 1)
        plt.ylim(0, 1)
        plt.title(fit(self.size.width, *((title,) if isinstance(title, str) else title)))
        if self.size.width < NARROW:  # every tick would not fit: three
            plt.xticks([0.0, 0.5, 1.0], ["0", "0.5", "1"])
        # Both axes named on one line under the plot (plotext drops the x name when the y name is long).
        names = f"x: {xlabel} · y: {ylabel}"
        if len(names) > self.size.width - 8:
            names = f"x {SHORT.get(xlabel, xlabel)}, y {SHORT.get(ylabel, ylabel)}"
        plt.xlabel(names)
        self.refresh()
