"""The help screen (``?``): the keys, read from the bindings of the App and of every screen and widget, and where
the lab keeps its files.

Built from the ``BINDINGS`` themselves (each with its tooltip, or its description), so that a key added, renamed or
removed shows here as it is: the help cannot fall behind the keys.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.keys import format_key
from textual.widgets import Static

import screens
import widgets
from screens.dialogs import Dialog

# Keys Textual's own widgets answer (the sidebar, the tables, the focus): no class of the lab binds them.
OTHER_KEYS = [
    ("↑ ↓  Enter", "choose a step in the sidebar; in a table, a row (All runs: Enter opens the run)"),
    ("Tab  Shift+Tab", "move between the parts of a screen"),
    ("→ ←", "a table wider than the screen: its next / previous column (the last column says how many)"),
]

# Where each class's keys work, in the order the help lists them; a class not named here is listed after these,
# under the first line of its docstring.
PLACES = {
    "LabApp": "Everywhere on the lab's screen (step keys show in the footer where they apply)",
    "ParamField": "On a field of a step's form",
    "FieldSelect": "On a drop-down of a step's form",
    "CodePanel": "On the code panel (when it has focus)",
    "DigitBrowser": "Digit viewer (step 10)",
    "DigitCanvas": "Drawing pad (step 11, Inside tab)",
    "ThresholdExplorer": "Threshold explorer (step 12)",
    "ChoiceList": "Quiz (step 13), on the choices",
    "QuizView": "Quiz (step 13)",
    "SweepScreen": "Sweep screen (s)",
    "GoalsDialog": "Goals (g)",
    "ConfirmDialog": "A yes / no question",
    "Dialog": "Any dialog",
    "HelpScreen": "This help",
}

KEY_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "home": "Home",
    "end": "End",
    "tab": "Tab",
}


def key_label(key: str) -> str:
    """One key as the help writes it: ``Esc``, ``PgDn``, ``Shift+→``, ``Ctrl+C``, ``?``, ``[``."""
    *modifiers, name = key.strip().split("+")
    shown = KEY_NAMES.get(name) or (name.upper() if name.startswith("f") and name[1:].isdigit() else format_key(name))
    if modifiers and len(shown) == 1:
        shown = shown.upper()
    return "+".join([*(m.capitalize() for m in modifiers), shown])


def bound_classes(app_class: type) -> list[tuple[str, type[DOMNode]]]:
    """The App's class and every screen and widget class that declares keys, each with where its keys work."""
    found: dict[str, type[DOMNode]] = {}
    for package in (widgets, screens):
        for module_info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            module = importlib.import_module(module_info.name)
            for _name, value in inspect.getmembers(module, inspect.isclass):
                if (
                    issubclass(value, DOMNode)
                    and value.__module__ == module.__name__
                    and value.__dict__.get("BINDINGS")
                ):
                    found[value.__qualname__] = value
    if app_class.__dict__.get("BINDINGS"):
        found[app_class.__qualname__] = app_class
    order = list(PLACES)
    named = sorted(found, key=lambda name: (order.index(name) if name in order else len(order), name))
    return [(PLACES.get(name) or _first_line(found[name]), found[name]) for name in named]


def _first_line(cls: type) -> str:
    """The first sentence of a class's docstring, whole even when it runs over several lines."""
    paragraph = (inspect.getdoc(cls) or cls.__name__).split("\n\n")[0]
    sentence = re.split(r"(?<=[.!?])\s", " ".join(paragraph.split()), maxsplit=1)[0]
    return sentence.rstrip(".")


def _bindings(cls: type[DOMNode]) -> list[Binding]:
    declared: list[BindingType] = cls.__dict__.get("BINDINGS", [])
    return [b for b in declared if isinstance(b, Binding)]


def keys_table(cls: type[DOMNode]) -> Table:
    """A class's own keys: each binding's keys, then its tooltip (or its description when it has none)."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True, min_width=12)
    table.add_column()
    for binding in _bindings(cls):
        table.add_row(
            " ".join(key_label(key) for key in binding.key.split(",")), binding.tooltip or binding.description
        )
    return table


class HelpScreen(Dialog):
    DEFAULT_CSS = """
    HelpScreen > Vertical {
        width: 76;
    }
    HelpScreen VerticalScroll {
        height: auto;
        max-height: 100%;
    }
    HelpScreen .help-place {
        text-style: bold;
        color: $accent;
        margin-top: 1;
    }
    """
    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss_dialog", "Close", id="help.close", tooltip="Close the help"),
    ]

    def __init__(self, files: list[tuple[str, str]] | None = None) -> None:
        super().__init__()
        self.files = files or []

    def compose(self) -> ComposeResult:
        """The title, a short introduction, the keys by where they work, the lab's files if any, and how to close."""
        others = Table.grid(padding=(0, 2))
        others.add_column(style="bold", no_wrap=True, min_width=12)
        others.add_column()
        for key, what in OTHER_KEYS:
            others.add_row(key, what)
        with Vertical():
            yield Static("h2o-lab help · Esc closes it", classes="title")
            with VerticalScroll():
                yield Static(
                    "Work through the steps on the left, top to bottom. Each step explains one idea, "
                    "trains on a real H2O-3 cluster, and shows the h2o-py code that does the same."
                )
                yield Static("Moving around", classes="help-place")
                yield Static(others)
                for place, cls in bound_classes(type(self.app)):
                    yield Static(place, classes="help-place")
                    yield Static(keys_table(cls))
                if self.files:
                    files = Table.grid(padding=(0, 2))
                    files.add_column(style="bold", no_wrap=True)
                    files.add_column(overflow="fold")
                    for what, where in self.files:
                        files.add_row(what, where)
                    yield Static("Files", classes="help-place")
                    yield Static(files)
                yield Static("")
                yield Static("Press Escape to close.", classes="lesson")
