"""Every screen of the app, in a window smaller than 80 by 24, shows the notice instead of itself, and its keys do
nothing meanwhile (q still quits)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from textual.screen import Screen

import screens
from tests import replay
from tests.waiting import until
from tui.lab.errors import LabError
from tui.lab.steps import step


def screen_classes() -> list[type[Screen]]:
    found: dict[str, type[Screen]] = {}
    for module_info in pkgutil.iter_modules(screens.__path__, f"{screens.__name__}."):
        module = importlib.import_module(module_info.name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Screen) and value.__module__ == module.__name__:
                found[value.__qualname__] = value
    return [found[key] for key in sorted(found)]


def make_screen(name: str, app) -> Screen:
    """One screen of each class, as the app opens it."""
    from screens.dialogs import ConfirmDialog, ErrorDialog, InfoDialog, QuitDialog, SaveDialog
    from screens.export_dialog import ExportDialog
    from screens.goals import GoalsDialog
    from screens.help import HelpScreen
    from screens.sweep import SweepScreen

    view = app.lab_screen.view(4)
    makers = {
        "ConfirmDialog": lambda: ConfirmDialog("A model is training", "Quit now?", yes="Quit", no="Keep training"),
        "Dialog": lambda: ConfirmDialog("Any dialog", "Yes or no?"),
        "ErrorDialog": lambda: ErrorDialog(LabError("Something failed", hint="Try again.")),
        "ExportDialog": ExportDialog,
        "GoalsDialog": lambda: GoalsDialog(step(4), app.goal_statuses(4), app.exercise_progress),
        "HelpScreen": lambda: HelpScreen([("App log", "/tmp/h2o-lab.log")]),
        "InfoDialog": lambda: InfoDialog("epochs: H2O's help", "How many times to go through the rows."),
        "QuitDialog": lambda: QuitDialog("A model is training", "Quit now?", yes="Quit", no="Keep training"),
        "SaveDialog": lambda: SaveDialog("h2o_lab_step4.py", "print(1)\n"),
        "SweepScreen": lambda: SweepScreen(view.step, view.current_spec(), app.lab.metas),
    }
    return makers[name]()


NAMES = [cls.__qualname__ for cls in screen_classes()]


def test_every_screen_class_is_tried():
    assert set(NAMES) == {
        "ConfirmDialog",
        "Dialog",
        "ErrorDialog",
        "ExportDialog",
        "GoalsDialog",
        "HelpScreen",
        "InfoDialog",
        "LabScreen",
        "QuitDialog",
        "SaveDialog",
        "SweepScreen",
    }


async def _on_step_4(pilot) -> None:
    await replay.loaded(pilot)
    pilot.app.show_step(4)
    await until(pilot, lambda: pilot.app.lab_screen.view(4).form is not None, what="step 4's form")


def _notice(screen) -> str:
    from screens.small_window import SmallWindowNotice

    found = [child for child in screen.children if isinstance(child, SmallWindowNotice)]
    if not found or not found[0].display or not found[0].region.area:
        return ""
    return found[0].text


@pytest.mark.parametrize("name", NAMES)
async def test_a_screen_in_a_small_window_shows_the_notice_and_its_keys_do_nothing(name):
    app = replay.replay_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _on_step_4(pilot)
        if name != "LabScreen":
            app.push_screen(make_screen(name, app))
            await pilot.pause()
        screen = app.screen
        await pilot.resize_terminal(60, 20)
        await until(pilot, lambda: "60 by 20" in _notice(screen), what=lambda: f"the notice on {name}", timeout=10)
        assert "at least 80 columns by 24 rows" in _notice(screen)
        stack = list(app.screen_stack)
        named = screen.notice_keys()  # the keys the notice says still work (a question's y and n)
        await pilot.press(*[k for k in ("s", "t", "tab", "n", "w", "question_mark", "g", "enter") if k not in named])
        await pilot.pause()
        assert list(app.screen_stack) == stack and app.current_step == 4
        # Large enough again: the screen comes back, with its keys.
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: _notice(screen) == "", what=lambda: f"{name} without the notice")


async def test_s_opens_the_sweep_only_when_the_window_is_large_enough():
    from screens.sweep import SweepScreen

    app = replay.replay_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await _on_step_4(pilot)
        await until(pilot, lambda: "60 by 20" in _notice(app.screen), what="the notice on the lab's screen")
        await pilot.press("s")
        await pilot.pause()
        assert not isinstance(app.screen, SweepScreen)
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: _notice(app.screen) == "", what="the lab's screen back")
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, SweepScreen), what="the sweep screen")
        sweep = app.screen
        await pilot.resize_terminal(60, 20)
        await until(pilot, lambda: "60 by 20" in _notice(sweep), what="the notice on the sweep screen")


async def test_escape_closes_a_dialog_behind_its_notice_and_q_quits():
    from screens.dialogs import InfoDialog

    app = replay.replay_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await _on_step_4(pilot)
        app.push_screen(InfoDialog("epochs: H2O's help", "How many times to go through the rows."))
        await pilot.pause()
        dialog = app.screen
        await until(pilot, lambda: "Escape closes this dialog" in _notice(dialog), what="the dialog's notice")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.lab_screen, what="the dialog closed")
        await pilot.press("q")
        await until(pilot, lambda: app._quitting, what="the app quitting")
