"""What does a sweep cost against training the same models one by one? Step 4, a few values of epochs.

    python bench/sweep.py [--epochs 2,5,10,20] [--rounds 2] [--parallelism 1,2,0] [--data-dir DIR]
    python bench/sweep.py --mnist 5000 --data-dir DIR [--epochs 1,2] [--rounds 1]

In one process, on one private cluster and the same frames: the models are trained once as a sweep (the lab's
sweep code, one H2O grid search, each finished model made a run) and once one by one through the lab
(``Lab.train``, each job followed live), alternating which goes first from round to round. The script prints
the wall time of each way, per round and as medians, and the ratio sweep / one by one.

The cars data is H2O's cars_20mpg.csv, complete in the repository's tests/data (the default); --data-dir DIR
(or H2O_LAB_DATA) gives another directory holding it. With --mnist ROWS the models are step 11's (the MNIST
network) on ROWS training digits, read from --data-dir: a sweep of models that each fill the cluster.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.data import add_data_dir, data_dir  # noqa: E402
from tui.lab.cluster import ClusterOptions  # noqa: E402
from tui.lab.params import canonical  # noqa: E402
from tui.lab.service import Lab, LabConfig  # noqa: E402
from tui.lab.steps import step  # noqa: E402
from tui.lab.sweep import Axis, SweepPlan, estimate  # noqa: E402
from tui.lab.sweep_runner import SWEEP_DONE  # noqa: E402
from tui.lab.training import DONE  # noqa: E402

REPO_DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def as_sweep(lab: Lab, plan: SweepPlan) -> tuple[float, list[float]]:
    started = time.perf_counter()
    state = lab.sweep(plan)
    elapsed = time.perf_counter() - started
    if state.status != SWEEP_DONE or len(state.runs) != plan.count:
        raise SystemExit(f"the sweep ended {state.status} with {len(state.runs)} models: {state.error}")
    return elapsed, [r.metric("MSE", "validation") for r in state.runs]


def one_by_one(lab: Lab, plan: SweepPlan) -> tuple[float, list[float]]:
    started = time.perf_counter()
    mses = []
    for combo in plan.combos():
        run = lab.train(plan.spec_for(combo))
        if run.status != DONE:
            raise SystemExit(f"{run.run_id} ended {run.status}: {run.error}")
        mses.append(run.metric("MSE", "validation"))
    return time.perf_counter() - started, mses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", default="", help="the values of epochs (default: 2,5,10,20; 1,2 with --mnist)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--parallelism", default="", help="grid parallelism to time, e.g. 1,2,0 (default: the lab's own choice)"
    )
    parser.add_argument("--mnist", type=int, metavar="ROWS", default=0, help="step 11's network on ROWS digits")
    parser.add_argument("--max-mem", default="4g", help="the private cluster's heap with --mnist (default: 4g)")
    add_data_dir(parser, default=REPO_DATA)
    args = parser.parse_args()

    names, number = (["mnist-train", "mnist-test"], 11) if args.mnist else (["cars"], 4)
    directory = data_dir(args.data_dir, names, default=None if args.mnist else REPO_DATA)
    options = ClusterOptions(max_mem=args.max_mem) if args.mnist else ClusterOptions()
    lab = Lab(LabConfig(cluster=options, data_dir=directory, download=False, keep_journal=False))
    print("starting a private cluster ...", flush=True)
    lab.start_cluster()
    try:
        if args.mnist:
            print(f"MNIST: {lab.load_mnist().train.rows:,} training rows, {args.mnist:,} used")
        else:
            print(f"cars data: {lab.load_cars().source.describe()}")
        metas = {m.name: m for m in lab.param_metas()}
        status = lab.cluster_status()
        print(f"cluster: H2O {status.version}, {status.cores} cores, {status.nodes} node(s)")
        spec = step(number).spec()
        spec.params = canonical(spec.params, metas)
        if args.mnist:
            spec.sample_rows = args.mnist
        values = [float(v) for v in (args.epochs or ("1,2" if args.mnist else "2,5,10,20")).split(",")]
        plan = SweepPlan(spec, [Axis("epochs", values)])
        print(f"step {number}, epochs {', '.join(f'{v:g}' for v in values)}: {plan.count} models a way\n", flush=True)
        levels = [int(v) for v in args.parallelism.split(",")] if args.parallelism else [None]
        warm_epochs = [0.1, 0.2] if args.mnist else [1.0, 2.0]
        warm = SweepPlan(spec, [Axis("epochs", warm_epochs)])  # untimed: the JVM warms up on both ways
        as_sweep(lab, warm)
        one_by_one(lab, warm)
        ways = ["one by one"] + [f"sweep p={level}" if level is not None else "sweep" for level in levels]
        times: dict[str, list[float]] = {way: [] for way in ways}
        for round_ in range(args.rounds):
            shift = round_ % len(ways)
            for way in ways[shift:] + ways[:shift]:  # each way goes first in turn
                if way == "one by one":
                    elapsed, mses = one_by_one(lab, plan)
                else:
                    level = levels[ways.index(way) - 1]
                    elapsed, mses = as_sweep(lab, plan if level is None else replace(plan, parallelism=level))
                times[way].append(elapsed)
                shown = ", ".join("-" if m is None else f"{m:.4f}" for m in mses)
                print(f"round {round_ + 1}  {way:<12}  {elapsed:6.1f} s   validation MSE {shown}", flush=True)
        sizes = lab.known_split_sizes(spec)
        guess = estimate(plan, sizes[0] if sizes else None, lab.known_speed)  # what the sweep screen says
        single = statistics.median(times["one by one"])
        print(f"\nmedian wall time: one by one {single:.1f} s")
        for way in ways[1:]:
            median = statistics.median(times[way])
            print(f"{way:<12} {median:6.1f} s   ratio to one by one: {median / single:.2f}")
        if guess.seconds and not guess.unknown:
            sweep = statistics.median(times[ways[1]])
            print(f"the sweep screen's estimate: {guess.seconds:.1f} s, {guess.seconds / sweep:.2f} of {ways[1]}")
    finally:
        lab.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
