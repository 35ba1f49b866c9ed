"""How much does watching a job live cost? Steps 3 to 8, trained through the lab and by plain h2o-py.

    python bench/training_overhead.py [--rounds 3] [--interval 0.25] [--data-dir DIR]

The cars data is H2O's cars_20mpg.csv, complete in the repository's tests/data, which is the default;
--data-dir DIR (or H2O_LAB_DATA) gives another directory holding it. Without it the script says where it
looked and exits with status 2.

Both ways run on the same private cluster and the same frames, with the same parameters,
alternating (lab first, then plain, then plain first, ...), so that the machine's noise falls on
both. For every step the script prints the median wall time of each way, their ratio, and how many
points the lab's live chart had: at the end, and while the job ran. The overall figure is the median
of the per-pair ratios (target: at most 1.05).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.data import add_data_dir, data_dir  # noqa: E402
from tui.lab.cluster import ClusterOptions  # noqa: E402
from tui.lab.params import canonical  # noqa: E402
from tui.lab.quiet import quiet_h2o  # noqa: E402
from tui.lab.service import Lab, LabConfig  # noqa: E402
from tui.lab.steps import step  # noqa: E402

REPO_DATA = Path(__file__).resolve().parents[1] / "tests" / "data"  # H2O's cars file, byte for byte


def plain(lab: Lab, spec) -> float:
    """The walkthrough's way: build the estimator, train() (which blocks), read the MSE."""
    from h2o.estimators import H2ODeepLearningEstimator

    train, valid = lab._training_frames(spec)
    started = time.perf_counter()
    with quiet_h2o():
        model = H2ODeepLearningEstimator(**spec.params)
        model.train(x=list(spec.predictors), y=spec.response, training_frame=train, validation_frame=valid)
        model.mse()
    return time.perf_counter() - started


def through_lab(lab: Lab, spec, interval: float) -> tuple[float, int, int]:
    """Start, poll the job and the scoring history live, fetch the final model."""
    live_points = set()

    def seen(run) -> None:
        which = "validation" if spec.split else "training"
        if not run.finished:
            live_points.add(len(run.history.series("mse", which)[0]))

    started = time.perf_counter()
    run = lab.train(spec, on_update=seen, interval=interval)
    elapsed = time.perf_counter() - started
    which = "validation" if spec.split else "training"
    return elapsed, len(run.history.series("mse", which)[0]), len([p for p in live_points if p > 0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--interval", type=float, default=None, help="polling interval (default: the lab's)")
    parser.add_argument("--steps", default="3,4,5,6,7,8")
    add_data_dir(parser, default=REPO_DATA)
    args = parser.parse_args()

    directory = data_dir(args.data_dir, ["cars"], default=REPO_DATA)
    lab = Lab(LabConfig(cluster=ClusterOptions(), data_dir=directory, download=False))
    interval = args.interval if args.interval is not None else lab.config.poll_interval
    print(f"starting a private cluster (polling every {interval} s while a job runs) ...", flush=True)
    lab.start_cluster()
    try:
        info = lab.load_cars()
        metas = {m.name: m for m in lab.param_metas()}
        print(f"cars data: {info.source.describe()}")
        status = lab.cluster_status()
        print(f"cluster: H2O {status.version}, {status.cores} cores, {status.nodes} node(s)\n")
        numbers = [int(n) for n in args.steps.split(",")]
        ratios: list[float] = []
        rows = []
        # One untimed run of each kind warms the JVM up.
        warm = step(3).spec()
        through_lab(lab, warm, interval)
        plain(lab, warm)
        for number in numbers:
            spec = step(number).spec()
            spec.params = canonical(spec.params, metas)
            lab_times, plain_times, final_points, live_points = [], [], [], []
            for round_ in range(args.rounds):
                order = ("lab", "plain") if round_ % 2 == 0 else ("plain", "lab")
                pair = {}
                for way in order:
                    if way == "lab":
                        elapsed, points, live = through_lab(lab, spec, interval)
                        final_points.append(points)
                        live_points.append(live)
                    else:
                        elapsed = plain(lab, spec)
                    pair[way] = elapsed
                lab_times.append(pair["lab"])
                plain_times.append(pair["plain"])
                ratios.append(pair["lab"] / pair["plain"])
            step_ratio = statistics.median(a / b for a, b in zip(lab_times, plain_times))
            rows.append(
                (
                    number,
                    statistics.median(lab_times),
                    statistics.median(plain_times),
                    step_ratio,
                    min(final_points),
                    min(live_points),
                )
            )
            print(
                f"step {number}: lab {statistics.median(lab_times):6.2f} s   plain {statistics.median(plain_times):6.2f} s   "
                f"ratio {step_ratio:5.3f}   chart points {min(final_points)} at the end, "
                f"{min(live_points)} distinct counts drawn live",
                flush=True,
            )
        print()
        print(f"median wall-time ratio, lab / plain h2o-py, over {len(ratios)} pairs: {statistics.median(ratios):.3f}")
        print(f"(min {min(ratios):.3f}, max {max(ratios):.3f}; target: at most 1.05)")
    finally:
        lab.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
