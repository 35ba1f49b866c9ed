"""A classroom on one machine: K private labs at once, each with its own H2O engine, as the app runs them.

    .venv/bin/python bench/classroom.py --sessions K --data-dir DIR [--mnist-rows 5000] [--mnist-epochs 1]
                                        [--nthreads -1] [--timeout 1800]

Each session is its own Python process (this script again, with the hidden option ``--child N``) doing what
the app does for one learner: a Lab with no --max-mem, so its JVM gets the app's default heap (whatever
tui/lab/cluster.py makes of a missing --max-mem; each session prints the heap it got), started as the app
starts it (``lab.start_cluster()``: a private H2O on 127.0.0.1, with ``--nthreads``, default -1: every
core); then the cars data and steps 3 and 4 with the walkthrough's presets; then MNIST (the full files are
imported, as the app does) and step 11's preset trained on the first ``--mnist-rows`` training digits
(0: all 60,000) for ``--mnist-epochs`` epochs, validated on the 10,000 test digits. Every session has its
own state, data and log directories (XDG_*_HOME in a temporary directory, removed when the session
finished, kept for a look when it did not), so no two share a journal.

DIR (or H2O_LAB_DATA) holds cars_20mpg.csv and the full MNIST files, mnist/train.csv.gz and
mnist/test.csv.gz (see bench/data.py); without them the script says what it misses and exits with status 2.

It prints what the sessions report as they go (timed from the start), then for every session: ok or the
error, each run's status and wall time (step 4's validation MSE, step 11's accuracy on the test digits), the
peak resident memory (VmHWM) of its JVM, read just before the lab closes, and of the session's own process;
then the totals: both peaks summed over the sessions and the lowest MemAvailable of the machine (sampled
every 0.5 s from /proc/meminfo), the wall time, how many Java processes with ``h2o-lab-`` in their command
line were left once the sessions ended, and as its last line ``sessions finished N/K``. Exit status 0 when
every session finished, 1 otherwise.

A session that fails (no cluster, out of memory, an error, a run that did not end ``done``) is reported and
counts as not finished; one still going after ``--timeout`` seconds is killed, and its JVM is then stopped
by the lab's reaper helper (a JVM of these sessions still there 30 s after the end is reported, then killed).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.data import add_data_dir, data_dir  # noqa: E402
from tui.lab import fmt  # noqa: E402

PREFIX = "@@classroom@@ "  # marks the child's own lines on its stdout (h2o-py prints there too)
DATA = ["cars", "mnist-train", "mnist-test"]
LEFT_WAIT = 30.0  # seconds the reapers get to stop the JVMs of killed sessions


# -- /proc --------------------------------------------------------------------------------------
def vm_hwm(pid: int | str) -> int | None:
    """Peak resident memory of process ``pid`` ("self" for this one) in bytes, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def meminfo(field: str) -> int | None:
    """A /proc/meminfo figure (MemAvailable, MemTotal) in bytes."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def lab_jvms() -> list[tuple[int, str]]:
    """Java processes with ``h2o-lab-`` in their command line (pid, command line), as pgrep sees them."""
    found = subprocess.run(["pgrep", "-af", "h2o-lab-"], capture_output=True, text=True, check=False)
    out = []
    for line in found.stdout.splitlines():
        pid, _, cmd = line.partition(" ")
        program = cmd.split(" ", 1)[0]
        if pid.isdigit() and os.path.basename(program).startswith("java"):
            out.append((int(pid), cmd))
    return out


# -- one session (the child) --------------------------------------------------------------------
def child(args: argparse.Namespace) -> int:
    """One learner's lab: cluster, cars, steps 3 and 4, MNIST and step 11; its result as the last line."""
    from tui.lab.cluster import ClusterOptions
    from tui.lab.errors import LabError
    from tui.lab.params import canonical
    from tui.lab.quiet import quiet_h2o
    from tui.lab.service import Lab, LabConfig
    from tui.lab.steps import step
    from tui.lab.training import DONE

    out = sys.stdout  # quiet_h2o() swaps sys.stdout while h2o-py runs: the protocol keeps the real one

    def send(event: str, **data: Any) -> None:
        out.write(PREFIX + json.dumps({"event": event, **data}) + "\n")
        out.flush()

    result: dict[str, Any] = {"ok": False, "error": "", "runs": [], "jvm_pid": None, "jvm_hwm": None}
    lab = None
    try:
        with quiet_h2o():
            lab = Lab(LabConfig(cluster=ClusterOptions(nthreads=args.nthreads), data_dir=args.data_dir, download=False))
            started = time.perf_counter()
            status = lab.start_cluster()
            result["jvm_pid"] = getattr(lab.cluster, "pid", None)
            result["cluster_s"] = time.perf_counter() - started
            result["heap"] = status.max_mem
            send("cluster", seconds=result["cluster_s"], jvm_pid=result["jvm_pid"], heap=status.max_mem)
            metas = {m.name: m for m in lab.param_metas()}

            def train(number: int, rows: int | None = None, epochs: float | None = None) -> bool:
                assert lab is not None
                spec = step(number).spec()
                spec.params = canonical(spec.params, metas)
                if epochs is not None:
                    spec.params["epochs"] = epochs
                spec.sample_rows = rows
                began = time.perf_counter()
                run = lab.train(spec)
                wall = time.perf_counter() - began
                valid = run.metrics.get("validation", {})
                entry = {
                    "step": number,
                    "status": run.status,
                    "wall": wall,
                    "epochs": run.epochs_done,
                    "mse": valid.get("MSE"),
                    "accuracy": valid.get("accuracy"),
                    "error": run.error,
                }
                result["runs"].append(entry)
                send("run", **entry)
                if run.status != DONE:
                    result["error"] = f"step {number} ended {run.status}" + (f": {run.error}" if run.error else "")
                    return False
                return True

            began = time.perf_counter()
            lab.load_cars()
            result["cars_s"] = time.perf_counter() - began
            send("import", name="cars", seconds=result["cars_s"])
            if train(3) and train(4):
                began = time.perf_counter()
                lab.load_mnist()
                result["mnist_s"] = time.perf_counter() - began
                send("import", name="MNIST", seconds=result["mnist_s"])
                rows = args.mnist_rows if args.mnist_rows and args.mnist_rows > 0 else None
                result["ok"] = train(11, rows=rows, epochs=args.mnist_epochs)
    except LabError as exc:
        result["error"] = " ".join(str(exc).split())
    except BaseException as exc:  # out of memory, an h2o-py error, an interrupt: still a result line
        result["error"] = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    finally:
        pid = getattr(lab.cluster, "pid", None) if lab is not None else None
        if pid:
            result["jvm_hwm"] = vm_hwm(pid)
        if lab is not None:
            try:
                with quiet_h2o():
                    lab.close()
            except Exception as exc:
                result["close_error"] = f"{type(exc).__name__}: {exc}"
        result["app_hwm"] = vm_hwm("self")
        send("result", **result)
    return 0


# -- the classroom (the parent) -----------------------------------------------------------------
class Sampler(threading.Thread):
    """Every 0.5 s: the machine's MemAvailable (the lowest kept) and the peaks of the sessions' processes."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.lowest = meminfo("MemAvailable")
        self.pids: set[int] = set()
        self.peaks: dict[int, int] = {}  # pid -> last VmHWM seen (a fallback when a session cannot tell)
        self._stop_event = threading.Event()
        self._lock = threading.Lock()

    def watch(self, pid: int) -> None:
        with self._lock:
            self.pids.add(pid)

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(0.5)

    def sample(self) -> None:
        available = meminfo("MemAvailable")
        if available is not None and (self.lowest is None or available < self.lowest):
            self.lowest = available
        with self._lock:
            pids = list(self.pids)
        for pid in pids:
            peak = vm_hwm(pid)
            if peak is not None:
                self.peaks[pid] = max(peak, self.peaks.get(pid, 0))

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)
        self.sample()


class Session:
    """One child process, what it reported, and how it ended."""

    def __init__(self, number: int, home: Path) -> None:
        self.number = number
        self.home = home
        self.proc: subprocess.Popen[str] | None = None
        self.stderr: IO[bytes] | None = None
        self.result: dict[str, Any] | None = None
        self.jvm_pid: int | None = None
        self.other: collections.deque[str] = collections.deque(maxlen=10)  # stdout lines that were not ours
        self.timed_out = False
        self.reader: threading.Thread | None = None

    @property
    def finished(self) -> bool:
        return bool(self.result and self.result.get("ok")) and not self.timed_out

    def error(self) -> str:
        if self.timed_out:
            return "timed out: killed"
        if self.result is None:
            code = self.proc.returncode if self.proc else None
            if code is not None and code < 0:
                return f"the session process died without a result (signal {-code}; out of memory?)"
            return f"the session process ended without a result (exit status {code})"
        return str(self.result.get("error") or "not finished")

    def stderr_tail(self, lines: int = 8) -> list[str]:
        try:
            text = (self.home / "stderr.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        return [ln for ln in text.splitlines() if ln.strip()][-lines:]


def describe(event: dict[str, Any]) -> str:
    kind = event.get("event")
    if kind == "cluster":
        return (
            f"cluster up in {fmt.duration(event['seconds'])} "
            f"(heap {fmt.size(event.get('heap'))}, JVM pid {event.get('jvm_pid')})"
        )
    if kind == "import":
        return f"{event['name']} imported in {fmt.duration(event['seconds'])}"
    if kind == "run":
        return run_text(event)
    if kind == "result":
        return "finished" if event.get("ok") else f"not finished: {event.get('error')}"
    return json.dumps(event)


def run_text(run: dict[str, Any]) -> str:
    text = f"step {run['step']}: {run['status']} in {fmt.duration(run['wall'])} ({run['wall']:.1f} s)"
    if run["step"] == 4 and run.get("mse") is not None:
        text += f", validation MSE {fmt.number(run['mse'])}"
    if run["step"] == 11 and run.get("accuracy") is not None:
        text += f", {run.get('epochs', 0):.2f} epochs, test accuracy {run['accuracy']:.4f}"
    if run.get("error"):
        text += f": {run['error']}"
    return text


def parent(args: argparse.Namespace) -> int:
    directory = data_dir(args.data_dir, DATA)
    k = args.sessions
    rows = f"{args.mnist_rows:,} rows" if args.mnist_rows and args.mnist_rows > 0 else "all rows"
    print(f"data: {directory}")
    print(
        f"{k} session(s) at once, each its own private H2O (default heap, nthreads {args.nthreads}), timeout "
        f"{args.timeout:g} s; steps 3 and 4 on cars, step 11 on MNIST ({rows}, {args.mnist_epochs:g} epoch(s))"
    )
    print(
        f"machine: {os.cpu_count()} cores, {fmt.size(meminfo('MemTotal'))} RAM, "
        f"{fmt.size(meminfo('MemAvailable'))} available at the start"
    )
    before = {pid for pid, _ in lab_jvms()}
    if before:
        print(f"note: {len(before)} h2o-lab JVM(s) of others already running (not counted below)")
    print(flush=True)

    sampler = Sampler()
    sampler.start()
    printing = threading.Lock()
    began = time.monotonic()

    def say(session: Session, text: str) -> None:
        with printing:
            print(f"[{time.monotonic() - began:7.1f} s] session {session.number}: {text}", flush=True)

    def read(session: Session) -> None:
        assert session.proc is not None and session.proc.stdout is not None
        for line in session.proc.stdout:
            if not line.startswith(PREFIX):
                if line.strip():
                    session.other.append(line.rstrip())
                continue
            try:
                event = json.loads(line[len(PREFIX) :])
            except ValueError:
                continue
            if event.get("event") == "cluster" and event.get("jvm_pid"):
                session.jvm_pid = int(event["jvm_pid"])
                sampler.watch(session.jvm_pid)
            if event.get("event") == "result":
                session.result = event
            say(session, describe(event))

    sessions = [Session(n, Path(tempfile.mkdtemp(prefix=f"classroom-{n}-"))) for n in range(1, k + 1)]
    try:
        for session in sessions:
            env = dict(os.environ)
            for var in ("XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
                env[var] = str(session.home / var.lower())
            command = [
                sys.executable, str(Path(__file__).resolve()), "--child", str(session.number),
                "--data-dir", str(directory), "--nthreads", str(args.nthreads),
                "--mnist-rows", str(args.mnist_rows), "--mnist-epochs", str(args.mnist_epochs),
            ]  # fmt: skip
            session.stderr = open(session.home / "stderr.log", "wb")
            session.proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=session.stderr,
                text=True,
                cwd=ROOT,
                env=env,
                start_new_session=True,
            )
            sampler.watch(session.proc.pid)
            session.reader = threading.Thread(target=read, args=(session,), daemon=True)
            session.reader.start()
            say(session, f"started (pid {session.proc.pid}, files in {session.home})")

        while any(s.proc is not None and s.proc.poll() is None for s in sessions):
            for session in sessions:
                proc = session.proc
                if proc is None or proc.poll() is not None or session.timed_out:
                    continue
                if time.monotonic() - began > args.timeout:
                    session.timed_out = True
                    sampler.sample()  # the JVM's last peak, before it goes
                    say(session, f"still running after {args.timeout:g} s: killing it")
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(0.5)
    finally:
        for session in sessions:  # an interrupt of the benchmark: no session outlives it
            if session.proc is not None and session.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(session.proc.pid, signal.SIGKILL)
                session.proc.wait()
            if session.reader is not None:
                session.reader.join(timeout=10)
            if session.stderr is not None:
                session.stderr.close()
    wall = time.monotonic() - began
    sampler.stop()

    # The JVMs of these sessions: their cluster names start with h2o-lab-<session pid>-.
    markers = [f"h2o-lab-{s.proc.pid}-" for s in sessions if s.proc is not None]

    def ours() -> list[tuple[int, str]]:
        return [(pid, cmd) for pid, cmd in lab_jvms() if any(m in cmd for m in markers)]

    deadline = time.monotonic() + LEFT_WAIT
    left = ours()
    while left and time.monotonic() < deadline:
        time.sleep(0.5)
        left = ours()
    others = [pid for pid, _ in lab_jvms() if pid not in {p for p, _ in left}]

    print()
    total_jvm = total_app = 0
    for session in sessions:
        result = session.result or {}
        print(f"session {session.number}: {'ok' if session.finished else 'NOT FINISHED: ' + session.error()}")
        if result.get("cluster_s") is not None:
            print(f"  cluster: up in {fmt.duration(result['cluster_s'])}, heap {fmt.size(result.get('heap'))}")
        steps = (("cars", "cars_s"), ("MNIST", "mnist_s"))
        imports = [f"{name} {fmt.duration(result[key])}" for name, key in steps if result.get(key) is not None]
        if imports:
            print(f"  import: {', '.join(imports)}")
        for run in result.get("runs", []):
            print(f"  {run_text(run)}")
        jvm = result.get("jvm_hwm")
        jvm_note = ""
        if jvm is None and session.jvm_pid in sampler.peaks:
            jvm, jvm_note = sampler.peaks[session.jvm_pid], " (last sampled)"
        app = result.get("app_hwm")
        app_note = ""
        if app is None and session.proc is not None and session.proc.pid in sampler.peaks:
            app, app_note = sampler.peaks[session.proc.pid], " (last sampled)"
        total_jvm += jvm or 0
        total_app += app or 0
        print(f"  peak memory: JVM {fmt.size(jvm)}{jvm_note}, session process {fmt.size(app)}{app_note}")
        if result.get("close_error"):
            print(f"  closing the lab failed: {result['close_error']}")
        if not session.finished:
            for line in session.stderr_tail():
                print(f"  stderr: {line}")
            for line in session.other:
                print(f"  stdout: {line}")
            print(f"  files kept in {session.home}")
        else:
            shutil.rmtree(session.home, ignore_errors=True)

    print()
    print(
        f"totals: peak JVMs {fmt.size(total_jvm)}, peak session processes {fmt.size(total_app)} "
        f"(together {fmt.size(total_jvm + total_app)}); lowest MemAvailable {fmt.size(sampler.lowest)}"
    )
    print(f"wall time: {wall:.1f} s ({fmt.duration(wall)})")
    print(
        f"java processes with h2o-lab- left: {len(left)} of these sessions"
        f"{f', {len(others)} of others' if others else ''}"
    )
    for pid, cmd in left:
        print(f"  left: {pid} {cmd[:160]} (killed now)")
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    finished = sum(1 for s in sessions if s.finished)
    print(f"sessions finished {finished}/{k}", flush=True)
    return 0 if finished == k else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=2, help="labs at once (default 2)")
    parser.add_argument("--mnist-rows", type=int, default=5000, help="step 11 trains on the first ROWS digits (0: all)")
    parser.add_argument("--mnist-epochs", type=float, default=1.0, help="step 11's epochs (default 1)")
    parser.add_argument("--nthreads", type=int, default=-1, help="threads of each H2O (default -1: every core)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds a session may take (default 1800)")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    add_data_dir(parser)
    args = parser.parse_args()
    if args.child is not None:
        return child(args)
    if args.sessions < 1:
        parser.error("--sessions must be at least 1")
    return parent(args)


if __name__ == "__main__":
    raise SystemExit(main())
