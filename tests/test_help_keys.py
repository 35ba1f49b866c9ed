"""The help (?) lists every key the app binds: it is built from the bindings, so it cannot fall behind them."""

from __future__ import annotations

import pytest

from tests import replay
from tests.test_widget_classes import widget_classes
from tests.waiting import rendered, until
from tui.app import LabApp


def bindings():
    found = []
    for cls in [LabApp, *widget_classes()]:
        for binding in cls.__dict__.get("BINDINGS", []):
            found.append(pytest.param(binding, id=f"{cls.__qualname__}:{binding.key}:{binding.action}"))
    return found


@pytest.fixture(scope="module")
def help_text():
    import asyncio

    from screens.help import HelpScreen

    async def read() -> str:
        app = replay.replay_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await replay.ready(pilot)
            await pilot.press("question_mark")
            await until(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
            await pilot.pause()
            return "\n".join(rendered(part) for part in app.screen.query("Static"))

    return asyncio.run(read())


@pytest.mark.parametrize("binding", bindings())
def test_every_binding_is_in_the_help(help_text, binding):
    from screens.help import key_label

    keys = " ".join(key_label(key) for key in binding.key.split(","))
    said = binding.tooltip or binding.description
    lines = [line for line in help_text.splitlines() if keys in line and said in line]
    assert lines, f"no line of the help gives {keys!r} with {said!r}"


def test_the_help_names_the_keys_the_readme_teaches(help_text):
    """The threshold explorer's c, the drawing pad's keys and All runs' m, which the help once left out."""
    for key, words in (("c", "criterion"), ("e", "eraser"), ("Space", "pen"), ("m", "comparison")):
        lines = [line for line in help_text.splitlines() if line.split()[:1] == [key] and words in line.lower()]
        assert lines, f"the help does not give {key} for the {words}"


def test_every_place_the_help_names_is_whole():
    """A place is named by a whole sentence: a docstring's first sentence running over two lines was cut mid-way."""
    from screens.help import _first_line, bound_classes
    from widgets.sweep_form import FieldSelect

    for place, cls in bound_classes(LabApp):
        assert place.count("(") == place.count(")"), f"{cls.__name__}'s place is cut: {place!r}"
    whole = _first_line(FieldSelect)
    assert whole.endswith("never open a list)"), whole
