"""Step 3's training MSE through the lab and by plain h2o-py, with the same network, on one cluster.

    python bench/step3_lab_vs_plain.py [--rounds 6] [--data-dir DIR]

The cars data is H2O's cars_20mpg.csv, complete in the repository's tests/data (the default); --data-dir
DIR (or H2O_LAB_DATA) gives another directory holding it.

Four ways, taken in turn in every round so that the machine's noise falls on all of them:
  lab            the lab's step 3 (score_each_iteration on, the job polled, the model kept)
  lab, default   the same through the lab without score_each_iteration
  plain          H2ODeepLearningEstimator(activation=None).train(...), as the walkthrough writes it
  plain + score  the same with score_each_iteration=True, as the step's Code tab writes it
For each way the script prints every run's training MSE, the median, and how many times H2O scored.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.data import add_data_dir, data_dir  # noqa: E402
from tui.lab.cluster import ClusterOptions  # noqa: E402
from tui.lab.params import canonical  # noqa: E402
from tui.lab.quiet import quiet_h2o  # noqa: E402
from tui.lab.service import Lab, LabConfig  # noqa: E402
from tui.lab.steps import step  # noqa: E402

REPO_DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def plain(lab: Lab, spec, params: dict) -> tuple[float, int]:
    """Train as a script would, on the lab's frame; the training MSE and the number of scoring rows."""
    import h2o
    from h2o.estimators import H2ODeepLearningEstimator

    train, valid = lab._training_frames(spec)
    with quiet_h2o():
        model = H2ODeepLearningEstimator(**params)
        model.train(x=list(spec.predictors), y=spec.response, training_frame=train, validation_frame=valid)
        mse = float(model.mse())
        scored = len(model.scoring_history())
        h2o.remove(model)
    return mse, scored


def through_lab(lab: Lab, spec) -> tuple[float, int]:
    run = lab.train(spec)
    return float(run.metric("MSE")), len(run.history)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--nthreads", type=int, default=2)
    add_data_dir(parser, default=REPO_DATA)
    args = parser.parse_args()

    directory = data_dir(args.data_dir, ["cars"], default=REPO_DATA)
    lab = Lab(
        LabConfig(cluster=ClusterOptions(nthreads=args.nthreads, max_mem="1g"), data_dir=directory, download=False)
    )
    print(f"starting a private cluster ({args.nthreads} threads, 1 GB) ...", flush=True)
    lab.start_cluster()
    try:
        lab.load_cars()
        metas = {m.name: m for m in lab.param_metas()}
        status = lab.cluster_status()
        print(f"cluster: H2O {status.version}, {status.cores} cores, {status.nodes} node(s)", flush=True)
        first = step(3)
        lab_spec = first.spec()
        lab_spec.params = canonical(lab_spec.params, metas)
        default_spec = first.spec()
        default_spec.params = canonical(dict(first.params), metas)
        print(f"the lab sends: {lab_spec.params}", flush=True)
        ways = {
            "lab": lambda: through_lab(lab, lab_spec),
            "lab, default": lambda: through_lab(lab, default_spec),
            "plain": lambda: plain(lab, lab_spec, dict(first.params)),
            "plain + score": lambda: plain(lab, lab_spec, {**first.params, **first.scoring}),
        }
        results: dict[str, list[tuple[float, int]]] = {name: [] for name in ways}
        names = list(ways)
        for round_ in range(args.rounds):
            order = names[round_ % len(names) :] + names[: round_ % len(names)]
            for name in order:
                results[name].append(ways[name]())
            print(f"round {round_ + 1}: " + ", ".join(f"{n} {results[n][-1][0]:.3f}" for n in names), flush=True)
        print()
        for name, got in results.items():
            mses = sorted(m for m, _ in got)
            scores = sorted({s for _, s in got})
            print(
                f"{name:14} median {statistics.median(mses):.3f}  range {mses[0]:.3f}-{mses[-1]:.3f}  "
                f"scored {scores} times  ({', '.join(f'{m:.3f}' for m in mses)})"
            )
    finally:
        lab.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
