"""A text field that takes every key typed, in the order typed, however fast.

Textual runs a field's editing keys (End, Ctrl+U, Backspace...) as bindings, when the key has travelled up to the
App, while it inserts printable keys in the field itself: a burst of keys (a paste, a fast typist, keys typed while
a screen opens) then goes two ways and can arrive out of order, and a key sent before the field had the focus is
lost. :class:`LabInput` runs its own editing keys where it receives them, so that all its keys go one way, and
:func:`hand_to_field` lets a screen pass on keys that reached it before the field was focused. Tab out of a
field runs as the App takes the key from the terminal, so that the keys typed after it in
the same burst go to the field it moves to; Esc runs there too, from a field or any other part that has the keys
(:func:`leave_field_now`).
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.widget import Widget
from textual.widgets import Input

SEEN = "_lab_field_saw"  # set on a key a field has seen, so that the screen never passes it on again


class LabInput(Input):
    """Textual's Input, with its editing keys run in the order they arrive."""

    async def on_key(self, event: events.Key) -> None:
        """An editing key of the field: run it here and now (a printable key is Textual's own, just after)."""
        setattr(event, SEEN, True)
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if self.check_action(binding.action, ()) is False:
                continue
            event.stop()
            event.prevent_default()
            await self.run_action(binding.action)
            return


def hand_to_field(event: events.Key, focused: Widget | None) -> bool:
    """A key that reached the screen without passing through its focused field (typed before the field had the
    focus) goes to the field now, in order. True if it was handed on (the screen then stops it)."""
    if not isinstance(focused, LabInput) or getattr(event, SEEN, False) or event.key in ("tab", "shift+tab"):
        return False
    if event.key not in focused._bindings.key_to_bindings and not event.is_printable:
        return False  # the screen's or the App's key (Escape, t on a button...)
    again = events.Key(event.key, event.character)
    again.time = event.time
    focused.post_message(again)
    return True


LEAVING_KEYS = ("tab", "shift+tab", "escape")  # keys a text field leaves to the screen, that take the focus away


async def leave_field_now(event: events.Key, app: App) -> bool:
    """Tab, Shift+Tab or Esc while a text field has the keys, or Esc while any other part has them (the threshold
        explorer, the drawing pad): run the key's binding now (move the focus, close the screen), as the App takes the
        key, before it hands on the next one. True if it ran (the App then drops the key).

        The App sends each key to the widget focused when it takes it, into that widget's queue: a Tab left to reach
        the screen's binding from there moves the focus only after the keys typed after it went to the field it left,
        and an Esc that closes the sweep screen let the key typed after it land in the screen's values field; an Esc on the threshold explorer let the ``c``
    typed after it move the explorer it had left.
    """
    if event.key not in LEAVING_KEYS or app.focused is None:
        return False
    if event.key != "escape" and not isinstance(app.focused, LabInput):
        return False
    active = app.active_bindings.get(event.key)
    if active is None or not active.enabled:
        return False
    await app.run_action(active.binding.action, active.node)
    return True
