"""The tabs of a training step (Setup, Training, Results, ..., Code), moved through with [ and ]."""

from __future__ import annotations

from textual.widgets import TabbedContent, TabPane, Tabs


class TrainTabs(TabbedContent):
    """A training step's tabs; bringing one to the front first lets go of a field focused in another."""

    def __init__(self) -> None:
        super().__init__(id="train-tabs")

    def on_mount(self) -> None:
        """The tab bar takes no focus: [ and ] move between tabs, and Tab goes straight to the step's first field."""
        # Textual's tab bar is a part of its own: looked for, not assumed, as the tabs may be taken away mounting.
        for tabs in self.query(Tabs):
            tabs.can_focus = False

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

    def place_underline(self, tries: int = 0) -> None:
        """Put the tab bar's underline under the front tab, once that tab is laid out.

        Textual places the underline a refresh after the bar is mounted or a tab is hidden; a step's view is
        mounted hidden and built in parts, so that refresh can come before the tabs have a width, and the
        underline then stays a dot under the first tab until the bar is resized. (Textual's own method is
        used; a later version without it simply skips this.)
        """
        tabs = next(iter(self.query(Tabs)), None)
        tab = tabs.active_tab if tabs is not None else None
        if tabs is None or tab is None or not self.is_attached:
            return
        if tab.region.width == 0:  # not laid out yet
            if tries < 20:
                self.call_after_refresh(self.place_underline, tries + 1)
            return
        highlight = getattr(tabs, "_highlight_active", None)
        if highlight is not None:
            highlight(animate=False)
