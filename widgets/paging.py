"""Option lists that page safely, and a Select whose drop-down is one of them.

Textual's ``OptionList`` pages by its laid-out lines. A list that is being re-filled, or hidden (a
Select's drop-down as it closes), has none yet, and PgUp/PgDn on it raises ``KeyError``. Keys typed
ahead of the screen reach such lists; here they go to the first or last option instead.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widgets import OptionList, Select, Static
from textual.widgets._select import NoSelection, SelectCurrent, SelectOverlay

ARROW = 2  # the current value's ▼ and the space before it


class SafePaging(OptionList):
    """An option list whose PgUp/PgDn never fail on a list without laid-out lines."""

    def action_page_down(self) -> None:
        """Page down, or go to the last option while the list has no laid-out lines."""
        try:
            super().action_page_down()
        except (KeyError, IndexError):
            self.action_last()

    def action_page_up(self) -> None:
        """Page up, or go to the first option while the list has no laid-out lines."""
        try:
            super().action_page_up()
        except (KeyError, IndexError):
            self.action_first()


class SafeOverlay(SelectOverlay, SafePaging):
    """A Select's drop-down that pages safely (SelectOverlay first: Textual styles and finds it by that name)."""


def words_within(text: str, width: int) -> str:
    """``text`` on one line of ``width`` cells: whole, or its first whole words and ``…`` (a first word too long
    for the line is cut, with the ``…``)."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…" if width == 1 else ""
    head = text[: width - 1]
    space = head.rfind(" ") if text[width - 1] != " " else width - 1
    if space > 0:
        head = head[:space].rstrip()
    return head + "…"


class ShortCurrent(SelectCurrent):
    """The Select's current value on one line: a value too long for it is cut at a word, with ``…`` (the Select's
    tooltip then gives it whole), never folded in the middle of a word."""

    # Textual's SelectCurrent says this; a subclass's own CSS outranks its base's, and rules that tie with the base's
    # (a screen's "#row Static { width: auto; }") would otherwise shrink the label and pull the ▼ in.
    DEFAULT_CSS = """
    ShortCurrent Static#label {
        width: 1fr;
    }
    """

    _tip: str | None = None  # the tooltip this gave the Select (the value whole)

    def update(self, label) -> None:
        """Textual's update, with the label made to fit (and fitted again at each new width)."""
        self.label = label
        self.has_value = label is not Select.NULL
        self._show()

    def on_resize(self, _event: events.Resize) -> None:
        """A new width: the value may fit whole now, or need cutting."""
        self._show()

    def _show(self) -> None:
        labels = list(self.query("#label").results(Static))
        if not labels:
            return
        text = self.placeholder if isinstance(self.label, NoSelection) else self.label
        width = self.content_region.width - ARROW
        shown = words_within(text, width) if isinstance(text, str) and width > 0 else text
        labels[0].update(shown)
        select = self.parent
        if isinstance(select, Select):
            # The whole value as the tooltip while it is cut; a tooltip of the Select's own is left alone.
            if shown != text:
                select.tooltip = self._tip = str(text)
            elif self._tip is not None and select.tooltip == self._tip:
                select.tooltip = self._tip = None


class LabSelect(Select):
    """Textual's Select, with a drop-down that pages safely and a current value that is never cut inside a word."""

    def _on_mount(self, event: events.Mount) -> None:
        """Textual's Select reads its own parts when it is mounted; taken away while they mount, it has none."""
        if not self.query(SelectOverlay) or not self.query(SelectCurrent):
            event.prevent_default()

    def _watch_value(self, value) -> None:
        """Textual's Select writes the value into its current value's label; taken away while that label mounts,
        there is none to write into (and the Select is going, so nothing is lost)."""
        current = next(iter(self.query(SelectCurrent)), None)
        if current is not None and not current.query("#label"):
            self._value = value
            return
        super()._watch_value(value)

    def compose(self) -> ComposeResult:
        """The current value and the drop-down, as Textual's Select composes them."""
        yield ShortCurrent(self.prompt)
        yield SafeOverlay(type_to_search=self._type_to_search).data_bind(compact=Select.compact)
