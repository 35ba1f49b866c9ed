"""What each data set's file is and must look like: the registry, the layout check, and a resolved file.

Every file is checked against its expected layout before H2O sees it (:func:`check_layout`).
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

CARS_COLUMNS = (
    "name",
    "economy",
    "cylinders",
    "displacement",
    "power",
    "weight",
    "acceleration",
    "year",
    "economy_20mpg",
)
MNIST_COLUMNS = 785
_HEADER_LIMIT = 64 * 1024  # bytes a sane first line can take


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    title: str
    relpath: str  # where the file sits inside a data directory or the cache
    url: str
    columns: int
    rows: int
    header: tuple[str, ...] | None = None
    compressed: bool = False

    @property
    def filename(self) -> str:
        return Path(self.relpath).name


REGISTRY: dict[str, DatasetSpec] = {
    "cars": DatasetSpec(
        name="cars",
        title="cars mileage (auto-mpg)",
        relpath="cars_20mpg.csv",
        url="https://s3.amazonaws.com/h2o-public-test-data/smalldata/junit/cars_20mpg.csv",
        columns=len(CARS_COLUMNS),
        rows=406,
        header=CARS_COLUMNS,
    ),
    "mnist-train": DatasetSpec(
        name="mnist-train",
        title="MNIST training digits",
        relpath="mnist/train.csv.gz",
        url="https://h2o-public-test-data.s3.amazonaws.com/bigdata/laptop/mnist/train.csv.gz",
        columns=MNIST_COLUMNS,
        rows=60000,
        compressed=True,
    ),
    "mnist-test": DatasetSpec(
        name="mnist-test",
        title="MNIST test digits",
        relpath="mnist/test.csv.gz",
        url="https://h2o-public-test-data.s3.amazonaws.com/bigdata/laptop/mnist/test.csv.gz",
        columns=MNIST_COLUMNS,
        rows=10000,
        compressed=True,
    ),
}

SOURCE_TEXT = {
    "data-dir": "the data directory",
    "cache": "the download cache",
    "download": "a fresh download",
    "stand-in": "the offline stand-in",
}


@dataclass
class ResolvedData:
    """Which file the lab will load, and how it was found (plain data, for screens and the journal)."""

    name: str
    path: str
    source: str  # "data-dir", "cache", "download" or "stand-in"
    url: str  # the official address, used in generated code
    note: str = ""
    looked: list[str] = field(default_factory=list)

    @property
    def standin(self) -> bool:
        return self.source == "stand-in"

    def describe(self) -> str:
        text = f"{self.path} (from {SOURCE_TEXT.get(self.source, self.source)})"
        return f"{text}. {self.note}" if self.note else text

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ResolvedData:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


# -- layout checks ------------------------------------------------------------------------------


def _open_text(path: Path, compressed: bool) -> io.TextIOBase:
    raw = gzip.open(path, "rb") if compressed else open(path, "rb")
    return io.TextIOWrapper(raw, encoding="utf-8", errors="strict", newline="")


def check_layout(spec: DatasetSpec, path: Path) -> str | None:
    """Return None when ``path`` has the layout of ``spec``, else one sentence saying what is wrong."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})"
    if size == 0:
        return "it is empty"
    if spec.compressed:
        with open(path, "rb") as fh:
            if fh.read(2) != b"\x1f\x8b":
                return "it is not gzip-compressed, although its name ends in .gz"
    try:
        with _open_text(path, spec.compressed) as fh:
            first = fh.readline(_HEADER_LIMIT + 1)
            if len(first) > _HEADER_LIMIT:
                return f"its first line is longer than {_HEADER_LIMIT // 1024} KiB, so it is not a CSV of this data set"
            if "\x00" in first:
                return "it is a binary file, not a CSV text file"
            fields = next(csv.reader([first]), [])
            if spec.header is not None:
                names = tuple(f.strip() for f in fields)
                if names != spec.header:
                    missing = [c for c in spec.header if c not in names]
                    extra = [c for c in names if c not in spec.header]
                    parts = []
                    if missing:
                        parts.append("missing " + ", ".join(missing))
                    if extra:
                        parts.append("unexpected " + ", ".join(extra[:5]) + (" ..." if len(extra) > 5 else ""))
                    detail = "; ".join(parts) or "columns in another order"
                    return f"its header does not match the {spec.title} layout ({detail})"
                rows = 0
                for line in fh:
                    if not line.strip():
                        continue
                    row = next(csv.reader([line]), [])
                    if len(row) != spec.columns:
                        return f"data row {rows + 1} has {len(row)} fields, expected {spec.columns}"
                    rows += 1
                if rows == 0:
                    return "it has a header but no data rows"
            else:
                for number, line in enumerate([first, fh.readline(_HEADER_LIMIT + 1)], start=1):
                    if number > 1 and not line:
                        break
                    row = next(csv.reader([line]), [])
                    if len(row) != spec.columns:
                        return (
                            f"line {number} has {len(row)} fields, expected {spec.columns} (784 pixels and the label)"
                        )
                    if not all(v.strip().lstrip("-").isdigit() for v in row):
                        what = "a header" if number == 1 else "values that are not whole numbers"
                        return f"line {number} holds {what}; expected {spec.columns} whole numbers and no header"
    except UnicodeDecodeError:
        return "it is a binary file, not a CSV text file"
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        return f"it cannot be read ({exc})"
    return None


def staging_hint(spec: DatasetSpec) -> str:
    return (
        f"To stage it offline, copy {spec.filename} from {spec.url} into a directory as {spec.relpath} and start "
        f"h2o-lab with --data-dir DIR (or set H2O_LAB_DATA=DIR)."
    )
