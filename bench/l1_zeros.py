"""How many of step 8's 200x200 weights end near zero, with no penalty, three l1 values and one l2.

    python bench/l1_zeros.py [--seeds 1234,1,2,3,4] [--data-dir DIR] [--nthreads 2]

The cars data comes from --data-dir DIR, else $H2O_LAB_DATA, else ../shared/data beside the repository.
The script starts a private cluster of its own (1 GB, --nthreads threads) through the lab's own code,
splits the cars frame as step 8 does (80/20, seed 1234), and trains step 8's network (tanh with dropout,
two layers of 200, 20 epochs, mini_batch_size 32, rate 0.01, scored each iteration, as the lab sends it)
with each penalty and each seed, by plain h2o-py with export_weights_and_biases. For the connections between the two hidden layers (40,000
weights) it prints the share within 0.001 of zero (tui/lab/weights.py's NEAR_ZERO) and the RMS.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.data import add_data_dir, data_dir  # noqa: E402
from tui.lab.cluster import ClusterOptions  # noqa: E402
from tui.lab.quiet import quiet_h2o  # noqa: E402
from tui.lab.service import Lab, LabConfig  # noqa: E402
from tui.lab.steps import step  # noqa: E402
from tui.lab.weights import NEAR_ZERO, summarize  # noqa: E402

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
PENALTIES = (("no penalty", {}), ("l1=1e-5", {"l1": 1e-5}), ("l1=1e-4", {"l1": 1e-4}), ("l1=1e-3", {"l1": 1e-3}))
PENALTIES += (("l2=1e-3", {"l2": 1e-3}),)


def second_layer(lab: Lab, spec, penalty: dict, seed: int):
    """Train step 8's network with ``penalty`` and ``seed``; the summary of its 200x200 layer."""
    import h2o
    from h2o.estimators import H2ODeepLearningEstimator

    params = {k: v for k, v in spec.params.items() if k not in ("l1", "l2")}
    params.update(penalty, seed=seed, export_weights_and_biases=True)
    train, valid = lab._training_frames(spec)
    with quiet_h2o():
        model = H2ODeepLearningEstimator(**params)
        model.train(x=list(spec.predictors), y=spec.response, training_frame=train, validation_frame=valid)
        rows = model.weights(1).as_data_frame(use_pandas=False, header=False)
        h2o.remove(model)
    return summarize(2, rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="1234,1,2,3,4")
    parser.add_argument("--nthreads", type=int, default=2)
    add_data_dir(parser, default=SHARED_DATA)
    args = parser.parse_args()

    directory = data_dir(args.data_dir, ["cars"], default=SHARED_DATA)
    seeds = [int(s) for s in args.seeds.split(",")]
    options = ClusterOptions(nthreads=args.nthreads, max_mem="1g")
    lab = Lab(LabConfig(cluster=options, data_dir=directory, download=False))
    print(f"starting a private cluster ({args.nthreads} threads, 1 GB) ...", flush=True)
    lab.start_cluster()
    try:
        info = lab.load_cars()
        status = lab.cluster_status()
        print(f"cars data: {info.source.describe()}; H2O {status.version}, {status.cores} cores", flush=True)
        spec = step(8).spec()
        print(f"step 8 as the lab sends it, l1 and l2 replaced below: {spec.params}", flush=True)
        print(f"share of the 200x200 layer's weights within {NEAR_ZERO:g} of zero, seeds {seeds}:", flush=True)
        for name, penalty in PENALTIES:
            layers = [second_layer(lab, spec, penalty, seed) for seed in seeds]
            shares = [layer.near_zero * 100 for layer in layers]
            rms = [layer.rms for layer in layers]
            print(
                f"  {name:11} {statistics.median(shares):5.1f}% (runs {', '.join(f'{s:.1f}%' for s in shares)})  "
                f"RMS {statistics.median(rms):.3f}",
                flush=True,
            )
    finally:
        lab.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
