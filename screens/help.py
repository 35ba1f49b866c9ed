"""The help screen (``?``): the keys, and where the lab keeps its files."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from screens.dialogs import Dialog

KEYS = [
    ("↑ ↓  Enter", "choose a step in the sidebar"),
    ("n  p", "next / previous step"),
    ("Tab  Shift+Tab", "move between parts of a screen"),
    ("← →", "switch tabs when the tab bar has focus"),
    ("i", "import the data (data steps)"),
    ("t", "train the step's model"),
    ("x", "cancel the running job (the partial model is kept)"),
    ("c", "copy the code when the code panel has focus"),
    ("r", "restart the cluster when it failed or was lost"),
    ("?", "this help"),
    ("q  Ctrl+C", "quit (asks first while a model trains)"),
]


class HelpScreen(Dialog):
    DEFAULT_CSS = """
    HelpScreen > Vertical {
        width: 76;
    }
    HelpScreen VerticalScroll {
        height: auto;
        max-height: 100%;
    }
    """
    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss_dialog", "Close", id="help.close"),
    ]

    def __init__(self, files: list[tuple[str, str]] | None = None) -> None:
        super().__init__()
        self.files = files or []

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold", no_wrap=True)
        keys.add_column()
        for key, what in KEYS:
            keys.add_row(key, what)
        with Vertical():
            yield Static("h2o-lab help", classes="title")
            with VerticalScroll():
                yield Static(
                    "Work through the steps on the left, top to bottom. Each step explains one idea, "
                    "trains on a real H2O-3 cluster, and shows the h2o-py code that does the same."
                )
                yield Static("")
                yield Static(keys)
                if self.files:
                    files = Table.grid(padding=(0, 2))
                    files.add_column(style="bold", no_wrap=True)
                    files.add_column(overflow="fold")
                    for what, where in self.files:
                        files.add_row(what, where)
                    yield Static("")
                    yield Static(files)
                yield Static("")
                yield Static("Press Escape to close.", classes="lesson")
