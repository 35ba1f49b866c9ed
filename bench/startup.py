"""Start-up as a learner sees it: from the process's start to the first full screen, in a real 80x24 terminal.

    python bench/startup.py [--runs 7]

Launches ``h2o-lab`` (``python -m tui``, fresh user directories) and a bare Textual app (bench/bare_app.py)
alternately, each in a pseudo-terminal of 80x24, and times each from the process's start to the first
full screen: at least 200 visible characters written after the terminal's alternate screen opened. Then it
sends q (h2o-lab stops the H2O cluster it began to start) and waits for the process to end before the next
launch. It prints each launch, the medians and their ratio (target: h2o-lab at most 1.3x the bare app).
The app's own log also gives, for h2o-lab, the first paint and the cluster ready, measured inside the app.

Both run as installed programs do: with Python's compiled bytecode cached (PYTHONDONTWRITEBYTECODE is
removed from the launches' environment, and one launch of each, not counted, warms the cache). Textual's
own modules were compiled when pip installed them; without the cache h2o-lab would compile its ~50
modules on every start, which no learner's second launch does.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALT_SCREEN = b"\x1b[?1049h"
ESCAPES = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78cDEHMNOZ])")
FULL = 200  # visible characters after the alternate screen opened: the first screen is drawn


def visible(data: bytes) -> int:
    """Printable characters in terminal output, escape sequences left out."""
    text = ESCAPES.sub(b"", data).decode("utf-8", errors="replace")
    return sum(1 for ch in text if ch.isprintable() and not ch.isspace())


def launch(command: list[str], env: dict[str, str], timeout: float = 60.0) -> tuple[float, float]:
    """Seconds from spawn to the first full screen, and from q to the process's end."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    output = bytearray()
    started = time.monotonic()
    proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True)
    os.close(slave)

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            output.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        first = None
        while time.monotonic() - started < timeout:
            at = output.find(ALT_SCREEN)
            if at >= 0 and visible(bytes(output[at:])) >= FULL:
                first = time.monotonic() - started
                break
            if proc.poll() is not None:
                raise RuntimeError(f"{command} ended early: {output.decode(errors='replace')[-800:]}")
            time.sleep(0.005)
        if first is None:
            raise RuntimeError(f"{command}: no full screen within {timeout:.0f} s")
        time.sleep(0.3)
        quit_at = time.monotonic()
        os.write(master, b"q")
        proc.wait(timeout=60)
        return first, time.monotonic() - quit_at
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)


def main() -> int:
    """Alternate the two launches, print every one and the medians with their ratio."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    lab_times: list[float] = []
    bare_times: list[float] = []
    paints: list[float] = []
    for i in range(-1, args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, TERM="xterm-256color")
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            for var in ("XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
                env[var] = str(Path(tmp) / var.lower())
            bare, _ = launch([sys.executable, str(ROOT / "bench" / "bare_app.py")], env)
            lab, quit_s = launch([sys.executable, "-m", "tui", "--nthreads", "1", "--max-mem", "1g", "--offline"], env)
            log = Path(tmp) / "xdg_state_home" / "h2o-lab" / "logs" / "h2o-lab.log"
            found = re.search(r"first paint after ([\d.]+) s", log.read_text()) if log.exists() else None
            paint = float(found.group(1)) if found else float("nan")
        if i < 0:
            print(f"warm-up launch: h2o-lab {lab:.3f} s, bare Textual {bare:.3f} s (not counted)", flush=True)
            continue
        bare_times.append(bare)
        lab_times.append(lab)
        paints.append(paint)
        print(
            f"launch {i + 1}: h2o-lab {lab:.3f} s (first paint inside the app {paint:.3f} s, q to exit {quit_s:.2f} s), "
            f"bare Textual {bare:.3f} s",
            flush=True,
        )
    lab_m, bare_m = statistics.median(lab_times), statistics.median(bare_times)
    print(f"median of {args.runs}: h2o-lab {lab_m:.3f} s, bare Textual {bare_m:.3f} s, ratio {lab_m / bare_m:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
