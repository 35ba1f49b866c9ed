"""The main screen: the header, the steps on the left, the current step beside them, the keys below."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from textual import events
from textual.actions import parse as parse_action
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import ContentSwitcher

from screens.base import StepView
from screens.small_window import FitsWindow
from tui.lab.steps import PAGES, STEPS, Step
from widgets.footer import LabFooter
from widgets.header import LabHeader
from widgets.steps import StepList

if TYPE_CHECKING:
    from tui.app import LabApp

# Each kind of step and the class of its view, imported when a step of that kind is first shown: the
# first screen draws step 1 only and does not wait for the others' modules (charts, tables, numpy...).
VIEW_KINDS = {
    "cluster": ("screens.cluster", "ClusterView"),
    "data": ("screens.data", "DataView"),
    "mnist-data": ("screens.mnist", "MnistDataView"),
    "train": ("screens.train", "TrainView"),
    "evaluation": ("screens.evaluate", "EvalView"),
    "runs": ("screens.runs", "RunsView"),
    "quiz": ("screens.quiz", "QuizView"),
}


def view_class(kind: str) -> type[StepView]:
    """The class of the views of a kind of step (its module is imported on first use)."""
    module, name = VIEW_KINDS[kind]
    return cast("type[StepView]", getattr(importlib.import_module(module), name))


def step_action_of(bindings: Iterable[BindingType], key: str) -> str | None:
    """The step action a key is bound to (``in_view('continue')`` gives continue), or None."""
    for binding in Binding.make_bindings(bindings):
        if binding.key == key:
            _namespace, name, params = parse_action(binding.action)
            if name == "in_view" and params:
                return str(params[0])
    return None


def make_view(step: Step) -> StepView:
    """A new view for a step."""
    return view_class(step.kind)(step)


class LabScreen(FitsWindow, Screen):
    DEFAULT_CSS = """
    LabScreen #body {
        height: 1fr;
    }
    LabScreen #views {
        width: 1fr;
        height: 1fr;
    }
    """

    def __init__(self, steps: list[Step] | None = None) -> None:
        super().__init__()
        self.steps = steps or STEPS + PAGES

    def compose(self) -> ComposeResult:
        """The header, the step list with step 1's view beside it, and the footer."""
        yield LabHeader(id="header")
        with Horizontal(id="body"):
            yield StepList(self.steps, id="steps")
            with ContentSwitcher(id="views", initial=f"view-{self.steps[0].number}"):
                yield make_view(self.steps[0])  # the others are made on their first visit
        yield LabFooter()

    def on_key(self, event: events.Key) -> None:
        """A step key that does not apply now says why (it reaches here when no field took it as typing)."""
        if event.key in self.active_bindings:
            return  # the key acts now (or another binding takes it)
        action = step_action_of(type(self.app).BINDINGS, event.key)
        view = cast("LabApp", self.app).current_view()
        if action is None or view is None or not view.is_mounted or action not in view.STEP_ACTIONS:
            return
        if not view.check_step_action(action):
            reason = view.why_not(action)
            if reason:
                self.notify(reason, severity="warning", timeout=8)

    def on_mount(self) -> None:
        """Tell the App the screen is mounted, once step 1's view is there too."""
        # The step views are mounted a little after the screen itself: fill them in after a refresh.
        self.call_after_refresh(cast("LabApp", self.app).lab_screen_mounted)

    def view(self, number: int) -> StepView:
        """The view of the step with this number (raises NoMatches until the step has been visited)."""
        return self.query_one(f"#view-{number}", StepView)

    def views(self) -> list[StepView]:
        """The views made so far."""
        return list(self.query_one("#views", ContentSwitcher).query_children(StepView))

    def open_view(self, number: int) -> StepView:
        """The view of a step, made (and mounted) now if this is its first visit."""
        try:
            return self.view(number)
        except NoMatches:
            step = next(s for s in self.steps if s.number == number)
            view = make_view(step)
            view.display = False  # shown when it becomes the switcher's current view
            self.query_one("#views", ContentSwitcher).mount(view)
            return view

    def show_step(self, number: int) -> None:
        """Bring the step's view forward (made on its first visit)."""
        view = self.open_view(number)
        self.query_one("#views", ContentSwitcher).current = f"view-{number}"
        view.seen = True
        view.on_show_step()
