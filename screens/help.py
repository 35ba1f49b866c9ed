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
    ("b", "hide / show the list of steps (room for wide tables)"),
    ("[  ]", "previous / next tab of a training step (Setup, Training, Results, ...)"),
    ("Tab  Shift+Tab", "move between the parts of a screen"),
    ("Esc", "leave a form field: the keys below work again"),
    ("i", "import the data (steps 2 and 10)"),
    ("t", "train the step's model"),
    ("x", "cancel the running job (the partial model is kept), or MNIST's speed trial"),
    ("f", "apply the fix the form offers (for example adaptive_rate off)"),
    ("k", "continue the finished run for more epochs (checkpoint)"),
    ("s", "sweep: a list of values of one or two parameters as one H2O grid search"),
    ("t  x  m  Esc", "on the sweep screen: start / cancel (finished models stay) / metric / back"),
    ("g", "the step's goals: reached or not, the best run against each target; h one more hint"),
    ("← →  a", "quiz (step 13): another question; a takes it again once every question is answered"),
    ("F1", "on a field of the form: H2O's help on that parameter, its default and allowed values"),
    ("c  s", "copy / save the code, when the code panel has focus"),
    ("space  l  o  Enter", "All runs: mark for comparison, load into the form, load an earlier model, open"),
    ("→ ←", "a table wider than the screen: its next / previous column (the last column says how many)"),
    ("← →  PgUp PgDn  v", "digit viewer: previous / next, ±100, training or test digits"),
    ("← →  PgUp PgDn  m", "threshold explorer: higher / lower threshold, ±10 rows, back to max F1"),
    ("w", "write the session's runs as an h2o-py script or a Jupyter notebook (export)"),
    ("r", "start a fresh cluster when it failed or was lost"),
    ("?", "this help (Esc closes it)"),
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
        """The title, a short introduction, the keys, the lab's files if any, and how to close."""
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold", no_wrap=True)
        keys.add_column()
        for key, what in KEYS:
            keys.add_row(key, what)
        with Vertical():
            yield Static("h2o-lab help · Esc closes it", classes="title")
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
