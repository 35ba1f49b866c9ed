"""Keys while MNIST trains on every core: how fast the screen answers, and what the app's own polling costs.

    python bench/latency.py --data-dir DIR [--keys 40] [--window 20]

DIR (or H2O_LAB_DATA) holds the full MNIST files (mnist/train.csv.gz, mnist/test.csv.gz). The script runs
``h2o-lab`` in a pseudo-terminal of 80x24 with a private cluster on every core, imports MNIST on step 10 and
starts step 11's network on all 60,000 rows (answering the time estimate's question with y). While the job
trains it measures:

- the app process's CPU use over ``--window`` seconds while it follows the job on step 11 (the live chart on
  screen, no keys): CPU seconds of the app's own process (not the JVM) per wall second, in % of one core;
- ``--keys`` step changes (p and n alternately): from writing the key to the new step's title in the
  terminal's output; it prints the median, the 95th percentile and the worst.

Targets: key to screen p95 under 150 ms; polling under 3% of one core. Then it quits (q, y) and waits for the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.data import add_data_dir, data_dir  # noqa: E402
from tests.helpers import Terminal  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of one process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for(term: Terminal, text: str, offset: int, timeout: float) -> float:
    """Seconds until ``text`` is written after ``offset``."""
    return term.wait_for_text(text, offset, timeout=timeout)


def main() -> int:
    """Start, import, train, measure, quit."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--window", type=float, default=20.0)
    add_data_dir(parser)
    args = parser.parse_args()
    directory = data_dir(args.data_dir, ["mnist-train", "mnist-test"])
    with tempfile.TemporaryDirectory() as tmp:
        term = Terminal(Path(tmp), "--nthreads", "-1", "--max-mem", "3g", "--data-dir", str(directory))
        try:
            term.wait_ready(timeout=180)
            offset = len(term.output)
            term.send("n" * 9)
            wait_for(term, "MNIST data", offset, 30)
            time.sleep(1)
            term.send("i")
            deadline = time.monotonic() + 600
            while "imported MNIST in" not in term.log.read_text():
                if time.monotonic() > deadline:
                    raise SystemExit("MNIST was not imported within 10 minutes")
                time.sleep(0.5)
            offset = len(term.output)
            term.send("n")
            wait_for(term, "11/12", offset, 30)
            time.sleep(2)
            offset = len(term.output)
            term.send("t")
            wait_for(term, "Train now?", offset, 300)  # after the speed trial
            time.sleep(0.5)
            term.send("y")
            deadline = time.monotonic() + 120
            while not any(run[1] == "running" and run[2] >= 1 for run in term.journal_runs()):
                if time.monotonic() > deadline:
                    raise SystemExit("the MNIST job did not start")
                time.sleep(0.5)
            print("MNIST trains on step 11 (every core); measuring", flush=True)

            before, started = cpu_seconds(term.proc.pid), time.monotonic()
            time.sleep(args.window)
            cpu = (cpu_seconds(term.proc.pid) - before) / (time.monotonic() - started)
            print(f"app process CPU while following the job: {cpu:.1%} of one core over {args.window:.0f} s")

            latencies = []
            for i in range(args.keys):
                key, title = ("p", "10/12") if i % 2 == 0 else ("n", "11/12")
                offset = len(term.output)
                sent = time.monotonic()
                term.send(key)
                wait_for(term, title, offset, 10)
                latencies.append(time.monotonic() - sent)
                time.sleep(0.3)
            latencies.sort()
            p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
            print(
                f"key to screen over {len(latencies)} step changes: median {statistics.median(latencies) * 1000:.0f} ms, "
                f"p95 {p95 * 1000:.0f} ms, worst {latencies[-1] * 1000:.0f} ms"
            )
            still = any(run[1] == "running" for run in term.journal_runs())
            print(f"the job was {'still training' if still else 'no longer training'} at the end of the measurement")
            term.send("q")
            time.sleep(1)
            term.send("y")
            term.wait_exit(timeout=90)
        finally:
            term.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
