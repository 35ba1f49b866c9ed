"""The sweep's setup: a preset, one or two parameters with the values to try, and what that costs."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Input, Select, Static

from tui.lab.params import LIST_TYPES, ParamError, ParamMeta
from tui.lab.steps import Step
from tui.lab.sweep import (
    SWEEP_TYPES,
    Axis,
    Preset,
    SweepPlan,
    apply_preset,
    check_plan,
    parse_axis,
    presets_for,
)
from tui.lab.training import RunSpec
from widgets.paging import LabSelect
from widgets.text_field import LabInput

NONE = "-"  # the second parameter's "no second parameter"
OWN = "own"  # the preset select's "my own values"
# The values are checked once the typing pauses this long (seconds), not at every key: 200 values cost a check each.
CHECK_AFTER = 0.3
CHECKING = "checking the values…"
# Parameters a sweep is most often about, offered first (after the step's own).
COMMON = ("epochs", "hidden", "activation", "hidden_dropout_ratios", "input_dropout_ratio", "l1", "l2", "rate")


@dataclass(frozen=True)
class FormValues:
    """What the learner left in a step's sweep form, to find again when the screen opens on that step next."""

    choice: str  # what the preset select shows: a preset's key, or OWN
    preset: str | None  # the key of the preset whose other values (epochs, rows...) apply, if any
    fields: tuple[tuple[str, str], ...]  # each parameter with the values typed for it


def preset_fields(preset: Preset) -> tuple[tuple[str, str], ...]:
    """The two parameter rows as a preset fills them (the second one "none" when it sweeps one parameter)."""
    return tuple(list(preset.axes) + [(NONE, "")] * (2 - len(preset.axes)))


def param_order(step: Step, metas: dict[str, ParamMeta]) -> list[str]:
    """The step's own parameters, the common ones, then the rest by name (only those a sweep can vary)."""
    first = [n for n in (*step.taught, *COMMON) if n in metas]
    rest = sorted(n for n in metas if n not in first)
    ordered = list(dict.fromkeys(first + rest))
    return [n for n in ordered if metas[n].type in SWEEP_TYPES]


class FieldSelect(LabSelect, inherit_bindings=False):
    """A drop-down of the form: Enter, Up and Down open it; a space typed on it is not (values are typed in the
    field beside it, and a space among them must never open a list)."""

    BINDINGS = [Binding("enter,down,up", "show_overlay", "Show menu", show=False)]


class SweepForm(Vertical):
    """What to sweep; posts :class:`SweepForm.Changed` after every change, with the plan or the reason there is none."""

    DEFAULT_CSS = """
    SweepForm {
        height: auto;
        padding: 0 1;
    }
    SweepForm Horizontal {
        height: auto;
    }
    SweepForm .name {
        width: 12;
        padding-top: 1;
    }
    SweepForm Select {
        width: 30;
    }
    SweepForm Input {
        width: 1fr;
    }
    SweepForm .field-error {
        color: $error;
        height: auto;
        padding-left: 12;
    }
    SweepForm .field-error.empty {
        display: none;
    }
    SweepForm #sweep-preset-note {
        color: $text-muted;
        height: auto;
        padding-left: 12;
    }
    """

    @dataclass(eq=False)
    class Changed(Message):
        """The plan as typed now (None while a field is wrong), and the sentence that says why not."""

        plan: SweepPlan | None
        problem: str

    def __init__(self, step: Step, spec: RunSpec, metas: list[ParamMeta], saved: FormValues | None = None) -> None:
        super().__init__(id="sweep-form")
        self.saved = saved  # the values left here the last time, put back on mount
        self.step = step
        self.base = spec
        self.metas = {m.name: m for m in metas}
        self.presets = presets_for(step.number)
        self.preset: Preset | None = None  # the preset whose other values apply (kept when its values are edited)
        self._timer: Timer | None = None  # the check of the values, once the typing pauses
        self.plan: SweepPlan | None = None
        self.problem = ""
        self._names = param_order(step, self.metas)

    def compose(self) -> ComposeResult:
        """The preset, then each parameter with its values and its message."""
        options = [(p.title, p.key) for p in self.presets] + [("My own values", OWN)]
        with Horizontal():
            yield Static("Preset", classes="name")
            yield FieldSelect(options, value=OWN, allow_blank=False, id="sweep-preset")
        yield Static("", id="sweep-preset-note")  # what the preset sets besides the swept values
        params = [(n, n) for n in self._names]
        for index in (1, 2):
            with Horizontal():
                yield Static(f"Parameter {index}", classes="name")
                first = params if index == 1 else [("none", NONE), *params]
                start = "epochs" if index == 1 and "epochs" in self.metas else (first[0][1] if first else NONE)
                yield FieldSelect(first, value=start, allow_blank=False, id=f"sweep-param-{index}")
                yield LabInput(placeholder="values, commas apart", id=f"sweep-values-{index}")
            yield Static("", id=f"sweep-error-{index}", classes="field-error empty")
        with Horizontal(id="sweep-buttons"):
            yield Button("Start sweep (t)", id="sweep-start", variant="primary")

    def on_mount(self) -> None:
        """Open with the values left here last time, else on the step's first preset, when it has one."""
        if self.saved is not None:
            self.restore(self.saved)
        elif self.presets:
            self._choose(self.presets[0].key)
            self.use_preset(self.presets[0])
        else:
            self.query_one("#sweep-values-1", Input).value = "5, 10, 20"
            self._check()

    def values(self) -> FormValues:
        """What the form holds now (the screen keeps it for the next visit)."""
        choice = str(self.query_one("#sweep-preset", Select).value)
        return FormValues(choice, self.preset.key if self.preset else None, self.fields())

    def restore(self, saved: FormValues) -> None:
        """Put back what :meth:`values` gave."""
        keys = {p.key for p in self.presets}
        self.preset = next((p for p in self.presets if p.key == saved.preset), None)
        self._choose(saved.choice if saved.choice in keys else OWN)
        self._fill(saved.fields)
        self._check()

    def fields(self) -> tuple[tuple[str, str], ...]:
        """Each parameter row: the parameter chosen and the values typed."""
        return tuple(
            (str(self.query_one(f"#sweep-param-{i}", Select).value), self.query_one(f"#sweep-values-{i}", Input).value)
            for i in (1, 2)
        )

    def _fill(self, fields: tuple[tuple[str, str], ...]) -> None:
        """Put values in the fields. The form's own changes post nothing: a change message still queued when the
        learner types would otherwise be taken for the learner's and put these values back over the typing."""
        with self.prevent(Select.Changed, Input.Changed):
            for index, (name, text) in enumerate(fields, start=1):
                self.query_one(f"#sweep-param-{index}", Select).value = name
                self.query_one(f"#sweep-values-{index}", Input).value = text
        for index in (1, 2):
            self._hint(index)

    def _choose(self, key: str) -> None:
        """Show ``key`` in the preset select, as the form's own change (not the learner's choice)."""
        select = self.query_one("#sweep-preset", Select)
        if select.value != key:
            with self.prevent(Select.Changed):
                select.value = key

    def use_preset(self, preset: Preset) -> None:
        """Fill the fields from a preset (its other values go on top of the form's)."""
        self.preset = preset
        self._fill(preset_fields(preset))
        self._check()

    @on(Select.Changed, "#sweep-preset")
    def _preset_chosen(self, event: Select.Changed) -> None:
        event.stop()
        preset = next((p for p in self.presets if p.key == event.value), None)
        if preset is None:
            self._check()  # my own values: the fields stay as they are
        else:
            self.use_preset(preset)  # always its own values, even after they were edited

    def _edited(self) -> None:
        """The learner changed a parameter or its values: a preset no longer describes them."""
        shown = self.query_one("#sweep-preset", Select).value
        preset = next((p for p in self.presets if p.key == shown), None)
        if preset is not None and self.fields() != preset_fields(preset):
            self._choose(OWN)

    @on(Select.Changed, "#sweep-param-1, #sweep-param-2")
    def _param_chosen(self, event: Select.Changed) -> None:
        event.stop()
        self._hint(1 if event.select.id == "sweep-param-1" else 2)
        self._edited()
        self._check()

    def _hint(self, index: int) -> None:
        """The values field's placeholder: how to type values of the parameter chosen."""
        meta = self.metas.get(str(self.query_one(f"#sweep-param-{index}", Select).value))
        hint = "lists apart with ';', e.g. 64; 128, 128" if meta and meta.type in LIST_TYPES else "values, commas apart"
        if meta is not None and meta.values:
            hint = ", ".join(meta.values[:4])
        self.query_one(f"#sweep-values-{index}", Input).placeholder = hint

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        """A key in a values field: checked once the typing pauses; meanwhile the plan waits, and says so."""
        event.stop()
        self._edited()
        if self._timer is not None:
            self._timer.stop()
        elif self.plan is not None or self.problem != CHECKING:
            self.plan, self.problem = None, CHECKING
            self.post_message(self.Changed(None, CHECKING))
        self._timer = self.set_timer(CHECK_AFTER, self._check)

    def flush(self) -> None:
        """Check values still waiting for the typing to pause, now (t was pressed)."""
        if self._timer is not None:
            self._check()

    def spec(self) -> RunSpec:
        """The form's run, with the preset's other values on top."""
        return apply_preset(self.base, self.preset) if self.preset is not None else self.base

    def _check(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._say_preset()
        spec = self.spec()
        axes: list[Axis] = []
        wrong = ""
        for index in (1, 2):
            name = str(self.query_one(f"#sweep-param-{index}", Select).value)
            text = self.query_one(f"#sweep-values-{index}", Input).value
            message = ""
            if name != NONE:
                try:
                    axes.append(parse_axis(name, text, self.metas, spec.params))
                except ParamError as exc:
                    message = f"✗ {exc}"
                    wrong = wrong or f"fix the values of parameter {index} ({name}), marked ✗ below them"
            self._say(index, message)
        plan = SweepPlan(spec, axes)
        problem = wrong or check_plan(plan) or ""
        self.plan = None if problem else plan
        self.problem = problem
        self.post_message(self.Changed(self.plan, problem))

    def _say_preset(self) -> None:
        """What the preset sets besides the swept values, while it applies."""
        preset = self.preset
        if preset is None or not preset.note():
            self._note("")
        elif self.query_one("#sweep-preset", Select).value == preset.key:
            self._note(f"also sets {preset.note()}")
        else:
            self._note(f"also sets {preset.note()} (kept from the preset)")

    def _note(self, text: str) -> None:
        note = self.query_one("#sweep-preset-note", Static)
        note.update(text)
        note.display = bool(text)

    def _say(self, index: int, message: str) -> None:
        field = self.query_one(f"#sweep-error-{index}", Static)
        field.update(message)
        field.set_class(not message, "empty")
