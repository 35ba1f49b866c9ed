"""Are the goals' targets out of the preset's reach and within a hinted change's? Runs of each, counted.

    python bench/goals.py [--goals dropout-gap,dropout-mse] [--runs 10] [--nthreads 2] [--data-dir DIR]

(--goals takes any of the ids in HINTED below: the cars goals.)

For each goal of the shipped exercises file (tui/lab/exercises.toml) named with --goals, in one process on one
private cluster: the step's preset (or, where the preset cannot count, the smallest change that does) is trained
--runs times, and so is the change its hints lead to (the table HINTED below). A goal that compares with another step's run (than_step) pairs each run with a fresh run of
that step's preset, as a learner who trained it just before. Printed per goal: each run's value, and how many
runs reach the goal as the file sets it. The aim: the start reaches it in at most 1 run of 10, the hinted
change in at least 9 of 10. The cars data is the repository's tests/data copy unless --data-dir says otherwise.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.data import add_data_dir, data_dir  # noqa: E402
from tui.lab import exercises  # noqa: E402
from tui.lab.cluster import ClusterOptions  # noqa: E402
from tui.lab.params import canonical  # noqa: E402
from tui.lab.service import Lab, LabConfig  # noqa: E402
from tui.lab.steps import step  # noqa: E402
from tui.lab.training import DONE, Run, RunSpec  # noqa: E402

REPO_DATA = Path(__file__).resolve().parents[1] / "tests" / "data"

# Per goal: the run a learner starts from (None: the step's preset; a change where the preset cannot count, such
# as l2 alone for a goal that needs an l2), and the change its hints lead to, on top of the step's preset.
HINTED: dict[str, tuple[dict[str, Any] | None, dict[str, Any]]] = {
    "first-network-mse": (None, {"epochs": 50}),
    "validation-mse": (None, {"epochs": 50}),
    "validation-mse-far": (None, {"epochs": 100}),
    "dropout-gap": (None, {"hidden_dropout_ratios": [0.2, 0.2], "epochs": 50}),
    "dropout-mse": (None, {"hidden_dropout_ratios": [0.2, 0.2], "epochs": 50}),
    "mini-batch-one": (None, {"mini_batch_size": 1}),
    "rate-counts": ({"adaptive_rate": False, "rate": 0.001}, {"adaptive_rate": False, "rate": 0.01}),
    "l2-mse": ({"l2": 1e-3}, {"l2": 1e-3, "hidden_dropout_ratios": [0.2, 0.2], "epochs": 50}),
    "epsilon": (None, {"epsilon": 1e-8}),
    "quick-auc": ({"epochs": 20}, {"epochs": 5}),
}


def train(lab: Lab, number: int, metas: dict, change: dict[str, Any] | None = None) -> Run:
    spec = RunSpec.from_dict(step(number).spec().to_dict())
    spec.params = canonical({**spec.params, **(change or {})}, metas)
    run = lab.train(spec)
    if run.status != DONE:
        raise SystemExit(f"{run.run_id} of step {number} ended {run.status}: {run.error}")
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--goals", default="dropout-gap,dropout-mse", help="goal ids, comma-separated")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--nthreads", type=int, default=2)
    add_data_dir(parser, default=REPO_DATA)
    args = parser.parse_args()

    shipped = {g.id: g for g in exercises.load().goals}
    wanted = [shipped[name] for name in args.goals.split(",") if name in shipped and name in HINTED]
    if not wanted:
        raise SystemExit(f"no goal to measure: known are {', '.join(sorted(HINTED))}")
    directory = data_dir(args.data_dir, ["cars"], default=REPO_DATA)
    lab = Lab(
        LabConfig(
            cluster=ClusterOptions(nthreads=args.nthreads), data_dir=directory, download=False, keep_journal=False
        )
    )
    print("starting a private cluster ...", flush=True)
    lab.start_cluster()
    try:
        lab.load_cars()
        metas = {m.name: m for m in lab.param_metas()}
        status = lab.cluster_status()
        print(f"cluster: H2O {status.version}, {args.nthreads} threads; {args.runs} runs of each\n", flush=True)
        for goal in wanted:
            print(f"{goal.id} (step {goal.step}): {goal.target_label()}", flush=True)
            start, hinted = HINTED[goal.id]
            first = "preset" if start is None else "start"
            if start is not None:
                print(f"  start: the preset with {start}; hinted: the preset with {hinted}", flush=True)
            for way, change in ((first, start), ("hinted", hinted)):
                values, reached = [], 0
                for _ in range(args.runs):
                    others = [train(lab, goal.than_step, metas)] if goal.than_step is not None else []
                    run = train(lab, goal.step, metas, change)
                    value = exercises.value_of(goal, run)
                    against = exercises.reference(goal, others)
                    reached += exercises.check(goal, run, others)
                    values.append(value)
                    shown = f"{value:.4f}" + (f" against {against:.4f}" if goal.than_step is not None else "")
                    print(f"  {way:<7} {shown}", flush=True)
                numbers = [v for v in values if v is not None]
                spread = f"{min(numbers):.4f}-{max(numbers):.4f}, median {statistics.median(numbers):.4f}"
                print(f"  {way}: {spread}; reaches the goal in {reached} of {args.runs}\n", flush=True)
    finally:
        lab.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
