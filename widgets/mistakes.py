"""An MNIST step's Mistakes tab: the test digits a run's network gets wrong, with what it said instead."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import Static

from tui.lab.errors import LabError
from tui.lab.training import Run
from tui.messages import MistakesFound
from widgets.digits import DigitCard

CARD_WIDTH = 32  # a digit card and its margin


def mistakes_news(run_id: str, count: int, digits: list, total: int) -> Text:
    """``run-3 gets 412 of the 10,000 test digits wrong (4.1%).``, and what the cards below show."""
    news = Text.assemble(
        (f"{run_id} gets {count:,} of the {total:,} test digits wrong", "bold"),
        f" ({count / total:.1%}).",
    )
    if digits:
        news.append(f" The first {len(digits)}, with what the network said and how sure it was:")
    return news


class MistakesPanel(VerticalScroll):
    """The Mistakes tab's contents; :meth:`look_for` scores the test digits in a thread."""

    DEFAULT_CSS = """
    MistakesPanel #mistakes-news {
        height: auto;
        padding: 0 1 1 1;
    }
    MistakesPanel #mistakes-grid {
        height: auto;
        grid-size: 1;
        padding: 0 1;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="mistakes-scroll")

    def compose(self) -> ComposeResult:
        """The news line and an empty gallery."""
        yield Static("After a run, the test digits it gets wrong appear here.", id="mistakes-news")
        yield Grid(id="mistakes-grid")

    def look_for(self, run: Run, lab) -> None:
        """Score the test digits with the run's model; a :class:`MistakesFound` bubbles up with them."""
        self.query_one("#mistakes-news", Static).update("Scoring the test digits to find the mistakes…")
        self._mistakes_worker(run, lab)

    @work(thread=True, exclusive=True, group="mistakes", exit_on_error=False)
    def _mistakes_worker(self, run: Run, lab) -> None:
        try:
            count, digits = lab.mistakes(run)
        except LabError as exc:
            self.app.call_from_thread(self.query_one("#mistakes-news", Static).update, Text(exc.message, style="red"))
            return
        self.post_message(MistakesFound(run.run_id, count, digits))

    def show(self, run_id: str, count: int, digits: list, total: int) -> None:
        """Say how many test digits the run gets wrong, and show the first of them."""
        self.query_one("#mistakes-news", Static).update(mistakes_news(run_id, count, digits, total))
        grid = self.query_one("#mistakes-grid", Grid)
        grid.remove_children()
        grid.mount_all([DigitCard(d) for d in digits])

    def fit(self, width: int) -> None:
        """As many cards side by side as ``width`` (the step's width) holds."""
        self.query_one("#mistakes-grid", Grid).styles.grid_size_columns = max(1, (width - 2) // CARD_WIDTH)
