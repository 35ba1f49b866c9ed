"""Every key typed into a field arrives, at full speed, while the field's message changes (an error appears and
goes): the step forms, the export dialog's path."""

from __future__ import annotations

import pytest

from tests import replay
from tests.waiting import burst, rendered, until


async def _epochs_field(pilot):
    """Step 4's epochs field, focused, on the replayed lab."""
    app = pilot.app
    await replay.loaded(pilot)
    app.show_step(4)
    await replay.drawn(pilot)
    view = app.lab_screen.view(4)
    await until(pilot, lambda: view.form is not None and view.form.field("epochs") is not None, what="the form")
    field = view.form.field("epochs")
    field.focus_input()
    await pilot.pause()
    return field


@pytest.mark.parametrize(
    "keys, expected",
    [
        (["end", "backspace", "backspace", "backspace", "-", "1", "backspace", "backspace", "2", "0"], "20"),
        (["end", "ctrl+u", "t", "e", "n", "ctrl+u", "4", "0"], "40"),
        (["end", "ctrl+u", "0", "backspace", "1", "5"], "15"),
    ],
)
async def test_a_burst_into_a_step_field_arrives_whole_while_its_message_changes(keys, expected):
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        field = await _epochs_field(pilot)
        burst(app, *keys)
        control = field._control()
        await until(pilot, lambda: control.value == expected, what=lambda: f"{expected!r}, not {control.value!r}")
        await pilot.pause(0.5)
        assert control.value == expected
        assert "error" not in field.classes, rendered(field)


async def test_a_burst_typed_as_a_field_is_focused_reaches_it():
    """Tab into the form and type at once: the keys sent before the field had the focus reach it."""
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        field = await _epochs_field(pilot)
        app.screen.set_focus(None)
        await pilot.pause()
        field.focus_input()  # the focus moves as the keys come
        burst(app, "end", "ctrl+u", "3", "3")
        control = field._control()
        await until(pilot, lambda: control.value == "33", what=lambda: f"'33', not {control.value!r}")


async def test_the_export_dialogs_path_takes_a_burst_typed_as_it_opens(tmp_path, monkeypatch):
    """w and a new file name typed at once: the dialog opens and its field holds exactly the name typed."""
    from screens.export_dialog import ExportDialog

    monkeypatch.chdir(tmp_path)
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        app.lab_screen.query_one("#steps").focus()
        await pilot.pause()
        burst(app, "w", "end", "ctrl+u", *"mine.py")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog), what="the export dialog")
        field = app.screen.query_one("#export-path")
        await until(pilot, lambda: field.value == "mine.py", what=lambda: f"'mine.py', not {field.value!r}")


@pytest.mark.parametrize("back", [False, True])
async def test_keys_typed_after_a_tab_in_the_same_burst_go_to_the_next_field(back):
    """150, Tab, then a new seed in one burst (or Shift+Tab back, from the seed): the keys after the Tab go to the
    field the Tab moved to, not to the one it left."""
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        epochs = await _epochs_field(pilot)
        seed = app.lab_screen.view(4).form.field("seed")
        if back:
            seed.focus_input()
            await pilot.pause()
            burst(app, "end", "ctrl+u", "7", "shift+tab", "end", "ctrl+u", "1", "5", "0")
        else:
            burst(app, "end", "ctrl+u", "1", "5", "0", "tab", "end", "ctrl+u", "7")
        values = lambda: (epochs._control().value, seed._control().value)  # noqa: E731
        await until(pilot, lambda: values() == ("150", "7"), timeout=20, what=lambda: f"('150', '7'), not {values()}")
