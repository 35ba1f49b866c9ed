"""Stops the lab's own H2O JVM when the app that started it goes away, however it goes.

The app starts this helper with a pipe on its standard input and keeps the write end open.
When the app exits (cleanly, by a signal, or killed), the pipe closes, this helper reads
end-of-file, stops the JVM and removes the private directory holding the cluster's password.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - not ours any more
        return False
    # A zombie still answers kill(0); look at its state where /proc exists.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().split(") ", 1)[1][:1] != "Z"
    except (OSError, IndexError):
        return True


def stop_process(pid: int, grace: float = 8.0) -> None:
    """SIGTERM, then SIGKILL after ``grace`` seconds."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not _alive(pid):
            return
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _is_ours(pid: int, marker: str) -> bool:
    """True when process ``pid`` still carries ``marker`` (our cluster's name) in its command line."""
    if not marker:
        return True
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return marker.encode() in fh.read()
    except OSError:
        return not os.path.isdir("/proc")


def main(argv: list[str]) -> int:
    pid = int(argv[0])
    private_dir = argv[1] if len(argv) > 1 else ""
    marker = argv[2] if len(argv) > 2 else ""
    for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except OSError:
        pass
    if _alive(pid) and _is_ours(pid, marker):
        stop_process(pid)
    if private_dir:
        shutil.rmtree(private_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
