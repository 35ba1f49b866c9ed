"""The app's two safety nets.

- An error raised inside one handler of one widget is reported, and the session goes on. Textual
  would end the widget's message loop (and then the app) at the first unhandled error; here every
  handler's error is passed to ``app.internal_error`` instead, so the widget keeps working.
- Leaving never hangs. Once the app begins to leave, a watchdog thread stops the cluster and closes
  the journal itself, then gives the normal way out a few seconds; if the terminal driver is stuck
  (it can block forever writing to a terminal that is gone), the watchdog ends the process. Leaving
  on a signal (the terminal closed) ends the process within a few seconds, however far closing got.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import time
from collections.abc import Callable

from textual.message_pump import MessagePump

log = logging.getLogger("h2o-lab")


def guard_handlers() -> None:
    """Route errors of message handlers to ``app.internal_error`` (installed once, for the process).

    Textual dispatches every event and message of every widget through ``MessagePump._dispatch_message``;
    an exception escaping it ends that widget's message loop and then the app. Apps without an
    ``internal_error`` method (none in this package) keep Textual's behaviour.
    """
    original = MessagePump._dispatch_message
    if getattr(original, "_h2o_lab_guard", False):
        return

    async def dispatch(self: MessagePump, message) -> None:
        try:
            await original(self, message)
        except (asyncio.CancelledError, KeyboardInterrupt, SystemExit):
            raise
        except Exception as error:
            if getattr(self, "_pruning", False) or getattr(self, "_closing", False) or getattr(self, "_closed", False):
                # A widget being taken down (its view removed, the app closing) met its own half-removed parts,
                # as a select mounting while its overlay is pruned: nothing on screen depends on it any more.
                log.info("error in a widget being removed (no consequence): %r", error)
                return
            try:
                report: Callable[[BaseException], bool] | None = getattr(self.app, "internal_error", None)
            except Exception:
                report = None
            if report is None or not report(error):
                raise

    dispatch._h2o_lab_guard = True  # type: ignore[attr-defined]
    MessagePump._dispatch_message = dispatch  # type: ignore[method-assign]


class ExitWatchdog:
    """Makes the learner's data safe and ends the process once the app starts to leave.

    ``close`` must cancel running jobs, write the journal and stop the cluster; it may be called
    again by the normal way out, which must then wait for it (``Lab.close`` does). ``hurry`` tells
    ``close`` (before or while it runs) to wait for nothing long: the app leaves on a signal.
    """

    def __init__(self, close: Callable[[], None], hurry: Callable[[], None] | None = None, grace: float = 5.0) -> None:
        self._close = close
        self._hurry = hurry
        self.grace = grace
        self.code = 0
        self.safe = threading.Event()  # the journal is written and the cluster stopped
        self._armed = threading.Event()
        self._deadline: float | None = None  # when the process ends at the latest, once leaving in a hurry
        self._hurried = False
        self._modes = _terminal_modes()
        self._thread = threading.Thread(target=self._watch, name="exit-watchdog", daemon=True)
        self._thread.start()

    def arm(self, code: int = 0, within: float | None = None) -> None:
        """The app is leaving. ``within``: in a hurry (a signal, the terminal gone), the process ends at the
        latest that many seconds from now, however far closing got. Safe to call from a signal handler and more
        than once (a later ``within`` can only bring the end nearer)."""
        if within is not None:
            deadline = time.monotonic() + within
            if self._deadline is None or deadline < self._deadline:
                self._deadline = deadline
        if not self._armed.is_set():
            self.code = code
            self._armed.set()

    @property
    def armed(self) -> bool:
        return self._armed.is_set()

    def _watch(self) -> None:
        self._armed.wait()
        self._hurry_if_asked()
        threading.Thread(target=self._make_safe, name="exit-close", daemon=True).start()
        while not self.safe.wait(0.05):
            self._hurry_if_asked()
            self._end_if_late("before the data was safe")
        grace_end = time.monotonic() + self.grace
        main = threading.main_thread()
        while main.is_alive():
            self._end_if_late("after the data was safe")
            if time.monotonic() >= grace_end:
                log.warning(
                    "the terminal did not let go within %.0f s after the data was safe; ending the process", self.grace
                )
                self._end()
            main.join(0.05)

    def _make_safe(self) -> None:
        try:
            self._close()
        except Exception:
            log.exception("while stopping the cluster on the way out")
        self.safe.set()

    def _hurry_if_asked(self) -> None:
        if self._deadline is None or self._hurried:
            return
        self._hurried = True
        if self._hurry is not None:
            try:
                self._hurry()
            except Exception:
                log.exception("while hurrying the way out")

    def _end_if_late(self, when: str) -> None:
        if self._deadline is not None and time.monotonic() >= self._deadline:
            log.warning("leaving in a hurry took too long (%s); ending the process", when)
            self._end()

    def _end(self) -> None:
        """End the process now, saying in the log where each thread was (what held it)."""
        import traceback  # noqa: PLC0415

        names = {thread.ident: thread.name for thread in threading.enumerate()}
        for ident, frame in sys._current_frames().items():
            stack = "".join(traceback.format_stack(frame)[-6:])
            log.info("thread %s at the end:\n%s", names.get(ident, ident), stack)
        logging.shutdown()
        _restore_terminal(self._modes)
        os._exit(self.code)


def _terminal_modes() -> list | None:
    """The terminal's modes before the app changes them, to put back if the process must be ended."""
    try:
        import termios  # noqa: PLC0415

        return termios.tcgetattr(sys.__stdin__.fileno()) if sys.__stdin__ and sys.__stdin__.isatty() else None
    except Exception:
        return None


def _restore_terminal(modes: list | None) -> None:
    """Put the terminal back (modes, main screen, cursor) if it is still there; never blocks."""
    try:
        import fcntl  # noqa: PLC0415
        import termios  # noqa: PLC0415

        if modes is not None and sys.__stdin__ is not None:
            termios.tcsetattr(sys.__stdin__.fileno(), termios.TCSANOW, modes)
        fd = sys.__stdout__.fileno() if sys.__stdout__ is not None else 1
        if os.isatty(fd):
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
            os.write(fd, b"\x1b[?1049l\x1b[?25h\x1b[0m\r\n")
    except Exception:
        pass


def terminal_gone(fd: int) -> bool:
    """True when the terminal on ``fd`` has hung up (its other end closed).

    Not ``isatty``: a terminal that hung up is no longer a terminal to it (its modes cannot be read).
    """
    try:
        import select  # noqa: PLC0415

        poller = select.poll()
        poller.register(fd, select.POLLHUP)
        return any(events & (select.POLLHUP | select.POLLNVAL) for _fd, events in poller.poll(0))
    except (OSError, ValueError):
        return False


def watch_terminal(on_gone: Callable[[], None], interval: float = 2.0) -> threading.Thread | None:
    """Call ``on_gone`` once, from a thread of its own, when the terminal behind standard input hangs up
    (None, and no thread, when standard input is not a terminal).

    A thread, not a timer of the app: when the terminal's other end closes without a SIGHUP (no
    controlling terminal), Textual's writer thread dies on the first write and the app's own thread then
    blocks for good on the next screen update, so a timer in the app would never fire again.
    """
    stdin = sys.__stdin__
    try:
        fd = stdin.fileno() if stdin is not None else -1
    except (OSError, ValueError):
        return None
    if fd < 0 or not os.isatty(fd):
        return None

    def watch() -> None:
        while True:
            time.sleep(interval)
            if terminal_gone(fd):
                on_gone()
                return

    thread = threading.Thread(target=watch, name="terminal-watch", daemon=True)
    thread.start()
    return thread
