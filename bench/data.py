"""Where the benchmarks find their data: ``--data-dir DIR`` or ``H2O_LAB_DATA``, checked before any cluster starts.

The tests run on the small copies in ``tests/data``; the benchmarks measure the real sizes, so MNIST must be
given in full. A missing or malformed file ends the script with exit status 2 and a message that names the
files, where the script looked, and how to pass them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tui.lab.data_files import REGISTRY, check_layout

DATA_DIR_HELP = "directory with the data files (default: $H2O_LAB_DATA{default})"


def add_data_dir(parser, default: Path | None = None) -> None:
    shown = f", else {default}" if default is not None else ""
    parser.add_argument("--data-dir", metavar="DIR", type=Path, default=None, help=DATA_DIR_HELP.format(default=shown))


def data_dir(given: Path | None, names: list[str], default: Path | None = None) -> Path:
    """The directory holding the data sets ``names`` (REGISTRY keys), or exit 2 saying what is missing."""
    script = Path(sys.argv[0]).as_posix()
    env = os.environ.get("H2O_LAB_DATA")
    if given is not None:
        directory, whence = given, "--data-dir"
    elif env:
        directory, whence = Path(env), "H2O_LAB_DATA"
    else:
        directory, whence = default, "the default"

    problems: list[str] = []
    if directory is None:
        problems.append("no data directory was given (neither --data-dir nor H2O_LAB_DATA)")
    elif not directory.is_dir():
        problems.append(f"{directory} is not a directory")
    else:
        for name in names:
            spec = REGISTRY[name]
            candidates = [directory / spec.relpath]
            if spec.filename != spec.relpath:
                candidates.append(directory / spec.filename)
            found = next((c for c in candidates if c.is_file()), None)
            if found is None:
                looked = " and ".join(str(c) for c in candidates)
                problems.append(f"{spec.relpath} ({spec.title}, {spec.rows:,} rows) is missing: looked at {looked}")
            else:
                problem = check_layout(spec, found)
                if problem:
                    problems.append(f"{found} is not the {spec.title} file: {problem}")
    if not problems:
        return directory  # type: ignore[return-value]

    where = f" (looked in {directory}, from {whence})" if directory is not None else ""
    lines = [f"{script}: cannot run without its data{where}."]
    lines += [f"  - {p}" for p in problems]
    lines.append("It needs, in one directory (the layout of h2o-lab's --data-dir):")
    for name in names:
        spec = REGISTRY[name]
        lines.append(f"    {spec.relpath:<20} {spec.rows:>6,} rows, from {spec.url}")
    lines.append(f"Pass it with: python {script} --data-dir DIR   (or set H2O_LAB_DATA=DIR)")
    print("\n".join(lines), file=sys.stderr)
    raise SystemExit(2)
