"""A 16-colour terminal must keep every screen readable.

Such a terminal gets each of the app's colours rounded to the nearest of its 16 (Rich does this on output,
exactly as below). Text whose foreground and background round to the same colour vanishes; this test renders
every screen state, rounds as the terminal would, and looks for letters or digits that would vanish.
"""

from __future__ import annotations

import io

import pytest
from rich.color import ColorSystem
from rich.console import Console
from rich.text import Text

from tests import replay
from tests.waiting import rendered, until


def vanishing_text(app) -> list[str]:
    width, height = app.size
    # The screen as the terminal gets it. Textual has no public call for these styled cells: its own
    # App.export_screenshot() renders them exactly so, but hands back an SVG, where default colours are already
    # replaced by a theme's, dim text is blended and reverse text swapped, so the rounding below could not be
    # reproduced from it. Hence the compositor, as export_screenshot uses it.
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens, simplify=True)
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    console.print(update)
    # Read the escape codes back (Rich's public decoder): every run of text with the style it was written in.
    screen = Text.from_ansi(console.file.getvalue())
    lost = []
    for span in screen.spans:
        style = span.style
        if isinstance(style, str) or style.reverse or not style.color or not style.bgcolor:
            continue
        text = screen.plain[span.start : span.end]
        if not any(ch.isalnum() for ch in text):
            continue  # rules, bars and blank cells may blend in
        fg = style.color.downgrade(ColorSystem.STANDARD)
        bg = style.bgcolor.downgrade(ColorSystem.STANDARD)
        if fg.number is not None and fg.number == bg.number:
            colours = f"{style.color.name} on {style.bgcolor.name}"
            lost.append(f"{text.strip()!r}: {colours}, both become colour {fg.number}")
    return lost


async def test_the_check_finds_text_that_vanishes():
    """The check itself: dark grey on black vanishes at 16 colours (both become black); white on black does not."""
    from textual.app import App
    from textual.widgets import Static

    class Two(App):
        def compose(self):
            yield Static("[#202020 on #000000]hidden words[/]")
            yield Static("[#ffffff on #000000]plain words[/]")

    app = Two()
    async with app.run_test(size=(40, 3)) as pilot:
        await pilot.pause()
        lost = vanishing_text(app)
    assert len(lost) == 1 and lost[0].startswith("'hidden words'"), lost


def step_shown(app, number: int) -> bool:
    """The step is current and its view (made on its first visit) is mounted and shown."""
    view = app._view_number(number)
    return app.current_step == number and view is not None and view.display


def run_shown(app, number: int, tab: str) -> bool:
    view = app.lab_screen.view(number)
    return (
        step_shown(app, number)
        and view.run is not None
        and view.run.run_id == replay.run(number).run_id
        and view.query_one("#train-tabs").active == tab
    )


def explorer_at(app, offset: int) -> bool:
    from widgets.threshold import ThresholdExplorer

    view = app.lab_screen.view(12)
    if not run_shown(app, 12, "eval-pane") or view.evaluation is None:
        return False
    return view.query_one(ThresholdExplorer).index == view.evaluation.max_f1_index + offset


async def _data(pilot):
    await replay.loaded(pilot)
    pilot.app.show_step(2)


async def _form_errors(pilot):
    await replay.loaded(pilot)
    pilot.app.show_step(5)
    await until(pilot, lambda: pilot.app.lab_screen.view(5).form is not None, what="step 5's form")
    form = pilot.app.lab_screen.view(5).form
    form.field("hidden_dropout_ratios").query_one("Input").value = "0.5"
    form.field("epochs").query_one("Input").value = "twenty"


def _errors_shown(app) -> bool:
    form = app.lab_screen.view(5).form
    return step_shown(app, 5) and all(
        form.field(name).has_class("error") for name in ("hidden_dropout_ratios", "epochs")
    )


async def _step7(pilot):
    await replay.loaded(pilot)
    pilot.app.show_step(7)


async def _lost(pilot):
    from tui.messages import ClusterLost

    await replay.show_run(pilot, 5)
    pilot.app.post_message(ClusterLost("The H2O engine (Java process) has stopped.", "(the engine stopped)"))


async def _help(pilot):
    await replay.ready(pilot)
    await pilot.press("question_mark")


# Each state: how to reach it, and what must be on the screen before its colours are checked (a screen that
# has not changed yet would have nothing to vanish, and pass for the wrong reason).
STATES = {
    "cluster": (replay.ready, lambda app: app.cluster_state == "ready" and step_shown(app, 1)),
    "data": (
        _data,
        lambda app: step_shown(app, 2) and "406 rows" in rendered(app.lab_screen.view(2).query_one("#data-news")),
    ),
    "form-errors": (_form_errors, _errors_shown),
    "learning-rate": (
        _step7,
        lambda app: (
            step_shown(app, 7)
            and app.lab_screen.view(7).form is not None
            and app.lab_screen.view(7).form.field("rate").has_class("warning")
        ),
    ),
    "first-network": (lambda pilot: replay.show_run(pilot, 3), lambda app: run_shown(app, 3, "run-pane")),
    "validation-chart": (lambda pilot: replay.show_run(pilot, 5), lambda app: run_shown(app, 5, "run-pane")),
    "results": (
        lambda pilot: replay.show_run(pilot, 9, tab="results-pane"),
        lambda app: run_shown(app, 9, "results-pane"),
    ),
    "code": (lambda pilot: replay.show_run(pilot, 9, tab="code-pane"), lambda app: run_shown(app, 9, "code-pane")),
    "all-runs": (
        lambda pilot: replay.all_runs(pilot, marked=("run-4", "run-5")),
        lambda app: (
            step_shown(app, 99)
            and app.lab_screen.view(99).marked == ["run-4", "run-5"]
            and app.lab_screen.view(99).query_one("#compare").has_class("shown")
        ),
    ),
    "mnist-data": (
        replay.mnist_loaded,
        lambda app: (
            step_shown(app, 10) and "nclasses = 10" in rendered(app.lab_screen.view(10).query_one("#mnist-summary"))
        ),
    ),
    "mnist-results": (
        lambda pilot: replay.mnist_run(pilot, "results-pane"),
        lambda app: run_shown(app, 11, "results-pane") and app.lab_screen.view(11).mistakes is not None,
    ),
    "mnist-mistakes": (
        lambda pilot: replay.mnist_run(pilot, "mistakes-pane"),
        lambda app: run_shown(app, 11, "mistakes-pane") and app.lab_screen.view(11).mistakes is not None,
    ),
    "evaluation": (replay.evaluated, lambda app: explorer_at(app, 0)),
    "threshold-moved": (
        lambda pilot: replay.evaluated(pilot, moves=("right", "right")),
        lambda app: explorer_at(app, 2),
    ),
    "lost-cluster": (_lost, lambda app: app.cluster_state == "lost" and run_shown(app, 5, "run-pane")),
    "help": (_help, lambda app: type(app.screen).__name__ == "HelpScreen"),
}


@pytest.mark.parametrize("state", list(STATES))
async def test_sixteen_colours_keep_text_readable(state):
    reach, shown = STATES[state]
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await reach(pilot)
        await until(pilot, lambda: shown(app), what=f"the {state} screen")
        await pilot.pause()  # the screen drawn as it now stands
        assert vanishing_text(app) == []
