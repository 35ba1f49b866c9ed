"""Whether a step's job is pending: one value, set when the job starts and cleared by its last message.

The footer (x), the Train key and the status all read it, so none of them can disagree with another. Jobs are
numbered: a finished job's last word never clears a newer one.
"""

from __future__ import annotations

from collections.abc import Callable


class PendingJob:
    """The step's job, from its start to its worker's last message."""

    def __init__(self, changed: Callable[[], None]) -> None:
        self.pending = False
        self.number = 0
        self.again = False  # a train was asked for while the finished job saved its model
        self._changed = changed

    def begin(self) -> int:
        """A new job starts: its number, for its last message."""
        self.number += 1
        self.again = False
        self._set(True)
        return self.number

    def end(self, number: int | None = None) -> bool:
        """The job said its last word (``number``: only if it is still the latest job). True if a train waits."""
        if number is not None and number != self.number:
            return False
        self._set(False)
        again, self.again = self.again, False
        return again

    def _set(self, pending: bool) -> None:
        if pending != self.pending:
            self.pending = pending
            self._changed()
