"""The main screen: the header, the steps on the left, the current step beside them, the keys below."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Static

from screens.base import StepView
from screens.cluster import ClusterView
from screens.data import DataView
from screens.evaluate import EvalView
from screens.mnist import MnistDataView
from screens.runs import RunsView
from screens.train import TrainView
from tui.lab.steps import PAGES, STEPS, Step
from widgets.header import LabHeader
from widgets.steps import StepList

if TYPE_CHECKING:
    from tui.app import LabApp

VIEW_KINDS = {
    "cluster": ClusterView,
    "data": DataView,
    "mnist-data": MnistDataView,
    "train": TrainView,
    "evaluation": EvalView,
    "runs": RunsView,
}


def make_view(step: Step) -> StepView:
    return VIEW_KINDS[step.kind](step)


class LabScreen(Screen):
    DEFAULT_CSS = """
    LabScreen #body {
        height: 1fr;
    }
    LabScreen #views {
        width: 1fr;
        height: 1fr;
    }
    LabScreen #too-small {
        display: none;
        height: 1fr;
        content-align: center middle;
        text-align: center;
        padding: 1 2;
    }
    LabScreen.too-small #too-small {
        display: block;
    }
    LabScreen.too-small #body {
        display: none;
    }
    """

    MIN_WIDTH = 80
    MIN_HEIGHT = 24

    def __init__(self, steps: list[Step] | None = None) -> None:
        super().__init__()
        self.steps = steps or STEPS + PAGES

    def compose(self) -> ComposeResult:
        yield LabHeader(id="header")
        yield Static(id="too-small")
        with Horizontal(id="body"):
            yield StepList(self.steps, id="steps")
            with ContentSwitcher(id="views", initial=f"view-{self.steps[0].number}"):
                for step in self.steps:
                    yield make_view(step)
        yield Footer()

    def on_resize(self) -> None:
        width, height = self.size
        small = width < self.MIN_WIDTH or height < self.MIN_HEIGHT
        self.set_class(small, "too-small")
        if small:
            self.query_one("#too-small", Static).update(
                f"h2o-lab needs a terminal of at least {self.MIN_WIDTH} columns by {self.MIN_HEIGHT} rows; "
                f"this one is {width} by {height}.\n\nEnlarge the window (or make the font smaller). "
                "Everything keeps running meanwhile; q quits."
            )

    def on_mount(self) -> None:
        # The step views are mounted a little after the screen itself: fill them in after a refresh.
        self.call_after_refresh(cast("LabApp", self.app).lab_screen_mounted)

    def view(self, number: int) -> StepView:
        """The view of the step with this number."""
        return self.query_one(f"#view-{number}", StepView)

    def view_of(self, key: str) -> StepView:
        """The view of the step with this key (``data``, ``advanced``, ``runs``...)."""
        number = next((s.number for s in self.steps if s.key == key), None)
        if number is None:
            raise LookupError(f"no step {key!r}")
        return self.view(number)

    def show_step(self, number: int) -> None:
        """Bring the step's view forward."""
        self.query_one("#views", ContentSwitcher).current = f"view-{number}"
        self.view(number).on_show_step()
