"""The lab's own private H2O cluster: a JVM on loopback, started for this launch and stopped at exit.

It listens on 127.0.0.1 only (node and web port), on the first free port from 54321 up, and answers
only to a user and password made for this launch (Jetty's hash login, from a realm file in a private
0700 directory that is removed at exit; the file holds the password's MD5 digest, which Jetty's login
checks against, not the password). The password stays in the app's memory: never on a command line, in
a file, a log or a screen. A helper process (:mod:`tui.lab.reaper`) stops the JVM if the app dies without cleaning up.

The lab never attaches to an H2O that merely answers on a port: it connects to the URL its own JVM
printed and checks that the cluster carries the name it was started with.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tui.lab import paths
from tui.lab.cluster import (
    DEFAULT_HEAP,
    Cluster,
    ClusterOptions,
    ClusterStatus,
    Progress,
    available_memory,
    h2o_jar,
    heap_shortfall,
    port_is_free,
)
from tui.lab.errors import ClusterError
from tui.lab.java import JavaInfo, find_java
from tui.lab.rest import ClusterUnreachable, Rest

DEFAULT_BASE_PORT = 54321
START_TIMEOUT = 180.0
FIRST_ANSWER_WAIT = 10.0  # seconds for the JVM's first answer, doubled after each time-out (at most 40)
VERIFY_PATIENCE = 120.0  # seconds a started JVM may take to answer its first request on a very busy machine
_READY = re.compile(r"Open H2O Flow in your web browser:\s*(https?)://([^:/\s]+):(\d+)")


class OwnCluster(Cluster):
    """A private H2O JVM on 127.0.0.1, started and stopped by the lab."""

    own = True
    USER = "h2o-lab"

    def __init__(self, options: ClusterOptions, java: JavaInfo | None = None, log_dir: Path | None = None) -> None:
        super().__init__()
        self.options = options
        self.java = java
        self.log_dir = Path(log_dir) if log_dir else paths.log_dir()
        self.name = f"h2o-lab-{os.getpid()}-{secrets.token_hex(4)}"
        self._password = secrets.token_urlsafe(24)
        self._private_dir: Path | None = None
        self.process: subprocess.Popen | None = None
        self._reaper: subprocess.Popen | None = None
        self.stdout_path: Path | None = None
        self.stderr_path: Path | None = None
        self.port: int | None = None
        # stop() may come while start() runs in another thread (a quit during start-up): the JVM is then
        # not started, or stopped at once, and start() ends instead of waiting for it.
        self._life = threading.Lock()
        self._stopping = False

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    @property
    def auth(self) -> tuple[str, str]:
        return (self.USER, self._password)

    # -- start --------------------------------------------------------------------------------
    def start(
        self, progress: Progress | None = None, timeout: float = START_TIMEOUT, connect: bool = True
    ) -> ClusterStatus:
        """Start the JVM and wait until it answers. ``connect=False`` leaves h2o-py's connection alone."""
        say = progress or (lambda _msg: None)
        if self.java is None:
            say("Looking for Java 8-17")
            self.java = find_java()
        say(f"Using {self.java.describe()}")
        jar = h2o_jar()

        fixed = self.options.port
        if fixed is not None and not (port_is_free(fixed) and port_is_free(fixed + 1)):
            raise ClusterError(
                f"Port {fixed} (or {fixed + 1}, which H2O uses next to it) is already in use on 127.0.0.1.",
                hint="Pick another port with --port, or leave --port out to take the first free one from 54321.",
            )

        heap = self.options.max_mem or DEFAULT_HEAP
        shortfall = heap_shortfall(heap, available_memory(), given=bool(self.options.max_mem))
        if shortfall is not None:
            raise shortfall

        self._make_private_dir()
        assert self._private_dir is not None
        realm = self._private_dir / "realm.properties"
        fd = os.open(realm, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            # Jetty's hashed form: the login checks a password against it, and the file never holds the password.
            digest = hashlib.md5(self._password.encode("utf-8"), usedforsecurity=False).hexdigest()
            fh.write(f"{self.USER}: MD5:{digest}\n")

        try:
            self.log_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ClusterError(
                f"Cannot create the log directory {self.log_dir}: {exc.strerror}.",
                hint="Set XDG_STATE_HOME to a writable directory.",
            ) from None
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.stdout_path = self.log_dir / f"h2o-{stamp}-{os.getpid()}.out.log"
        self.stderr_path = self.log_dir / f"h2o-{stamp}-{os.getpid()}.err.log"
        self.log_file = str(self.stdout_path)

        cmd = [self.java.path, f"-Xmx{heap}"]
        cmd += [
            "-Dsys.ai.h2o.telemetry.disabled=true",
            "-jar", str(jar),
            "-name", self.name,
            "-ip", "127.0.0.1",
            "-web_ip", "127.0.0.1",
            "-hash_login",
            "-login_conf", str(realm),
            "-ice_root", str(self._private_dir / "ice"),
            "-log_dir", str(self.log_dir / "h2o"),
            "-log_level", "INFO",
        ]  # fmt: skip
        if fixed is not None:
            cmd += ["-port", str(fixed)]
        else:
            cmd += ["-baseport", str(DEFAULT_BASE_PORT)]
        if self.options.nthreads and self.options.nthreads > 0:
            cmd += ["-nthreads", str(self.options.nthreads)]

        say("Starting the H2O engine (a Java process on 127.0.0.1)")
        with self._life, open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            if self._stopping:
                self._cleanup_private_dir()
                raise ClusterError("The lab is closing: the H2O engine was not started.")
            try:
                self.process = subprocess.Popen(
                    cmd,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=err,
                    cwd=str(self._private_dir),
                    start_new_session=True,
                )
            except OSError as exc:
                self._cleanup_private_dir()
                raise ClusterError(f"Could not run {self.java.path}: {exc.strerror}.") from None
        self._start_reaper()

        url = self._wait_until_ready(timeout, say)
        self.url = url
        self.rest = Rest(url, auth=self.auth, timeout=5.0)
        say("Connecting with this launch's credentials")
        status = self._verify_ours()
        if connect:
            self._connect_h2o(self.auth, verify=True)
        return status

    def _make_private_dir(self) -> None:
        base = paths.runtime_base()
        try:
            self._private_dir = Path(tempfile.mkdtemp(prefix="h2o-lab-", dir=str(base) if base else None))
        except OSError:
            self._private_dir = Path(tempfile.mkdtemp(prefix="h2o-lab-"))
        os.chmod(self._private_dir, 0o700)

    def _start_reaper(self) -> None:
        assert self.process is not None
        try:
            self._reaper = subprocess.Popen(
                [sys.executable, "-m", "tui.lab.reaper", str(self.process.pid), str(self._private_dir), self.name],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError:  # pragma: no cover - the lab still stops the JVM itself on a clean exit
            self._reaper = None

    def _wait_until_ready(self, timeout: float, say: Progress) -> str:
        assert self.process is not None and self.stdout_path is not None
        deadline = time.monotonic() + timeout
        said_waiting = False
        while True:
            code = self.process.poll()
            if self._stopping:
                raise ClusterError("The lab is closing: the H2O engine was stopped while it started.")
            if code is not None:
                tail = self.log_tail()
                self._cleanup_private_dir()
                raise ClusterError(
                    f"The H2O engine stopped during start-up (exit code {code}).",
                    hint=_start_failure_hint(tail),
                    detail=tail,
                )
            try:
                text = self.stdout_path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            match = _READY.search(text)
            if match:
                scheme, host, port = match.group(1), match.group(2), int(match.group(3))
                if host not in ("127.0.0.1", "localhost"):
                    self.stop()
                    raise ClusterError(f"The H2O engine bound to {host}, not 127.0.0.1; it was stopped.")
                self.port = port
                if self.options.port is None and port != DEFAULT_BASE_PORT:
                    say(f"Ports from {DEFAULT_BASE_PORT} were busy; using {port}")
                return f"{scheme}://127.0.0.1:{port}"
            if not said_waiting and "Cloud of size 1 formed" in text:
                say("Cluster formed; loading H2O's REST API")
                said_waiting = True
            if time.monotonic() > deadline:
                tail = self.log_tail()
                self.stop()
                raise ClusterError(
                    f"The H2O engine did not become ready within {timeout:.0f} s.",
                    hint="The machine may be short of memory; try --max-mem 512m, or look at the log.",
                    detail=tail,
                )
            time.sleep(0.1)

    def _verify_ours(self) -> ClusterStatus:
        # A machine busy with other labs can keep the JVM's first answers waiting for many seconds (measured: 24
        # labs starting together on 2 cores); a slow answer is waited for, a refusal is not.
        started = time.monotonic()
        wait = FIRST_ANSWER_WAIT
        while True:
            try:
                status = self.status(timeout=wait)
                break
            except ClusterUnreachable as exc:
                spent = time.monotonic() - started
                if spent + wait < VERIFY_PATIENCE and self.process_alive() and not self._stopping:
                    wait = min(wait * 2, 40.0)
                    continue
                message = f"The H2O engine started but did not answer within {spent:.0f} s: the machine is very busy."
                hint = "Other labs or programs hold the processor; start h2o-lab again when fewer are running."
                failure: ClusterError = exc
            except ClusterError as exc:
                message, hint, failure = (
                    "The H2O engine started but did not answer with this launch's credentials.",
                    "",
                    exc,
                )
            tail = self.log_tail()
            self.stop()
            raise ClusterError(message, hint=hint, detail=f"{failure.message}\n{tail}") from None
        if status.cloud_name != self.name:
            self.stop()
            raise ClusterError(
                f"The server at {self.url} is not the cluster h2o-lab started (its name is {status.cloud_name!r}).",
                hint="Another H2O took the port at the same moment; start h2o-lab again.",
            )
        return status

    # -- logs ---------------------------------------------------------------------------------
    def log_tail(self, lines: int = 25) -> str:
        chunks = []
        for path in (self.stdout_path, self.stderr_path):
            if path is None:
                continue
            try:
                data = path.read_bytes()[-20000:].decode("utf-8", errors="replace")
            except OSError:
                continue
            wanted = [ln for ln in data.splitlines() if ln.strip()][-lines:]
            if wanted:
                chunks.append(f"--- {path}\n" + "\n".join(wanted))
        return "\n".join(chunks)

    def process_alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def alive(self, timeout: float = 2.0) -> bool:
        if not self.process_alive():
            return False
        return super().alive(timeout)

    # -- stop ---------------------------------------------------------------------------------
    def stop(self, wait: bool = True) -> None:
        """Stop the JVM (SIGTERM, then SIGKILL) and remove the private directory. Idempotent.

        A JVM that never became ready holds nothing of the learner's: it is given half a second, not eight
        (a JVM still starting up can take seconds to act on SIGTERM, and the learner who quits waits for it).
        ``wait=False`` (the process is about to end): the JVM gets its SIGTERM and the reaper helper, which
        outlives the app, waits for it to end (or kills it) and removes the private directory.
        """
        with self._life:
            self._stopping = True
        self._disconnect_h2o()
        started = self.rest is not None
        if self.rest is not None:
            self.rest.close()
        if not wait and self._hand_to_reaper():
            return
        if self.process is not None and self.process.poll() is None:
            from tui.lab.reaper import stop_process  # noqa: PLC0415

            stop_process(self.process.pid, grace=8.0 if started else 0.5)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:  # pragma: no cover
                pass
        self._cleanup_private_dir()
        if self._reaper is not None:
            try:
                if self._reaper.stdin:
                    self._reaper.stdin.close()
                self._reaper.wait(timeout=5)
            except Exception:  # pragma: no cover
                pass
            self._reaper = None

    def _hand_to_reaper(self) -> bool:
        """SIGTERM to the JVM, then let the reaper finish the stop; False when there is no live reaper."""
        reaper = self._reaper
        if reaper is None or reaper.poll() is not None or reaper.stdin is None:
            return False
        if self.process is not None and self.process.poll() is None:
            try:
                os.kill(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            reaper.stdin.close()  # end of file: the reaper stops the JVM and removes the private directory
        except OSError:
            return False
        self._reaper = None
        return True

    def _cleanup_private_dir(self) -> None:
        if self._private_dir is not None:
            shutil.rmtree(self._private_dir, ignore_errors=True)


def _start_failure_hint(tail: str) -> str:
    low = tail.lower()
    if "address already in use" in low or "bindexception" in low:
        return "A port H2O wanted is in use. Choose another with --port, or close the program holding it."
    if "could not reserve enough space" in low or "outofmemory" in low or "insufficient memory" in low:
        return "Java could not get the memory it asked for. Try a smaller heap, for example --max-mem 512m."
    if "unsupported" in low and "java" in low:
        return "This Java version is not supported by H2O-3; use Java 8-17 (see H2O_JAVA_HOME)."
    return "The lines of its log below say why."
