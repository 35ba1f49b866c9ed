"""``h2o-lab export``: the learner's session from the journal, as an h2o-py script or a Jupyter notebook."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DESCRIPTION = """\
Write the runs of your h2o-lab session (from the run journal) as one h2o-py script that repeats them,
or as a Jupyter notebook with each step's lesson, what each run showed, and the code. The script starts
an H2O of its own on this machine (1g of memory, half the cores, a free port) and reads the data from
H2O's public addresses (--local-data: from the copies the lab read on this machine, for a classroom
without internet).
"""

EPILOG = """\
examples:
  h2o-lab export                                  the latest session as h2o-lab-session.py
  h2o-lab export --format ipynb                   the same as a notebook (h2o-lab-session.ipynb)
  h2o-lab export --session all --output ~/all-my-runs.py
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="h2o-lab export",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--format", choices=("py", "ipynb"), help="script or notebook (default: from --output, else py)"
    )
    parser.add_argument(
        "--output", type=Path, metavar="FILE", help="where to write (default: h2o-lab-session.py/.ipynb)"
    )
    parser.add_argument(
        "--session", choices=("latest", "all"), default="latest", help="the latest session (default) or every one"
    )
    parser.add_argument(
        "--local-data", action="store_true", help="read the data from the local copies the lab used, not the internet"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="where the staged data files are, as for h2o-lab (default: H2O_LAB_DATA)",
    )
    parser.add_argument("--journal", type=Path, metavar="FILE", help="the run journal (default: the learner's)")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    return parser


def main(argv: list[str]) -> int:
    from tui.cli import expanded, given  # noqa: PLC0415
    from tui.lab import paths  # noqa: PLC0415
    from tui.lab.export import ExportChoiceError, ExportError, journal_runs, write_export  # noqa: PLC0415

    parser = build_parser()
    args = parser.parse_args(argv)
    # A value from the environment is named by its variable when it is wrong: the learner typed no flag.
    source = "--data-dir"
    if args.data_dir is None and os.environ.get("H2O_LAB_DATA"):
        source, args.data_dir = "H2O_LAB_DATA=", Path(os.environ["H2O_LAB_DATA"])
    data_dir = expanded(parser, source, args.data_dir) if args.data_dir else None
    if data_dir is not None and not data_dir.is_dir():
        wrong = "not a directory" if data_dir.exists() else "no such directory"
        parser.error(f"{given(source, args.data_dir)}: {wrong}")
    fmt = args.format
    if fmt is None:
        fmt = "ipynb" if args.output is not None and args.output.suffix == ".ipynb" else "py"
    output = expanded(parser, "--output", args.output) if args.output else Path(f"h2o-lab-session.{fmt}")
    if output.suffix not in (".py", ".ipynb") or output.suffix != f".{fmt}":
        parser.error(f"--output {output}: a {fmt} export is written to a .{fmt} file")
    if output.exists() and not args.force:
        parser.error(f"--output {output} exists; choose another name or add --force to replace it")
    if output.parent and not output.parent.is_dir():
        parser.error(f"--output {output}: the folder {output.parent} does not exist")
    journal = expanded(parser, "--journal", args.journal) if args.journal else paths.data_dir() / "journal.sqlite3"
    if not journal.is_file():
        parser.error(f"no run journal at {journal}: train a step in h2o-lab first (or give --journal FILE)")
    try:
        said = write_export(
            journal_runs(journal), output, fmt=fmt, which=args.session, local_data=args.local_data, data_dir=data_dir
        )
    except ExportChoiceError as exc:
        parser.error(str(exc))
    except ExportError as exc:
        print(f"h2o-lab export: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"h2o-lab export: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(said)
    return 0
