"""The base of every plotext chart: plain colours on an ANSI theme, and one line of words when there is nothing
to draw (plotext would draw empty axes, -1 to 1, which say something untrue)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import RenderResult
from textual_plotext import Plot, PlotextPlot

ANSI_THEMES = ("ansi-dark", "ansi-light", "textual-ansi")


class LabPlot(PlotextPlot):
    """A plotext chart that shows :attr:`empty`, in words, until a subclass draws into :meth:`start`'s figure."""

    EMPTY: ClassVar[str] = "Nothing to draw yet."
    """What the chart says before anything is drawn: each kind of chart says it in its own words."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.empty: str | None = self.EMPTY

    def on_mount(self) -> None:
        """Plain colours on an ANSI theme (the plot's "auto" theme draws its labels black on black there)."""
        # PlotextPlot.on_mount runs on its own, and so does each subclass's: none calls another's.
        if self.app.theme in ANSI_THEMES:
            self.theme = "clear"

    def start(self) -> Plot:
        """A cleared figure to draw into: the words give way to the plot."""
        self.empty = None
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        return plt

    def say(self, words: str) -> None:
        """Nothing to draw: show ``words`` instead of axes."""
        self.start()
        self.empty = words
        self.refresh()

    def render(self) -> RenderResult:
        """The words, when there is nothing to draw; else the plot."""
        if self.empty is not None:
            # A space in from the left, as the plot's own labels are.
            return Text(f" {self.empty}")
        return super().render()
