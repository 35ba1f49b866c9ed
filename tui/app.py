"""The h2o-lab application, built by :func:`make_app` for the command line and the tests alike.

:class:`LabApp` combines the parts in :mod:`tui.parts` (the cluster's life, the data, the runs, the
steps on screen, the ways out) and keeps what is its own: the keys, the start-up and the journal.
"""

from __future__ import annotations

import time
import weakref
from pathlib import Path

from textual import on
from textual.binding import Binding

from screens.dialogs import ErrorDialog
from screens.help import HelpScreen
from screens.lab import LabScreen
from tui.lab import paths
from tui.lab.errors import LabError
from tui.lab.service import Lab, LabConfig
from tui.lab.steps import BY_NUMBER, PAGES, STEPS
from tui.messages import JournalProblem
from tui.parts.base import log
from tui.parts.cluster import ClusterLife
from tui.parts.data import DataImports
from tui.parts.goals import Goals
from tui.parts.leaving import Leaving
from tui.parts.runs import RunNews
from tui.parts.sweeps import Sweeps
from tui.parts.views import StepViews
from tui.safety import guard_handlers

HEALTH_INTERVAL = 1.0  # a lost cluster shows in the header within about two beats


class LabApp(StepViews, ClusterLife, DataImports, RunNews, Sweeps, Goals, Leaving):
    """The lab: one screen of steps, the cluster's life, the runs' news, the ways out."""

    TITLE = "h2o-lab"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = False

    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Quit h2o-lab (asks first while a model trains)"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="app.interrupt", tooltip="Quit, as q does"),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Keys and where files are kept"),
        Binding("n", "step(1)", "Next", id="app.next", tooltip="Go to the next step"),
        Binding("p", "step(-1)", "Prev", id="app.prev", tooltip="Go to the previous step"),
        Binding(
            "r",
            "restart_cluster",
            "Restart H2O",
            id="app.restart",
            tooltip="Start a fresh cluster when it failed or was lost",
        ),
        Binding(
            "b",
            "toggle_steps",
            "Steps",
            id="app.steps",
            show=False,
            tooltip="Hide or show the list of steps (more room for tables)",
        ),
        # Step keys: they act on the current step wherever the focus is, and show only where they apply.
        Binding("i", "in_view('import_data')", "Import", id="step.import", tooltip="Import the data into H2O"),
        Binding("t", "in_view('train')", "Train", id="step.train", tooltip="Train this step's model"),
        Binding(
            "x", "in_view('cancel')", "Cancel job", id="step.cancel", tooltip="Cancel the job; keep the partial model"
        ),
        Binding(
            "f",
            "in_view('fix')",
            "Fix",
            id="step.fix",
            tooltip="Apply the fix the form offers (for example adaptive_rate off)",
        ),
        Binding(
            "k",
            "in_view('continue')",
            "Continue run",
            id="step.continue",
            tooltip="Continue the finished run from its checkpoint",
        ),
        Binding(
            "space",
            "in_view('mark')",
            "Mark",
            id="runs.mark",
            show=False,
            tooltip="All runs: mark the run for the comparison (or unmark it)",
        ),
        Binding(
            "m",
            "in_view('chart_metric')",
            "Chart metric",
            id="runs.chart_metric",
            tooltip="Show another metric in the comparison's chart",
        ),
        Binding(
            "l",
            "in_view('load')",
            "Load into form",
            id="runs.load",
            tooltip="Put the run's values back into its step's form",
        ),
        Binding(
            "s",
            "open_sweep",
            "Sweep",
            id="sweeps.open",
            tooltip="Try a list of values of one or two parameters (an H2O grid search) from this step's form",
        ),
        Binding(
            "g",
            "goals",
            "Goals",
            id="lab.goals",
            tooltip="This step's goals: reached or not, your best run against each target, hints one at a time",
        ),
        Binding(
            "escape",
            "leave_field",
            "Leave field",
            id="app.leave",
            tooltip="Leave the field or part that has the keys (then the step's keys work again)",
        ),
        Binding(
            "left_square_bracket",
            "in_view('prev_tab')",
            "Prev tab",
            id="step.prev_tab",
            show=False,
            tooltip="The previous tab of a training step (Setup, Training, Results, ...)",
        ),
        Binding(
            "right_square_bracket",
            "in_view('next_tab')",
            "Next tab",
            id="step.next_tab",
            show=False,
            tooltip="The next tab of a training step",
        ),
        Binding(
            "w",
            "export",
            "Export",
            id="app.export",
            show=False,
            tooltip="Write the session's runs as an h2o-py script or a Jupyter notebook",
        ),
        Binding(
            "o",
            "in_view('reload')",
            "Load model",
            id="runs.reload",
            tooltip="Load an earlier session's saved model into this cluster",
        ),
    ]

    def __init__(
        self,
        lab: Lab,
        *,
        autostart: bool = True,
        health_interval: float = HEALTH_INTERVAL,
        exercises: Path | None = None,
    ) -> None:
        super().__init__()
        self.lab = lab
        self.exercises_file = exercises  # --exercises: a teacher's file instead of the one shipped
        self.autostart = autostart
        self.health_interval = health_interval
        self.steps = list(STEPS) + list(PAGES)
        self.current_step = self.steps[0].number
        self.done = set()
        self.cluster_state = "starting"
        self.cluster_status = None
        self._runs_shown = set()
        self.cluster_error = None
        self.data_errors = {}
        self._screen_ready = False
        self._reload_after_restart = set()
        self.news = []
        self.started_at = time.monotonic()
        self.first_paint = None
        self.ready_at = None
        self._health_timer = None
        self._saved_forms = {}  # step number -> form values of an earlier session, until shown
        self._quitting = False
        self._leaving_code: int | None = None
        self.last_key = None
        self._held_keys = []
        self._settled_screens = weakref.WeakSet()
        self._keys_shown = None
        self._keys_pending = False
        self._prepare_timer = None
        self.watchdog = None  # set by the command line: ends the process if leaving hangs
        self.internal_errors = 0
        self._error_times = []
        self._error_dialog = None
        self._quit_dialog = None

    # -- start-up -----------------------------------------------------------------------------
    def get_default_screen(self) -> LabScreen:
        return LabScreen(self.steps)

    def on_mount(self) -> None:
        self.call_after_refresh(self._painted)
        if self.watchdog is not None:
            self._catch_signals(self.watchdog)
            self._watch_terminal(self.watchdog)

    def lab_screen_mounted(self) -> None:
        """The main screen is composed: fill it in from the state so far, and start the cluster."""
        self.refresh_chrome()
        self._refresh_code()
        self._show_cluster()
        self._show_data()
        if self._screen_ready:
            return
        self._screen_ready = True
        self._restore()
        if self.lab.ready:
            self._attach_worker()
        elif self.autostart:
            # After the first screen is drawn and written out (Textual writes from a thread of its own): the JVM's
            # start takes both cores of a small VM for seconds.
            self.call_after_refresh(self.set_timer, 0.2, self.start_cluster)

    # -- the journal: earlier runs and the learner's place ------------------------------------
    def _restore(self) -> None:
        """Open where the learner left off: earlier runs in the table, steps done, values typed."""
        journal = self.lab.journal
        journal.on_problem = lambda text: self.post_message(JournalProblem(text))
        if journal.problem:
            self.notify(journal.problem, severity="warning", timeout=12)
        if self.lab.past_runs:
            self._show_runs()
        progress = journal.state("progress") or {}
        if not isinstance(progress, dict):
            return
        numbers = {s.number for s in self.steps}
        self.done |= {n for n in progress.get("done", []) if isinstance(n, int) and n in numbers and n != 1}
        forms = progress.get("forms") or {}
        if isinstance(forms, dict):
            self._saved_forms = {
                key: saved
                for key, saved in forms.items()
                if isinstance(saved, dict) and isinstance(saved.get("params"), dict)
            }
        for view in self.training_views():
            self._load_saved_form(view)
        current = progress.get("current")
        if isinstance(current, int) and current in numbers and current != self.current_step:
            self.show_step(current)
            where = BY_NUMBER[current]
            place = where.title if where.kind == "runs" else f"step {current}, {where.title}"
            self.notify(f"Welcome back: {place}, where you left off.", timeout=5)
        self.refresh_chrome()

    def save_progress(self) -> None:
        """Keep the learner's place (a local write, quick; called on every change that matters)."""
        if not self._screen_ready:
            return
        forms = dict(self._saved_forms)  # the forms of steps not visited in this session, as they were
        for view in self.training_views():
            if not view.seen or view.carried:
                continue  # values carried from where the step starts, not the learner's: carried anew next time
            spec = view.current_spec()
            forms[str(view.step.number)] = {
                "params": {k: v for k, v in spec.params.items() if k != "checkpoint"},
                "sample_rows": spec.sample_rows,
            }
        self.lab.journal.save_state(
            "progress", {"current": self.current_step, "done": sorted(self.done), "forms": forms}
        )

    @on(JournalProblem)
    def _on_journal_problem(self, message: JournalProblem) -> None:
        self.notify(message.text, severity="error", timeout=12)

    def _painted(self) -> None:
        if self.first_paint is None:
            self.first_paint = time.monotonic() - self.started_at
            log.info("first paint after %.3f s", self.first_paint)

    def action_export(self) -> None:
        """The export dialog: the session's runs as a script or a notebook."""
        from screens.dialogs import Dialog  # noqa: PLC0415
        from screens.export_dialog import ExportDialog  # noqa: PLC0415

        if not isinstance(self.screen, Dialog):
            self.push_screen(ExportDialog())

    def action_help(self) -> None:
        files = [
            ("App log", str(paths.log_dir() / "h2o-lab.log")),
            ("H2O logs", str(paths.log_dir())),
            ("Data cache", str(self.lab.resolver.cache_dir)),
        ]
        if self.lab.resolver.data_dir:
            files.insert(2, ("Data directory", str(self.lab.resolver.data_dir)))
        self.push_screen(HelpScreen(files))

    def show_error(self, error: LabError) -> None:
        self.push_screen(ErrorDialog(error))


def make_app(
    lab: Lab | None = None,
    config: LabConfig | None = None,
    *,
    autostart: bool = True,
    health_interval: float = HEALTH_INTERVAL,
    exercises: Path | None = None,
) -> LabApp:
    """The one factory for the command line and the tests."""
    guard_handlers()
    if lab is None:
        lab = Lab(config or LabConfig())
    return LabApp(lab, autostart=autostart, health_interval=health_interval, exercises=exercises)
