"""Step 11's network on all of MNIST: 60,000 training digits, validated on the 10,000 test digits.

    python bench/mnist.py --data-dir DIR [--preset walkthrough|further] [--epochs 10] [--rows 60000]

DIR (or H2O_LAB_DATA) holds the full MNIST files in H2O's layout, mnist/train.csv.gz (60,000 rows) and
mnist/test.csv.gz (10,000 rows); the samples in tests/data are for the tests, not for this. Without them
the script says which files it misses and where it looked, and exits with status 2.

Trains through the lab (live polling, as the app does) on a private cluster using every core,
then prints the test accuracy at each scored epoch, the test accuracy and error of the model H2O hands back
(model_performance(valid=True)), the wall time of the
import and of the training, the speed the lab measured beforehand and the time it estimated. ``--preset further`` trains the
"go further" network of step 11's form instead of the walkthrough's (tui.lab.mnist.FURTHER).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.data import add_data_dir, data_dir  # noqa: E402
from tui.lab import fmt  # noqa: E402
from tui.lab.cluster import ClusterOptions  # noqa: E402
from tui.lab.mnist import FURTHER, estimate_seconds  # noqa: E402
from tui.lab.params import canonical  # noqa: E402
from tui.lab.quiet import quiet_h2o  # noqa: E402
from tui.lab.service import Lab, LabConfig  # noqa: E402
from tui.lab.steps import step  # noqa: E402

FULL_ROWS = 60000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--preset",
        choices=["walkthrough", "further"],
        default="walkthrough",
        help="the walkthrough's network (default) or the go-further one",
    )
    parser.add_argument("--epochs", type=float, default=None, help="default: the preset's")
    parser.add_argument("--rows", type=int, default=None, help="train on the first ROWS rows only")
    parser.add_argument("--max-mem", default="4g")
    add_data_dir(parser)
    args = parser.parse_args()

    directory = data_dir(args.data_dir, ["mnist-train", "mnist-test"])
    print(f"data: {directory}")
    lab = Lab(LabConfig(cluster=ClusterOptions(max_mem=args.max_mem), data_dir=directory, download=False))
    print("starting a private cluster ...", flush=True)
    lab.start_cluster()
    try:
        status = lab.cluster_status()
        print(f"cluster: H2O {status.version}, {status.cores} cores, {fmt.size(status.max_mem)} heap")
        started = time.perf_counter()
        info = lab.load_mnist()
        print(f"import: {time.perf_counter() - started:.1f} s ({info.train.rows:,} + {info.test.rows:,} rows)")
        if info.train.rows < FULL_ROWS:
            print(
                f"note: {info.train.rows:,} training rows, not MNIST's {FULL_ROWS:,}: the figures below are not the full benchmark"
            )

        spec = step(11).spec()
        if args.preset == "further":
            spec.params = dict(FURTHER)
        print(f"preset: {args.preset}")
        spec.params = canonical(spec.params, {m.name: m for m in lab.param_metas()})
        if args.epochs is not None:
            spec.params["epochs"] = args.epochs
        spec.sample_rows = args.rows
        epochs = float(spec.params.get("epochs") or 10)
        rows = args.rows or info.train.rows

        speed = lab.measure_speed(spec)
        estimate = estimate_seconds(rows, epochs, speed)
        print(
            f"measured speed: {speed:,.0f} samples/s; estimate for {rows:,} rows × {epochs:g} epochs: {fmt.duration(estimate)}"
        )

        started = time.perf_counter()
        run = lab.train(spec)
        wall = time.perf_counter() - started
        print(
            f"training: {run.status} in {wall:.1f} s ({fmt.duration(wall)}), {run.epochs_done:.2f} epochs, "
            f"{len(run.history)} scoring rows"
        )

        xs, errors = run.history.series("classification_error", "validation")
        if xs:
            curve = "  ".join(f"{x:g}: {1 - e:.4f}" for x, e in zip(xs, errors))
            print(f"test accuracy by epoch: {curve}")

        import h2o

        with quiet_h2o():
            performance = h2o.get_model(run.model_id).model_performance(valid=True)
            top1 = float(performance.hit_ratio_table().cell_values[0][1])
        print(f"test accuracy: {top1:.4f}  (error {1 - top1:.4f}, logloss {performance.logloss():.4f})")
        print(f"estimate / actual wall time: {estimate / wall:.2f}")
    finally:
        lab.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
