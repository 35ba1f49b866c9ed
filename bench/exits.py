"""How long leaving takes, every way out, many times over.

Runs the real ``h2o-lab`` command in a pseudo-terminal (80x24) for every case of
``tests/test_exits.py`` (idle, training, importing, already quitting; q, Ctrl+C, SIGTERM, SIGHUP; the
terminal still there or already gone), ``--rounds`` times each, and prints for each case the seconds
from the key or signal to the end of the process (median, min, max), and the number of rounds that
failed (a hang, a process or JVM left behind, a run left "running" in the journal).

    .venv/bin/python bench/exits.py --rounds 5 [--busy]

``--busy`` keeps both cores busy with two CPU burners while it runs, as on a slow lab VM.
The test data in ``tests/data`` is used unless ``--data-dir`` (or ``H2O_LAB_DATA``) says otherwise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_exits import CASES, case_id, run_case  # noqa: E402


def burners(count: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--busy", action="store_true", help="keep both cores busy")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("H2O_LAB_DATA") or ROOT / "tests" / "data")
    )
    args = parser.parse_args()
    if not (args.data_dir / "cars_20mpg.csv").exists():
        print(f"bench/exits.py: no cars_20mpg.csv in {args.data_dir}; pass --data-dir DIR", file=sys.stderr)
        return 2
    os.environ["H2O_LAB_DATA"] = str(args.data_dir)
    load = burners(2) if args.busy else []
    failures = 0
    try:
        print(f"{'case':32} {'rounds':>6} {'median s':>9} {'min s':>7} {'max s':>7} {'failed':>6}")
        for state, how, gone in CASES:
            name = case_id(state, how, gone)
            times, failed = [], 0
            for _ in range(args.rounds):
                with tempfile.TemporaryDirectory(prefix="h2o-lab-exits-") as tmp:
                    try:
                        times.append(run_case(Path(tmp), state, how, gone))
                    except (AssertionError, Exception) as exc:  # noqa: BLE001
                        failed += 1
                        print(f"  {name}: {str(exc).splitlines()[0][:200]}", file=sys.stderr)
            failures += failed
            if times:
                print(
                    f"{name:32} {len(times):6} {statistics.median(times):9.2f} {min(times):7.2f} {max(times):7.2f} {failed:6}"
                )
            else:
                print(f"{name:32} {0:6} {'-':>9} {'-':>7} {'-':>7} {failed:6}")
            sys.stdout.flush()
    finally:
        for proc in load:
            proc.kill()
    print(f"failed rounds {failures}/{args.rounds * len(CASES)}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
