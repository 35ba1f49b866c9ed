"""A learner's session, taken away: every run in order as one h2o-py script, or as a Jupyter notebook.

The script starts an H2O of its own (a free port, a bounded heap and thread count), reads the data the runs used
from H2O's public addresses (a comment names the local copy the lab read), then repeats each run: its split, its
estimator with the parameters the learner gave, its training and its figures. A run that continued another names
that run's model as its checkpoint; when the run it continued is not part of the export, it is trained first. The
notebook holds the same code, a cell per run, each after a markdown cell with what the run showed (and, before a
step's first run, its lesson).
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import textwrap
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.lab import codegen, kinds, paths
from tui.lab.cluster import DEFAULT_HEAP
from tui.lab.data_files import REGISTRY
from tui.lab.datasets import DataResolver
from tui.lab.steps import STEPS
from tui.lab.training import DONE, Run, RunSpec

LATEST, ALL = "latest", "all"
FORMATS = ("py", "ipynb")


class ExportError(ValueError):
    """Nothing to export, or a choice that cannot be met; the message says which."""


class ExportChoiceError(ExportError):
    """A choice that cannot be met (a format, a session, local data with no local copy): a usage mistake."""


@dataclass
class Cell:
    kind: str  # "markdown" or "code"
    text: str


@dataclass
class Export:
    """The session as cells; :meth:`script` and :func:`notebook` write them out."""

    title: str
    cells: list[Cell] = field(default_factory=list)

    def script(self) -> str:
        parts = []
        for cell in self.cells:
            if cell.kind == "markdown":
                lines = []
                for line in cell.text.splitlines():
                    wrapped = textwrap.wrap(line, 96, subsequent_indent="  " if line.startswith("- ") else "")
                    lines += [("# " + w).rstrip() for w in wrapped] or ["#"]
                parts.append("\n".join(lines))
            else:
                parts.append(cell.text.rstrip("\n"))
        return "\n\n".join(parts) + "\n"


def choose_runs(runs: list[Run], which: str = LATEST, current: str | None = None) -> list[Run]:
    """The finished runs of the latest session (``current``, else the one of the last run started), or of every
    session, oldest first."""
    if which not in (LATEST, ALL):
        raise ExportChoiceError(f"'{which}' is not a session to export; use latest or all")
    done = sorted(
        (r for r in runs if r.status == DONE and not r.run_id.startswith("trial-")), key=lambda r: r.started_at
    )
    if not done:
        raise ExportError("The journal holds no finished run yet: train a step in h2o-lab first.")
    if which == ALL:
        return done
    latest = current if current is not None else max(runs, key=lambda r: r.started_at).session
    chosen = [r for r in done if r.session == latest]
    if not chosen:
        raise ExportError("This session has no finished run yet; export every session's runs instead.")
    return chosen


def _with_bases(chosen: list[Run], every: list[Run]) -> tuple[list[Run], set[str]]:
    """The runs to write: the chosen ones and, before them, any run a chosen run continues that was left out."""
    by_model = {r.model_id: r for r in every if r.model_id}
    wanted = {r.run_id for r in chosen}
    extra: set[str] = set()
    for run in chosen:
        base_id = run.spec.params.get("checkpoint")
        while base_id and base_id in by_model and by_model[base_id].run_id not in wanted:
            base = by_model[base_id]
            wanted.add(base.run_id)
            extra.add(base.run_id)
            base_id = base.spec.params.get("checkpoint")
    ordered = sorted((r for r in every if r.run_id in wanted), key=lambda r: r.started_at)
    return ordered, extra


def _var(run: Run) -> str:
    return run.run_id.replace("-", "_")


def _figures(run: Run) -> str:
    """What the run showed, in the metrics of its kind."""
    lines = []
    for which, label in (("training", "training"), ("validation", "validation")):
        line = kinds.metrics_line(run, which)
        if line:
            lines.append(f"- {label}: {line}")
    if run.epochs_done:
        lines.append(f"- {run.epochs_done:.3g} epochs in {run.elapsed:.0f} s")
    return "\n".join(lines)


def _run_code(run: Run, model_vars: dict[str, str]) -> str:
    spec: RunSpec = run.spec
    var = _var(run)
    expressions = {}
    base = spec.params.get("checkpoint")
    if base:
        expressions["checkpoint"] = f"{model_vars[base]}.model_id" if base in model_vars else repr(base)
    lines = []
    if spec.dataset == "mnist":
        frame = "mnist_train"
        if spec.sample_rows:
            lines.append(f"sample = mnist_train[0:{spec.sample_rows}, :]  # the first {spec.sample_rows:,} rows only")
            frame = "sample"
        args = ["x=mnist_predictors", "y=mnist_response", f"training_frame={frame}", "validation_frame=mnist_test"]
        report = [f"print({var}.model_performance(valid=True))"]
    else:
        lines.append(codegen.wrapped_call("predictors = [", [f'"{p}"' for p in spec.predictors], "]"))
        lines.append(f'response = "{spec.response}"')
        args = ["x=predictors", "y=response", "training_frame=cars"]
        report = [f"print({var}.mse())"]
        if spec.split:
            lines.append(f"train, valid = cars.split_frame(ratios=[{spec.split_ratio}], seed={spec.split_seed})")
            args = ["x=predictors", "y=response", "training_frame=train", "validation_frame=valid"]
            report = [f"print({var}.mse(valid=True))"]
    step = _step(spec.step)
    comments = {name: "added by the lab: more points on the learning curve" for name in (step.scoring if step else {})}
    if "activation" in spec.params and spec.params["activation"] is None:
        comments["activation"] = "not set: H2O's default, Rectifier"
    lines.append(codegen.estimator_code(spec.params, comments, var=var, expressions=expressions))
    lines.append(codegen.wrapped_call(f"{var}.train(", args, ")"))
    lines += report
    if step is not None and step.kind == "evaluation":
        lines.append(f"model = {var}")
        lines.append(codegen.evaluation_code("valid" if spec.split else "cars", bool(spec.split)).strip("\n"))
    return "\n".join(lines)


def _step(number: int) -> Any:
    return next((s for s in STEPS if s.number == number), None)


def build(
    runs: list[Run],
    every: list[Run] | None = None,
    sources: dict[str, tuple[str, str]] | None = None,
) -> Export:
    """The cells for ``runs`` (``every``: all the journal's runs, to find the runs they continue).

    ``sources``: data set -> (official address, the local copy the lab read, or "").
    """
    every = every if every is not None else runs
    sources = sources or {}
    ordered, extra = _with_bases(runs, every)
    day = time.strftime("%Y-%m-%d", time.localtime(ordered[0].started_at))
    steps = sorted({r.spec.step for r in ordered})
    runs_said = f"{len(ordered)} run" + ("s" if len(ordered) != 1 else "")
    steps_said = ("step " if len(steps) == 1 else "steps ") + ", ".join(map(str, steps))
    when = f"session of {day}" if len({r.session for r in ordered}) <= 1 else f"sessions since {day}"
    title = f"h2o-lab {when}: {runs_said} ({steps_said})"
    export = Export(title)
    export.cells.append(
        Cell(
            "markdown",
            f"{title}\n\nExported by h2o-lab: each run of the session in order, with the parameters it was given. "
            f"It needs h2o-py (pip install h2o) and Java 8-17, and starts an H2O of its own on this machine "
            f"({DEFAULT_HEAP} of memory, half the cores, a free port). "
            "Runs train again: their figures will be close to the ones noted, not equal.",
        )
    )
    export.cells.append(Cell("code", codegen.own_h2o_code(DEFAULT_HEAP)))
    datasets = [d for d in ("cars", "mnist") if any(r.spec.dataset == d for r in ordered)]
    for dataset in datasets:
        export.cells.append(Cell("code", _import_code(dataset, sources)))
    model_vars: dict[str, str] = {}
    # A step's lesson stands before its first run only: the runs after it tried other values on the same lesson.
    taught: set[int] = set()
    for run in ordered:
        step = _step(run.spec.step)
        heading = f"{run.run_id}, step {run.spec.step}" + (f": {step.heading}" if step else "")
        if run.checkpoint_of:
            heading += f" (continues {run.checkpoint_of})"
        text = [heading]
        if run.run_id in extra:
            text.append("Trained here because a run of this session continues it.")
        if step is not None and step.lesson and step.number not in taught:
            text.append(step.lesson)
            taught.add(step.number)
        figures = _figures(run)
        if figures:
            text.append("What the run showed in the lab:\n" + figures)
        export.cells.append(Cell("markdown", "\n\n".join(text)))
        export.cells.append(Cell("code", _run_code(run, model_vars)))
        if run.model_id:
            model_vars[run.model_id] = _var(run)
    return export


def _import_code(dataset: str, sources: dict[str, tuple[str, str]]) -> str:
    if dataset == "cars":
        url, local = sources.get("cars", (REGISTRY["cars"].url, ""))
        lines = [f"# a local copy: cars = h2o.import_file({local!r})" if local else ""]
        lines += _reading([f'cars = h2o.import_file("{url}")'], [url])
        lines.append('cars["economy_20mpg"] = cars["economy_20mpg"].asfactor()')
        return "\n".join(line for line in lines if line)
    train_url, train_local = sources.get("mnist-train", (REGISTRY["mnist-train"].url, ""))
    test_url, test_local = sources.get("mnist-test", (REGISTRY["mnist-test"].url, ""))
    lines = []
    if train_local:
        lines.append(f"# local copies: h2o.import_file({train_local!r}, header=-1), and {test_local!r}")
    reads = [
        f'mnist_train = h2o.import_file("{train_url}", header=-1)',
        f'mnist_test = h2o.import_file("{test_url}", header=-1)',
    ]
    lines += _reading(reads, [train_url, test_url])
    lines += [
        "mnist_predictors = list(range(0, 784))  # the 784 pixels",
        "mnist_response = 784  # the label, in the last column",
        "mnist_train[mnist_response] = mnist_train[mnist_response].asfactor()",
        "mnist_test[mnist_response] = mnist_test[mnist_response].asfactor()",
    ]
    return "\n".join(lines)


def _reading(reads: list[str], sources: list[str]) -> list[str]:
    """The lines that import the data; from a web address, inside a ``try`` that stops the script (or the
    notebook's Run All) with one line when the address cannot be reached, instead of failing on every later line."""
    hosts = sorted({urllib.parse.urlsplit(s).netloc for s in sources if "://" in s})
    if not hosts:
        return reads
    return [
        "try:",
        *(f"    {line}" for line in reads),
        "except (ValueError, h2o.exceptions.H2OResponseError):  # H2O could not read the address",
        "    raise SystemExit(",
        f'        "{" and ".join(hosts)} cannot be reached from here: for the copies on this machine, "',
        '        "export again with h2o-lab export --local-data"',
        "    ) from None",
    ]


def notebook(export: Export) -> Any:
    """The session as an nbformat v4 notebook."""
    import nbformat  # noqa: PLC0415 - only the export needs it
    from nbformat import v4  # noqa: PLC0415

    book = v4.new_notebook()
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    book.metadata["language_info"] = {"name": "python"}
    for cell in export.cells:
        book.cells.append(v4.new_markdown_cell(cell.text) if cell.kind == "markdown" else v4.new_code_cell(cell.text))
    nbformat.validate(book)
    return book


def journal_runs(journal: Path) -> list[Run]:
    """Every run in a journal file, read without changing it (a journal in use by the app is fine)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=5)) as db:
            rows = db.execute("SELECT data FROM runs ORDER BY started").fetchall()
    except sqlite3.Error as exc:
        raise ExportError(f"The journal {journal} cannot be read ({exc}).") from None
    runs = []
    for (data,) in rows:
        try:
            runs.append(Run.from_dict(json.loads(data)))
        except (ValueError, TypeError, KeyError):
            continue  # a run this version cannot read is left out, as the app does
    return runs


# The line of a run's script that read a data set (tui/lab/codegen.py), and the data set each variable holds.
_READ_LINE = re.compile(r'^(cars|train|test) = h2o\.(?:import|upload)_file\("([^"]+)"', re.MULTILINE)
_READ_VARS = {"cars": "cars", "train": "mnist-train", "test": "mnist-test"}
_STANDIN_NOTE = "# the lab's offline stand-in\n"


def read_copies(runs: list[Run]) -> dict[str, str]:
    """The local files the runs read, newest run first, as their scripts recorded them: data set -> path, for the
    files that are still there. The offline stand-in of the cars data is left out: it is not the data set."""
    found: dict[str, str] = {}
    for run in sorted(runs, key=lambda r: r.started_at, reverse=True):
        for match in _READ_LINE.finditer(run.code or ""):
            name, path = _READ_VARS[match.group(1)], match.group(2)
            if name in found or "://" in path or run.code[: match.start()].endswith(_STANDIN_NOTE):
                continue
            if (run.spec.dataset == "mnist") == name.startswith("mnist") and Path(path).is_file():
                found[name] = str(Path(path).resolve())
    return found


def data_sources(
    datasets: list[str], data_dir: Path | None, cache_dir: Path, runs: list[Run] | None = None
) -> dict[str, tuple[str, str]]:
    """For each data set: its official address and a local copy ('' when there is none): the one in ``data_dir``,
    else the one the journal's ``runs`` read, else the cache's."""
    resolver = DataResolver(data_dir, cache_dir, download=False)
    read = read_copies(runs or [])
    found = {}
    for name in datasets:
        local = resolver.local_copy(name)
        if local is not None and local.source == "data-dir":
            path = local.path
        else:
            path = read.get(name) or (local.path if local is not None else "")
        found[name] = (REGISTRY[name].url, str(Path(path).resolve()) if path else "")
    return found


def write_export(
    every: list[Run],
    output: Path,
    *,
    fmt: str = "py",
    which: str = LATEST,
    local_data: bool = False,
    data_dir: Path | None = None,
    cache_dir: Path | None = None,
    current: str | None = None,
) -> str:
    """Export the latest session (or ``which`` = all) of the runs ``every`` to ``output``; returns a sentence saying
    what was written."""
    if fmt not in FORMATS:
        raise ExportChoiceError(f"'{fmt}' is not an export format; use py or ipynb")
    chosen = choose_runs(every, which, current)
    names = sorted({r.spec.dataset for r in every if r.spec.dataset})
    wanted = [n for n in ("cars", "mnist-train", "mnist-test") if n.split("-")[0] in names]
    sources = data_sources(wanted, data_dir, cache_dir or paths.data_cache_dir(), every)
    if local_data:
        missing = [REGISTRY[n].filename for n in wanted if not sources[n][1]]
        if missing:
            looked = (f"in {data_dir}, " if data_dir is not None else "") + "where the runs read it, in the lab's cache"
            raise ExportChoiceError(
                f"--local-data: no copy of {', '.join(missing)} was found ({looked}); "
                "give the folder of staged data with --data-dir"
            )
        sources = {n: (local, "") for n, (_url, local) in sources.items()}
    export = build(chosen, every, sources)
    if fmt == "ipynb":
        import nbformat  # noqa: PLC0415

        text = nbformat.writes(notebook(export))
    else:
        text = export.script()
    output.write_text(text, encoding="utf-8")
    return f"Wrote {output}: {export.title}."
