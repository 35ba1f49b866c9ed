"""The parameter form, built from H2O's own description of the Deep Learning parameters.

The step's own fields come first, then the other values the step sets, then every other
parameter grouped by H2O's levels (critical, secondary, expert), as H2O Flow groups them.
Values are checked as they are typed; each message stands at its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalGroup
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Button, Collapsible, Input, Select, Static, Switch

from tui.lab.param_rules import advice, validate
from tui.lab.params import LEVELS, ParamError, ParamMeta
from widgets.param_field import ParamField, fix_for

REPRODUCIBLE_NOTE = (
    "A seed fixes the random start, but H2O trains on every core at once and the threads update the "
    "weights in whatever order they finish, so two runs still differ. reproducible uses one thread: "
    "the same seed then gives the same network, only slower."
)

_UNSET = object()


class ParamForm(Vertical):
    """The form. It keeps the values set explicitly; reading it never loses what was typed."""

    DEFAULT_CSS = """
    ParamForm {
        height: auto;
        padding: 0 1;
    }
    ParamForm .group {
        text-style: bold;
        color: $accent;
        height: 1;
        margin-top: 1;
    }
    ParamForm .note {
        color: $text-muted;
        height: auto;
        padding-left: 2;
    }
    ParamForm #form-banner {
        height: auto;
        display: none;
        border-left: thick $warning;
        padding: 0 1;
    }
    ParamForm #form-banner.shown {
        display: block;
    }
    ParamForm #form-summary {
        height: auto;
        color: $error;
    }
    ParamForm Collapsible {
        padding: 0;
        border: none;
    }
    """

    @dataclass(eq=False)
    class Changed(Message):
        """The values changed (``valid`` says whether they pass the checks as typed)."""

        form: ParamForm
        valid: bool

    def __init__(
        self,
        metas: list[ParamMeta],
        values: dict[str, Any],
        taught: tuple[str, ...],
        previous: dict[str, Any] | None = None,
        previous_label: str = "",
        hidden: tuple[str, ...] = (),
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.metas = {m.name: m for m in metas}
        self.order = [m.name for m in metas]
        self.values: dict[str, Any] = dict(values)
        self.taught = tuple(n for n in taught if n in self.metas)
        self.previous = previous
        self.previous_label = previous_label
        self.hidden = set(hidden)  # shown elsewhere (the lab's scoring settings)
        self.field_errors: dict[str, str] = {}  # typing errors, by field
        self.server_errors: dict[str, str] = {}
        self.server_warnings: dict[str, str] = {}
        self.extra_errors: dict[str, str] = {}  # from other checks (checkpoint rules)
        self.extra_warnings: dict[str, str] = {}  # from the step (what the chart will show)
        self.extra_fixes: dict[str, tuple[str, Any, str]] = {}  # from the step (after a failed run): offered first
        self._mounted_levels: set[str] = set()
        self._banner: Text | str | None = None
        self._first_fix: tuple[str, Any, str] | None = None
        self._built = False

    # -- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        """The banner and summary, the step's fields, the others it sets, reproducible, then the rest by level."""
        yield Static(id="form-banner")
        yield Static(id="form-summary")
        first = list(self.taught)
        also = [
            n
            for n in self.order
            if n in self.values and n not in first and n not in self.hidden and n != "reproducible"
        ]
        yield Static("What this step is about", classes="group")
        for name in first:
            yield self._field(name)
        if also:
            yield Static("Also set in this step", classes="group")
            for name in also:
                yield self._field(name)
        if "reproducible" in self.metas and "reproducible" not in first:
            yield Static("Repeatable results", classes="group")
            yield self._field("reproducible")
            yield Static(REPRODUCIBLE_NOTE, classes="note")
        shown = set(first) | set(also) | {"reproducible"} | self.hidden
        with Collapsible(title="All parameters, by H2O's levels", id="all-params"):
            for level in LEVELS:
                names = [n for n in self.order if self.metas[n].level == level and n not in shown]
                if names:
                    with Collapsible(title=f"{level} ({len(names)})", id=f"level-{level}"):
                        yield VerticalGroup(id=f"level-body-{level}")

    def _field(self, name: str) -> ParamField:
        meta = self.metas[name]
        previous = self.previous.get(name) if self.previous is not None else None
        return ParamField(meta, self.values.get(name), previous, self.previous_label)

    @on(Collapsible.Expanded)
    def _expand_level(self, event: Collapsible.Expanded) -> None:
        collapsible_id = event.collapsible.id or ""
        if not collapsible_id.startswith("level-"):
            return
        level = collapsible_id.removeprefix("level-")
        if level in self._mounted_levels:
            return
        try:
            body = self.query_one(f"#level-body-{level}", VerticalGroup)
        except NoMatches:  # opened before the group's own parts were composed: try again once they are
            self.call_after_refresh(self._expand_level, event)
            return
        self._mounted_levels.add(level)
        shown = {f.meta.name for f in self.query(ParamField)}
        names = [n for n in self.order if self.metas[n].level == level and n not in shown and n not in self.hidden]
        body.mount_all([self._field(n) for n in names])
        self.call_after_refresh(self.refresh_messages)

    def on_mount(self) -> None:
        """Draw the banner and the fields' messages now that the form is built."""
        self._built = True
        self.set_banner(self._banner)
        self.refresh_messages()

    # -- values ---------------------------------------------------------------------------------
    def field(self, name: str) -> ParamField | None:
        """The field of a parameter, or None when it is not mounted (its group not opened yet)."""
        try:
            return self.query_one(f"#field-{name}", ParamField)
        except Exception:
            return None

    def _read(self, field: ParamField) -> None:
        name = field.meta.name
        try:
            value = field.parsed()
        except ParamError as exc:
            self.field_errors[name] = str(exc)
            return
        self.field_errors.pop(name, None)
        if value is None:
            self.values.pop(name, None)
        else:
            self.values[name] = value

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Switch.Changed)
    def _changed(self, event: Message) -> None:
        event.stop()
        control = getattr(event, "control", None) or getattr(event, "switch", None) or getattr(event, "select", None)
        field = next((a for a in control.ancestors if isinstance(a, ParamField)), None) if control else None
        if field is None:
            return
        name = field.meta.name
        before = (self.values.get(name, _UNSET), self.field_errors.get(name))
        self._read(field)
        if (self.values.get(name, _UNSET), self.field_errors.get(name)) == before:
            return  # a widget settling on its first value, not an edit
        # H2O's verdict was about the old values.
        self.server_errors.pop(field.meta.name, None)
        self.server_warnings.pop(field.meta.name, None)
        self.server_errors.pop("_", None)
        self.refresh_messages()
        self.post_message(self.Changed(self, self.valid))

    @on(Button.Pressed, ".fix")
    def _fix_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        field = next((a for a in event.button.ancestors if isinstance(a, ParamField)), None)
        if field is not None and field.fix is not None:
            self.apply_fix(field.fix)

    def apply_fix(self, fix: tuple[str, Any, str]) -> None:
        """Set the field a fix names to its value, focus it, and tell the step the values changed."""
        name, value, _label = fix
        self.set_values({**self.values, name: value})
        target = self.field(name)
        if target is not None:
            target.focus_input()
        self.post_message(self.Changed(self, self.valid))

    def first_fix(self) -> tuple[str, Any, str] | None:
        """The first fix on offer (kept by refresh_messages: the footer asks for it on every redraw)."""
        return self._first_fix

    def set_previous(self, previous: dict[str, Any] | None, label: str) -> None:
        """What the fields compare themselves with (the step before, or a run of it), redrawn with the values."""
        self.previous, self.previous_label = previous, label
        for field in self.query(ParamField):
            field.previous = previous.get(field.meta.name) if previous is not None else None
            field.previous_label = label

    def set_values(self, values: dict[str, Any]) -> None:
        """Replace every value (loading a run, a preset, a fix) and redraw the fields."""
        self.values = dict(values)
        self.field_errors.clear()
        self.server_errors.clear()
        self.server_warnings.clear()
        with self.prevent(Input.Changed, Select.Changed, Switch.Changed):
            for field in self.query(ParamField):
                field.set_value(self.values.get(field.meta.name))
        self.refresh_messages()

    # -- checks ---------------------------------------------------------------------------------
    def errors(self) -> dict[str, str]:
        """Every error by field: the checks, other rules, typing errors, then H2O's ("_" for the whole form)."""
        errors = dict(validate(self.values, self.metas))
        errors.update(self.extra_errors)
        errors.update(self.field_errors)
        for name, text in self.server_errors.items():
            errors.setdefault(name, f"H2O: {text}")
        return errors

    @property
    def valid(self) -> bool:
        """Whether the values pass the checks as typed (H2O's verdict aside)."""
        return not (set(validate(self.values, self.metas)) | set(self.field_errors) | set(self.extra_errors))

    def warnings(self) -> dict[str, str]:
        """Every piece of advice by field: the lab's, the step's, then H2O's."""
        notes = advice(self.values)
        notes.update(self.extra_warnings)
        for name, text in self.server_warnings.items():
            notes.setdefault(name, f"H2O: {text}")
        return notes

    def set_server_check(self, errors: dict[str, str], warnings: dict[str, str]) -> None:
        """H2O's errors and warnings about the values, shown at their fields until one changes."""
        self.server_errors = dict(errors)
        self.server_warnings = dict(warnings)
        self.refresh_messages()

    def set_extra_warnings(self, notes: dict[str, str]) -> None:
        """Warnings from the step (scoring, the checkpoint); redrawn only when they differ."""
        if notes != self.extra_warnings:
            self.extra_warnings = dict(notes)
            self.refresh_messages()

    def set_extra_fixes(self, fixes: dict[str, tuple[str, Any, str]]) -> None:
        """Fixes from the step, by field (what helps after a failed run): f offers them before the fields' own."""
        if fixes != self.extra_fixes:
            self.extra_fixes = dict(fixes)
            self.refresh_messages()

    def set_extra_errors(self, errors: dict[str, str]) -> None:
        """Errors from other rules (continuing a checkpoint), shown at their fields."""
        self.extra_errors = dict(errors)
        self.refresh_messages()

    def refresh_messages(self) -> None:
        """Each field's error, warning and fix; errors elsewhere in the summary; f offered while a fix exists."""
        if not self._built:
            return  # on_mount draws them
        errors = self.errors()
        notes = self.warnings()
        for field in self.query(ParamField):
            name = field.meta.name
            fix = self.extra_fixes.get(name) or (fix_for(name, self.values) if name in notes else None)
            field.show(self.values.get(name), errors.get(name), notes.get(name), fix)
        # The step's fixes first (they answer a failed run), then the first a field offers.
        fix = next(iter(self.extra_fixes.values()), None)
        fix = fix or next((f.fix for f in self.query(ParamField) if f.fix is not None), None)
        if fix != self._first_fix:
            self._first_fix = fix
            self.app.refresh_bindings()  # the footer offers f (apply the fix) exactly while there is one
        # Errors on fields that are not on screen (collapsed groups) or on the whole form.
        visible = {f.meta.name for f in self.query(ParamField)}
        elsewhere = {n: t for n, t in errors.items() if n not in visible}
        summary = self.query_one("#form-summary", Static)
        lines = [f"{n}: {t}" if n != "_" else t for n, t in elsewhere.items()]
        summary.update("\n".join(lines))
        summary.display = bool(lines)

    def focus_first_error(self) -> None:
        """Bring the first field with an error into view and focus it, opening its group if needed."""
        errors = self.errors()
        for field in self.query(ParamField):
            if field.meta.name in errors:
                field.focus_input()
                field.scroll_visible()
                return
        hidden = next((n for n in self.order if n in errors), None)
        if hidden is not None:
            self.reveal(hidden)
        elif errors:
            self.query_one("#form-summary", Static).scroll_visible()  # about the whole form

    def reveal(self, name: str) -> None:
        """Open the group holding a field that is not on screen yet, then focus it."""
        meta = self.metas.get(name)
        if meta is None:
            return
        try:
            self.query_one("#all-params", Collapsible).collapsed = False
            self.query_one(f"#level-{meta.level}", Collapsible).collapsed = False
        except NoMatches:  # the groups are not composed yet
            self.call_after_refresh(self.reveal, name)
            return

        def focus() -> None:
            field = self.field(name)
            if field is not None:
                field.focus_input()
                field.scroll_visible()

        self.set_timer(0.2, focus)

    def set_banner(self, text: Text | str | None) -> None:
        """A note above the form (the run it continues), or None for none; shown once the form is built."""
        self._banner = text
        if not self._built:
            return  # on_mount shows it
        banner = self.query_one("#form-banner", Static)
        banner.update(text or "")
        banner.set_class(bool(text), "shown")
