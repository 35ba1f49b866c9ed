"""An error inside one widget or handler is logged and shown, and the session goes on.

The errors here are provoked on purpose. Textual's test harness still raises the first one when the
app ends (so that no other test can pass over such an error): these tests expect exactly that.
"""

from __future__ import annotations

import pytest

from tests.waiting import rendered, until
from tui.app import make_app
from tui.lab import paths
from tui.parts.leaving import ERROR_LOOP_COUNT

pytestmark = pytest.mark.cluster


class Provoked(RuntimeError):
    """The error these tests raise on purpose."""


def dialog_text(app) -> str:
    return " ".join(rendered(w) for w in app.screen.query("Static"))


async def test_an_error_in_a_handler_is_shown_and_the_session_goes_on(lab, monkeypatch):
    from widgets.param_form import ParamForm

    app = make_app(lab, health_interval=0)
    calls: dict[str, int] = {}
    original = ParamForm._read

    def flaky(self, field):  # the learner's edit of step 4's epochs to 150 fails once; every other read works
        mine = self is app.lab_screen.view(4).form and field.meta.name == "epochs"
        if mine and getattr(field._control(), "value", "") == "150" and not calls.get("raised"):
            calls["raised"] = 1
            raise Provoked("a handler failed on purpose")
        return original(self, field)

    def seen() -> str:
        field = app.lab_screen.view(4).form.field("epochs")
        control = field._control() if field is not None else None
        value = getattr(control, "value", None)
        return f"the error dialog (screen {type(app.screen).__name__}, focus {app.focused!r}, epochs {value!r})"

    with pytest.raises(Provoked):
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.cluster_state == "ready", what="cluster ready")
            app.show_step(4)
            view = app.lab_screen.view(4)
            await until(
                pilot, lambda: view.form is not None and view.form.field("epochs") is not None, what="step 4's form"
            )
            form = view.form
            epochs = form.field("epochs")
            monkeypatch.setattr(ParamForm, "_read", flaky)
            epochs.focus_input()
            await until(pilot, lambda: app.focused is epochs._control(), what="the focus on epochs")
            await pilot.press("end", "ctrl+u", "1", "5", "0")  # epochs 150: the form's handler raises
            await until(pilot, lambda: type(app.screen).__name__ == "ErrorDialog", what=seen)

            text = dialog_text(app)
            assert "goes on" in text and "journal" in text and "safe" in text, text
            assert str(paths.log_dir() / "h2o-lab.log") in text, text
            assert app.is_running and app.internal_errors == 1
            log = (paths.log_dir() / "h2o-lab.log").read_text()
            assert "internal error (the session goes on)" in log and "Traceback" in log and "Provoked" in log

            # The dialog closes with Esc, and the same form still handles its fields.
            await pilot.press("escape")
            await until(pilot, lambda: type(app.screen).__name__ != "ErrorDialog", what="the dialog to close")
            form.field("epochs").focus_input()
            await pilot.press("backspace", "backspace", "backspace", "2", "0")  # "150" becomes "20"
            await until(pilot, lambda: form.values.get("epochs") == 20, what="the form to handle the next edit")
            await until(pilot, lambda: app.internal_errors == 1 and app.is_running, what="no further error")

            # The rest of the app works as before.
            await pilot.press("escape", "n")
            await until(pilot, lambda: app.current_step == 5, what="step 5 after n")


async def test_errors_that_keep_coming_end_the_app_with_the_data_safe(lab, monkeypatch):
    """An error loop (the same handler failing again and again) is not a session that can go on."""
    from screens.train import TrainView

    app = make_app(lab, health_interval=0)

    def broken(self, step: int = 1):
        raise Provoked("a tab key failed on purpose")

    monkeypatch.setattr(TrainView, "action_next_tab", broken)
    with pytest.raises(Provoked):
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.cluster_state == "ready", what="cluster ready")
            app.show_step(3)
            await pilot.pause()
            for _ in range(3 * ERROR_LOOP_COUNT):  # the errors come as fast as the keys: the app ends on its own
                if not app.is_running:
                    break
                if type(app.screen).__name__ == "ErrorDialog":
                    await pilot.press("escape")
                await pilot.press("right_square_bracket")
            await until(pilot, lambda: not app.is_running, timeout=10, what="the app to end after an error loop")
    assert app.internal_errors > ERROR_LOOP_COUNT
    assert lab.ready, "the test session's own cluster is not stopped by an app that ends (only the CLI stops it)"


async def test_a_quit_after_a_reported_error_is_a_clean_quit(lab, monkeypatch):
    """An error the dialog reported, then another in a handler as the app leaves on q: the app still ends as asked,
    with exit status 0 (the journal was written)."""
    from screens.train import TrainView

    app = make_app(lab, health_interval=0)

    def broken(self, step: int = 1):
        raise Provoked("a tab key failed on purpose")

    with pytest.raises(Provoked):
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.cluster_state == "ready", what="cluster ready")
            app.show_step(3)
            await until(pilot, lambda: app.lab_screen.view(3)._built, what="step 3")
            view = app.lab_screen.view(3)
            monkeypatch.setattr(TrainView, "action_next_tab", broken)
            await pilot.press("right_square_bracket")
            await until(pilot, lambda: type(app.screen).__name__ == "ErrorDialog", what="the error dialog")
            await pilot.press("escape")
            await until(pilot, lambda: type(app.screen).__name__ != "ErrorDialog", what="the dialog to close")
            saving = app.save_progress

            def save_then_fail():  # the journal is written; a handler still busy then fails
                saving()
                view.call_later(broken, view)

            monkeypatch.setattr(app, "save_progress", save_then_fail)
            await pilot.press("q")
            await until(pilot, lambda: not app.is_running, timeout=20, what="the app to end")
    assert app.internal_errors == 2
    assert app.return_code == 0


async def test_a_journal_that_cannot_be_written_on_the_way_out_is_a_failed_quit(lab, monkeypatch, capfd):
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.cluster_state == "ready", what="cluster ready")

        def full_disk():
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(app, "save_progress", full_disk)
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running, timeout=20, what="the app to end")
    assert app.return_code == 1
    assert "could not write the journal on the way out" in capfd.readouterr().err
