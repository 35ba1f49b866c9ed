"""The sweep screen's fields take every key typed, at full speed, as soon as the screen opens; a drop-down never takes
typing meant for a field; a key typed before the screen was drawn never starts a sweep."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, Select, Static

from tests import replay
from tests.waiting import burst, rendered, until


async def _on_step(pilot, number: int):
    app = pilot.app
    await replay.loaded(pilot)
    app.show_step(number)
    await replay.drawn(pilot)
    app.lab_screen.query_one("#steps").focus()
    await pilot.pause()
    return app


def _sweep(app):
    from screens.sweep import SweepScreen

    return app.screen if isinstance(app.screen, SweepScreen) else None


async def _open_sweep(pilot, *keys: str):
    """s (and ``keys`` after it, in the same burst): the sweep screen, once it is there."""
    app = pilot.app
    burst(app, "s", *keys)
    await until(pilot, lambda: _sweep(app) is not None, what="the sweep screen")
    return _sweep(app)


async def test_the_first_tab_goes_to_the_values_and_a_fast_retype_arrives_whole():
    """On step 7, s, Tab, End, Ctrl+U and new values typed in one burst: the field holds exactly the new values."""
    for values in ("0.003, 0.03", "0.01, 0.02"):
        app = replay.replay_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await _on_step(pilot, 7)
            screen = await _open_sweep(pilot, "tab", "end", "ctrl+u", *values)
            await until(pilot, lambda: bool(screen.query("#sweep-values-1")), what="the values field")
            field = screen.query_one("#sweep-values-1", Input)
            await until(pilot, lambda: field.value == values, what=lambda: f"the values typed, not {field.value!r}")
            await pilot.pause(0.5)
            assert field.value == values
            assert not any(s.expanded for s in screen.query(Select)), "a drop-down opened"
            await until(pilot, lambda: screen.plan is not None and screen.plan.count == 2, what="the plan of 2")


async def test_escape_and_a_key_typed_at_once_in_the_values_field_never_type_the_key():
    """Esc then n typed at once in the values field (a terminal sends them as alt+n): the Esc leaves the field
    first, as a lone Esc does, and the n is a key of the screen (none); it used to be typed into the field. Esc
    then n once more, from no field: the sweep closes and step 5 shows."""
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _on_step(pilot, 4)
        await _open_sweep(pilot, "tab")
        await until(pilot, lambda: isinstance(app.focused, Input), what=lambda: f"the values focused: {app.focused}")
        field = app.focused
        typed = field.value
        burst(app, "alt+n")
        await until(pilot, lambda: app.focused is not field, what="the Esc to leave the field")
        await pilot.pause(0.3)
        assert field.value == typed, f"{field.value!r}: the n was typed into the field"
        assert _sweep(app) is not None
        burst(app, "alt+n")
        await until(
            pilot,
            lambda: _sweep(app) is None and app.current_step == 5,
            what=lambda: f"step 5, not {type(app.screen).__name__} at step {app.current_step}",
        )


async def test_typing_on_a_drop_down_never_opens_its_list():
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _on_step(pilot, 7)
        screen = await _open_sweep(pilot)
        screen.query_one("#sweep-param-1", Select).focus()
        await pilot.pause()
        burst(app, *"0.003, 0.03")  # the space opened Textual's drop-down
        await pilot.pause(0.3)
        assert not screen.query_one("#sweep-param-1", Select).expanded


async def test_a_t_typed_before_the_sweep_screen_was_drawn_starts_nothing():
    """On a busy machine a t typed with the s can wait in the queue until the screen is up with its plan: it was
    meant for the step the learner saw: it starts no sweep, and a word says to press it again."""
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _on_step(pilot, 4)
        screen = await _open_sweep(pilot, "t")
        await until(pilot, lambda: screen.plan is not None and screen.drawn_at is not None, what="the plan, drawn")
        await pilot.pause(0.5)
        assert app.sweep_state is None, "a sweep started from a key typed before its screen was drawn"
        late = events.Key("t", "t")
        late.time = screen.drawn_at - 0.05  # typed before the screen was drawn, handled after
        app.post_message(late)
        await pilot.pause(0.5)
        assert app.sweep_state is None, "a sweep started from a key typed before its screen was drawn"
        assert any("press t again" in n.message for n in app._notifications), "a word says why"


async def test_two_hundred_values_are_checked_once_the_typing_pauses_and_duplicates_are_one_line():
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _on_step(pilot, 4)
        screen = await _open_sweep(pilot)
        form = screen.query_one("#sweep-form")
        field = screen.query_one("#sweep-values-1", Input)
        field.focus()
        field.value = ""
        await pilot.pause()
        checks = {"n": 0}
        original = form._check

        def counted():
            checks["n"] += 1
            original()

        form._check = counted
        text = ", ".join(str(1 + i % 100) for i in range(200))  # 1..100 twice
        burst(app, *text)
        await until(pilot, lambda: field.value == text, what="every key", timeout=60)
        await pilot.pause(1.0)
        assert checks["n"] <= 5, f"the values were checked {checks['n']} times for {len(text)} keys"
        said = rendered(screen.query_one("#sweep-error-1", Static))
        assert "100 values are given twice: 1, 2, 3" in said, said
        assert said.count("twice") == 1, said
        summary = rendered(screen.query_one("#sweep-summary", Static))
        assert "models" not in summary and "epochs" in summary, summary


async def test_question_mark_opens_the_help_on_the_sweep_screen():
    """The sweep screen is modal: the App's ? did not reach it, though the help has a part for it."""
    from screens.help import HelpScreen

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _on_step(pilot, 4)
        await _open_sweep(pilot)
        await replay.drawn(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), what=lambda: f"the help, not {app.screen}")
        await pilot.press("escape")
        await until(pilot, lambda: _sweep(app) is not None, what="the sweep screen again")
