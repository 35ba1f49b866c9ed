"""The App's part for the ways out: quitting, signals, a terminal gone, and errors inside the app."""

from __future__ import annotations

import asyncio
import signal
import time

from textual import on, work
from textual.worker import Worker, WorkerState

from screens.dialogs import ErrorDialog, QuitDialog
from tui.lab import paths
from tui.lab.errors import LabError
from tui.lab.training import RUNNING
from tui.parts.base import LabAppBase, log
from tui.safety import ExitWatchdog, watch_terminal

# An error loop, which ends the app: more than this many internal errors within that many seconds (a handler
# failing again and again, on a timer or a held key; on a slow machine one error and its dialog take about a second).
ERROR_LOOP_COUNT = 20
ERROR_LOOP_SECONDS = 30
# Seconds from a signal (or the terminal gone) to the end of the process, at the latest: the jobs are asked to stop
# and the cluster is stopped meanwhile (Lab.hurry); the learner's shell, or the closed SSH session, waits no longer.
LEAVE_WITHIN = 4.0


class Leaving(LabAppBase):
    """Every way out: q (asking while a model trains), signals, a vanished terminal; internal errors shown, not fatal."""

    def _leave_soon(self, watchdog: ExitWatchdog, loop: asyncio.AbstractEventLoop, sig: int) -> None:
        """Leave as on ``sig``, from a signal handler or another thread: the watchdog is armed at once (it makes
        the data safe even if the app's own thread is stuck), and the app is asked to leave through its loop."""
        watchdog.arm(128 + sig, within=LEAVE_WITHIN)
        try:
            loop.call_soon_threadsafe(self._on_signal, sig)
        except RuntimeError:  # the loop is closed: the watchdog finishes the job
            pass

    def _watch_terminal(self, watchdog: ExitWatchdog) -> None:
        """A terminal can vanish without a SIGHUP (no controlling terminal): leave as if one came. Watched
        from a thread: the app's own thread can be stuck writing to the vanished terminal."""
        loop = asyncio.get_running_loop()

        def gone() -> None:
            log.info("the terminal is gone: leaving")
            self._leave_soon(watchdog, loop, signal.SIGHUP)

        watch_terminal(gone)

    def _catch_signals(self, watchdog: ExitWatchdog) -> None:
        """SIGTERM, SIGHUP (the terminal closed) and SIGINT: leave. The handler runs in the main thread
        between two bytecodes, even while that thread is stuck writing to a terminal that is gone."""
        loop = asyncio.get_running_loop()

        def handler(sig: int, _frame) -> None:
            self._leave_soon(watchdog, loop, sig)

        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            try:
                signal.signal(sig, handler)
            except (ValueError, OSError):  # pragma: no cover - not the main thread
                pass
        # A terminal that closes sends SIGHUP, then SIGCONT. On SIGCONT Textual starts its output again (it does
        # after a Ctrl+Z): on a terminal being closed, the new output thread dies at its first write and the app's
        # thread then blocks for good in the driver's close. Once the app is leaving, SIGCONT does nothing.
        resume = signal.getsignal(signal.SIGCONT)

        def resumed(sig: int, frame) -> None:
            if not watchdog.armed and callable(resume):
                resume(sig, frame)

        try:
            signal.signal(signal.SIGCONT, resumed)
        except (ValueError, OSError):  # pragma: no cover - not the main thread
            pass

    # -- quitting -----------------------------------------------------------------------------
    def action_quit(self) -> None:  # type: ignore[override]  # Textual's is async; this one needs no await
        """q and Ctrl+C: leave, asking first while a model trains. On the open question they do nothing more:
        it stays the one question, answered with y or n."""
        if self._quitting or self._quit_dialog in self.screen_stack:
            return
        if self.training_running():

            def answer(yes: bool | None) -> None:
                self._quit_dialog = None
                if yes:
                    self._quit_after_cancel()

            title, question = self._quit_question()
            self._quit_dialog = QuitDialog(title, question, yes="Quit", no="Keep training")
            self.push_screen(self._quit_dialog, answer)
            return
        self._begin_quit()

    def _sweeping(self) -> bool:
        """A sweep is training (the sweeps' part knows)."""
        running = getattr(self, "sweep_running", None)
        return bool(running()) if callable(running) else False

    def _quit_question(self) -> tuple[str, str]:
        """The quit dialog's title and question: what is training, and what quitting does to it.

        A sweep's finished models are runs already (in the journal and All runs); Lab.close cancels its grid.
        """
        model = any(view.training for view in self.training_views())
        if not self._sweeping():
            return "A model is training", "Quit now? The job will be cancelled and the cluster stopped."
        kept = "The models the sweep finished are kept: they are runs in All runs and the journal."
        if model:
            return (
                "A model and a sweep are training",
                f"Quit now? The job and the sweep's grid search will be cancelled and the cluster stopped. {kept}",
            )
        return "A sweep is training", f"Quit now? The grid search will be cancelled and the cluster stopped. {kept}"

    def _begin_quit(self) -> None:
        self._quitting = True
        self._stop_health_checks()
        self.exit()

    def _quit_after_cancel(self) -> None:
        self._quitting = True
        self._stop_health_checks()
        self.notify("Cancelling the sweep…" if self._sweeping() else "Cancelling the job…", timeout=10)
        for view in self.training_views():
            view.request_cancel()
        self.lab.cancel_sweep()  # its loop cancels the grid and keeps the models it finished
        self._wait_for_jobs()

    @work(thread=True, group="quit", exit_on_error=False)
    def _wait_for_jobs(self) -> None:
        """Leave once the cancelled jobs have stopped (15 s at most), unless the app is leaving another way
        meanwhile (a signal): its own thread may then be closing already."""
        lab = self.lab
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and self._leaving_code is None and self._still_training(lab):
            time.sleep(0.1)
        if self._leaving_code is None:
            self.call_from_thread(self.exit)

    @staticmethod
    def _still_training(lab) -> bool:
        return any(r.status == RUNNING for r in list(lab.runs)) or lab.sweeps.running

    def _on_signal(self, sig: int) -> None:
        log.info("signal %s: leaving", sig)
        self._quitting = True
        self._stop_health_checks()
        for view in self.training_views():
            view.request_cancel()
        self.lab.cancel_sweep()
        self.exit(return_code=128 + sig)

    def exit(self, result=None, return_code: int = 0, message=None) -> None:
        """Every way out passes here: the watchdog makes the data safe and ends the process if leaving hangs.

        The forms are saved first: a value typed just before q may not have reached its step's view yet.
        """
        try:
            self.save_progress()
        except Exception as exc:  # leaving goes on whatever the journal says, but says it
            log.exception("saving the learner's place on the way out")
            if return_code == 0:
                return_code = 1
                self._exit_renderables.append(f"h2o-lab could not write the journal on the way out: {exc}")
        self._quitting = True
        self._leaving_code = return_code
        if self.watchdog is not None:
            self.watchdog.arm(return_code)
        super().exit(result, return_code, message)

    # -- workers and errors -------------------------------------------------------------------
    def internal_error(self, error: BaseException) -> bool:
        """An error inside one handler: logged with its traceback and shown; the session goes on.

        Returns False when the app cannot go on (it is leaving or not built yet, or errors keep coming);
        Textual then ends it, with the journal written and the cluster stopped on the way out.
        """
        import traceback  # noqa: PLC0415

        if getattr(error, "_h2o_lab_reported", False):
            return False
        try:
            error._h2o_lab_reported = True  # type: ignore[attr-defined]
        except AttributeError:
            pass
        self.internal_errors += 1
        log.error("internal error (the session goes on):\n%s", "".join(traceback.format_exception(error)).rstrip())
        now = time.monotonic()
        self._error_times = [t for t in self._error_times if now - t < ERROR_LOOP_SECONDS] + [now]
        if self._quitting or not self._screen_ready or len(self._error_times) > ERROR_LOOP_COUNT:
            return False
        if self.is_headless and self._exception is None:
            self._exception = error  # type: ignore[assignment]  # a test still fails on it, at its end
        self.bell()
        if self._error_dialog is None or not self._error_dialog.is_attached:
            self._error_dialog = ErrorDialog(
                LabError(
                    f"An error inside h2o-lab stopped one action ({type(error).__name__}). The app goes on: your runs, "
                    "the journal and the cluster are safe.",
                    hint=f"The details are in {paths.log_dir() / 'h2o-lab.log'}. If the screen looks wrong, move to "
                    "another step and back.",
                    title="Something went wrong inside h2o-lab",
                )
            )
            self.push_screen(self._error_dialog)
        return True

    def _handle_exception(self, error: Exception) -> None:
        """Errors Textual catches outside message handlers (timers, callbacks, compose) are reported the same way."""
        if self.internal_error(error):
            return
        if self._quitting and self._leaving_code is not None:
            # The learner asked to leave and the journal is written: an error in the widgets' teardown is logged
            # (internal_error did) and the app ends as asked, with the status it was leaving with.
            if self.is_headless and self._exception is None:
                self._exception = error  # a test still fails on it, at its end
            return
        if self.is_headless and self._exception is not None:
            self._exception_event.set()  # the first error is kept for the test harness: its pilot stops waiting now
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """An internal error ends the app with a short message; the traceback goes to the log only."""
        import traceback  # noqa: PLC0415

        from rich.text import Text  # noqa: PLC0415

        log.error("internal error:\n%s", traceback.format_exc())
        self.bell()
        self._quitting = True
        if self.watchdog is not None:
            self.watchdog.arm(1)
        self._exit_renderables.append(
            Text(
                "h2o-lab stopped after an internal error; the private cluster is being stopped.\n"
                f"The details are in {paths.log_dir() / 'h2o-lab.log'}."
            )
        )
        self._close_messages_no_wait()

    @on(Worker.StateChanged)
    def _on_worker_state(self, event: Worker.StateChanged) -> None:
        """Every worker failure without a handler of its group ends here, as words in a dialog, never as a traceback."""
        if event.state == WorkerState.ERROR and event.worker.group not in self._worker_handlers:
            error = event.worker.error
            log.error("worker %s failed: %r", event.worker.name, error)
            self.show_error(error if isinstance(error, LabError) else LabError(f"Unexpected error: {error}"))
