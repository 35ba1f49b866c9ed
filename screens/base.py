"""What every step's screen has: a heading, a short lesson, and a scrolling body."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from tui.lab.steps import Step


class StepView(Vertical):
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

    def __init__(self, step: Step) -> None:
        super().__init__(id=f"view-{step.number}", classes="step-view")
        self.step = step

    def compose_intro(self) -> ComposeResult:
        heading = self.step.heading if self.step.kind == "runs" else f"Step {self.step.number} · {self.step.heading}"
        yield Static(heading, classes="heading")
        yield Static(self.step.lesson, classes="lesson")

    def on_show_step(self) -> None:
        """Called when the learner comes to this step."""
