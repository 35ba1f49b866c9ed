"""The App's part for the steps on screen: moving between steps, the step keys, the header and step list."""

from __future__ import annotations

from typing import Any, cast

from textual import events
from textual.app import ScreenStackError
from textual.css.query import NoMatches

from screens.base import STEP_ACTIONS
from screens.dialogs import SaveDialog
from tui.lab.carry import Start
from tui.lab.steps import STEPS
from tui.parts.base import TRAINING_KINDS, LabAppBase
from widgets.text_field import hand_to_field, leave_field_now

# A training step's view takes a noticeable part of a second to build: the next step's is built ahead, once the
# learner has left the keys alone this long (reading a lesson, watching a run), so that n shows it at once.
PREPARE_AFTER = 1.5


def escape_then_key(event: events.Key, bindings) -> tuple[events.Key, events.Key] | None:
    """Esc and the key typed right after it, as the terminal sent them in one burst (``alt+g`` for Esc then g).

    A terminal sends Alt+g as Esc then g, so Esc followed at once by a letter or digit (a paste, or a fast
    typist) reaches the app as ``alt+g``. The lab binds no Alt keys: such a key is the two keys that were typed.
    """
    name = event.key
    if not name.startswith("alt+") or name in bindings:
        return None
    rest = name[4:]
    shift = rest.startswith("shift+")
    if shift:
        rest = rest[6:]
    if len(rest) != 1:
        return None
    char = rest.upper() if shift else rest
    escape, key = events.Key("escape", "\x1b"), events.Key(char, char)
    escape.time = key.time = event.time  # typed when the burst was
    return escape, key


class StepViews(LabAppBase):
    """Shows a step (making its view on the first visit), routes the step keys to it, keeps the chrome true."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self._plan_next_view()  # the learner is busy: not now
        if isinstance(event, events.Key) and not event.is_forwarded:
            split = escape_then_key(event, self.active_bindings)
            if split:
                for key in split:  # in order, each as if typed alone (an Esc in a field acts before the key after it)
                    if self._held_keys or not await leave_field_now(key, self):
                        await super().on_event(key)
                return
            if not self._held_keys and await leave_field_now(event, self):
                return  # the focus moved as the key came: the keys after it go where it went
        await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        """Every key that reaches the App (runs before Textual's own, which runs the bindings).

        A key typed ahead of the screen was sent where the focus was when it arrived: a key meant for a text field
        that has the focus now, but did not then, goes to that field, in order. The key is kept as ``last_key`` for
        an action that must know when it was typed (a sweep never starts from a key typed before its screen).
        """
        self.last_key = event
        try:
            screen = self.screen
        except ScreenStackError:
            return
        if self._held_keys or not self._settled(screen):
            # The screen on top is still opening (its fields and its focus not there yet): the key waits for it,
            # and then acts there, in the order typed.
            self._held_keys.append(events.Key(event.key, event.character))
            self._held_keys[-1].time = event.time
            event.stop()
            event.prevent_default()
            if len(self._held_keys) == 1:
                self.call_after_refresh(self._replay_held_keys)
            return
        if hand_to_field(event, screen.focused):
            event.stop()
            event.prevent_default()

    def _settled(self, screen: Any) -> bool:
        """The screen is mounted and has been drawn once since (what its mount focused has the focus)."""
        return screen.is_mounted and screen in self._settled_screens

    def _replay_held_keys(self, tries: int = 0) -> None:
        try:
            screen = self.screen
        except ScreenStackError:
            self._held_keys.clear()
            return
        if not screen.is_mounted and tries < 50:
            self.call_after_refresh(self._replay_held_keys, tries + 1)
            return
        self._settled_screens.add(screen)
        held, self._held_keys = self._held_keys, []
        for key in held:
            self.post_message(key)

    def _plan_next_view(self) -> None:
        """Build the next step's view after a quiet moment (again after every key)."""
        if self._prepare_timer is not None:
            self._prepare_timer.stop()
        self._prepare_timer = None if self._quitting else self.set_timer(PREPARE_AFTER, self._prepare_next_view)

    def _prepare_next_view(self) -> None:
        self._prepare_timer = None
        if self._quitting or not self._screen_ready or not self.is_running:
            return
        try:
            if self.screen is not self.lab_screen:
                return  # a dialog is open: not while the learner answers it
        except (ScreenStackError, LookupError):
            return  # the app is closing
        current = self.current_view()
        if current is None or getattr(current, "building", False):
            self._plan_next_view()  # the step on screen comes first
            return
        numbers = [s.number for s in self.steps]
        index = numbers.index(self.current_step) + 1
        if index >= len(numbers) or self.steps[index].kind not in TRAINING_KINDS:
            return
        if str(numbers[index]) in self._saved_forms:
            return  # the learner's values of an earlier session go in as the step is first shown, before it is built
        if self._view_number(numbers[index]) is None and self._open_view(numbers[index]) is not None:
            self.lab_screen.view(numbers[index]).prepare()

    def on_code_panel_save_requested(self, message) -> None:
        self.push_screen(SaveDialog(message.filename, message.code))

    def view_built(self, view: Any) -> None:
        """A step's view was made on its first visit: fill it in from what the lab knows."""
        if self._quitting:
            return
        kind = view.step.kind
        if kind in TRAINING_KINDS:
            if view.seen:  # one built ahead gets them when it is first shown
                self._load_saved_form(view)
        elif kind == "runs":
            self._show_runs()
        else:
            self._refresh_code()
            self._show_cluster()
            self._show_data()
        if view.step.number == self.current_step:
            view.on_show_step()  # again, now that it holds what it shows (the runs page focuses its table)
        self.refresh_chrome()

    def _load_saved_form(self, view: Any) -> None:
        """The values the learner left in this step's form in an earlier session (once)."""
        saved = self._saved_forms.pop(str(view.step.number), None)
        if saved is not None:
            rows = saved.get("sample_rows")
            left = Start(saved["params"], source="the values you left in this form last time", step=view.step.number)
            view.load_values(
                saved["params"], sample_rows=rows if isinstance(rows, int) and rows > 0 else None, origin=left
            )

    # -- navigation ---------------------------------------------------------------------------
    def show_step(self, number: int) -> None:
        if number not in {s.number for s in self.steps}:
            return
        self.current_step = number
        view = self._open_view(number)
        if view is not None and view.step.kind in TRAINING_KINDS:
            # The values left in this form in an earlier session, before the step is first drawn (the view keeps
            # them until its widgets are built): never the step's own values for a moment, then the learner's.
            self._load_saved_form(view)
        if view is not None:
            if number == self._number("cluster"):
                self._show_cluster()  # the latest health news (kept while another step was shown)
            self.lab_screen.show_step(number)
            focused = self.focused
            if (
                focused is not None
                and focused is not view
                and view not in focused.ancestors
                and view.step.kind != "runs"
            ):
                from widgets.steps import StepList  # noqa: PLC0415

                if not isinstance(focused, StepList):
                    self.lab_screen.query_one(StepList).focus()
        self.refresh_chrome()
        self.save_progress()
        self._plan_next_view()

    def action_step(self, delta: int) -> None:
        numbers = [s.number for s in self.steps]
        index = numbers.index(self.current_step) + delta
        if 0 <= index < len(numbers):
            self.show_step(numbers[index])

    def action_in_view(self, action: str, tries: int = 0) -> None:
        """A step key: the current step's view acts on it (a key typed ahead waits for the view to be mounted)."""
        view = self.current_view()
        if view is None or action not in getattr(view, "STEP_ACTIONS", ()):
            return
        if action == "train" and self.refuse_while_sweeping():
            return
        if not view.is_mounted:
            if tries < 50:
                self.call_after_refresh(self.action_in_view, action, tries + 1)
            return
        view.run_step_action(action)

    def refuse_while_sweeping(self) -> bool:
        """t while a sweep trains: not a second job on the same cores; a word says where the sweep is."""
        number = cast(Any, self).sweep_step()  # the sweeps' part
        if number is None:
            return False
        self.notify(
            f"A sweep is training on step {number}: to see it, press s on step {number}; x there cancels it "
            "(its finished models are kept). Train again when it ends.",
            severity="warning",
            timeout=8,
        )
        return True

    def _step_list(self) -> Any:
        """The sidebar's list of steps, or None while the screen is not built."""
        from widgets.steps import StepList  # noqa: PLC0415

        try:
            return self.lab_screen.query_one(StepList)
        except (LookupError, NoMatches):
            return None

    def action_toggle_steps(self) -> None:
        steps = self._step_list()
        if steps is None:
            return
        if steps.has_focus:
            self.screen.focus_next()
        steps.display = not steps.display
        steps.can_focus = steps.display  # a hidden list takes no keys (PgDn on it has no page to move by)

    def action_leave_field(self) -> None:
        steps = self._step_list()
        if steps is None:
            return
        if steps.display:
            steps.focus()
        else:
            self.screen.set_focus(None)  # the list is hidden (b): no field has the keys any more

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":
            # from a field, or from any part that has the keys (the threshold explorer, the drawing pad, a table)
            steps = self._step_list()
            return self.focused is not None and self.focused is not steps and self.screen is self.lab_screen
        if action == "in_view":
            view = self.current_view()
            name = str(parameters[0])
            if view is None or name not in getattr(view, "STEP_ACTIONS", ()):
                return False
            if not view.is_mounted:
                return True  # made a moment ago: the key waits for it (action_in_view)
            return bool(view.check_step_action(name))
        if action == "restart_cluster":
            return self.cluster_state in ("failed", "lost")
        if action == "goals":
            return self.screen_ready and self.screen is self.lab_screen and self.has_goals()
        if action == "open_sweep":
            view = self.current_view()
            return view is not None and view.step.kind in TRAINING_KINDS
        return True

    def on_step_list_chosen(self, message) -> None:
        self.show_step(message.number)

    # -- chrome -------------------------------------------------------------------------------
    def refresh_chrome(self) -> None:
        try:
            screen = self.lab_screen
        except LookupError:
            return
        from widgets.header import LabHeader  # noqa: PLC0415
        from widgets.steps import StepList  # noqa: PLC0415

        step = next(s for s in self.steps if s.number == self.current_step)
        try:
            header = screen.query_one(LabHeader)
            steps = screen.query_one(StepList)
        except NoMatches:
            return
        total = len(STEPS)
        header.location = step.title if step.kind == "runs" else f"Step {step.number}/{total} {step.title}"
        header.state = self.cluster_state
        header.detail = self.cluster_status.url.split("://", 1)[-1] if self.cluster_status else ""
        busy = {v.step.number for v in self.training_views() if v.training}
        sweeping = cast(Any, self).sweep_step()  # a sweep's step shows busy too
        if sweeping is not None:
            busy.add(sweeping)
        steps.update_state(self.current_step, self.done, busy, cast(Any, self).goal_marks())
        self.refresh_keys()

    def refresh_keys(self) -> None:
        """Redraw the footer's keys once the screen is refreshed, only if one of them came or went.

        The chrome is refreshed on every piece of news (four times a second while a model trains), and
        Textual's footer rebuilds all its keys on each refresh of the bindings: that cost most of the app's
        CPU while it followed a job. The keys are compared after the refresh, when the news is on screen.
        """
        if not self._keys_pending:
            self._keys_pending = True
            self.call_after_refresh(self._compare_keys)

    def _compare_keys(self) -> None:
        self._keys_pending = False
        shown = (
            self.screen,
            self.focused,
            self.current_step,
            self.cluster_state,
            tuple(bool(self.check_action("in_view", (action,))) for action in STEP_ACTIONS),
        )
        if shown != self._keys_shown:
            self._keys_shown = shown
            self.refresh_bindings()

    def _refresh_code(self) -> None:
        """The scripts of steps 1, 2 and 10 (and every training step's) for what the lab has now."""
        cluster_view = self._view("cluster")
        if cluster_view is not None:
            cluster_view.set_code(self.lab.connect_code())
        data_view = self._view("data")
        if data_view is not None:
            data_view.set_code(self.lab.import_code("cars"))
        mnist_view = self._view("mnist-data")
        if mnist_view is not None:
            mnist_view.set_code(self.lab.import_code("mnist"))
        for view in self.training_views():
            view.refresh_code()
