"""The first visit of each step: how long from the key to the step's form on screen.

    python bench/first_visit.py [--rounds 3] [--nthreads 1] [--stay 3]

The script runs ``h2o-lab`` in a pseudo-terminal of 80x24 with a private cluster (no data needed: no step is
trained), waits for the cluster and H2O's parameter list, then walks from step 1 to step 12 with n. A step's
widgets are built the first time it is shown, so each n measures a first visit: from writing the key to the
step's lesson heading ("Step N ·") in the terminal's output, and, on the training steps whose form starts on
the first screen (all but step 11 at 80x24, where the rows to train on come first), to the form's first
heading ("What this step is about"); and the app process's CPU time spent on the visit (from the key to one
second later: the building is all the app does then), which a busy or noisy machine disturbs far less than the
wall-clock figures. The app builds the next training step's view ahead once the keys have been left alone for
a moment, so what a visit costs depends on how long the learner stayed on the step before: ``--stay`` (seconds
from one key to the next, default 3, a quick reader) lets the app build ahead; ``--stay 0.8`` comes too soon for
it and measures a build after the key. Then it goes back and forth between steps 11 and 12 (views already
built) as the yardstick: the same machine's key-to-screen time for a step that needs no building.

Each round is a fresh launch. It prints every round's figures, then per step the median over the rounds and
its ratio to the yardstick. Target: every step's form well under a second after the key.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.latency import cpu_seconds  # noqa: E402
from tests.helpers import Terminal  # noqa: E402

FORM = "What this step is about"
FORM_ON_FIRST_SCREEN = (3, 4, 5, 6, 7, 8, 9, 12)


def one_round(nthreads: str, stay: float) -> tuple[dict[int, float], dict[int, float], list[float]]:
    """One launch: seconds to each step's form (or lesson), the app's CPU seconds for each first visit,
    and the yardstick's step changes."""
    firsts: dict[int, float] = {}
    cpu: dict[int, float] = {}
    revisits: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        term = Terminal(Path(tmp), "--nthreads", nthreads)
        try:
            term.wait_ready(timeout=180)
            time.sleep(3)  # H2O's parameter list comes just after the cluster
            for step in range(2, 13):
                offset = len(term.output)
                before = cpu_seconds(term.proc.pid)
                sent = time.monotonic()
                term.send("n")
                term.wait_for_text(f"Step {step} ·", offset, timeout=30)
                if step in FORM_ON_FIRST_SCREEN:
                    term.wait_for_text(FORM, offset, timeout=30)
                firsts[step] = time.monotonic() - sent
                time.sleep(max(0.0, sent + min(1.0, stay) - time.monotonic()))
                cpu[step] = cpu_seconds(term.proc.pid) - before
                time.sleep(max(0.0, sent + stay - time.monotonic()))
            for i in range(10):
                key, title = ("p", "Step 11 ·") if i % 2 == 0 else ("n", "Step 12 ·")
                offset = len(term.output)
                sent = time.monotonic()
                term.send(key)
                term.wait_for_text(title, offset, timeout=10)
                revisits.append(time.monotonic() - sent)
                time.sleep(0.3)
            term.send("q")
            term.wait_exit(timeout=60)
        finally:
            term.close()
    return firsts, cpu, revisits


def main() -> int:
    """Launch, walk, measure; print per round and the medians."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--nthreads", default="1", help="the private cluster's threads (default 1)")
    parser.add_argument("--stay", type=float, default=3.0, help="seconds on each step before the next key (default 3)")
    args = parser.parse_args()
    rounds = []
    for n in range(args.rounds):
        firsts, cpu, revisits = one_round(args.nthreads, args.stay)
        rounds.append((firsts, cpu, revisits))
        shown = " ".join(f"{s}:{t * 1000:.0f}" for s, t in firsts.items())
        print(
            f"round {n + 1}: first visit (ms) {shown}; built step {statistics.median(revisits) * 1000:.0f}", flush=True
        )
    yard = statistics.median(t for _f, _c, r in rounds for t in r)
    print(f"built step, key to title: median {yard * 1000:.0f} ms")
    worst = 0.0
    for step in range(2, 13):
        med = statistics.median(f[step] for f, _c, _r in rounds)
        cpu_med = statistics.median(c[step] for _f, c, _r in rounds)
        what = "form" if step in FORM_ON_FIRST_SCREEN else "lesson"
        worst = max(worst, med)
        print(
            f"step {step:2} first visit, key to {what}: median {med * 1000:4.0f} ms ({med / yard:.1f}x a built step);"
            f" app CPU {cpu_med * 1000:.0f} ms"
        )
    print(f"slowest first visit: {worst * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
