"""Step 1: the cluster, starting, ready, failed or lost."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from screens.base import StepView, error_text
from tui.lab import fmt
from tui.lab.cluster import ClusterStatus
from tui.lab.errors import LabError
from widgets.code import CodePanel
from widgets.table import PairsView, PathValue


def status_rows(status: ClusterStatus, state: str) -> list[tuple[str, str | Text]]:
    """The cluster's health, version, nodes, cores, memory, uptime and address, as rows of the status table."""
    health = Text(status.health_text, style="green" if status.health_text == "healthy" else "red")
    if state == "lost":
        health = Text("lost: the cluster stopped answering", style="bold red")
    cores = f"{status.cores}" + (f" ({status.allowed_cores} allowed)" if status.allowed_cores != status.cores else "")
    memory = f"{fmt.size(status.free_mem)} free of {fmt.size(status.max_mem)}"
    url = status.url + ("  (private: only this session has the password)" if status.own else "")
    rows: list[tuple[str, str | Text]] = [
        ("Health", health),
        ("H2O version", status.version or "-"),
        ("Nodes", str(status.nodes)),
        ("Cores", cores),
        ("Free memory", memory),
        ("Uptime", fmt.duration(status.uptime_ms / 1000)),
        ("URL", url),
        ("Cluster", status.cloud_name + ("" if status.own else "  (not started by h2o-lab: it is left running)")),
    ]
    if status.java:
        rows.append(("Java", status.java))
    if status.log_file:
        rows.append(("Log", PathValue(status.log_file)))
    return rows


REMOTE_HEADING = "Connect to an H2O cluster"
REMOTE_LESSON = (
    "H2O-3 does its work in a separate engine, a Java program called a cluster. Python only sends it requests "
    "and reads back results, so the same code runs on a laptop or on a hundred machines. Here h2o-lab connects "
    "to the cluster at the address you gave; it leaves that cluster running when you quit."
)


class ClusterView(StepView):
    _news: str | None = None  # the ready or lost line shown (None while other news is shown)

    DEFAULT_CSS = """
    ClusterView #cluster-news {
        height: auto;
        padding: 0 1;
        color: $text-muted;
    }
    ClusterView #cluster-status {
        padding: 0 1 1 1;
    }
    ClusterView #cluster-error {
        height: auto;
        padding: 0 1 1 1;
        display: none;
    }
    ClusterView #cluster-log {
        height: auto;
        max-height: 14;
        margin: 0 1 1 1;
        padding: 0 1;
        background: $surface;
        display: none;
    }
    ClusterView.failed #cluster-error, ClusterView.failed #cluster-log {
        display: block;
    }
    ClusterView #cluster-code {
        height: auto;
        max-height: 20;  /* the whole script that starts an H2O of its own */
        margin: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        """The lesson (its own for a cluster at --url), the news, the status, any error with its log, the code."""
        with VerticalScroll():
            if self.own:
                yield from self.compose_intro()
            else:
                yield Static(f"Step 1 · {REMOTE_HEADING}", classes="heading")
                yield Static(REMOTE_LESSON, classes="lesson")
            yield Static("Starting…", id="cluster-news")
            yield PairsView(id="cluster-status")
            yield Static(id="cluster-error")
            yield Static(id="cluster-log", markup=False)
            yield Static("The same in h2o-py:", classes="lesson")
            yield CodePanel(id="cluster-code")

    @property
    def own(self) -> bool:
        """Whether the lab started this cluster (else it connects to one at --url)."""
        return self.lab_app.lab.own_cluster

    def set_code(self, code: str) -> None:
        """Show the h2o-py code that starts the cluster or connects to it."""
        self.query_one("#cluster-code", CodePanel).set_code(code)

    def show_news(self, lines: list[str]) -> None:
        """The last eight lines of news from the cluster's start, as bullets."""
        self._news = None
        self.query_one("#cluster-news", Static).update("\n".join(f"• {line}" for line in lines[-8:]))

    def show_status(self, status: ClusterStatus, state: str = "ready") -> None:
        """The cluster is up (or, with state "lost", gone): say so and fill the status table."""
        self.remove_class("failed")
        news = "Connected to an existing cluster." if not status.own else "Your private cluster is running."
        if state == "lost":
            news = "The cluster stopped answering. Press r to start a fresh one."
        if news != self._news:  # the health check brings the status every second: redraw only what changed
            self._news = news
            self.query_one("#cluster-news", Static).update(news)
        self.query_one("#cluster-status", PairsView).set_rows(status_rows(status, state))

    def show_failure(self, error: LabError, log_tail: str = "", lost: bool = False) -> None:
        """Why the cluster did not start, connect or stay up, the end of its log, and r to retry."""
        self.add_class("failed")
        title = (
            "The cluster was lost."
            if lost
            else ("The cluster could not be started." if self.own else "Could not connect to the cluster.")
        )
        self._news = None
        self.query_one("#cluster-news", Static).update(Text(title, style="bold red"))
        text = error_text(error, style="")
        text.append("\nPress r to try again.", style="bold")
        self.query_one("#cluster-error", Static).update(text)
        tail = log_tail or error.detail
        log = self.query_one("#cluster-log", Static)
        log.update(tail or "")
        log.display = bool(tail)
