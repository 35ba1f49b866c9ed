"""The run table: the latest published copy of every run, past and present, safe to read from any thread."""

from __future__ import annotations

import threading

from tui.lab.training import Run


class RunTable:
    """Runs by id, in the order they were first seen; each entry is the copy last published for it."""

    def __init__(self, past: list[Run] | None = None) -> None:
        self._lock = threading.Lock()
        self._runs: dict[str, Run] = {}
        for run in past or []:
            self._runs.setdefault(run.run_id, run)

    def publish(self, run: Run) -> None:
        """Keep ``run`` (a copy the caller no longer changes) as the latest state of its run."""
        with self._lock:
            self._runs[run.run_id] = run

    def latest(self, run_id: str) -> Run | None:
        """The latest published copy of the run ``run_id``, or None."""
        with self._lock:
            return self._runs.get(run_id)

    def all(self) -> list[Run]:
        """Every run's latest copy, in the order the runs were first seen."""
        with self._lock:
            return list(self._runs.values())
