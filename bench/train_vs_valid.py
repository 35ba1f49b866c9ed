"""Steps 3, 4 and 5 as the lab trains them: the training MSE, and the validation MSE where there is one.

    python bench/train_vs_valid.py [--rounds 3] [--steps 3,4,5] [--data-dir DIR] [--nthreads 2]

The cars data is H2O's cars_20mpg.csv, complete in the repository's tests/data (the default); --data-dir
DIR (or H2O_LAB_DATA) gives another directory holding it. Each step's preset values, through the lab
(its own private cluster, 1 GB), --rounds times. Step 3 scores the rows it learned from only; steps 4 and
5 train on 80% of the frame (split seed 1234) and score the 20% held back too. The script prints each
run's figures and, for steps 4 and 5, how often the validation error came out above the training error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.data import add_data_dir, data_dir  # noqa: E402
from tui.lab.cluster import ClusterOptions  # noqa: E402
from tui.lab.params import canonical  # noqa: E402
from tui.lab.service import Lab, LabConfig  # noqa: E402
from tui.lab.steps import step  # noqa: E402

REPO_DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", default="3,4,5")
    parser.add_argument("--nthreads", type=int, default=2)
    add_data_dir(parser, default=REPO_DATA)
    args = parser.parse_args()

    directory = data_dir(args.data_dir, ["cars"], default=REPO_DATA)
    options = ClusterOptions(nthreads=args.nthreads, max_mem="1g")
    lab = Lab(LabConfig(cluster=options, data_dir=directory, download=False))
    print(f"starting a private cluster ({args.nthreads} threads, 1 GB) ...", flush=True)
    lab.start_cluster()
    try:
        lab.load_cars()
        metas = {m.name: m for m in lab.param_metas()}
        for number in (int(n) for n in args.steps.split(",")):
            spec = step(number).spec()
            spec.params = canonical(spec.params, metas)
            above = 0
            for round_ in range(args.rounds):
                run = lab.train(spec)
                training, validation = run.metric("MSE"), run.metric("MSE", "validation")
                line = f"step {number} run {round_ + 1}: training MSE {training:.3f}"
                if validation is not None:
                    above += validation > training
                    line += f", validation MSE {validation:.3f} ({validation - training:+.3f})"
                print(line, flush=True)
            if spec.split:
                print(f"step {number}: validation above training in {above} of {args.rounds} runs", flush=True)
    finally:
        lab.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
