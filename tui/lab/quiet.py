"""Keep h2o-py's console output (progress bars, banners, warnings) off the learner's screen.

h2o-py prints to stdout. Inside a full-screen terminal app that would tear the picture, so
every h2o-py call the lab makes runs inside :func:`quiet_h2o`, which sends stdout to the app's
log instead. Warnings go to the log through :mod:`logging`.
"""

from __future__ import annotations

import contextlib
import io
import logging
import sys
import threading
from collections.abc import Iterator

log = logging.getLogger("h2o-lab.h2o")

_lock = threading.RLock()
_depth = 0
_saved: object | None = None
_configured = False


class _LogStream(io.TextIOBase):
    """A stdout stand-in that writes whole lines to the log."""

    def __init__(self) -> None:
        self._buffer = ""
        self._buffer_lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with self._buffer_lock:
            self._buffer += text
            *lines, self._buffer = self._buffer.replace("\r", "\n").split("\n")
        for line in lines:
            if line.strip():
                log.info("h2o-py: %s", line.rstrip())
        return len(text)

    def flush(self) -> None:
        pass


_stream = _LogStream()


def configure() -> None:
    """Turn h2o-py's progress bars off and route Python warnings to the log (once per process)."""
    global _configured
    if _configured:
        return
    import h2o  # noqa: PLC0415

    h2o.no_progress()
    logging.captureWarnings(True)
    _configured = True


@contextlib.contextmanager
def quiet_h2o() -> Iterator[None]:
    """Send stdout to the log while h2o-py runs; safe to nest and to use from several threads."""
    global _depth, _saved
    configure()
    with _lock:
        if _depth == 0:
            _saved = sys.stdout
            sys.stdout = _stream
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                sys.stdout = _saved
                _saved = None
