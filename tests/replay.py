"""Apps for snapshot tests: the real app, fed results recorded from real runs (tests/fixtures)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import FIXTURES
from tests.waiting import until
from tui.app import LabApp, make_app
from tui.lab.cluster import ClusterOptions, ClusterStatus
from tui.lab.frames import FrameInfo
from tui.lab.mnist import Digit, MnistInfo
from tui.lab.params import ParamMeta
from tui.lab.service import Lab, LabConfig
from tui.lab.training import Run
from tui.messages import ClusterReady, DataLoaded, MetasLoaded, MistakesFound, MnistLoaded


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def cluster_status() -> ClusterStatus:
    return ClusterStatus.from_dict(fixture("cluster_status.json"))


def cars_info() -> FrameInfo:
    return FrameInfo.from_dict(fixture("cars_info.json"))


def run(step: int) -> Run:
    return Run.from_dict(fixture(f"run_step{step}.json"))


def inside_run(step: int | str) -> Run:
    """A recorded run with its importances and the values H2O resolved (tests/fixtures/record.py --inside)."""
    return Run.from_dict(fixture(f"inside_step{step}.json"))


def metas() -> list[ParamMeta]:
    return [ParamMeta.from_dict(m) for m in fixture("param_metas.json")["metas"]]


def replay_app() -> LabApp:
    """An app that starts no cluster: everything it shows comes from the recordings."""
    lab = Lab(LabConfig(cluster=ClusterOptions(), data_dir=Path("/srv/lab-data"), download=False, keep_journal=False))
    app = make_app(lab, autostart=False, health_interval=0)
    # A picture shows where things end, not a moment of an animation (a tab's underline sliding, 0.3 s,
    # was caught half-way on a busy machine).
    app.animation_level = "none"
    return app


def remember(
    app: LabApp,
    *,
    cars: FrameInfo | None = None,
    mnist: MnistInfo | None = None,
    param_metas: list[ParamMeta] | None = None,
    runs: tuple[Run, ...] = (),
) -> None:
    """Put recorded results where the lab keeps them, as a real cluster's workers would have."""
    lab = app.lab
    if cars is not None:
        lab.data._info["cars"] = cars
    if mnist is not None:
        lab.data._mnist = mnist
    if param_metas is not None:
        lab.checks._metas = param_metas
    for recorded in runs:
        lab.table.publish(recorded)


def replayed_run(app: LabApp, recorded: Run) -> None:
    """A recorded run's news, as a job's worker brings it."""
    remember(app, runs=(recorded,))
    app.run_updated(recorded)


async def ready(pilot) -> None:
    remember(pilot.app, param_metas=metas())
    pilot.app.post_message(ClusterReady(cluster_status()))
    pilot.app.post_message(MetasLoaded(metas()))
    await pilot.pause()


async def loaded(pilot) -> None:
    await ready(pilot)
    info = cars_info()
    remember(pilot.app, cars=info)
    pilot.app.post_message(DataLoaded(info))
    await pilot.pause()


async def show_run(pilot, step: int, tab: str = "run-pane", recorded: Run | None = None) -> None:
    await loaded(pilot)
    app = pilot.app
    app.show_step(step)
    view = app.lab_screen.view(step)
    recorded = recorded or run(step)
    view.show_tab(tab)
    view.show_run(recorded)
    replayed_run(app, recorded)
    await settle(pilot)


async def settle(pilot) -> None:
    """Tables size themselves when the app is idle; on a busy machine that can come after one pause."""
    await pilot.pause()
    await pilot.pause(0.2)
    await pilot.pause()


async def all_runs(pilot, marked: tuple[str, ...] = ()) -> None:
    await loaded(pilot)
    app = pilot.app
    for number in (3, 4, 5, 9):
        replayed_run(app, run(number))
    app.show_step(99)
    await until(pilot, lambda: app._view_number(99) is not None, what="the runs page")
    view = app.lab_screen.view(99)
    table = view.query_one("#runs-table")
    await until(pilot, lambda: all(run_id in table.rows for run_id in marked), what=f"{marked} in the runs table")
    for run_id in marked:
        table.move_cursor(row=table.get_row_index(run_id))
        view.action_mark()
    # The runs were replayed a moment ago; a learner who opens All runs later no longer sees their news (the
    # goals they reached, said when they finished).
    app.clear_notifications()
    await settle(pilot)


def mnist_info() -> MnistInfo:
    return MnistInfo.from_dict(fixture("mnist_info.json"))


def digits() -> list[Digit]:
    return [Digit.from_dict(d) for d in fixture("mnist_digits.json")["digits"]]


async def mnist_loaded(pilot) -> None:
    await ready(pilot)
    app = pilot.app
    app.show_step(10)
    await pilot.pause()
    from screens.mnist import DigitBrowser

    app.lab_screen.view(10).query_one(DigitBrowser).put(digits())
    info = mnist_info()
    remember(app, mnist=info)
    app.post_message(MnistLoaded(info))
    await settle(pilot)


async def mnist_run(pilot, tab: str, recorded: Run | None = None) -> None:
    await mnist_loaded(pilot)
    app = pilot.app
    app.show_step(11)
    await pilot.pause()
    view = app.lab_screen.view(11)
    recorded = recorded or run(11)
    view.show_tab(tab)
    view.show_run(recorded)
    replayed_run(app, recorded)
    found = fixture("mistakes_step11.json")
    view.post_message(MistakesFound(recorded.run_id, found["count"], [Digit.from_dict(d) for d in found["digits"]]))
    await pilot.pause()
    await pilot.pause(0.2)


async def evaluated(pilot, tab: str = "eval-pane", moves: tuple[str, ...] = ()) -> None:
    from tui.lab.evaluation import Evaluation

    await loaded(pilot)
    app = pilot.app
    app.show_step(12)
    await pilot.pause()
    view = app.lab_screen.view(12)
    recorded = run(12)
    replayed_run(app, recorded)
    evaluation = Evaluation.from_dict(fixture("evaluation_step12.json"))
    view.evaluation = evaluation  # recorded: with no cluster, nothing is evaluated again
    view.show_tab(tab)
    view.show_run(recorded)
    await pilot.pause()
    view.show_evaluation(evaluation)
    await pilot.pause()
    await pilot.pause(0.2)
    if moves:
        from widgets.threshold import ThresholdExplorer

        explorer = view.query_one(ThresholdExplorer)
        explorer.focus()
        await pilot.press(*moves)
        await pilot.pause()


def _underlined(tabs, underline_class) -> bool:
    """Whether a tab bar's underline is under its active tab (placed after a layout, so it can lag behind)."""
    if not tabs.active:
        return True
    tab = tabs.active_tab
    if tab is None:
        return True
    start, end = tab.virtual_region.shrink(tab.styles.gutter).column_span
    underline = tabs.query_one(underline_class)
    return end > start and (underline.highlight_start, underline.highlight_end) == (start, end)


def drawn_compare(snap_compare):
    """pytest-textual-snapshot's comparison, taken once the screen is drawn to its end (:func:`drawn`)."""

    def compare(app, *, run_before=None, **kwargs):
        async def before(pilot):
            if run_before is not None:
                await run_before(pilot)
            await drawn(pilot)

        return snap_compare(app, run_before=before, **kwargs)

    return compare


async def drawn(pilot, timeout: float = 15.0) -> None:
    """Wait until the screen is drawn to its end: the step's view is built and every tab bar on screen has
    placed its underline.

    A tab bar places its underline after a layout; on a busy machine the picture could be taken before.
    """
    import time

    from textual.widgets import Tabs
    from textual.widgets._tabs import Underline

    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause()
        waiting = [
            tabs for tabs in pilot.app.screen.query(Tabs) if tabs.is_on_screen and not _underlined(tabs, Underline)
        ]
        view = pilot.app.current_view() if hasattr(pilot.app, "current_view") else None
        building = view is not None and (not view.is_mounted or getattr(view, "_building", False))
        if not (waiting or building) or time.monotonic() > deadline:
            break
        await pilot.pause(0.05)
    # A text field's cursor blinks every half second: hold it shown, or the picture depends on the moment taken.
    for field in pilot.app.screen.query("Input, TextArea"):
        field.cursor_blink = False
    # Tables size themselves when the app is idle; on a busy machine that can come after one pause.
    await pilot.pause()
    await pilot.pause(0.2)
    await pilot.pause()
