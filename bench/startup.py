"""Time from launch to the first paint, and to a ready private cluster, in a real 80x24 terminal.

    python bench/startup.py [--runs 5]

Each launch runs `h2o-lab` in a pseudo-terminal with fresh user directories, waits until its log
says the cluster is ready, quits with q, and reads the timings the app logged: the first paint
(the app drawn, H2O still starting in the background) and the cluster ready.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.helpers import Terminal  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    paints, readies, exits = [], [], []
    for i in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            term = Terminal(Path(tmp))
            try:
                term.wait_ready()
                time.sleep(0.5)
                started = time.monotonic()
                term.send("q")
                term.wait_exit()
                exits.append(time.monotonic() - started)
                log = term.log.read_text()
            finally:
                term.close()
        paint = float(re.search(r"first paint after ([\d.]+) s", log).group(1))
        ready = float(re.search(r"cluster ready after ([\d.]+) s", log).group(1))
        paints.append(paint)
        readies.append(ready)
        print(f"launch {i + 1}: first paint {paint:.3f} s, cluster ready {ready:.2f} s, quit to exit {exits[-1]:.2f} s", flush=True)
    print(
        f"median of {args.runs}: first paint {statistics.median(paints):.3f} s, cluster ready "
        f"{statistics.median(readies):.2f} s, quit (cluster stopped) {statistics.median(exits):.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
