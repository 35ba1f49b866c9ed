"""What every step's screen has: a heading, a short lesson, a scrolling body, its step keys and its worker errors."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from tui.lab.errors import LabError
from tui.lab.steps import Step

if TYPE_CHECKING:
    from tui.app import LabApp

log = logging.getLogger("h2o-lab")

# The keys that act on the current step wherever the focus is (the App binds them; a view answers
# the ones it names in STEP_ACTIONS, with a method ``action_<name>``).
STEP_ACTIONS = (
    "import_data",
    "train",
    "cancel",
    "fix",
    "continue",
    "mark",
    "load",
    "prev_tab",
    "next_tab",
    "reload",
    "chart_metric",
)

Handler = TypeVar("Handler", bound=Callable[..., None])


def error_text(error: LabError, style: str = "bold red") -> Text:
    """A LabError as the learner reads it: the message, then the hint in italics."""
    text = Text(error.message, style=style)
    if error.hint:
        text.append("\n" + error.hint, style="italic")
    return text


def as_lab_error(error: BaseException | None, what: str = "The action") -> LabError:
    """Any worker's error in words: a LabError as it is, anything else as an unexpected stop (logged)."""
    if isinstance(error, LabError):
        return error
    log.error("%s stopped unexpectedly: %r", what, error)
    return LabError(f"{what} stopped unexpectedly: {error}")


def on_worker_error(group: str, what: str = "The action") -> Callable[[Handler], Handler]:
    """Mark a method as the one handler of the errors of a worker group: it gets the worker and a LabError."""

    def mark(method: Handler) -> Handler:
        method._worker_group = (group, what)  # type: ignore[attr-defined]
        return method

    return mark


class WorkerErrors:
    """Mixin for widgets whose thread workers raise: each group's error goes to its one handler.

    A worker marked ``exit_on_error=False`` that raises ends in the ERROR state; the handler marked with
    :func:`on_worker_error` for its group turns the error into what the learner sees. Groups without a
    handler go on to the App, which shows the error in a dialog.
    """

    _worker_handlers: ClassVar[dict[str, tuple[str, str]]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        handlers: dict[str, tuple[str, str]] = {}
        for base in reversed(cls.__mro__[1:]):  # an App made of parts gets every part's handlers
            handlers.update(vars(base).get("_worker_handlers", {}))
        for name, member in vars(cls).items():
            group = getattr(member, "_worker_group", None)
            if group is not None:
                handlers[group[0]] = (name, group[1])
        cls._worker_handlers = handlers

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker of a group with a handler failed: that handler shows it, and the App does not."""
        if event.state != WorkerState.ERROR or event.worker.group not in self._worker_handlers:
            return
        event.stop()
        name, what = self._worker_handlers[event.worker.group]
        getattr(self, name)(event.worker, as_lab_error(event.worker.error, what))


class StepView(WorkerErrors, Vertical):
    """Base of the step screens shown beside the sidebar."""

    DEFAULT_CSS = """
    StepView {
        height: 1fr;
        width: 1fr;
    }
    StepView .heading {
        text-style: bold;
        color: $accent;
        height: auto;
        padding: 0 1;
    }
    StepView .lesson {
        height: auto;
        padding: 0 1 1 1;
        color: $text-muted;
    }
    """

    # The step keys this view answers: each needs a method action_<name> (checked when the class is made).
    STEP_ACTIONS: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        unknown = sorted(cls.STEP_ACTIONS - set(STEP_ACTIONS))
        if unknown:
            raise TypeError(f"{cls.__name__}: no key is bound to the step actions {unknown}")
        missing = sorted(f"action_{a}" for a in cls.STEP_ACTIONS if not callable(getattr(cls, f"action_{a}", None)))
        if missing:
            raise TypeError(f"{cls.__name__}: the step keys it answers need the methods {missing}")

    def __init__(self, step: Step) -> None:
        super().__init__(id=f"view-{step.number}", classes="step-view")
        self.step = step
        self.seen = False  # shown to the learner at least once (a view may be made ahead of its first visit)

    @property
    def lab_app(self) -> LabApp:
        """The running h2o-lab App, typed."""
        return cast("LabApp", self.app)

    def compose_intro(self) -> ComposeResult:
        """The step's heading and its lesson."""
        heading = self.step.heading if self.step.kind == "runs" else f"Step {self.step.number} · {self.step.heading}"
        yield Static(heading, classes="heading")
        yield Static(self.step.lesson, classes="lesson")

    def on_mount(self) -> None:
        """Made on the step's first visit: the App fills it in from what the lab knows, once it is laid out.

        (The view made with the screen, step 1's, is filled in by the App's start-up.)
        """
        if self.lab_app.screen_ready:
            self.call_after_refresh(self.lab_app.view_built, self)

    def on_show_step(self) -> None:
        """Called when the learner comes to this step."""

    def prepare(self) -> None:
        """Build what the first visit would, without showing it (the app does it while the learner reads)."""

    def check_step_action(self, action: str) -> bool:
        """Whether a step key applies now (it shows in the footer and acts); views add their own rules."""
        return action in self.STEP_ACTIONS

    def why_not(self, action: str) -> str | None:
        """Why a step key this view answers does not apply now (said when it is pressed), or None."""
        return None

    def run_step_action(self, action: str) -> None:
        """Act on a step key, if it applies now."""
        if self.check_step_action(action):
            getattr(self, f"action_{action}")()
