"""Option lists that page safely, and a Select whose drop-down is one of them.

Textual's ``OptionList`` pages by its laid-out lines. A list that is being re-filled, or hidden (a
Select's drop-down as it closes), has none yet, and PgUp/PgDn on it raises ``KeyError``. Keys typed
ahead of the screen reach such lists; here they go to the first or last option instead.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import OptionList, Select
from textual.widgets._select import SelectCurrent, SelectOverlay


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


class LabSelect(Select):
    """Textual's Select, with a drop-down that pages safely."""

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
        yield SelectCurrent(self.prompt)
        yield SafeOverlay(type_to_search=self._type_to_search).data_bind(compact=Select.compact)
