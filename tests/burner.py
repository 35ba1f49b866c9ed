"""A CPU burner: busy processes at normal priority, so that a test runs on a loaded machine."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator

BURN = "while True: pass"


@contextlib.contextmanager
def burning(processes: int | None = None) -> Iterator[list[subprocess.Popen]]:
    """Keep ``processes`` cores busy (default: every core) while the block runs; they are killed after it."""
    count = processes if processes is not None else (os.cpu_count() or 2)
    burners: list[subprocess.Popen] = []
    try:
        for _ in range(count):
            burners.append(
                subprocess.Popen(
                    [sys.executable, "-c", BURN],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        yield burners
    finally:
        for burner in burners:
            if burner.poll() is None:
                burner.kill()
        for burner in burners:
            burner.wait()
