"""The sweep screen (``s`` on a training step): what to try, the live leaderboard and chart, the curves, the code.

It is opened over the lab with the step's form values; Escape leaves a field first, then goes back to the lab,
and a running sweep goes on (``s`` on the step shows it again, with the values last typed here). The sweep itself runs in the App's worker (:mod:`tui.parts.sweeps`): the
screen only shows its news and asks the App to start or cancel it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Select, Static, TabbedContent, TabPane, Tabs

from screens.small_window import FitsWindow
from tui.lab.params import ParamMeta
from tui.lab.steps import Step
from tui.lab.sweep import GRID_SORT, SweepPlan, estimate, metrics_for
from tui.lab.sweep_runner import SweepState
from tui.lab.training import RunSpec
from widgets.chart_key import CurvesView
from widgets.code import CodePanel
from widgets.footer import LabFooter
from widgets.sweep_board import SweepBoard, curves
from widgets.sweep_form import CHECKING, FormValues, SweepForm

if TYPE_CHECKING:
    from tui.app import LabApp

TABS = ("sweep-setup", "sweep-board-pane", "sweep-curves", "sweep-code")
NO_CURVES = "No model has finished yet: each one's curve comes here."
CHART_KEYS = {"MSE": "mse", "RMSE": "rmse", "logloss": "logloss", "AUC": "auc", "error": "classification_error"}


class SweepScreen(FitsWindow, ModalScreen):
    """One step's sweep: set it up, start it (t), watch it, cancel it (x); Escape goes back to the lab."""

    AUTO_FOCUS = None  # nothing has the keys at first: t, x, m work, and the first Tab goes to the values
    NOTICE_KEYS = {"escape": "Escape goes back to the lab"}

    DEFAULT_CSS = """
    SweepScreen {
        background: $background;
    }
    SweepScreen #sweep-title {
        height: 1;
        padding: 0 1;
        text-style: bold;
        color: $accent;
    }
    SweepScreen TabbedContent {
        height: 1fr;
    }
    SweepScreen TabPane {
        padding: 0;
    }
    SweepScreen #sweep-summary {
        height: auto;
        padding: 1 1 0 1;
    }
    SweepScreen #sweep-curves-view {
        height: 1fr;
    }
    """

    BINDINGS = [
        # Escape leaves a field first (then the keys below work), as on the lab's screen; a second one goes back.
        Binding(
            "escape",
            "leave_field",
            "Leave field",
            id="sweep.leave",
            tooltip="Leave the field (then t, x, m and the tabs' keys work again)",
        ),
        Binding("escape", "back", "Back", id="sweep.back", tooltip="Back to the lab (a running sweep goes on)"),
        # A modal screen hides the App's keys: q quits from here too (asking first while a model or sweep trains).
        Binding(
            "q",
            "app.quit",
            "Quit",
            id="sweep.quit",
            tooltip="Quit h2o-lab (asks first while a model or a sweep trains)",
        ),
        Binding(
            "question_mark", "app.help", "Help", id="sweep.help", show=False, tooltip="Keys and where files are kept"
        ),
        Binding("t", "start", "Start sweep", id="sweep.start", tooltip="Train every combination (H2O grid search)"),
        Binding("x", "cancel", "Cancel sweep", id="sweep.cancel", tooltip="Stop the grid; its finished models stay"),
        Binding("m", "metric", "Metric", id="sweep.metric", tooltip="Sort and chart by another metric"),
        Binding("enter", "open", "Open run", id="sweep.open", show=False, tooltip="Open the highlighted model's run"),
        # Tab goes through the values first (what the learner came to type), then the drop-downs.
        Binding("tab", "next_field(1)", "Next field", id="sweep.next_field", show=False, tooltip="The next field"),
        Binding(
            "shift+tab",
            "next_field(-1)",
            "Previous field",
            id="sweep.previous_field",
            show=False,
            tooltip="The previous field",
        ),
        Binding(
            "left_square_bracket", "tab(-1)", "Prev tab", id="sweep.prev_tab", show=False, tooltip="The tab on the left"
        ),
        Binding(
            "right_square_bracket",
            "tab(1)",
            "Next tab",
            id="sweep.next_tab",
            show=False,
            tooltip="The tab on the right",
        ),
    ]

    def __init__(
        self,
        step: Step,
        spec: RunSpec,
        metas: list[ParamMeta],
        state: SweepState | None = None,
        saved: FormValues | None = None,
    ) -> None:
        super().__init__()
        self.saved = saved  # the form's values left on this step last time
        self.step = step
        self.spec = spec
        self.metas = metas
        self.state = state
        self.metrics = metrics_for(step.category)
        self.metric = self.metrics[0]
        self.plan: SweepPlan | None = None
        self.problem = ""
        self.drawn_at: float | None = None  # when the screen was first drawn (time.monotonic, as keys are stamped)

    @property
    def lab_app(self) -> LabApp:
        """The running h2o-lab App, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        """The title, then the tabs: Setup, Leaderboard, Curves, Code."""
        yield Static(f"Sweep · step {self.step.number} · {self.step.title}", id="sweep-title")
        with TabbedContent(id="sweep-tabs"):
            with TabPane("Setup", id="sweep-setup"):
                yield SweepForm(self.step, self.spec, self.metas, self.saved)
                yield Static("", id="sweep-summary")
            with TabPane("Leaderboard", id="sweep-board-pane"):
                yield SweepBoard()
            with TabPane("Curves", id="sweep-curves"):
                yield CurvesView(id="sweep-curves-view", chart_id="sweep-curves-chart")
            with TabPane("Code", id="sweep-code"):
                yield CodePanel(id="sweep-code-panel", filename=f"h2o_lab_step{self.step.number}_sweep.py")
        yield LabFooter()

    def on_mount(self) -> None:
        """Tabs move with [ and ]; a sweep already running (or done) on this step is shown."""
        self.query_one(Tabs).can_focus = False
        self.call_after_refresh(self._drawn)
        self.query_one(CurvesView).clear(NO_CURVES)
        if self.state is not None:
            self.show_state(self.state)
            self.call_after_refresh(self.show_tab, "sweep-board-pane")  # once the tabs have set their first

    def _drawn(self) -> None:
        self.drawn_at = time.monotonic()

    def on_key(self, event: events.Key) -> None:
        """Tab moves at once, where the key is, so that the keys typed after it find their field."""
        if event.key in ("tab", "shift+tab"):
            event.stop()
            event.prevent_default()
            self.action_next_field(1 if event.key == "tab" else -1)

    # -- the setup ------------------------------------------------------------------------------
    @on(SweepForm.Changed)
    def _plan_changed(self, event: SweepForm.Changed) -> None:
        event.stop()
        self.plan, self.problem = event.plan, event.problem
        self.lab_app.keep_sweep_form(self.step.number, self.query_one(SweepForm).values())
        self._summarise()
        self.refresh_bindings()

    def _summarise(self) -> None:
        summary = self.query_one("#sweep-summary", Static)
        if self.plan is None:
            summary.update(self.problem if self.problem in ("", CHECKING) else f"✗ {self.problem}")
            code = ""
        else:
            lab = self.lab_app.lab
            spec = self.plan.spec
            rows = spec.sample_rows
            if rows is None:
                if spec.dataset == "mnist":
                    rows = lab.mnist.train.rows if lab.mnist else None
                else:
                    sizes = lab.known_split_sizes(spec)
                    rows = sizes[0] if sizes else None
            guess = estimate(self.plan, rows, lab.known_speed)
            which = "validation" if spec.split or spec.dataset == "mnist" else "training"
            summary.update(
                f"{self.plan.count} model{'s' if self.plan.count != 1 else ''} · {guess.text()}\n"
                f"ranked by {which} {self.metric} (m: another metric) · t starts, H2O trains them one by one"
            )
            named = self.state.grid_id if self.state is not None and self.state.plan.spec == self.plan.spec else ""
            code = lab.sweep_code(self.plan, self.metric, named)
        self.query_one("#sweep-code-panel", CodePanel).set_code(code or "# choose the values to sweep first")

    # -- keys -----------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape leaves a field only when one has the keys; t needs a plan and no sweep running (shown greyed
        otherwise); x needs a sweep running."""
        if action == "leave_field":
            return isinstance(self.focused, (Input, Select))
        running = self.lab_app.sweep_running()
        if action == "start":
            return False if running else (None if self.plan is None else True)
        if action == "cancel":
            return running
        return True

    def action_leave_field(self) -> None:
        """Escape in a field: leave it (what was typed stays); the screen's keys work again."""
        self.set_focus(None)

    def action_back(self) -> None:
        """Escape: back to the lab; a running sweep goes on. The values typed a moment ago are kept too."""
        self.lab_app.keep_sweep_form(self.step.number, self.query_one(SweepForm).values())
        self.dismiss(None)

    def action_start(self) -> None:
        """Start the sweep as set up (t). A t typed before the screen was drawn was meant for the screen the
        learner saw: it starts nothing, and a word says to press it again."""
        key = self.lab_app.last_key
        if key is not None and key.key == "t" and (self.drawn_at is None or key.time < self.drawn_at):
            self.notify("The sweep screen opened as you typed t: press t again to start the sweep.", timeout=5)
            return
        self._start()

    def _start(self) -> None:
        form = self.query_one(SweepForm)
        form.flush()  # values typed a moment ago are checked now
        self.plan, self.problem = form.plan, form.problem
        if self.plan is None:
            self.notify(self.problem or "choose the values to sweep first", severity="warning")
            return
        if self.lab_app.start_sweep(self.plan, self):
            self.show_tab("sweep-board-pane")

    def action_cancel(self) -> None:
        """Stop the grid (x); its finished models stay."""
        self.lab_app.cancel_sweep()
        self.notify("Cancelling the sweep: the models it finished stay.", timeout=3)

    def action_metric(self) -> None:
        """Rank and chart by the next metric (m)."""
        self.metric = self.metrics[(self.metrics.index(self.metric) + 1) % len(self.metrics)]
        self._summarise()
        if self.state is not None:
            self.show_state(self.state)

    def action_open(self) -> None:
        """Open the highlighted model's run in its step (Enter)."""
        run = self.query_one(SweepBoard).selected()
        if run is not None:
            self.lab_app.keep_sweep_form(self.step.number, self.query_one(SweepForm).values())
            self.dismiss(None)
            self.lab_app.open_run(run)

    def action_tab(self, step: int) -> None:
        """The next tab (]) or the previous one ([)."""
        tabs = self.query_one(TabbedContent)
        index = TABS.index(tabs.active) if tabs.active in TABS else 0
        self.show_tab(TABS[(index + step) % len(TABS)])

    def action_next_field(self, step: int) -> None:
        """Tab (or Shift+Tab) on the Setup tab: the values fields first, then the drop-downs and the button."""
        order = ["#sweep-values-1", "#sweep-values-2", "#sweep-param-1", "#sweep-param-2", "#sweep-preset"]
        fields = [w for w in (self.query_one(i) for i in [*order, "#sweep-start"]) if w.focusable]
        if self.query_one(TabbedContent).active not in ("", "sweep-setup") or not fields:
            self.focus_next() if step > 0 else self.focus_previous()
            return
        here = self.focused
        if here in fields:
            target = fields[(fields.index(here) + step) % len(fields)]
        else:
            target = fields[0] if step > 0 else fields[-1]
        self.set_focus(target)  # now, not after the keys already typed (Widget.focus waits for them)

    def show_tab(self, tab: str) -> None:
        """Bring a tab to the front (a focused field lets go first)."""
        self.set_focus(None)
        self.query_one(TabbedContent).active = tab

    @on(Button.Pressed, "#sweep-start")
    def _start_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._start()

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    # -- news -----------------------------------------------------------------------------------
    def show_state(self, state: SweepState) -> None:
        """A sweep's latest news: the leaderboard, its chart, the curves."""
        first = self.state is None or self.state.grid_id != state.grid_id
        self.state = state
        if first or state.finished:
            self._summarise()  # the grid's name in the code, and the speeds its models measured
        self.query_one(SweepBoard).show(state, self.metric)
        key = CHART_KEYS.get(self.metric, "mse")
        view = self.query_one(CurvesView)
        if state.runs:
            which, headers, series = curves(state, key)
            name = self.metric if self.metric in CHART_KEYS else "MSE"  # a metric H2O keeps no curve of: MSE's
            view.compare(f"{which} {name} by epoch, each model", headers, series, NO_CURVES)
        else:
            view.clear(NO_CURVES)  # a new sweep: the last one's curves are not its own
        self.refresh_bindings()

    def grid_sort(self) -> str:
        """The name H2O's grid sorts by for the metric shown."""
        return GRID_SORT.get(self.metric, "mse")

    def sweep_finished(self, state: SweepState) -> Any:
        """The sweep ended: its last news."""
        self.show_state(state)
