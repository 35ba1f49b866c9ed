"""The h2o-py code of a step, highlighted, with copy (OSC 52, works over SSH) and save."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.message import Message
from textual.widgets import Static

if TYPE_CHECKING:
    from rich.syntax import Syntax

PLACEHOLDER = "# The code appears here."
_warm = False  # whether a highlighter has run in this process (the first one imports and lexes for a while)


def save_text(path_text: str, text: str, overwrite: bool = False) -> Path:
    """Write ``text`` to the file the learner named; raises ValueError with a sentence for the field."""
    raw = path_text.strip()
    if not raw:
        raise ValueError("give a file name")
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = Path.cwd() / path
    if path.is_dir():
        raise ValueError(f"{path} is a directory; add a file name")
    if not path.parent.is_dir():
        raise ValueError(f"the directory {path.parent} does not exist")
    if path.exists() and not overwrite:
        raise FileExistsError(str(path))
    try:
        path.write_text(text, encoding="utf-8")
    except PermissionError:
        raise ValueError(f"no permission to write {path}") from None
    except OSError as exc:
        raise ValueError(f"cannot write {path}: {exc.strerror}") from None
    return path


def _syntax(code: str) -> Syntax:
    """Python code in the terminal's own colours, never wrapped."""
    global _warm
    from rich.syntax import Syntax  # noqa: PLC0415 - with Pygments, loaded once the first screen is up

    _warm = True
    return Syntax(code, "python", theme="ansi_dark", background_color="default", word_wrap=False)


class CodePanel(ScrollableContainer, can_focus=True):
    """Scrollable code, never wrapped (a wrapped line reads as two lines of code): long lines scroll
    sideways. ``c`` copies it to the terminal's clipboard, ``s`` saves it to a file."""

    DEFAULT_CSS = """
    CodePanel {
        height: 1fr;
        background: $surface;
        padding: 0 1;
    }
    CodePanel > Static {
        width: auto;
    }
    """

    BINDINGS = [
        Binding("c", "copy", "Copy code", id="code.copy", tooltip="Copy the code to the clipboard (OSC 52)"),
        Binding("s", "save", "Save code", id="code.save", tooltip="Save the code to a .py file"),
    ]

    def __init__(
        self, code: str = "", *, id: str | None = None, classes: str | None = None, filename: str = "h2o_lab.py"
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.code = code
        self.filename = filename

    def compose(self):
        """The code (highlighted once the screen is up), or a placeholder while there is none."""
        yield Static(self._renderable(), id="code-text")

    def on_mount(self) -> None:
        """Highlight the code once the first screen is drawn."""
        if self.code and not _warm:
            self.call_after_refresh(self._highlight)

    def _renderable(self) -> Syntax | Text | str:
        if not self.code:
            return PLACEHOLDER
        if not _warm:
            # Highlighting first imports and warms up Pygments (a quarter of a second on a busy machine):
            # plain text now, colours a refresh later, so that the first screen does not wait for it.
            return Text(self.code, no_wrap=True, overflow="ignore")
        return _syntax(self.code)

    def _highlight(self) -> None:
        if self.code and self.is_mounted:
            self.query_one("#code-text", Static).update(_syntax(self.code))

    def set_code(self, code: str) -> None:
        """Show new code (nothing is redrawn when it is the same)."""
        if code == self.code:
            return
        self.code = code
        if self.is_mounted:
            self.query_one("#code-text", Static).update(self._renderable())
            if not _warm:
                self.call_after_refresh(self._highlight)

    def action_copy(self) -> None:
        """c: copy the code to the terminal's clipboard with OSC 52."""
        if not self.code:
            return
        self.app.copy_to_clipboard(self.code)
        self.notify("Code copied to the clipboard (if your terminal allows OSC 52).", timeout=3)

    @dataclass(eq=False)
    class SaveRequested(Message):
        """The learner asked to save the code; the app asks for a file name."""

        filename: str
        code: str

    def action_save(self) -> None:
        """s: ask the App for a file name to save the code to."""
        if self.code:
            self.post_message(self.SaveRequested(self.filename, self.code))
