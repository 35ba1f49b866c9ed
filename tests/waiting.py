"""Waiting on conditions, never on the clock: the tests must not depend on the machine's speed.

Each wait polls its condition in small steps and fails with a message that names what it waited for. The
deadlines are generous: they only catch a hang, they measure nothing (bench/ measures speed).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

# Long enough for the slowest thing a test waits on (a training job on a busy 2-core machine), short enough
# that a hang fails the test instead of the whole session.
HANG = 120.0


def _describe(what: str | Callable[[], str]) -> str:
    return what() if callable(what) else what


async def until(
    pilot, predicate: Callable[[], Any], timeout: float = HANG, what: str | Callable[[], str] = "the condition"
) -> None:
    """Let the app run until ``predicate()`` is true; fail naming ``what`` after ``timeout`` seconds.

    ``what`` may be a function, to say what the screen showed at the moment of failing.
    """
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {_describe(what)}")
        await pilot.pause(0.05)


def wait_until(
    predicate: Callable[[], Any], timeout: float = HANG, what: str | Callable[[], str] = "the condition"
) -> Any:
    """The same outside the app (a process, a file, a journal row): returns the predicate's true value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {_describe(what)}")
        time.sleep(0.1)


def rendered(widget) -> str:
    """What a Static widget shows, as plain text (Rich tables included), through its public ``content``."""
    from rich.console import Console
    from textual.content import Content

    content = widget.content
    if isinstance(content, (str, Content)):
        # ``visual`` is the Content the widget draws: markup parsed if, and only if, the widget parses it.
        return widget.visual.plain
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(content)
    return console.file.getvalue()


def notices(app) -> list[str]:
    """The notifications on the screen now (Textual's toasts), as plain text."""
    return [toast.render().plain for toast in app.screen.query("Toast")]


# Keys by the name a test writes them with: (Textual's key name, the character the terminal sends).
KEYS = {
    "escape": ("escape", "\x1b"),
    "enter": ("enter", "\r"),
    "tab": ("tab", "\t"),
    "ctrl+u": ("ctrl+u", "\x15"),
    "end": ("end", None),
    " ": ("space", " "),
    ",": ("comma", ","),
    ".": ("full_stop", "."),
}


def burst(app, *keys: str) -> None:
    """Put keys in the App's queue at once, with no pause for the screen between them (a paste, a fast typist, or
    keys typed faster than the screen draws)."""
    from textual import events  # noqa: PLC0415

    for key in keys:
        name, char = KEYS.get(key, (key, key if len(key) == 1 else None))
        app.post_message(events.Key(name, char))
