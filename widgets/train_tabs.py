"""The tabs of a training step (Setup, Training, Results, ..., Code), moved through with [ and ]."""

from __future__ import annotations

from textual.widgets import TabbedContent, TabPane


class TrainTabs(TabbedContent):
    """A training step's tabs; bringing one to the front first lets go of a field focused in another."""

    def __init__(self) -> None:
        super().__init__(id="train-tabs")

    def order(self) -> list[str]:
        """The ids of the tabs, left to right."""
        return [pane.id for pane in self.query(TabPane) if pane.id]

    def show(self, tab: str) -> None:
        """Bring a tab to the front."""
        focused = self.app.focused
        if focused is not None and self in focused.ancestors:
            pane = next((a for a in focused.ancestors if isinstance(a, TabPane)), None)
            if pane is not None and pane.id != tab:
                # A focused widget in another tab would pull the tabs back to itself.
                self.app.action_leave_field()  # type: ignore[attr-defined]
        self.active = tab

    def neighbour(self, step: int) -> str:
        """The id of the tab ``step`` places to the right of the front one (to the left when negative)."""
        order = self.order()
        index = order.index(self.active) if self.active in order else 0
        return order[(index + step) % len(order)]
