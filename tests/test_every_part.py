"""Every part of every step opens without an internal error, in any order.

Each step, each tab of a training step, the help, save, error and quit dialogs, and the parts of the
parameter form that are built only when opened ("All parameters, by H2O's levels" and its level
groups): by keyboard and programmatically, in order and in reverse, and before the step's form is
ready. An internal error ends the app ("h2o-lab stopped after an internal error"); every check here
fails at once with the app's exception when that happens.
"""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from textual.css.query import NoMatches
from textual.widgets import Collapsible, Input, Select, Switch
from textual.widgets._collapsible import CollapsibleTitle

from tui.app import make_app
from tui.lab.params import LEVELS

TRAINING_STEPS = (3, 4, 5, 6, 7, 8, 9, 11, 12)


# -- helpers ------------------------------------------------------------------------------------------
# Pilot.press and Pilot.pause wait for every widget of the screen to go idle, and this screen holds every
# step's widgets: on a busy machine that costs a second a key. These helpers send the same key events
# through the same driver, then poll for what should follow.
def assert_alive(app) -> None:
    """The app has met no internal error and still runs."""
    error = getattr(app, "_exception", None)
    if error is not None:
        raise AssertionError(f"the app met an internal error: {error!r}") from error
    assert getattr(app, "internal_errors", 0) == 0, f"{app.internal_errors} internal errors (see the log)"
    assert app.return_code in (None, 0), f"the app ended with return code {app.return_code}"
    assert app.is_running, "the app is no longer running"


async def settle(pilot, seconds: float = 0.05) -> None:
    await asyncio.sleep(seconds)
    assert_alive(pilot.app)


async def drain(pilot) -> None:
    """Let the app, the screen and the focused widget (with its ancestors) handle what is queued for them."""
    app = pilot.app
    for _ in range(2):  # a key goes from the app to the screen, then to the focused widget
        targets = {id(app): app, id(app.screen): app.screen}
        if app.focused is not None:
            targets.update((id(node), node) for node in (app.focused, *app.focused.ancestors))
        done = []
        for node in targets.values():
            event = asyncio.Event()
            if node.call_later(event.set):
                done.append(event)
        if done:
            await asyncio.wait_for(asyncio.gather(*(event.wait() for event in done)), timeout=30)


async def press(pilot, *keys: str) -> None:
    """Key presses, as Pilot.press sends them, without waiting for every widget of the screen."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    app = pilot.app
    for key in keys:
        assert_alive(app)
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)
        await asyncio.sleep(0)
        await drain(pilot)
    await settle(pilot, 0.02)


async def wait_for(pilot, condition, timeout: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert_alive(pilot.app)
        if condition():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what() if callable(what) else what}")
        await asyncio.sleep(0.03)


def form_ready(view) -> bool:
    """The step's form is mounted and every field in it is composed."""
    form = view.form
    if form is None or not form.is_mounted:
        return False
    from widgets.param_field import ParamField

    return all(f.is_mounted and len(f.children) > 0 for f in form.query(ParamField))


def level_groups(form) -> dict[str, Collapsible]:
    groups = {}
    for level in LEVELS:
        try:
            groups[level] = form.query_one(f"#level-{level}", Collapsible)
        except NoMatches:
            pass
    return groups


def group_size(group: Collapsible) -> int:
    match = re.search(r"\((\d+)\)", str(group.title))
    assert match, group.title
    return int(match.group(1))


def group_fields(form, level: str) -> list:
    from widgets.param_field import ParamField

    try:
        body = form.query_one(f"#level-body-{level}")
    except NoMatches:
        return []
    return list(body.query(ParamField))


def group_state(form, level: str) -> str:
    group = form.query_one(f"#level-{level}", Collapsible)
    fields = group_fields(form, level)
    built = sum(1 for f in fields if f.is_mounted and len(f.children) > 0)
    return f"{level}: {group.title!s}, collapsed={group.collapsed}, {len(fields)} fields, {built} built"


def group_built(form, level: str) -> bool:
    group = form.query_one(f"#level-{level}", Collapsible)
    fields = group_fields(form, level)
    return len(fields) == group_size(group) and all(f.is_mounted and len(f.children) > 0 for f in fields)


def control_of(field):
    return field.query_one(f"#input-{field.meta.name}")


async def type_into_a_field(pilot, form, fields: list) -> str:
    """Type into one field of ``fields`` with the keyboard and read the value back from the form."""
    app = pilot.app
    numeric = [
        f for f in fields if f.meta.type in ("int", "long", "double", "float") and isinstance(control_of(f), Input)
    ]
    switches = [f for f in fields if isinstance(control_of(f), Switch)]
    if numeric:
        field = numeric[0]
        control = control_of(field)
        control.focus()
        await wait_for(pilot, lambda: app.focused is control, timeout=10, what=f"focus in {field.meta.name}")
        await press(pilot, "home", "ctrl+k")
        await wait_for(
            pilot,
            lambda: control.value == "",
            timeout=10,
            what=lambda: f"{field.meta.name} emptied: it holds {control.value!r}",
        )
        await press(pilot, "3")
        await wait_for(
            pilot,
            lambda: control.value == "3",
            timeout=10,
            what=lambda: f"3 typed in {field.meta.name}: it holds {control.value!r}, the focus is on {app.focused!r}",
        )
        expected = 3 if field.meta.type in ("int", "long") else 3.0
        await wait_for(
            pilot, lambda: form.values.get(field.meta.name) == expected, timeout=10, what=f"{field.meta.name} read back"
        )
    elif switches:
        field = switches[0]
        control = control_of(field)
        before = control.value
        control.focus()
        await wait_for(pilot, lambda: app.focused is control, timeout=10, what=f"focus on {field.meta.name}")
        await press(pilot, "enter")
        await wait_for(
            pilot,
            lambda: form.values.get(field.meta.name) is (not before),
            timeout=10,
            what=f"{field.meta.name} toggled",
        )
    else:
        field = fields[0]
        control = control_of(field)
        assert isinstance(control, Select)
        option = field.meta.values[-1]
        control.value = option
        await wait_for(
            pilot, lambda: form.values.get(field.meta.name) == option, timeout=10, what=f"{field.meta.name} chosen"
        )
    await press(pilot, "escape")  # leave the field: the step's keys work again
    return field.meta.name


async def open_everything(pilot, view, order=LEVELS, all_params_last: bool = False) -> None:
    """Open "All parameters" and its level groups programmatically, then check every field is built."""
    form = view.form
    everything = form.query_one("#all-params", Collapsible)
    if not all_params_last:
        everything.collapsed = False
        await settle(pilot)
    groups = level_groups(form)
    assert groups, "no level group in the form"
    for level in order:
        if level in groups:
            groups[level].collapsed = False
            await settle(pilot, 0.01)
    if all_params_last:
        everything.collapsed = False
    for level in groups:
        await wait_for(pilot, lambda: group_built(form, level), timeout=30, what=lambda: group_state(form, level))
    await settle(pilot)


async def ready_app(pilot) -> None:
    app = pilot.app
    await wait_for(
        pilot, lambda: app.cluster_state == "ready" and app.metas, timeout=120, what="cluster and parameter list"
    )


async def show(pilot, number: int):
    app = pilot.app
    app.show_step(number)
    await settle(pilot)
    assert app.current_step == number
    view = app.lab_screen.view(number)
    if number in TRAINING_STEPS:
        await wait_for(pilot, lambda: form_ready(view), timeout=30, what=f"step {number}'s form")
    return view


@pytest.fixture(autouse=True)
def fresh_progress(request):
    """Each test starts at step 1 and leaves no place or typed value behind for the next test."""
    lab = request.getfixturevalue("lab")
    lab.journal.save_state("progress", {})
    yield
    lab.journal.save_state("progress", {})


# -- the tests ----------------------------------------------------------------------------------------
async def test_every_step_every_tab_and_the_dialogs(lab):
    """Forward through the steps: every tab (by show_tab and by [ ]), Tab through the parts, help, save, error."""
    from screens.dialogs import ErrorDialog, SaveDialog
    from screens.help import HelpScreen
    from tui.lab.errors import LabError
    from widgets.code import CodePanel

    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready_app(pilot)
        steps = app.lab_screen.query_one("#steps")
        for step in app.steps:
            view = await show(pilot, step.number)
            if step.number == 2 and not getattr(view, "loaded", False):
                await press(pilot, "i")
                await wait_for(pilot, lambda: 2 in app.done, timeout=60, what="the cars import")
            if hasattr(view, "_tab_order"):
                order = view._tab_order()
                assert {"setup-pane", "run-pane", "results-pane", "code-pane"} <= set(order), order
                tabs = view.query_one("#train-tabs")
                for tab in reversed(order):
                    view.show_tab(tab)
                    await settle(pilot, 0.05)
                    assert tabs.active == tab
                # By keys: ] through every tab and round to the first (at 3, 11 and 12, whose tabs differ), [ back.
                if step.number in (3, 11, 12):
                    steps.focus()
                    for expected in order[1:] + order[:1]:
                        await press(pilot, "right_square_bracket")
                        await wait_for(pilot, lambda: tabs.active == expected, timeout=10, what=f"] to {expected}")
                    await press(pilot, "left_square_bracket")
                    await wait_for(pilot, lambda: tabs.active == order[-1], timeout=10, what=f"[ to {order[-1]}")
                view.show_tab("code-pane")
                await settle(pilot)
            # The parts of the screen, with Tab and back with Shift+Tab.
            steps.focus()
            await press(pilot, "tab", "tab", "shift+tab", "shift+tab", "escape")
            # The code panel: copy, then the save dialog (closed without saving).
            panels = [p for p in view.query(CodePanel) if p.code and p.region.area]
            if panels:
                panels[0].focus()
                await wait_for(pilot, lambda: app.focused is panels[0], timeout=10, what="the code panel's focus")
                await press(pilot, "c", "s")
                await wait_for(
                    pilot,
                    lambda: isinstance(app.screen, SaveDialog),
                    timeout=10,
                    what=lambda: (
                        f"the save dialog on step {step.number} (focus: {app.focused!r}, screen: {app.screen!r})"
                    ),
                )
                await press(pilot, "escape")
                await wait_for(pilot, lambda: app.screen is app.lab_screen, timeout=10, what="the save dialog to close")
            await press(pilot, "question_mark")
            await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), timeout=10, what="the help")
            await press(pilot, "escape")
            await wait_for(pilot, lambda: app.screen is app.lab_screen, timeout=10, what="the help to close")
            await press(pilot, "b", "b")  # the steps list hides and comes back
            await wait_for(pilot, lambda: steps.display, timeout=10, what="the steps list")
        app.show_error(LabError("A test error", hint="Nothing to do."))
        await wait_for(pilot, lambda: isinstance(app.screen, ErrorDialog), timeout=10, what="the error dialog")
        await press(pilot, "escape")
        await wait_for(pilot, lambda: app.screen is app.lab_screen, timeout=10, what="the error dialog to close")
        assert_alive(app)
    assert app.return_code in (None, 0)


async def tab_to(pilot, collapsible_id: str, key: str = "tab") -> None:
    app = pilot.app
    for _ in range(200):
        focused = app.focused
        if isinstance(focused, CollapsibleTitle) and focused.parent is not None and focused.parent.id == collapsible_id:
            return
        await press(pilot, key)
        await wait_for(
            pilot, lambda: app.focused is not focused, timeout=10, what=f"{key} to move the focus from {focused!r}"
        )
    raise AssertionError(f"{key} never reached {collapsible_id}; the focus is on {app.focused!r}")


async def test_all_parameters_by_keyboard(lab):
    """Tab to "All parameters", Enter; Tab to each level group, Enter (step 3 in order, step 9 in reverse)."""
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready_app(pilot)
        for number, reverse in ((3, False), (9, True)):
            view = await show(pilot, number)
            form = view.form
            everything = form.query_one("#all-params", Collapsible)
            # Start on the part just before "All parameters", then go by keys only.
            chain = app.screen.focus_chain
            title = everything.query_one(CollapsibleTitle)
            before = chain[chain.index(title) - 1]
            before.focus()
            await wait_for(pilot, lambda: app.focused is before, timeout=10, what="the last field before the groups")
            await press(pilot, "tab")
            await wait_for(pilot, lambda: app.focused is title, timeout=10, what="Tab to 'All parameters'")
            await press(pilot, "enter")
            await wait_for(pilot, lambda: not everything.collapsed, timeout=10, what="'All parameters' to open")
            levels = list(level_groups(form))
            if reverse:
                await tab_to(pilot, f"level-{levels[-1]}")
                for index, level in enumerate(reversed(levels)):
                    if index:
                        await tab_to(pilot, f"level-{level}", "shift+tab")
                    await press(pilot, "enter")
                    await wait_for(
                        pilot, lambda: group_built(form, level), timeout=30, what=lambda: group_state(form, level)
                    )
                for level in levels:
                    await type_into_a_field(pilot, form, group_fields(form, level))
            else:
                for index, level in enumerate(levels):
                    if index:  # from the previous group's last field, one Tab to this group's title
                        last = [
                            f
                            for f in app.screen.focus_chain
                            if any(
                                isinstance(a, Collapsible) and a.id == f"level-{levels[index - 1]}" for a in f.ancestors
                            )
                        ][-1]
                        last.focus()
                        await wait_for(
                            pilot, lambda: app.focused is last, timeout=10, what="the previous group's last field"
                        )
                    await tab_to(pilot, f"level-{level}")
                    await press(pilot, "enter")
                    await wait_for(
                        pilot, lambda: group_built(form, level), timeout=30, what=lambda: group_state(form, level)
                    )
                    # Into the group's first field, by Tab, and type there.
                    await press(pilot, "tab")
                    first = group_fields(form, level)[0]
                    await wait_for(
                        pilot,
                        lambda: app.focused is not None and first in app.focused.ancestors,
                        timeout=10,
                        what=f"Tab into the first {level} field",
                    )
                    await type_into_a_field(pilot, form, group_fields(form, level))
            app.lab_screen.query_one("#steps").focus()
        assert_alive(app)


async def open_before_ready(pilot, view) -> None:
    """Right after show_step: each group opens the moment it is in the DOM (last level first), then the rest."""
    from widgets.param_form import ParamForm

    opened: set[str] = set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not opened >= {"all", *LEVELS}:
        for form in view.query(ParamForm):
            for level, selector in [(level, f"#level-{level}") for level in reversed(LEVELS)] + [
                ("all", "#all-params")
            ]:
                if level not in opened:
                    try:
                        form.query_one(selector, Collapsible).collapsed = False
                        opened.add(level)
                    except NoMatches:
                        pass
        await asyncio.sleep(0)  # no more than a tick between two tries
        assert_alive(pilot.app)
    await wait_for(pilot, lambda: form_ready(view), timeout=30, what=f"step {view.step.number}'s form")
    form = view.form
    assert set(level_groups(form)) <= opened, f"step {view.step.number}: only {opened} opened"


WAYS = ("levels in order", "levels in reverse, All parameters last", "before the form is ready")


async def test_every_level_group_of_every_training_step(lab):
    """Every group of every training step opens (in order, in reverse, or before the form is ready, by turns);
    its fields are all there, a field takes what is typed, and closing and opening again loses nothing."""
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready_app(pilot)
        for index, number in enumerate(TRAINING_STEPS):
            way = WAYS[index % len(WAYS)]
            if way == "before the form is ready":
                app.show_step(number)
                view = app.lab_screen.view(number)
                await open_before_ready(pilot, view)
            else:
                view = await show(pilot, number)
            form = view.form
            if way == "levels in order":
                await open_everything(pilot, view, LEVELS)
            elif way.startswith("levels in reverse"):
                await open_everything(pilot, view, tuple(reversed(LEVELS)), all_params_last=True)
            for level in level_groups(form):
                await wait_for(
                    pilot,
                    lambda: group_built(form, level),
                    timeout=30,
                    what=lambda: f"{way}: " + group_state(form, level),
                )
                for field in group_fields(form, level):
                    control_of(field)  # every field has its input
            # One field takes what is typed (a different group from step to step).
            groups = list(level_groups(form))
            await type_into_a_field(pilot, form, group_fields(form, groups[index % len(groups)]))
            form.query_one("#all-params", Collapsible).collapsed = True
            await settle(pilot)
            form.query_one("#all-params", Collapsible).collapsed = False
            await settle(pilot)
            for level in level_groups(form):
                assert group_built(form, level)
        assert_alive(app)


async def test_a_fresh_app_typed_ahead_then_groups_opened(lab):
    """A learner types ahead the moment the app opens (n n n ... t), cancels, then opens step 9's groups."""
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        # No waiting at all: the keys arrive while the first screen and the parameter list are still coming.
        await press(pilot, *["n"] * 8, "t")
        await wait_for(pilot, lambda: app.current_step == 9, timeout=30, what="step 9")
        nine = app.lab_screen.view(9)
        await wait_for(pilot, lambda: nine.run is not None, timeout=120, what="step 9's job to start")
        await press(pilot, "x")
        await wait_for(pilot, lambda: nine.run.finished, timeout=120, what="step 9's job to stop")
        await wait_for(pilot, lambda: nine.form is not None, timeout=30, what="step 9's form")
        await open_everything(pilot, nine, tuple(reversed(LEVELS)))
        # The same keys again, the steps now built: back to step 1 and forward at full speed.
        app.lab_screen.query_one("#steps").focus()
        await press(pilot, *["p"] * 8, *["n"] * 8)
        await wait_for(pilot, lambda: app.current_step == 9, timeout=10, what="step 9 again")
        assert_alive(app)


async def test_quit_dialog_while_training_then_keep_training(lab):
    """While a model trains: the quit dialog (keep training), help, every tab; then cancel and see it in All runs."""
    from screens.dialogs import ConfirmDialog
    from screens.help import HelpScreen

    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready_app(pilot)
        view = await show(pilot, 3)
        view.load_values({**view.step.spec().params, "epochs": 2000})
        app.lab_screen.query_one("#steps").focus()
        await settle(pilot)
        await press(pilot, "t")
        await wait_for(pilot, lambda: view.training and len(view.run.history) > 0, timeout=120, what="training")
        await press(pilot, "q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), timeout=10, what="the quit dialog")
        await press(pilot, "n")  # keep training
        await wait_for(pilot, lambda: app.screen is app.lab_screen, timeout=10, what="the quit dialog to close")
        assert view.training
        await press(pilot, "question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), timeout=10, what="the help")
        await press(pilot, "escape")
        await wait_for(pilot, lambda: app.screen is app.lab_screen, timeout=10, what="the help to close")
        await press(pilot, *["right_square_bracket"] * len(view._tab_order()))
        await open_everything(pilot, view)
        # Other steps while this one trains, then the quit dialog again, answered with Escape.
        app.lab_screen.query_one("#steps").focus()
        await press(pilot, "n", "n", "p", "p", "q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), timeout=10, what="the quit dialog")
        await press(pilot, "escape")
        await wait_for(pilot, lambda: app.screen is app.lab_screen, timeout=10, what="the quit dialog to close")
        assert view.training and app.current_step == 3
        await press(pilot, "x")
        await wait_for(pilot, lambda: view.run.finished, timeout=60, what="the job to stop")
        assert view.run.status == "cancelled"
        # All runs: mark, open, load back.
        app.show_step(99)
        await wait_for(pilot, lambda: app._view_number(99) is not None, timeout=30, what="the runs page")
        runs = app.lab_screen.view(99)
        table = runs.query_one("#runs-table")
        await wait_for(pilot, lambda: view.run.run_id in table.rows, timeout=30, what="the run in All runs")
        table.focus()
        table.move_cursor(row=table.get_row_index(view.run.run_id))
        await settle(pilot)
        await press(pilot, "space")
        await wait_for(pilot, lambda: view.run.run_id in runs.marked, timeout=10, what="the run marked")
        await press(pilot, "enter")
        await wait_for(pilot, lambda: app.current_step == 3, timeout=10, what="the run's results")
        app.show_step(99)
        await settle(pilot, 0.2)
        table.focus()
        await settle(pilot)
        await press(pilot, "l")
        await wait_for(pilot, lambda: app.current_step == 3, timeout=10, what="the run loaded back")
        assert_alive(app)


async def test_the_hidden_step_list_and_its_keys(lab):
    """b hides the list of steps; n, p and the list's own keys (PgDn, PgUp, arrows, Enter) then, and b again."""
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready_app(pilot)
        steps = app.lab_screen.query_one("#steps")
        steps.focus()
        await press(pilot, "b")
        await wait_for(pilot, lambda: not steps.display, timeout=10, what="the list of steps to hide")
        await press(pilot, "n")
        await wait_for(pilot, lambda: app.current_step == 2, timeout=10, what="step 2")
        for key in (
            "pagedown",
            "pageup",
            "down",
            "up",
            "end",
            "home",
            "enter",
            "n",
            "pagedown",
            "p",
            "pageup",
            "escape",
        ):
            await press(pilot, key)
        await press(pilot, "b")
        await wait_for(pilot, lambda: steps.display, timeout=10, what="the list of steps to come back")
        await press(pilot, "pagedown", "pageup", "down", "enter")
        assert_alive(app)
