"""The app process's own memory along the walkthrough: resident size (RSS) and its peak, step by step.

    .venv/bin/python bench/app_memory.py --data-dir DIR [--rows 5000] [--no-imports]
                                        [--types N] [--tracemalloc N] [--trim]

DIR (or H2O_LAB_DATA) holds the cars file and the full MNIST files (cars_20mpg.csv, mnist/train.csv.gz,
mnist/test.csv.gz). The script first measures what importing each big module costs, each in a fresh
``python -c`` (RSS after the import: textual.app, requests, numpy, pandas, h2o, plotext, textual_plotext,
tui.app, tui.app with tui.lab.service, every module of the app), and which of h2o, pandas, numpy, plotext...
each one pulls in.

Then it runs the real app, ``.venv/bin/h2o-lab --data-dir DIR --nthreads 2 --max-mem 2g --offline``, in a
pseudo-terminal of 80x24 with XDG_STATE_HOME, XDG_DATA_HOME and XDG_CACHE_HOME in a fresh temporary directory,
and walks: the cluster ready (step 1); step 2, i (cars imported); step 3, t (the first network trained); step 4,
t; step 10, i (MNIST imported); step 11 with "only the first rows" (``--rows``, default 5,000; the run is
checked to train on them, else cancelled), t; step 11's tabs opened one by one (]); step 12, t (the binary
classifier trained and evaluated); step 12's tabs. After each point it reads /proc/<pid>/status of the app's
own python process (not the JVM): VmRSS, RssAnon, RssFile, VmHWM (the peak RSS so far) and its threads, and
asks the app (SIGUSR1 to a sitecustomize put on its PYTHONPATH) which of the big modules are loaded, how many
objects the garbage collector tracks and how many of them are Textual widgets. Options for finding where it
goes: ``--types N`` prints the N commonest object types at each point; ``--tracemalloc N`` runs the app with
tracemalloc on from its start (slower, and bigger by tracemalloc's own bookkeeping) and prints the Python
memory traced and the N source lines whose memory grew most since the previous point; ``--trim`` runs
gc.collect() and glibc's malloc_trim(0) in the app at each point and says the RSS before and after (memory the
allocator held but no longer used; the later points start lower then). The environment is passed on, so
``MALLOC_ARENA_MAX=2 .venv/bin/python bench/app_memory.py ...`` measures the app with fewer malloc arenas.

It prints the import table, then one line per point (RSS, anon, file, peak MiB, threads, objects, widgets,
big modules loaded), then quits the app (q, y) and checks that its JVM has ended (killing it if it has not).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.data import add_data_dir, data_dir  # noqa: E402
from tests.helpers import Terminal, jvms_with  # noqa: E402

MIB = 1024 * 1024
BIG = ("h2o", "pandas", "numpy", "plotext", "textual_plotext", "requests", "polars", "pyarrow", "matplotlib")

# Each in a fresh interpreter: what one import costs, and which big modules come with it.
IMPORTS = [
    ("python alone", "pass"),
    ("import textual.app", "import textual.app"),
    ("import requests", "import requests"),
    ("import numpy", "import numpy"),
    ("import pandas", "import pandas"),
    ("import h2o", "import h2o"),
    ("import h2o, pandas", "import h2o, pandas"),
    ("import plotext", "import plotext"),
    ("import textual_plotext", "import textual_plotext"),
    ("import tui.app", "import tui.app"),
    ("tui.app + tui.lab.service", "import tui.app, tui.lab.service"),
    (
        "every app module",
        "import pkgutil, importlib, tui, screens, widgets\n"
        "for p in (tui, screens, widgets):\n"
        "    for m in pkgutil.walk_packages(p.__path__, p.__name__ + '.'):\n"
        "        if not m.name.endswith('__main__'):\n"
        "            importlib.import_module(m.name)",
    ),
    ("every app module + h2o", None),  # filled in below
]
IMPORTS[-1] = ("every app module + h2o", IMPORTS[-2][1] + "\nimport h2o")

REPORT = """
import json, re, sys
status = open('/proc/self/status').read()
field = lambda name: int(re.search(name + r':\\s+(\\d+)', status).group(1)) / 1024
print(json.dumps([field('VmRSS'), field('VmHWM'), ','.join(m for m in {big!r} if m in sys.modules)]))
"""

# Put on the app's PYTHONPATH: on SIGUSR1 the app appends one JSON line about itself to $H2O_LAB_MEMORY_PROBE.
PROBE = """
import collections, gc, json, os, signal, sys

BIG = {big!r}
TOP = int(os.environ.get("H2O_LAB_MEMORY_TOP") or 0)
TYPES = int(os.environ.get("H2O_LAB_MEMORY_TYPES") or 0)
TRIM = os.environ.get("H2O_LAB_MEMORY_TRIM") == "1"
_last = []


def _rss():
    with open("/proc/self/status") as f:
        return int(next(line for line in f if line.startswith("VmRSS:")).split()[1]) / 1024


def _probe(_signum, _frame):
    objects = gc.get_objects()
    with open(os.environ["H2O_LAB_MEMORY_PROBE"] + ".ask") as ask:
        asked = ask.read()
    record = {{
        "asked": asked,
        "modules": [m for m in BIG if m in sys.modules],
        "objects": len(objects),
        "blocks": sys.getallocatedblocks(),
    }}
    widget = getattr(sys.modules.get("textual.widget"), "Widget", None)
    if widget is not None:
        record["widgets"] = sum(1 for o in objects if isinstance(o, widget))
    if TYPES:
        counts = collections.Counter(f"{{type(o).__module__}}.{{type(o).__qualname__}}" for o in objects)
        record["types"] = counts.most_common(TYPES)
    del objects
    if TOP:
        import tracemalloc

        if tracemalloc.is_tracing():
            snapshot = tracemalloc.take_snapshot()
            record["traced"] = tracemalloc.get_traced_memory()[0]
            if _last:
                stats = snapshot.compare_to(_last[0], "lineno")
                record["grown"] = [
                    (f"{{s.traceback[0].filename}}:{{s.traceback[0].lineno}}", s.size_diff, s.size)
                    for s in sorted(stats, key=lambda s: -s.size_diff)[:TOP]
                ]
            _last[:] = [snapshot]
    if TRIM:
        import ctypes

        gc.collect()
        record["rss_before_trim"] = _rss()
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        record["rss_after_trim"] = _rss()
    with open(os.environ["H2O_LAB_MEMORY_PROBE"], "a") as out:
        out.write(json.dumps(record) + "\\n")


if os.environ.get("H2O_LAB_MEMORY_PROBE"):
    signal.signal(signal.SIGUSR1, _probe)
"""


def import_costs() -> list[tuple[str, float, float, str]]:
    """(what, RSS MiB, peak MiB, big modules loaded) of each import, each in a fresh interpreter."""
    found = []
    for name, code in IMPORTS:
        out = subprocess.run(
            [sys.executable, "-c", f"{code}\n{REPORT.format(big=BIG)}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if out.returncode != 0:
            found.append((name, float("nan"), float("nan"), out.stderr.strip().splitlines()[-1]))
            continue
        rss, hwm, modules = json.loads(out.stdout.strip().splitlines()[-1])
        found.append((name, rss, hwm, modules))
    return found


def status_of(pid: int) -> dict[str, float]:
    """VmRSS, RssAnon, RssFile, VmHWM (MiB) and Threads of a process, from /proc/<pid>/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
        elif key == "Threads":
            values[key] = int(rest)
    return values


class AppTerminal(Terminal):
    """The installed ``h2o-lab`` command in a pseudo-terminal of 80x24 (the tests' Terminal, with its own
    command line and a probe on the app's PYTHONPATH), started in a directory of its own."""

    def __init__(self, tmp_path: Path, command: list[str], top: int, types: int, trim: bool) -> None:  # noqa: D107
        self.env = dict(os.environ)
        for var in ("XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
            self.env[var] = str(tmp_path / var.lower())
        self.env["TERM"] = "xterm-256color"
        probe = tmp_path / "probe"
        probe.mkdir()
        (probe / "sitecustomize.py").write_text(PROBE.format(big=BIG))
        self.probe_file = tmp_path / "probe.jsonl"
        self.asked = 0
        self.probe_timeout = 240 if top else 60
        self.env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(probe), str(ROOT), self.env.get("PYTHONPATH")]))
        self.env["H2O_LAB_MEMORY_PROBE"] = str(self.probe_file)
        if top:
            self.env["PYTHONTRACEMALLOC"] = "1"
            self.env["H2O_LAB_MEMORY_TOP"] = str(top)
        if types:
            self.env["H2O_LAB_MEMORY_TYPES"] = str(types)
        if trim:
            self.env["H2O_LAB_MEMORY_TRIM"] = "1"
        self.log = tmp_path / "xdg_state_home" / "h2o-lab" / "logs" / "h2o-lab.log"
        self.journal = tmp_path / "xdg_data_home" / "h2o-lab" / "journal.sqlite3"
        workdir = tmp_path / "cwd"
        workdir.mkdir()
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.master = master
        self.proc = subprocess.Popen(
            command, stdin=slave, stdout=slave, stderr=slave, env=self.env, cwd=workdir, start_new_session=True
        )
        os.close(slave)
        self.output = bytearray()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def log_text(self) -> str:
        """The app's log so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_log(self, pattern: str, offset: int, timeout: float) -> re.Match:
        """The first match of ``pattern`` in the log written after ``offset`` characters."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.log_text()[offset:])
            if found:
                return found
            if self.proc.poll() is not None:
                raise SystemExit(f"the app ended (status {self.proc.returncode}) while waiting for {pattern!r}")
            time.sleep(0.3)
        raise SystemExit(f"{pattern!r} did not appear in the app's log within {timeout:.0f} s")

    def ask_probe(self, timeout: float = 60) -> dict:
        """The probe's record for now (SIGUSR1 to the app; it answers from its main thread), {} if it is late."""
        self.asked += 1
        Path(f"{self.probe_file}.ask").write_text(str(self.asked))
        os.kill(self.proc.pid, signal.SIGUSR1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = self.probe_file.read_text().splitlines() if self.probe_file.exists() else []
            for line in reversed(lines):
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line still being written
                if record.get("asked") == str(self.asked):
                    return record
            time.sleep(0.1)
        return {}

    def run_record(self, run_id: str) -> dict:
        """The journal's record of one run (its spec, status...)."""
        import sqlite3  # noqa: PLC0415

        with contextlib.closing(sqlite3.connect(f"file:{self.journal}?mode=ro", uri=True, timeout=5)) as db:
            row = db.execute("SELECT data FROM runs WHERE run_id=?", (run_id,)).fetchone()
        return json.loads(row[0]) if row else {}


class Walk:
    """The walkthrough's points, each measured as it is reached."""

    def __init__(self, term: AppTerminal, settle: float) -> None:  # noqa: D107
        self.term = term
        self.settle = settle
        self.points: list[tuple[str, dict[str, float], dict]] = []

    def measure(self, point: str) -> None:
        """Let the app settle, then record its status and the probe's answer; print the line at once."""
        time.sleep(self.settle)
        status = status_of(self.term.proc.pid)
        probe = self.term.ask_probe(self.term.probe_timeout)
        self.points.append((point, status, probe))
        print(line_of(point, status, probe), flush=True)
        if "traced" in probe:
            print(f"      tracemalloc: {probe['traced'] / MIB:.1f} MiB traced; grown since the last point:")
        for where, grown, size in probe.get("grown", []):
            print(f"      {grown / MIB:+7.2f} MiB (now {size / MIB:6.2f})  {short(where)}")
        for name, count in probe.get("types", []):
            print(f"      {count:9,}  {name}")
        sys.stdout.flush()

    def go(self, step: int, keys: str = "n") -> None:
        """Press ``keys`` and wait for step ``step``'s title."""
        offset = len(self.term.output)
        for key in keys:
            self.term.send(key)
            time.sleep(0.4)
        self.term.wait_for_text(f"Step {step} ·", offset, timeout=60)
        time.sleep(2)  # the view builds

    def train(self, step: int, timeout: float) -> str:
        """t on the current step; wait for its run to finish; its run id."""
        offset = len(self.term.log_text())
        self.term.send("t")
        started = self.term.wait_log(rf"started (run-\d+) \(.*?\) for step {step}\b", offset, 180)
        run_id = started.group(1)
        self.term.wait_log(rf"{run_id} finished: \w+", offset, timeout)
        return run_id

    def tabs(self, count: int, stay: float) -> None:
        """] ``count`` times, ``stay`` seconds on each tab (a tab reads what it shows when first opened)."""
        for _ in range(count):
            self.term.send("]")
            time.sleep(stay)

    def mnist_sample(self, rows: int) -> None:
        """Step 11's training rows: "only the first rows", ``rows`` of them (Tab from the step list, the select)."""
        term = self.term
        term.send("\t")  # one Tab from the step list: the rows choice, the first field at 80x24
        time.sleep(0.8)
        term.send("\r")  # open the select
        time.sleep(0.8)
        term.send("\x1b[B")  # "only the first rows:"
        time.sleep(0.5)
        term.send("\r")
        time.sleep(0.8)
        term.send("\t")  # the count
        time.sleep(0.5)
        for key in ["\x7f"] * 8 + list(str(rows)):  # one key at a time: a burst of them is not taken as typing
            term.send(key)
            time.sleep(0.25)
        time.sleep(0.5)
        term.send("\x1b")  # leave the field: the step's keys work again
        time.sleep(0.8)

    def train_mnist(self, rows: int, timeout: float) -> str:
        """t on step 11 after the speed trial; the run must train on ``rows`` rows, else it is cancelled."""
        term = self.term
        log_offset, out_offset = len(term.log_text()), len(term.output)
        term.send("t")
        deadline = time.monotonic() + 300
        run_id = None
        while time.monotonic() < deadline and run_id is None:
            started = re.search(r"started (run-\d+) \(.*?\) for step 11\b", term.log_text()[log_offset:])
            if started:
                run_id = started.group(1)
                break
            screen = term.screen_since(out_offset)
            if "Train now?" in screen:
                time.sleep(1)
                screen = term.screen_since(out_offset)
                if f"{rows:,} rows" not in screen:
                    term.send("n")
                    raise SystemExit(f"step 11 would train on all rows, not {rows:,}: the rows choice did not take")
                term.send("y")
                out_offset = len(term.output)
            time.sleep(0.3)
        if run_id is None:
            raise SystemExit("step 11's run did not start")
        time.sleep(1)
        sample = (term.run_record(run_id).get("spec") or {}).get("sample_rows")
        if sample != rows:
            term.send("x")
            raise SystemExit(f"step 11's run trains on sample_rows={sample}, not {rows:,}: cancelled")
        term.wait_log(rf"{run_id} finished: \w+", log_offset, timeout)
        return run_id


def short(filename: str) -> str:
    """A file name without the virtualenv's or the checkout's prefix."""
    for prefix in (str(ROOT / ".venv" / "lib"), str(ROOT)):
        if filename.startswith(prefix):
            return filename[len(prefix) + 1 :]
    return filename


def line_of(point: str, status: dict[str, float], probe: dict) -> str:
    """One point of the table."""
    trim = ""
    if "rss_after_trim" in probe:
        trim = f" {probe['rss_before_trim']:6.1f}>{probe['rss_after_trim']:6.1f}"
    modules = ",".join(probe.get("modules", [])) or "-"
    return (
        f"{point:<34} {status.get('VmRSS', 0):6.1f} {status.get('RssAnon', 0):6.1f} {status.get('RssFile', 0):6.1f}"
        f" {status.get('VmHWM', 0):6.1f} {int(status.get('Threads', 0)):4d} {probe.get('objects', 0):9,}"
        f" {probe.get('widgets', 0):7,}{trim}  {modules}"
    )


def walk(args: argparse.Namespace, directory: Path) -> list:
    """Launch the app, walk the steps measuring each point, quit; the points."""
    command = [str(args.app), "--data-dir", str(directory), "--nthreads", "2", "--max-mem", "2g", "--offline"]
    with tempfile.TemporaryDirectory(prefix="h2o-lab-memory-") as tmp:
        term = AppTerminal(Path(tmp), command, args.tracemalloc, args.types, args.trim)
        points = Walk(term, args.settle)
        print(f"app pid {term.proc.pid}: {' '.join(command)}", flush=True)
        trim = "  gc+trim: before>after" if args.trim else ""
        print(
            f"{'point':<34} {'RSS':>6} {'anon':>6} {'file':>6} {'peak':>6} {'thr':>4} {'objects':>9} {'widgets':>7}"
            f"{trim}  modules"
        )
        try:
            term.wait_ready(timeout=240)
            points.measure("1 cluster ready")

            points.go(2)
            offset = len(term.log_text())
            term.send("i")
            term.wait_log(r"imported cars from", offset, 180)
            points.measure("2 cars imported")

            points.go(3)
            points.train(3, 600)
            points.measure("3 first network trained")

            points.go(4)
            points.train(4, 600)
            points.measure("4 validation run trained")

            points.go(10, "n" * 6)
            offset = len(term.log_text())
            term.send("i")
            term.wait_log(r"imported MNIST in", offset, 900)
            points.measure("10 MNIST imported")

            points.go(11)
            points.mnist_sample(args.rows)
            points.measure("11 form, sample chosen")
            points.train_mnist(args.rows, 1800)
            points.measure(f"11 trained on {args.rows:,} rows")
            points.tabs(6, args.tab_stay)
            points.measure("11 every tab opened")

            points.go(12)
            points.train(12, 600)
            with contextlib.suppress(AssertionError):
                term.wait_for_text("AUCPR", 0, timeout=60)
            points.measure("12 classifier trained, evaluated")
            points.tabs(7, args.tab_stay)
            points.measure("12 every tab opened")
        except BaseException:
            tell_why(term)
            raise
        finally:
            quit_app(term, 240 if args.tracemalloc else 90)
    return points.points


def tell_why(term: AppTerminal) -> None:
    """The end of the app's log and the last words on its screen, when the walk fails."""
    from bench.stress import plain  # noqa: PLC0415

    print("--- the app's log, last lines:", file=sys.stderr)
    print("\n".join(term.log_text().splitlines()[-25:]), file=sys.stderr)
    print("--- the screen's last words:", file=sys.stderr)
    print(plain(term.screen_since(max(0, len(term.output) - 6000)))[-2500:], file=sys.stderr, flush=True)


def quit_app(term: AppTerminal, timeout: float = 90) -> None:
    """q (and y if it asks), wait for the end, then make sure this app's JVM is gone."""
    marker = term.marker
    if term.proc.poll() is None:
        term.send("\x1b")
        time.sleep(0.3)
        term.send("q")
        time.sleep(2)
        if term.proc.poll() is None:
            term.send("y")
        try:
            term.wait_exit(timeout=timeout)
        except subprocess.TimeoutExpired:
            print(f"the app did not end within {timeout:.0f} s after q: killed", flush=True)
    term.close()
    deadline = time.monotonic() + 30
    while jvms_with(marker) and time.monotonic() < deadline:
        time.sleep(0.5)
    left = jvms_with(marker)
    for pid in left:  # this app's own JVM only (its name holds the app's pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    print(f"app exit status {term.proc.returncode}; its JVM {'killed: ' + str(left) if left else 'ended'}", flush=True)


def main() -> int:
    """Import costs, then the walk."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_dir(parser)
    parser.add_argument("--rows", type=int, default=5000, help="step 11's sample of training rows (default 5000)")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds before each measurement (default 3)")
    parser.add_argument("--tab-stay", type=float, default=4.0, help="seconds on each tab (default 4)")
    parser.add_argument("--tracemalloc", type=int, default=0, metavar="N", help="the N lines that grew most")
    parser.add_argument("--types", type=int, default=0, metavar="N", help="the N commonest object types")
    parser.add_argument("--trim", action="store_true", help="gc.collect() and malloc_trim(0) at each point")
    parser.add_argument("--no-imports", action="store_true", help="skip the import costs")
    parser.add_argument("--app", type=Path, default=ROOT / ".venv" / "bin" / "h2o-lab", help="the h2o-lab command")
    args = parser.parse_args()
    directory = data_dir(args.data_dir, ["cars", "mnist-train", "mnist-test"])

    if not args.no_imports:
        print(f"{'import, in a fresh python':<28} {'RSS':>6} {'peak':>6} {'+ MiB':>6}  big modules loaded")
        costs = import_costs()
        base = costs[0][1]
        for name, rss, hwm, modules in costs:
            print(f"{name:<28} {rss:6.1f} {hwm:6.1f} {rss - base:6.1f}  {modules or '-'}", flush=True)
        print()
    walk(args, directory)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
