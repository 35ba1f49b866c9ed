"""How good are step 11's time estimates, and what do they cost? Five run sizes on MNIST.

    python bench/estimates.py --data-dir DIR [--sizes 2000x1,10000x2,20000x4,60000x2,60000x4] [--max-mem 4g]

DIR (or H2O_LAB_DATA) holds the full MNIST files (mnist/train.csv.gz, mnist/test.csv.gz); without them the
script says what it misses and exits with status 2.

For each size (rows x epochs) of the walkthrough's network, in one process on one private cluster, as the app does
it: when a trial pays (its samples are at most a tenth of the run's, ``tui.lab.speed.trial_pays``) the speed is
timed by a trial on a fresh start and the run's time estimated from it; the run is trained and timed; the speed of
the runs finished before it gives a second estimate, the one a later run of the network gets (and the journal keeps
for the next session). Printed per size: the trial's cost as a share of the run, each estimate as a ratio to the
run's real time (target 0.75-1.33), or why there is none.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.data import add_data_dir, data_dir  # noqa: E402
from tui.lab.cluster import ClusterOptions  # noqa: E402
from tui.lab.mnist import estimate_seconds  # noqa: E402
from tui.lab.params import canonical  # noqa: E402
from tui.lab.service import Lab, LabConfig  # noqa: E402
from tui.lab.speed import trial_pays  # noqa: E402
from tui.lab.steps import step  # noqa: E402
from tui.lab.training import DONE, RunSpec  # noqa: E402


def sizes_of(text: str) -> list[tuple[int, float]]:
    sizes = []
    for part in text.split(","):
        rows, _, epochs = part.partition("x")
        sizes.append((int(rows), float(epochs or 1)))
    return sizes


def ratio(estimate: float | None, actual: float) -> str:
    return f"{estimate / actual:.2f}" if estimate else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes", default="2000x1,10000x2,20000x4,60000x2,60000x4", help="rows x epochs, comma-separated"
    )
    parser.add_argument("--max-mem", default="4g")
    add_data_dir(parser)
    args = parser.parse_args()

    directory = data_dir(args.data_dir, ["mnist-train", "mnist-test"])
    lab = Lab(
        LabConfig(cluster=ClusterOptions(max_mem=args.max_mem), data_dir=directory, download=False, keep_journal=False)
    )
    print("starting a private cluster ...", flush=True)
    lab.start_cluster()
    try:
        status = lab.cluster_status()
        info = lab.load_mnist()
        print(f"cluster: H2O {status.version}, {status.cores} cores; MNIST {info.train.rows:,} training rows\n")
        base = step(11).spec()
        base.params = canonical(base.params, {m.name: m for m in lab.param_metas()})
        print(f"{'run':>16}  {'actual':>8}  {'trial':>8}  {'trial/run':>9}  {'est/actual':>10}  {'known/actual':>12}")
        known: float | None = None  # the speed of the runs finished so far
        for rows, epochs in sizes_of(args.sizes):
            spec = RunSpec.from_dict(base.to_dict())
            spec.params["epochs"] = epochs
            spec.sample_rows = rows if rows < info.train.rows else None
            trial_cost, trial_estimate = None, None
            if trial_pays(spec, rows):
                started = time.perf_counter()
                speed = lab.measure_speed(spec)
                trial_cost = time.perf_counter() - started
                trial_estimate = estimate_seconds(rows, epochs, speed)
            known_estimate = estimate_seconds(rows, epochs, known) if known else None
            started = time.perf_counter()
            run = lab.train(spec)
            actual = time.perf_counter() - started
            if run.status != DONE:
                raise SystemExit(f"{run.run_id} ended {run.status}: {run.error}")
            known = run.measured_speed or known
            share = f"{trial_cost / actual:.0%}" if trial_cost is not None else "skipped"
            print(
                f"{rows:>7,} x {epochs:<5g}  {actual:7.1f}s  {(trial_cost or 0):7.1f}s  {share:>9}  "
                f"{ratio(trial_estimate, actual):>10}  {ratio(known_estimate, actual):>12}",
                flush=True,
            )
    finally:
        lab.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
