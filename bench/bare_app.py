"""The yardstick for start-up: a bare Textual app (Header, Static, Footer), quit with q."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class Bare(App):
    """The smallest full-screen Textual app worth comparing with."""

    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        """Header, one line of text and the footer."""
        yield Header()
        yield Static("A bare Textual app: the start-up time h2o-lab is measured against. " * 3)
        yield Footer()


if __name__ == "__main__":
    Bare().run()
