"""The sidebar: the walkthrough's steps, marked done, current or to do, and how many of their goals are reached."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.lab.steps import Step
from widgets.paging import SafePaging

DONE = "✓"
CURRENT = "▸"
TODO = "·"


class StepList(SafePaging):
    """A list of steps; selecting one posts :class:`StepList.Chosen`."""

    DEFAULT_CSS = """
    StepList, StepList:focus {
        width: 20;
        height: 1fr;
        border: none;
        border-right: vkey $panel-lighten-2;
        padding: 0;
        background: $surface;
    }
    StepList:focus {
        border-right: outer $accent;  /* a thicker edge: the keys are here, with colours or without */
    }
    """

    @dataclass(eq=False)
    class Chosen(Message):
        """The learner chose a step in the list."""

        number: int

    def __init__(self, steps: list[Step], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.steps = steps
        self.current = steps[0].number
        self.done: set[int] = set()
        self.busy: set[int] = set()
        self.goals: dict[int, str] = {}  # step number -> ★ (every goal reached) or ☆ (some)
        self._fill()

    def _label(self, step: Step) -> Text:
        if step.kind == "runs":
            style = "bold" if step.number == self.current else ""
            return Text.assemble(
                (CURRENT if step.number == self.current else " ", "bold"), ("≡  ", "dim"), (step.title, style)
            )
        if step.number == self.current:
            mark, style = CURRENT, "bold"
        elif step.number in self.done:
            mark, style = DONE, "green"
        else:
            mark, style = TODO, "dim"
        # The second column: … while the step's model trains, else ★ or ☆ for its goals (the widest title fits).
        second = ("…", "yellow") if step.number in self.busy else (self.goals.get(step.number, " "), "bold yellow")
        return Text.assemble(
            (f"{mark}", style), second, (f"{step.number:>2} ", "dim"), (step.title, "" if style == "dim" else style)
        )

    def _fill(self, follow: bool = False) -> None:
        """Redraw the labels; the cursor follows the current step when it changed."""
        highlighted = self.highlighted
        self.clear_options()
        self.add_options([Option(self._label(s), id=f"step-{s.number}") for s in self.steps])
        index = next((i for i, s in enumerate(self.steps) if s.number == self.current), 0)
        self.highlighted = index if follow or highlighted is None else highlighted

    def update_state(
        self, current: int, done: set[int], busy: set[int] | None = None, goals: dict[int, str] | None = None
    ) -> None:
        """Mark the current, done and busy steps and the goals reached (★ or ☆ by step); redrawn only on a change."""
        state = (current, set(done), set(busy or ()), dict(goals or {}))
        if state == (self.current, self.done, self.busy, self.goals):
            return
        follow = current != self.current
        self.current, self.done, self.busy, self.goals = state
        self._fill(follow)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Choosing a step posts :class:`StepList.Chosen` with its number."""
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(int(event.option.id.split("-")[1])))
