"""What every part of the App shares: its state, and how a part finds a step's view.

The App is put together from parts with one concern each (the cluster's life, the data, the runs'
news, the steps on screen, the ways out); each part is a class on top of :class:`LabAppBase`, and
:class:`tui.app.LabApp` combines them. A part calls another part's methods through the names declared
here, so each one is checked by the type checker without knowing the others.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.css.query import NoMatches
from textual.timer import Timer

from screens.base import WorkerErrors
from screens.lab import LabScreen
from tui.lab.cluster import ClusterStatus
from tui.lab.errors import LabError
from tui.lab.service import Lab
from tui.lab.steps import Step

if TYPE_CHECKING:
    from textual.worker import Worker

    from screens.dialogs import ErrorDialog, QuitDialog
    from tui.lab.params import ParamMeta
    from tui.safety import ExitWatchdog

log = logging.getLogger("h2o-lab")

TRAINING_KINDS = ("train", "evaluation")  # the kinds of steps whose views train models
CHECKPOINT_STEP = "advanced"  # the step that teaches checkpoints: finished runs are continued there


class LabAppBase(WorkerErrors, App):
    """The App's state, kept once, and the lookup of step views that every part uses."""

    lab: Lab
    autostart: bool
    health_interval: float
    steps: list[Step]
    current_step: int
    done: set[int]  # the numbers of the steps ticked in the step list
    cluster_state: str  # starting, ready, failed or lost
    cluster_status: ClusterStatus | None
    cluster_error: tuple[LabError, str] | None  # the error and the tail of H2O's log
    data_errors: dict[str, LabError]
    news: list[str]  # the cluster's start-up news so far
    started_at: float
    first_paint: float | None
    ready_at: float | None
    watchdog: ExitWatchdog | None
    exercises_file: Path | None  # --exercises: a teacher's goals, hints and quiz instead of the shipped ones
    internal_errors: int
    _runs_shown: set[str]
    _screen_ready: bool
    _reload_after_restart: set[str]
    _health_timer: Timer | None
    _saved_forms: dict[str, dict]  # step number -> form values of an earlier session, until shown
    _quitting: bool
    last_key: Any  # the latest key that reached the App (an events.Key), see StepViews.on_key
    _held_keys: list  # keys typed while the screen on top was still opening, in order (StepViews.on_key)
    _settled_screens: Any  # the screens drawn once since they were mounted (a WeakSet)
    _leaving_code: int | None  # the exit status the app is leaving with, once exit() was called
    _keys_shown: tuple | None  # what the footer's keys were drawn for (see StepViews.refresh_keys)
    _keys_pending: bool
    _prepare_timer: Timer | None  # builds the next step's view ahead (see StepViews)
    _error_times: list[float]
    _error_dialog: ErrorDialog | None
    _quit_dialog: QuitDialog | None  # the quit question while it is open (one at a time)

    if TYPE_CHECKING:  # made by one part each, called by others

        def refresh_chrome(self) -> None: ...
        def show_step(self, number: int) -> None: ...
        def save_progress(self) -> None: ...
        def show_error(self, error: LabError) -> None: ...
        def load_data(self, name: str) -> None: ...
        def _refresh_code(self) -> None: ...
        def _show_cluster(self) -> None: ...
        def _show_data(self) -> None: ...
        def _show_runs(self) -> None: ...
        def _loaded(self, name: str) -> bool: ...
        def _metas_worker(self) -> Worker[None]: ...
        def _stop_health_checks(self) -> None: ...
        def _load_saved_form(self, view: Any) -> None: ...
        def has_goals(self) -> bool: ...
        @property
        def metas(self) -> list[ParamMeta] | None: ...

    @property
    def lab_screen(self) -> LabScreen:
        for screen in self.screen_stack:
            if isinstance(screen, LabScreen):
                return screen
        raise LookupError("no lab screen")

    def training_views(self) -> list[Any]:
        """The training steps' views made so far (a step's view is made on its first visit)."""
        try:
            views = self.lab_screen.views()
        except (LookupError, NoMatches):
            return []
        return [view for view in views if view.step.kind in TRAINING_KINDS]

    @property
    def screen_ready(self) -> bool:
        """Whether the main screen is built and filled in (views made later fill in through view_built)."""
        return self._screen_ready

    def _open_view(self, number: int) -> Any:
        """The view of a step, made now if it is its first visit (None while the screen is being built)."""
        try:
            return self.lab_screen.open_view(number)
        except (LookupError, NoMatches, StopIteration):
            return None

    def training_running(self) -> bool:
        return any(view.training for view in self.training_views())

    def current_view(self):
        """The view of the step on screen."""
        try:  # keys typed ahead reach a view made a moment ago, before it is mounted
            return self.lab_screen.view(self.current_step)
        except (LookupError, NoMatches):
            return None

    @property
    def leaving(self) -> bool:
        """True once the app has begun to quit: views stop building and workers stop reporting."""
        return self._quitting

    def _view(self, key: str) -> Any:
        """The view of the step with this key once it is mounted, else None (not visited yet, or being built)."""
        return self._view_number(self._number(key))

    def _view_number(self, number: int) -> Any:
        """The view of the step with this number once it is mounted, else None."""
        try:
            view = self.lab_screen.view(number)
        except (LookupError, NoMatches):
            return None
        return view if view.is_mounted else None

    def _number(self, key: str) -> int:
        """The number of the step with this key."""
        return next(s.number for s in self.steps if s.key == key)

    def _mark_done(self, key: str) -> None:
        """A step is done (a tick in the step list)."""
        self.done.add(self._number(key))
