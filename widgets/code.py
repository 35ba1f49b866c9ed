"""The h2o-py code of a step, highlighted, with copy (OSC 52, works over SSH) and save."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static


class CodePanel(VerticalScroll, can_focus=True):
    """Scrollable code. ``c`` copies it to the terminal's clipboard."""

    DEFAULT_CSS = """
    CodePanel {
        height: 1fr;
        background: $surface;
        padding: 0 1;
    }
    CodePanel > Static {
        width: 1fr;
    }
    """

    BINDINGS = [
        Binding("c", "copy", "Copy code", id="code.copy", tooltip="Copy the code to the clipboard (OSC 52)"),
    ]

    def __init__(self, code: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.code = code

    def compose(self) -> ComposeResult:
        yield Static(self._renderable(), id="code-text")

    def _renderable(self) -> Syntax | str:
        if not self.code:
            return "# The code appears here."
        return Syntax(self.code, "python", theme="ansi_dark", background_color="default", word_wrap=True)

    def set_code(self, code: str) -> None:
        self.code = code
        if self.is_mounted:
            self.query_one("#code-text", Static).update(self._renderable())

    def action_copy(self) -> None:
        if not self.code:
            return
        self.app.copy_to_clipboard(self.code)
        self.notify("Code copied to the clipboard (if your terminal allows OSC 52).", timeout=3)
