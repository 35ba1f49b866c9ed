"""The export dialog (``w``): the session's runs as an h2o-py script or a Jupyter notebook, written to a file."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, RadioButton, RadioSet, Static

from screens.dialogs import Dialog
from tui.lab.errors import LabError
from widgets.text_field import LabInput

DEFAULT_NAME = "h2o-lab-session"


class Choice(RadioButton):
    """A radio button whose mark reads without colour (NO_COLOR, 16 colours): ● when chosen, blank when not."""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "●" if self.value else " "
        return super()._button


class Tick(Checkbox):
    """A checkbox whose mark reads without colour: X when ticked, blank when not."""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "X" if self.value else " "
        return super()._button


class ExportDialog(Dialog):
    """Choose the format, the sessions and the file; Enter (or Export) writes it, Escape closes."""

    DEFAULT_CSS = """
    ExportDialog > Vertical {
        width: 74;
    }
    ExportDialog RadioSet {
        layout: horizontal;
        height: auto;
        width: 100%;
        border: none;
        padding: 0;
    }
    ExportDialog RadioButton {
        margin-right: 2;
    }
    ExportDialog Checkbox {
        border: none;
        padding: 0;
    }
    ExportDialog #export-error {
        color: $error;
        height: auto;
    }
    """

    def compose(self) -> ComposeResult:
        """What the export holds, the choices, the file name and its error line, then Cancel and Export."""
        with Vertical():
            yield Static("Take the session away", classes="title")
            yield Static("Every finished run in order, as h2o-py code that repeats it (a notebook adds the lessons).")
            with RadioSet(id="export-format"):
                yield Choice("Script (.py)", value=True, id="format-py")
                yield Choice("Notebook (.ipynb)", id="format-ipynb")
            with RadioSet(id="export-which"):
                yield Choice("This session", value=True, id="which-latest")
                yield Choice("Every session", id="which-all")
            yield Tick("Read the data from this machine's copies (no internet)", id="export-local")
            yield LabInput(value=f"{DEFAULT_NAME}.py", id="export-path")
            yield Static("", id="export-error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel (esc)", id="cancel")
                yield Button("Export (enter)", id="export", variant="primary")

    def on_mount(self) -> None:
        """Focus the file name: Enter exports at once with the defaults."""
        self.query_one("#export-path", Input).focus()

    @property
    def _format(self) -> str:
        return "ipynb" if self.query_one("#format-ipynb", RadioButton).value else "py"

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        """A new format: the file name's ending follows it."""
        if event.radio_set.id == "export-format":
            field = self.query_one("#export-path", Input)
            path = Path(field.value or DEFAULT_NAME)
            if path.suffix in (".py", ".ipynb", ""):
                field.value = str(path.with_suffix(f".{self._format}"))
        self.query_one("#export-error", Static).update("")

    def on_input_changed(self) -> None:
        """A new file name: the error of the previous one goes."""
        self.query_one("#export-error", Static).update("")

    def on_input_submitted(self) -> None:
        """Enter in the file name exports."""
        self._export()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Export exports; Cancel closes."""
        if event.button.id == "export":
            self._export()
        else:
            self.dismiss(None)

    def _export(self) -> None:
        error = self.query_one("#export-error", Static)
        text = self.query_one("#export-path", Input).value.strip()
        fmt = self._format
        if not text:
            error.update("Give a file name.")
            return
        path = Path(text).expanduser()
        if path.suffix != f".{fmt}":
            error.update(f"A {'notebook' if fmt == 'ipynb' else 'script'} is written to a .{fmt} file.")
            return
        if path.exists():
            error.update(f"{path} exists: give another name.")
            return
        if not path.parent.is_dir():
            error.update(f"The folder {path.parent} does not exist.")
            return
        which = "all" if self.query_one("#which-all", RadioButton).value else "latest"
        local = self.query_one("#export-local", Checkbox).value
        error.update("Writing…")
        self._write(path, fmt, which, local)

    @work(thread=True, exclusive=True, group="export")
    def _write(self, path: Path, fmt: str, which: str, local: bool) -> None:
        try:
            said = self.app.lab.export_session(path, fmt, which, local)  # type: ignore[attr-defined]
        except (LabError, ValueError, OSError) as exc:
            message = getattr(exc, "message", None) or getattr(exc, "strerror", None) or str(exc)
            self.app.call_from_thread(self._failed, str(message))
            return
        self.app.call_from_thread(self._written, said, path)

    def _failed(self, message: str) -> None:
        if self.is_attached:
            self.query_one("#export-error", Static).update(message)

    def _written(self, said: str, path: Path) -> None:
        self.app.notify(said, timeout=6)
        self.dismiss(path)
