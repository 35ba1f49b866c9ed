"""Small helpers for the tests."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import http.server
import os
import pty
import re
import socket
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The real data the tests run on, kept in the repository (see tests/data/README.md): the cars file and a
# sample of MNIST in H2O's layout. Nothing outside the repository is read.
TEST_DATA = Path(__file__).resolve().parent / "data"
SHARED_DATA = TEST_DATA  # the former name, still imported by some tests
# Digits 0..9 in the MNIST sample of tests/data (its first 2,000 training and 500 test rows).
MNIST_SAMPLE_COUNTS = {
    "train": [191, 220, 198, 191, 214, 180, 200, 224, 172, 210],
    "test": [42, 67, 55, 45, 55, 50, 43, 49, 40, 54],
}
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def processes_with(marker: str) -> dict[int, bytes]:
    """Live processes (zombies excluded) whose command line holds ``marker``: pid -> command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().split(") ", 1)[1][:1]
        except (OSError, IndexError):
            continue
        if marker.encode() in cmdline and state != "Z":
            found[int(entry.name)] = cmdline
    return found


def jvms_with(marker: str) -> list[int]:
    """Pids of live H2O JVMs whose command line holds ``marker``."""
    return [pid for pid, cmdline in processes_with(marker).items() if b"h2o.jar" in cmdline]


def current_step(journal: Path) -> int | None:
    """The step the app last saved as the learner's place in ``journal`` (it saves it on every move)."""
    import json

    if not journal.exists():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=5)) as db:
            row = db.execute("SELECT value FROM state WHERE key='progress'").fetchone()
    except sqlite3.Error:
        return None
    return json.loads(row[0]).get("current") if row else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """A local HTTP server for ``directory``; yields its base URL (with a trailing slash)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output clean
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def serve_text(body: bytes, status: int = 200, content_type: str = "text/html") -> Iterator[str]:
    """A local HTTP server answering every GET with ``body``."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def an_h2o_at_the_default_address(home: Path):
    """Something listening where a bare ``h2o.init()`` looks first, recording every request it gets.

    That place is http://localhost:54321 unless ``~/.h2oconfig`` names another; the test names a port of its own
    (54321 may hold another H2O on a shared machine), so that a script that would join the H2O found there is
    caught without any H2O running."""
    asked: list[str] = []

    class Record(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_error(503)

        do_POST = do_HEAD = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Record)
    (home / ".h2oconfig").write_text(f"[init]\nurl = http://127.0.0.1:{server.server_address[1]}\n")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield asked
    finally:
        server.shutdown()
        server.server_close()


def run_plain_python(script: Path, work: Path) -> subprocess.CompletedProcess:
    """A script (exported, or copied from the Code tab) run with plain python, as a learner would, from ``work``
    (also its home folder)."""
    from tui.lab.java import find_java  # noqa: PLC0415

    java_home = str(Path(find_java().path).resolve().parents[1])
    env = {**os.environ, "JAVA_HOME": java_home, "DO_NOT_TRACK": "1", "HOME": str(work)}
    return subprocess.run([sys.executable, str(script)], cwd=work, env=env, capture_output=True, text=True, timeout=400)


def env_without(*names: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in names:
        env.pop(name, None)
    return env


def _take_terminal() -> None:
    """In the child, after its new session began: standard input becomes its controlling terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


_CSI = re.compile(r"\x1b\[([0-9;?<>=]*)[ -/]*([@-~])")
_OTHER_ESCAPE = re.compile(r"\x1b(\][^\x07\x1b]*(\x07|\x1b\\)|P[^\x1b]*\x1b\\|[()][0-9A-Za-z]|.)", re.DOTALL)


def _reverse_after(codes: list[int], reverse: bool) -> bool:
    """Whether text is drawn in reverse after an SGR sequence with these codes (colours skipped whole)."""
    index = 0
    while index < len(codes):
        code = codes[index]
        if code in (38, 48, 58):
            index += 5 if index + 1 < len(codes) and codes[index + 1] == 2 else 3
            continue
        reverse = {0: False, 7: True, 27: False}.get(code, reverse)
        index += 1
    return reverse


def read_screen(output: str, size: tuple[int, int] = (80, 24)) -> tuple[list[str], list[str]]:
    """What a terminal of ``size`` shows after ``output``: its lines, and for each a mask with ``^`` under the cells
    drawn in reverse (the focused field's name). Enough of a terminal for what Textual writes: moves of the cursor,
    text, styles, clearing the screen."""
    width, height = size
    cells = [[" "] * width for _ in range(height)]
    marks = [[" "] * width for _ in range(height)]
    row = col = 0
    reverse = False
    at = 0
    while at < len(output):
        char = output[at]
        if char == "\x1b":
            found = _CSI.match(output, at)
            if found is None:
                other = _OTHER_ESCAPE.match(output, at)
                at = other.end() if other else at + 1
                continue
            params, final = found.groups()
            at = found.end()
            if final == "H" and not params.startswith("?"):
                place = [int(p) if p else 1 for p in params.split(";")] if params else [1, 1]
                row, col = place[0] - 1, (place[1] - 1 if len(place) > 1 else 0)
            elif final == "m" and not params.startswith(("?", "<", ">")):
                reverse = _reverse_after([int(p) if p else 0 for p in params.split(";")], reverse)
            elif final == "J" and params in ("2", "3"):
                cells = [[" "] * width for _ in range(height)]
                marks = [[" "] * width for _ in range(height)]
            continue
        at += 1
        if char == "\r":
            col = 0
        elif char == "\n":
            row += 1
        elif char >= " ":
            if 0 <= row < height and 0 <= col < width:
                cells[row][col] = char
                marks[row][col] = "^" if reverse else " "
            col += 1
    return ["".join(line) for line in cells], ["".join(line) for line in marks]


class Terminal:
    """``h2o-lab`` running in a pseudo-terminal of 80x24, as in an SSH session.

    Its private cluster is small (one thread, 1g); with ``--url`` among ``args`` it joins that cluster instead
    (``env`` can hold its H2O_LAB_PASSWORD). ``controlling``: the terminal is the app's controlling terminal, as
    a login's is, so that closing it (``os.close(master)``) makes the kernel send SIGHUP and SIGCONT, as when an
    SSH session or a terminal window closes; without it nothing tells the app.
    """

    def __init__(
        self,
        tmp_path: Path,
        *args: str,
        size: tuple[int, int] = (80, 24),
        env: dict[str, str] | None = None,
        controlling: bool = False,
    ) -> None:
        self.env = {**os.environ, **(env or {})}
        for var in ("XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
            self.env[var] = str(tmp_path / var.lower())
        self.env["TERM"] = "xterm-256color"
        self.size = size
        self.log = tmp_path / "xdg_state_home" / "h2o-lab" / "logs" / "h2o-lab.log"
        self.journal = tmp_path / "xdg_data_home" / "h2o-lab" / "journal.sqlite3"
        private = () if "--url" in args else ("--nthreads", "1", "--max-mem", "1g")
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.master = master
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tui", *private, "--offline", *args],
            stdin=slave, stdout=slave, stderr=slave, env=self.env, cwd=ROOT, start_new_session=True,
            preexec_fn=_take_terminal if controlling else None,
        )  # fmt: skip
        os.close(slave)
        self.output = bytearray()
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.extend(chunk)

    def refused_h2o(self) -> None:
        """In a test not marked ``cluster`` (tests/conftest.py) the app may not start H2O: fail at once if it tried."""
        record = self.env.get("H2O_LAB_TESTS_NO_H2O")
        if record and os.path.exists(record):
            raise AssertionError(
                "the app in the terminal tried to start H2O, but this test is not marked 'cluster' "
                f"(mark it @pytest.mark.cluster):\n{Path(record).read_text()}"
            )

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.refused_h2o()
            if self.log.exists() and "cluster ready after" in self.log.read_text():
                return
            assert self.proc.poll() is None, self.output.decode(errors="replace")[-2000:]
            time.sleep(0.2)
        raise AssertionError("the app did not report a ready cluster")

    @property
    def marker(self) -> str:
        return f"h2o-lab-{self.proc.pid}-"

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait_exit(self, timeout: float = 60) -> int:
        return self.proc.wait(timeout=timeout)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        try:
            os.close(self.master)
        except OSError:
            pass

    def screen(self) -> list[str]:
        """The lines the terminal shows now."""
        return read_screen(self.output.decode(errors="replace"), self.size)[0]

    def reversed_words(self) -> list[str]:
        """The words drawn in reverse on the screen now: the focused field's name among them (a switch's "on" too)."""
        lines, marks = read_screen(self.output.decode(errors="replace"), self.size)
        words = []
        for line, mask in zip(lines, marks, strict=True):
            for run in re.finditer(r"\^+", mask[: self.size[0] - 1]):  # not the last column: the scrollbar
                words += line[run.start() : run.end()].split()
        return words

    def screen_since(self, offset: int) -> str:
        return self.output[offset:].decode(errors="replace")

    def wait_for_text(self, text: str, offset: int = 0, timeout: float = 60) -> float:
        """Seconds until ``text`` appears in the output written after ``offset``."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            self.refused_h2o()
            if text in self.screen_since(offset):
                return time.monotonic() - started
            time.sleep(0.05)
        raise AssertionError(f"{text!r} did not appear on the screen")

    def journal_runs(self) -> list[tuple[str, str, int]]:
        """(run id, status, scoring rows) of every run in the app's journal."""
        self.refused_h2o()
        if not self.journal.exists():
            return []
        import json

        try:
            with contextlib.closing(sqlite3.connect(f"file:{self.journal}?mode=ro", uri=True, timeout=5)) as db:
                rows = db.execute("SELECT run_id, status, data FROM runs").fetchall()
        except sqlite3.Error:
            return []
        return [(r[0], r[1], len(json.loads(r[2])["history"]["rows"])) for r in rows]
