"""One parameter of the form: its input, its hint (H2O's help and default) and its message.

A field shows H2O's help text and default, what the walkthrough or the learner's last run had, and the
message for the value typed: an error, a warning, or a fix offered with one key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, Switch

from tui.lab.params import ParamMeta, format_value, parse_value, same_value
from tui.lab.weights import STRONG_L1, WEAK_L1
from widgets.paging import LabSelect
from widgets.text_field import LabInput

RATE_FIELDS = ("rate", "rate_annealing", "rate_decay", "momentum_start", "momentum_ramp", "momentum_stable")


def fix_for(name: str, values: dict[str, Any]) -> tuple[str, Any, str] | None:
    """The one-key fix that comes with a field's advice, if any: (field to change, value, button label)."""
    if name in RATE_FIELDS and values.get("adaptive_rate", True) is not False:
        return ("adaptive_rate", False, "Turn adaptive_rate off")
    l1 = values.get("l1")
    if name == "l1" and isinstance(l1, (int, float)) and 0 < l1 <= WEAK_L1:
        return ("l1", STRONG_L1, f"Use l1 = {STRONG_L1:g}")
    return None


def _short(value: Any, meta: ParamMeta) -> str:
    text = format_value(meta, value)
    return text if text else "not set"


class ParamField(Vertical):
    """One parameter: its name, an input of its type, a hint line and a message line."""

    BINDINGS = [
        Binding("f1", "field_help", "About field", id="field.help", tooltip="H2O's help on the focused parameter")
    ]

    @dataclass(eq=False)
    class HelpRequested(Message):
        """F1 on a field: show H2O's help on its parameter."""

        meta: ParamMeta

    # A class, not :focus-within: Textual restyles the field on focus, but not the name inside it.
    def on_descendant_focus(self) -> None:
        """The keys came to this field: mark it."""
        self.add_class("focused")

    def on_descendant_blur(self) -> None:
        """The keys left this field."""
        self.remove_class("focused")

    def action_field_help(self) -> None:
        """F1: H2O's help on this parameter (the mouse's tooltip, for the keyboard)."""
        self.post_message(self.HelpRequested(self.meta))

    DEFAULT_CSS = """
    ParamField {
        height: auto;
        margin-bottom: 0;
    }
    ParamField > Horizontal {
        height: 1;
    }
    ParamField .name {
        width: 29;
        height: 1;
    }
    ParamField.focused .name {
        text-style: bold reverse;  /* the field with the keys, in any colours and with none */
    }
    ParamField Input, ParamField Select {
        width: 1fr;
    }
    ParamField Switch {
        border: none;
        height: 1;
        padding: 0;
        width: auto;
    }
    ParamField .state {
        width: 4;
        padding-left: 1;
    }
    ParamField Switch:focus {
        border: none;
        background-tint: $foreground 10%;
    }
    ParamField .hint {
        height: auto;
        color: $text-muted;
        padding-left: 2;
    }
    ParamField .hint.changed {
        color: $accent;
    }
    ParamField .message {
        height: auto;
        padding-left: 2;
        display: none;
    }
    ParamField.error .message {
        display: block;
        color: $error;
    }
    ParamField.warning .message {
        display: block;
        color: $warning;
    }
    ParamField.error .name {
        color: $error;
        text-style: bold;
    }
    ParamField .fix {
        margin-left: 2;
        display: none;
    }
    ParamField.fixable .fix {
        display: block;
    }
    """

    def __init__(self, meta: ParamMeta, value: Any, previous: Any, previous_label: str) -> None:
        super().__init__(id=f"field-{meta.name}", classes="param-field")
        self.meta = meta
        self.initial = value
        self.previous = previous
        self.previous_label = previous_label
        self.fix: tuple[str, Any, str] | None = None
        # What the field shows, kept here so that it can be asked for before the parts exist
        # (a lazily opened group, a learner typing ahead of the screen) and drawn once they do.
        self._shown: tuple[Any, str | None, str | None, tuple[str, Any, str] | None] = (value, None, None, None)
        self._has_error = False
        self._built = False

    def compose(self) -> ComposeResult:
        """The name and input on one line, then the hint, the message and the fix button."""
        meta = self.meta
        with Horizontal():
            yield Label(meta.name, classes="name")
            yield from self._input()
        yield Static(self._hint_text(self.initial), classes="hint")
        # The message and the fix's button are mounted the first time they have something to say:
        # most fields never do, and a step's form has up to twenty fields to build at once.

    def _input(self) -> ComposeResult:
        meta = self.meta
        if meta.type == "boolean":
            value = self.initial if self.initial is not None else bool(meta.default)
            yield Switch(value=bool(value), id=f"input-{meta.name}", tooltip=meta.help or None)
            # Said in words too: a switch's colours say nothing on a terminal without them.
            yield Static("on" if value else "off", classes="state")
        elif meta.type == "enum":
            options = [(v, v) for v in meta.values]
            prompt = f"default ({meta.default})" if meta.default is not None else "not set"
            value = self.initial if self.initial in meta.values else Select.NULL
            yield LabSelect(
                options, value=value, prompt=prompt, allow_blank=True, compact=True, id=f"input-{meta.name}"
            )
        else:
            placeholder = f"default {format_value(meta, meta.default)}" if meta.default is not None else "not set"
            yield LabInput(
                value=format_value(meta, self.initial),
                placeholder=placeholder,
                compact=True,
                id=f"input-{meta.name}",
                tooltip=meta.help or None,
                select_on_focus=False,  # a key pressed next must not replace what was typed
            )

    def _hint_text(self, value: Any) -> Text:
        meta = self.meta
        text = Text()
        default = format_value(meta, meta.default)
        text.append(f"default {default}" if default else "no default")
        if self.previous_label and not self._has_error:
            if same_value(value, self.previous):
                text.append(f" · as in {self.previous_label}")
            elif self.previous is None and same_value(value, meta.default):
                text.append(f" · as in {self.previous_label}, which left it at the default")
            elif self.previous is None:
                text.append(f" · new: not set in {self.previous_label}", style="bold")
            else:
                text.append(f" · changed: {_short(self.previous, meta)} in {self.previous_label}", style="bold")
        return text

    # -- value ------------------------------------------------------------------------------
    def on_mount(self) -> None:
        """The parts exist now: draw what the field was told to show."""
        # Children are composed before this runs: from now on the parts can be drawn.
        self._built = True
        self._draw()

    def _control(self) -> Widget | None:
        """The input, or None while the field is not built (or no longer attached)."""
        if not self._built:
            return None
        try:
            return self.query_one(f"#input-{self.meta.name}")
        except NoMatches:
            return None

    def raw(self) -> str | bool | None:
        """As typed in the input: text, a switch's bool or an option (None if unset), even before it is built."""
        widget = self._control()
        if widget is None:  # not built yet: what it will show
            value = self.initial
            if value is None or self.meta.type in ("boolean", "enum"):
                return value if self.meta.type != "enum" or value in self.meta.values else None
            return format_value(self.meta, value)
        if isinstance(widget, Switch):
            return widget.value
        if isinstance(widget, Select):
            return None if widget.value is Select.NULL else str(widget.value)
        return cast(Input, widget).value

    def parsed(self) -> Any:
        """The input's value parsed for this parameter's type; raises ParamError when it does not parse."""
        raw = self.raw()
        if isinstance(raw, bool) or raw is None:
            return raw
        return parse_value(self.meta, raw)

    def set_value(self, value: Any) -> None:
        """Put a value in the input (or keep it for compose while the field is not built)."""
        widget = self._control()
        if widget is None:
            self.initial = value  # compose draws it
            return
        if isinstance(widget, Switch):
            widget.value = bool(value if value is not None else self.meta.default)
        elif isinstance(widget, Select):
            widget.value = value if value in self.meta.values else Select.NULL
        else:
            cast(Input, widget).value = format_value(self.meta, value)

    def show(self, value: Any, error: str | None, warning: str | None, fix: tuple[str, Any, str] | None) -> None:
        """Show the value's hint and its message; drawn now, or as soon as the field is built."""
        self._has_error = bool(error)
        self.fix = fix if (warning and not error) else None
        self._shown = (value, error, warning, fix)
        self.set_class(bool(error), "error")
        self.set_class(bool(warning) and not error, "warning")
        self.set_class(self.fix is not None, "fixable")
        self._draw()

    def _draw(self) -> None:
        if not self._built:
            return
        value, error, warning, _fix = self._shown
        try:
            if self.meta.type == "boolean":
                on = bool(value if value is not None else self.meta.default)
                self.query_one(".state", Static).update("on" if on else "off")
            hint = self.query_one(".hint", Static)
        except NoMatches:  # removed with its form: nothing to draw on
            return
        hint.update(self._hint_text(value))
        hint.set_class(bool(self.previous_label) and not same_value(value, self.previous), "changed")
        text = error or warning or ""
        message = next(self.query(".message").results(Static), None)
        if message is not None:
            message.update(text)
        elif text:
            self.mount(Static(text, classes="message"), after=hint)
        if self.fix is not None:
            label = f"{self.fix[2]} (f)"
            button = next(self.query(".fix").results(Button), None)
            if button is None:
                self.mount(Button(label, classes="fix", compact=True))
            else:
                button.label = label

    def focus_input(self) -> None:
        """Focus the input, now or once the field is built."""
        widget = self._control()
        if widget is not None:
            widget.focus()
        else:
            self.call_after_refresh(self._focus_when_built)

    def _focus_when_built(self) -> None:
        widget = self._control()
        if widget is not None:
            widget.focus()
