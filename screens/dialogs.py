"""Modal dialogs: one base class; Escape always closes."""

from __future__ import annotations

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.small_window import FitsWindow
from tui.lab.errors import LabError
from widgets.text_field import LabInput


class Dialog(FitsWindow, ModalScreen):
    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    Dialog > Vertical {
        width: 70;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 1 2;
    }
    Dialog .title {
        text-style: bold;
        height: auto;
        margin-bottom: 1;
    }
    Dialog .buttons {
        height: auto;
        align-horizontal: right;
        margin-top: 1;
    }
    Dialog Button {
        margin-left: 2;
    }
    """
    BINDINGS = [Binding("escape", "dismiss_dialog", "Close", id="dialog.close", tooltip="Close the dialog")]
    NOTICE_KEYS = {"escape": "Escape closes this dialog"}

    _answered = False

    def dismiss(self, result=None):
        """Close with ``result``, once: a second key or click already on its way is ignored."""
        if self._answered:
            return None
        self._answered = True
        return super().dismiss(result)

    def action_dismiss_dialog(self) -> None:
        """Escape closes the dialog with no answer (None)."""
        self.dismiss(None)


class ConfirmDialog(Dialog):
    """Asks a yes/no question; dismisses with True or False."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="dialog.yes", tooltip="Answer yes"),
        Binding("n", "answer(False)", "No", id="dialog.no", tooltip="Answer no"),
    ]

    def __init__(self, title: str, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self._title = title
        self._question = question
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        """The title, the question, then the No and Yes buttons."""
        with Vertical():
            yield Static(self._title, classes="title")
            yield Static(self._question)
            with Horizontal(classes="buttons"):
                yield Button(f"{self._no} (n)", id="no")
                yield Button(f"{self._yes} (y)", id="yes", variant="error")

    def notice_keys(self) -> dict[str, str]:
        """Behind the small window's notice the question is hidden: the notice names it and its answers."""
        return {"y": f"{self._title}: y for {self._yes}, n for {self._no}", "n": "", **super().notice_keys()}

    def on_mount(self) -> None:
        """Focus starts on No: a stray Enter does not say yes."""
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Yes answers True, No answers False."""
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        """The y and n keys answer True or False."""
        self.dismiss(value)

    def action_dismiss_dialog(self) -> None:
        """Escape counts as No."""
        self.dismiss(False)


class QuitDialog(ConfirmDialog):
    """The question before quitting while a model trains. q and Ctrl+C on it do nothing more (the App's quit
    action sees it open): it stays the one question, and its notice in a small window does not offer q."""

    def notice_keys(self) -> dict[str, str]:
        """q is not said to quit here: y does."""
        return {**super().notice_keys(), "q": ""}


class InfoDialog(Dialog):
    """A title and a text to read (H2O's help on a parameter), with Close."""

    DEFAULT_CSS = """
    InfoDialog VerticalScroll {
        height: auto;
        max-height: 55vh;  /* the title and Close stay in the dialog at 24 rows */
    }
    """

    def __init__(self, title: str, text: str, extra: RenderableType | None = None) -> None:
        super().__init__()
        self._title = title
        self._text = text
        self._extra = extra  # drawn under the text (the activation functions' curves)

    def compose(self) -> ComposeResult:
        """The title, the text (scrolling when long), then Close."""
        with Vertical():
            yield Static(self._title, classes="title")
            with VerticalScroll(classes="detail"):
                yield Static(self._text, markup=False)
                if self._extra is not None:
                    yield Static(self._extra, classes="extra")
            with Horizontal(classes="buttons"):
                yield Button("Close (esc)", id="close", variant="primary", compact=True)

    def on_mount(self) -> None:
        """Focus Close, so that Enter closes the dialog too."""
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        """Close closes the dialog."""
        self.dismiss(None)


class ErrorDialog(Dialog):
    """Shows a :class:`LabError`: what happened, what to do, and the details if any."""

    def __init__(self, error: LabError) -> None:
        super().__init__()
        self.error = error

    def compose(self) -> ComposeResult:
        """The error's title and message, its hint and scrollable details if any, then the Close button."""
        with Vertical():
            yield Static(self.error.title, classes="title")
            yield Static(self.error.message)
            if self.error.hint:
                yield Static(self.error.hint, classes="hint")
            if self.error.detail:
                with VerticalScroll(classes="detail"):
                    yield Static(self.error.detail, markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Close (esc)", id="close", variant="primary")

    def on_mount(self) -> None:
        """Focus the Close button, so that Enter closes the dialog."""
        for button in self.query("#close").results(Button):
            button.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The Close button closes the dialog."""
        self.dismiss(None)


class SaveDialog(Dialog):
    """Asks for a file name and saves text there; mistakes stand under the field."""

    DEFAULT_CSS = """
    SaveDialog Input {
        margin-top: 1;
    }
    SaveDialog #save-error {
        color: $error;
        height: auto;
    }
    """

    def __init__(self, filename: str, text: str) -> None:
        super().__init__()
        self.filename = filename
        self.text = text
        self._confirm_overwrite = False

    def compose(self) -> ComposeResult:
        """The title, the file name field with its error line, then Cancel and Save."""

        with Vertical():
            yield Static("Save the code", classes="title")
            yield Static("File name (relative to the directory h2o-lab was started in):")
            yield LabInput(value=self.filename, id="save-path")
            yield Static("", id="save-error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel (esc)", id="cancel")
                yield Button("Save (enter)", id="save", variant="primary")

    def on_mount(self) -> None:
        """Focus the file name field, ready for typing."""
        self.query_one("#save-path").focus()

    def on_input_changed(self) -> None:
        """A new file name: clear the error, and ask again before replacing a file."""
        self._confirm_overwrite = False
        self.query_one("#save-error", Static).update("")

    def on_input_submitted(self) -> None:
        """Enter in the field saves."""
        self._save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save saves; Cancel closes the dialog without saving."""
        if event.button.id == "save":
            self._save()
        else:
            self.dismiss(None)

    def _save(self) -> None:
        from textual.widgets import Input  # noqa: PLC0415

        from widgets.code import save_text  # noqa: PLC0415

        error = self.query_one("#save-error", Static)
        try:
            path = save_text(self.query_one("#save-path", Input).value, self.text, overwrite=self._confirm_overwrite)
        except FileExistsError as exc:
            self._confirm_overwrite = True
            error.update(f"{exc} exists. Press Save again to replace it.")
            return
        except ValueError as exc:
            error.update(str(exc))
            return
        self.app.notify(f"Saved {path}", timeout=4)
        self.dismiss(path)
