"""A step's goals: each one reached or not, the best run so far against its target, and hints one at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Region
from textual.widgets import Static

from screens.dialogs import Dialog
from tui.lab.exercises import GoalStatus, Progress, describe
from tui.lab.steps import Step

if TYPE_CHECKING:
    from tui.app import LabApp

REACHED = "✓"
NOT_YET = "·"


def goal_text(status: GoalStatus, shown: int, selected: bool, several: bool) -> Table:
    """One goal as the dialog shows it: reached or not, the target, the best run, the hints shown so far.

    Two columns, so that long lines wrap under the text: the marks (▸ the goal h gives hints for; ✓ reached).
    """
    goal = status.goal
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3 if several else 1, no_wrap=True)
    grid.add_column(ratio=1)
    pointer = ("▸ " if selected else "  ") if several else ""
    mark = REACHED if status.reached else NOT_YET
    head = Text.assemble(
        ("Reached: " if status.reached else "Not yet: ", "bold green" if status.reached else "bold"),
        (goal.text, "bold" if selected else ""),
    )
    grid.add_row(Text(pointer + mark, style="bold"), head)
    grid.add_row("", Text(f"Target: {goal.target_label(status.reference)}"))
    conditions = ", ".join(c.label() for c in goal.when)
    if conditions:
        grid.add_row("", Text(f"Counts runs with {conditions}", style="dim"))
    if status.best is not None:
        grid.add_row("", Text(f"Best so far: {describe(goal, status.best)} ({status.best_run})"))
    elif status.note:
        grid.add_row("", Text(f"Best so far: {status.note}", style="italic"))
    for number, hint in enumerate(goal.hints[:shown], start=1):
        grid.add_row("", Text.assemble((f"Hint {number}: ", "bold"), hint))
    left = len(goal.hints) - shown
    if left > 0:
        grid.add_row("", Text(f"{'h: a hint' if shown == 0 else 'h: the next hint'} ({left} left)", style="dim"))
    elif goal.hints:
        grid.add_row("", Text("No more hints.", style="dim"))
    return grid


class GoalsDialog(Dialog):
    """The goals of a step; h shows one more hint of the goal marked ▸ (↑ ↓ choose it); Escape closes."""

    DEFAULT_CSS = """
    GoalsDialog > Vertical {
        width: 76;
    }
    GoalsDialog #goals-scroll {
        height: auto;
        max-height: 55vh;  /* the title and the keys stay in the dialog at 24 rows */
    }
    GoalsDialog .goal {
        height: auto;
        margin-bottom: 1;
    }
    GoalsDialog #goals-keys {
        height: auto;
        color: $text-muted;
    }
    """
    BINDINGS = [
        Binding("h", "hint", "Next hint", id="goals.hint", tooltip="Show one more hint of the goal marked ▸"),
        Binding("down,j", "select(1)", "Next goal", id="goals.next", tooltip="Mark the next goal for hints"),
        Binding("up,k", "select(-1)", "Prev goal", id="goals.prev", show=False, tooltip="Mark the previous goal"),
        Binding("pagedown", "page(1)", "Page down", id="goals.page_down", show=False, tooltip="Scroll the goals down"),
        Binding("pageup", "page(-1)", "Page up", id="goals.page_up", show=False, tooltip="Scroll the goals up"),
    ]

    def __init__(self, step: Step, statuses: list[GoalStatus], progress: Progress) -> None:
        super().__init__()
        self.step = step
        self.statuses = statuses
        self.progress = progress
        # The first goal not reached that still has hints to give, else the first goal.
        self.selected = next((i for i, s in enumerate(statuses) if not s.reached), 0)
        # The parts are made here and held, never looked up: the dialog may close while a redraw is on its way.
        # Not focusable: ↑ ↓ choose a goal even when the list scrolls (the chosen one is scrolled into view).
        self._scroll = VerticalScroll(id="goals-scroll", can_focus=False)
        self._goals = [Static(id=f"goal-{index}", classes="goal") for index in range(len(statuses))]

    def compose(self) -> ComposeResult:
        """A title, each goal, and the keys."""
        with Vertical():
            reached = sum(1 for s in self.statuses if s.reached)
            yield Static(
                f"Step {self.step.number} · {self.step.title}: goals ({reached} of {len(self.statuses)} reached)",
                classes="title",
            )
            with self._scroll:
                yield from self._goals
            several = len(self.statuses) > 1
            keys = "h hint · ↑ ↓ choose a goal · Esc close" if several else "h hint · Esc close"
            yield Static(f"Every finished run is checked. {keys}", id="goals-keys")

    def on_mount(self) -> None:
        """Draw the goals, the one marked ▸ in sight."""
        self._draw()
        self.call_after_refresh(self._marked_in_sight)

    def _marked_in_sight(self, newest_hint: bool = False) -> None:
        """The goal marked ▸ scrolled into view; with ``newest_hint``, its last line too (the hint just shown)."""
        scroll, goal = self._scroll, self._goals[self.selected]
        if not (scroll.is_attached and goal.is_attached):
            return  # closed meanwhile
        scroll.scroll_to_widget(goal, animate=False, immediate=True)
        if newest_hint:
            region = goal.virtual_region
            scroll.scroll_to_region(Region(region.x, region.bottom - 1, region.width, 1), animate=False, immediate=True)

    def _draw(self) -> None:
        several = len(self.statuses) > 1
        for index, status in enumerate(self.statuses):
            shown = self.progress.hints_shown(status.goal)
            self._goals[index].update(goal_text(status, shown, index == self.selected, several))

    def action_select(self, delta: int) -> None:
        """Mark another goal (the one h gives hints for)."""
        self.selected = (self.selected + delta) % len(self.statuses)
        self._draw()
        self.call_after_refresh(self._marked_in_sight)

    def action_page(self, delta: int) -> None:
        """Scroll the goals a page (the list itself takes no focus)."""
        scroll = self._scroll
        if delta > 0:
            scroll.scroll_page_down(animate=False)
        else:
            scroll.scroll_page_up(animate=False)

    def action_hint(self) -> None:
        """One more hint of the marked goal, remembered for the next session."""
        goal = self.statuses[self.selected].goal
        if self.progress.hints_shown(goal) >= len(goal.hints):
            self.notify("That goal has no more hints." if goal.hints else "That goal has no hints.", timeout=3)
            return
        cast("LabApp", self.app).reveal_hint(goal)
        self._draw()
        self.call_after_refresh(self._marked_in_sight, True)
