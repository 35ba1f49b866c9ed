"""The one-line header: where the learner is, and the state of the cluster."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

STATE_LABELS = {
    "starting": ("◌", "H2O starting", "state-starting"),
    "ready": ("●", "H2O ready", "state-ready"),
    "lost": ("✖", "H2O lost", "state-lost"),
    "failed": ("✖", "H2O not running", "state-lost"),
    "stopping": ("◌", "H2O stopping", "state-starting"),
}


class LabHeader(Widget):
    """``h2o-lab · Step 3/12 First network ............ ● H2O ready 127.0.0.1:54321``"""

    DEFAULT_CSS = """
    LabHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    location: reactive[str] = reactive("")
    state: reactive[str] = reactive("starting")
    detail: reactive[str] = reactive("")

    def render(self) -> Text:
        """The location on the left; the cluster's state, and from 70 columns its address, on the right."""
        width = self.size.width
        left = Text.assemble((" h2o-lab", "bold"), (" · " + self.location if self.location else ""))
        symbol, label, _ = STATE_LABELS.get(self.state, ("?", self.state, ""))
        style = {
            "ready": "bold green",
            "lost": "bold red",
            "failed": "bold red",
        }.get(self.state, "bold yellow")
        right = Text.assemble((f"{symbol} {label}", style))
        if self.detail and width >= 70:
            right.append(f" {self.detail}", style="dim")
        right.append(" ")
        space = width - left.cell_len - right.cell_len
        if space < 1:
            left.truncate(max(0, width - right.cell_len - 1), overflow="ellipsis")
            space = max(1, width - left.cell_len - right.cell_len)
        return Text.assemble(left, " " * space, right)

    def watch_state(self, state: str) -> None:
        """Swap the state-* CSS class to match the cluster's state."""
        for _, _, css in STATE_LABELS.values():
            self.remove_class(css)
        self.add_class(STATE_LABELS.get(state, ("", "", ""))[2])
