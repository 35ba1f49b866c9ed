"""What every screen of the app shows instead of itself while the terminal is smaller than 80 by 24.

:class:`FitsWindow` is mixed into each screen class, before Textual's screen class (Textual takes a class's CSS
types from its first widget base, so the screen keeps them); below the size it hides the screen's widgets behind a :class:`SmallWindowNotice`, which holds the keys. Only q
(quit), Ctrl+C and the keys the notice names act; the others do nothing until the window is large enough.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen

    _ScreenBase = Screen
else:
    _ScreenBase = object

MIN_WIDTH = 80
MIN_HEIGHT = 24
SMALL_CLASS = "-small-window"


class SmallWindowNotice(Widget, can_focus=True):
    """The words shown while the window is too small; it has the keys, and lets through only those it names."""

    # Not scoped: the rules hide the other children of whichever screen the notice is on.
    SCOPED_CSS = False
    DEFAULT_CSS = f"""
    SmallWindowNotice {{
        display: none;
        width: 1fr;
        height: 1fr;
        content-align: center middle;
        text-align: center;
        padding: 1 2;
        background: $background;
    }}
    .{SMALL_CLASS} > * {{
        display: none;
    }}
    .{SMALL_CLASS} > SmallWindowNotice {{
        display: block;
    }}
    """

    def __init__(self, keys: dict[str, str]) -> None:
        super().__init__()
        self.keys = keys
        self.text = ""

    def render(self) -> str:
        """The notice's words."""
        return self.text

    def say(self, width: int, height: int) -> None:
        """The notice for a window of this size."""
        works = "".join(f" {words}." for words in self.keys.values() if words)
        # A screen that names q says itself what it does (the quit question: nothing more).
        quits = "" if "q" in self.keys else "; q quits"
        self.text = (
            f"h2o-lab needs a terminal of at least {MIN_WIDTH} columns by {MIN_HEIGHT} rows; "
            f"this one is {width} by {height}.\n\nEnlarge the window (or make the font smaller). "
            f"Everything keeps running meanwhile{quits}.{works}"
        )
        self.refresh()

    async def on_key(self, event: events.Key) -> None:
        """q quits; a key the notice names goes on to the screen's bindings; every other key does nothing."""
        if event.key in self.keys:
            return
        event.stop()
        event.prevent_default()
        if event.key == "q":
            await self.app.run_action("app.quit")


class FitsWindow(_ScreenBase):
    """Mixin of every screen: below 80 by 24 a notice stands in for the screen and holds its keys."""

    # Keys that still act while the notice shows, with the words that say so (for example Escape on a dialog).
    NOTICE_KEYS: ClassVar[dict[str, str]] = {}

    def notice_keys(self) -> dict[str, str]:
        """The keys that act on this screen's notice (a dialog may name its own answers)."""
        return dict(self.NOTICE_KEYS)

    _focus_before_notice: Widget | None = None

    @property
    def too_small(self) -> bool:
        """True while the notice stands in for the screen."""
        return self.has_class(SMALL_CLASS)

    def _small_notice(self) -> SmallWindowNotice:
        for child in self.children:
            if isinstance(child, SmallWindowNotice):
                return child
        notice = SmallWindowNotice(self.notice_keys())
        self.mount(notice)
        return notice

    def on_screen_resume(self) -> None:
        """Shown (pushed, or back on top): the window may have changed size meanwhile."""
        self.fit_window()

    def on_resize(self) -> None:
        """The window changed size."""
        self.fit_window()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """While the notice shows, the keys stay with it (a widget behind it asking for them gets them later)."""
        if self.too_small and not isinstance(event.widget, SmallWindowNotice):
            self._focus_before_notice = event.widget
            self.call_later(self._small_notice().focus)

    def fit_window(self) -> None:
        """The notice, or the screen itself, for the terminal's size now."""
        width, height = self.app.size
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        if small:
            notice = self._small_notice()
            notice.say(width, height)
            if not self.too_small:
                self._focus_before_notice = self.focused
                self.add_class(SMALL_CLASS)
            if self.focused is not notice:
                notice.focus()
        elif self.too_small:
            self.remove_class(SMALL_CLASS)
            before = self._focus_before_notice
            self._focus_before_notice = None
            if before is not None and before.is_attached and before.screen is self:
                before.focus()
            else:
                self.set_focus(None)
