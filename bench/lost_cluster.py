"""How fast h2o-lab notices a lost cluster, starts a fresh one, and leaves.

Each round launches ``h2o-lab`` in a pseudo-terminal of 80x24 (as over SSH), waits for its private cluster,
then measures:

- lost:    from ``kill -9`` of the cluster's JVM to "H2O lost" in the header;
- restart: from ``r`` to "H2O ready" again (a fresh JVM);
- quit:    from ``q`` to the end of the process (the fresh cluster stopped on the way out);

and prints each figure's median, min and max over the rounds. Only the app and the standard library are used.

    python bench/lost_cluster.py [--rounds 3] [--data-dir DIR] [--nthreads 1] [--max-mem 1g]

The README promises "H2O lost" within a couple of seconds; the tests only check that it comes at all.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class App:
    """``h2o-lab`` in a pseudo-terminal, with its own state, cache and data directories."""

    def __init__(self, home: Path, args: list[str]) -> None:
        env = dict(os.environ)
        for var in ("XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
            env[var] = str(home / var.lower())
        env["TERM"] = "xterm-256color"
        self.log = home / "xdg_state_home" / "h2o-lab" / "logs" / "h2o-lab.log"
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.master = master
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tui", "--offline", *args],
            stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        self.output = bytearray()
        self._lock = threading.Lock()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self.output.extend(chunk)

    def mark(self) -> int:
        with self._lock:
            return len(self.output)

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait_for(self, text: str, since: int, timeout: float) -> float:
        """The monotonic time at which ``text`` was first seen in the output written after ``since``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                seen = text.encode() in self.output[since:]
            if seen:
                return time.monotonic()
            if self.proc.poll() is not None:
                raise RuntimeError(f"h2o-lab ended (status {self.proc.returncode}) before {text!r} appeared")
            time.sleep(0.01)
        raise RuntimeError(f"{text!r} did not appear within {timeout:.0f} s")

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log.exists() and "cluster ready after" in self.log.read_text(errors="replace"):
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"h2o-lab ended (status {self.proc.returncode}) before its cluster was ready")
            time.sleep(0.05)
        raise RuntimeError(f"no ready cluster within {timeout:.0f} s")

    def jvms(self) -> list[int]:
        """Pids of this app's H2O JVMs: their command line names the cluster after the app's pid."""
        marker = f"h2o-lab-{self.proc.pid}-".encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes()
                state = (entry / "stat").read_text().split(") ", 1)[1][:1]
            except (OSError, IndexError):
                continue
            if marker in cmdline and b"h2o.jar" in cmdline and state != "Z":
                found.append(int(entry.name))
        return found

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for pid in self.jvms():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.close(self.master)
        except OSError:
            pass


def one_round(args: list[str], timeout: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="h2o-lab-bench-") as home:
        app = App(Path(home), args)
        try:
            app.wait_ready(timeout)
            jvms = app.jvms()
            if not jvms:
                raise RuntimeError("the app's JVM was not found")
            since = app.mark()
            killed = time.monotonic()
            for pid in jvms:
                os.kill(pid, signal.SIGKILL)
            lost = app.wait_for("H2O lost", since, timeout) - killed

            since = app.mark()
            pressed = time.monotonic()
            app.send("r")
            restart = app.wait_for("H2O ready", since, timeout) - pressed

            pressed = time.monotonic()
            app.send("q")
            app.proc.wait(timeout=timeout)
            quit_ = time.monotonic() - pressed
            if app.proc.returncode != 0:
                raise RuntimeError(f"h2o-lab left with status {app.proc.returncode} after q")
            return {"lost": lost, "restart": restart, "quit": quit_}
        finally:
            app.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data-dir", default=None, help="passed to h2o-lab")
    parser.add_argument("--nthreads", default="1", help="passed to h2o-lab (default 1)")
    parser.add_argument("--max-mem", default="1g", help="passed to h2o-lab (default 1g)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds before a step counts as hung")
    options = parser.parse_args(argv)
    args = ["--nthreads", options.nthreads, "--max-mem", options.max_mem]
    if options.data_dir:
        args += ["--data-dir", options.data_dir]

    figures: dict[str, list[float]] = {"lost": [], "restart": [], "quit": []}
    for number in range(1, options.rounds + 1):
        found = one_round(args, options.timeout)
        for name, seconds in found.items():
            figures[name].append(seconds)
        print(f"round {number}: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in found.items()), flush=True)

    print()
    print(f"{'seconds':<52} {'median':>7} {'min':>7} {'max':>7}")
    labels = {
        "lost": 'kill -9 of the JVM to "H2O lost" on screen',
        "restart": 'r to "H2O ready" (a fresh cluster)',
        "quit": "q to the end of the process",
    }
    for name, values in figures.items():
        print(f"{labels[name]:<52} {statistics.median(values):>7.2f} {min(values):>7.2f} {max(values):>7.2f}")
    print(f"({options.rounds} rounds, 80x24 pseudo-terminal, load average {os.getloadavg()[0]:.1f} at the end)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
