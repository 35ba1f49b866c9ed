"""Pictures of every screen at 80x24 and 120x40, from results recorded on a real cluster."""

from __future__ import annotations

import pytest

from tests import replay

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def snap_compare(snap_compare):
    """The plugin's comparison, taken once the screen is drawn to its end."""
    return replay.drawn_compare(snap_compare)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_cluster_screen(snap_compare, size):
    async def before(pilot):
        await replay.ready(pilot)

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_data_screen(snap_compare, size):
    async def before(pilot):
        await replay.loaded(pilot)
        pilot.app.show_step(2)
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_first_network_finished(snap_compare, size):
    async def before(pilot):
        await replay.show_run(pilot, 3)

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_first_network_setup(snap_compare, size):
    async def before(pilot):
        await replay.loaded(pilot)
        pilot.app.show_step(3)
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_cluster_start_failed(snap_compare, size):
    from tui.lab.errors import ClusterError
    from tui.messages import ClusterFailed

    tail = "\n".join(
        [
            "--- /home/learner/.local/state/h2o-lab/logs/h2o-20261128-101500-4242.err.log",
            "Invalid maximum heap size: -Xmx99999t",
            "Error: Could not create the Java Virtual Machine.",
            "Error: A fatal exception has occurred. Program will exit.",
        ]
    )

    async def before(pilot):
        error = ClusterError(
            "The H2O engine stopped during start-up (exit code 1).",
            hint="Java could not get the memory it asked for. Try a smaller heap, for example --max-mem 512m.",
        )
        pilot.app.post_message(ClusterFailed(error, tail))
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_form_with_errors(snap_compare, size):
    """Step 5 with one dropout ratio for two layers and a negative l1: the messages stand at their fields."""

    async def before(pilot):
        await replay.loaded(pilot)
        pilot.app.show_step(5)
        await pilot.pause()
        view = pilot.app.lab_screen.view(5)
        form = view.form
        form.field("hidden_dropout_ratios").query_one("Input").value = "0.5"
        form.field("epochs").query_one("Input").value = "twenty"
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_learning_rate_warning_offers_a_fix(snap_compare, size):
    async def before(pilot):
        await replay.loaded(pilot)
        pilot.app.show_step(7)
        await pilot.pause()
        view = pilot.app.lab_screen.view(7)
        view.query_one("#setup-scroll").scroll_to_widget(view.form.field("rate"), animate=False, top=True)
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_finished_run_results(snap_compare, size):
    async def before(pilot):
        await replay.show_run(pilot, 9, tab="results-pane")

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_inside_cars(snap_compare, size):
    async def before(pilot):
        await replay.show_run(pilot, 6, tab="inside-pane", recorded=replay.inside_run(6))

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_inside_mnist(snap_compare, size):
    async def before(pilot):
        await replay.mnist_run(pilot, "inside-pane", recorded=replay.inside_run(11))

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_inside_weights(snap_compare, size):
    async def before(pilot):
        from widgets.inside import InsidePanel

        pilot.app.lab.models.past_runs.append(replay.inside_run("8_l1"))  # the same network with l1 1e-3
        await replay.show_run(pilot, 8, tab="inside-pane", recorded=replay.inside_run(8))
        pilot.app.lab_screen.view(8).query_one(InsidePanel).scroll_end(animate=False)
        await replay.settle(pilot)

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_values_h2o_used(snap_compare, size):
    async def before(pilot):
        from widgets.results import ResultsPanel

        await replay.show_run(pilot, 6, tab="results-pane", recorded=replay.inside_run(6))
        pilot.app.lab_screen.view(6).query_one(ResultsPanel).scroll_end(animate=False)
        await replay.settle(pilot)

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_finished_run_with_validation(snap_compare, size):
    async def before(pilot):
        await replay.show_run(pilot, 5)

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_run_comparison(snap_compare, size):
    async def before(pilot):
        await replay.all_runs(pilot, marked=("run-4", "run-5"))

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_mnist_data_screen(snap_compare, size):
    async def before(pilot):
        await replay.mnist_loaded(pilot)

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_digit_viewer(snap_compare, size):
    async def before(pilot):
        await replay.mnist_loaded(pilot)
        from screens.mnist import DigitBrowser

        browser = pilot.app.lab_screen.view(10).query_one(DigitBrowser)
        browser.focus()
        browser.scroll_visible(animate=False, top=True)
        await pilot.press("right", "right", "v", "right")  # train row 2, then test row 3
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_mnist_finished_run(snap_compare, size):
    async def before(pilot):
        await replay.mnist_run(pilot, "results-pane")

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_mnist_training_curves(snap_compare, size):
    async def before(pilot):
        await replay.mnist_run(pilot, "run-pane")

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_mnist_mistakes(snap_compare, size):
    async def before(pilot):
        await replay.mnist_run(pilot, "mistakes-pane")

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_mnist_missing_offline(snap_compare, size):
    """No MNIST files and no network: step 10 says which file, where the lab looked, and how to stage it."""
    from pathlib import Path

    from tui.lab.datasets import DataResolver
    from tui.lab.errors import DataError
    from tui.messages import DataFailed

    resolver = DataResolver(Path("/srv/lab-data"), Path("/home/learner/.cache/h2o-lab/data"), download=False)
    try:
        resolver.resolve("mnist-train")
    except DataError as exc:
        error = exc
    else:  # pragma: no cover
        raise AssertionError("the resolver found a file that should not exist")

    async def before(pilot):
        await replay.ready(pilot)
        pilot.app.show_step(10)
        pilot.app.post_message(DataFailed("mnist", error))
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_evaluation_screen(snap_compare, size):
    async def before(pilot):
        await replay.evaluated(pilot)

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_threshold_explorer_moved(snap_compare, size):
    async def before(pilot):
        await replay.evaluated(pilot, moves=("right", "right", "right"))
        from widgets.threshold import ThresholdExplorer

        pilot.app.lab_screen.view(12).query_one(ThresholdExplorer).scroll_visible(animate=False, top=True)
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_criteria_and_gains_lift(snap_compare, size):
    """c moves the explorer to the next criterion's threshold (F2); the tables under the curves mark it."""

    async def before(pilot):
        await replay.evaluated(pilot, moves=("c",))
        from widgets.eval_tables import EvalTables

        pilot.app.lab_screen.view(12).query_one(EvalTables).scroll_visible(animate=False, top=True)
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_activation_curves_in_the_fields_help(snap_compare, size):
    """F1 on step 4's activation: H2O's help, then the curves of tanh, the rectifier and maxout (Tanh marked)."""

    async def before(pilot):
        from screens.dialogs import InfoDialog
        from tests.waiting import until

        await replay.loaded(pilot)
        pilot.app.show_step(4)
        await until(pilot, lambda: pilot.app._view_number(4) is not None, what="step 4")
        view = pilot.app.lab_screen.view(4)
        await until(pilot, lambda: view.form is not None and view.form.field("activation"), what="the form")
        view.form.field("activation").focus_input()
        await pilot.pause()
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(pilot.app.screen, InfoDialog), what="the help on activation")
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


def test_small_terminal_notice(snap_compare):
    async def before(pilot):
        await replay.ready(pilot)

    assert snap_compare(replay.replay_app(), terminal_size=(60, 18), run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_lost_cluster(snap_compare, size):
    from tui.messages import ClusterLost

    tail = "--- /home/learner/.local/state/h2o-lab/logs/h2o-20261128-101500-4242.out.log\\n(the engine stopped)"

    async def before(pilot):
        await replay.show_run(pilot, 5)
        pilot.app.post_message(ClusterLost("The H2O engine (Java process) has stopped.", tail))
        await pilot.pause()
        pilot.app.show_step(1)
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_no_colour(snap_compare, size, monkeypatch):
    """NO_COLOR: every state must still read in words and shapes, not in colours."""
    monkeypatch.setenv("NO_COLOR", "1")

    async def before(pilot):
        await replay.show_run(pilot, 5)

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


def test_no_colour_digits(snap_compare, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")

    async def before(pilot):
        await replay.mnist_loaded(pilot)
        from screens.mnist import DigitBrowser

        browser = pilot.app.lab_screen.view(10).query_one(DigitBrowser)
        browser.focus()
        browser.scroll_visible(animate=False, top=True)
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=(80, 24), run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_export_dialog(snap_compare, size):
    """w: the session as a script or a notebook; the format moves the file name's ending with it."""

    async def before(pilot):
        from screens.export_dialog import ExportDialog
        from tests.waiting import until

        await replay.loaded(pilot)
        await pilot.press("w")
        await until(pilot, lambda: isinstance(pilot.app.screen, ExportDialog), what="the export dialog")
        pilot.app.screen.query_one("#format-ipynb").value = True
        path = pilot.app.screen.query_one("#export-path")
        await until(pilot, lambda: path.value.endswith(".ipynb"), what="the file name's ending moved")
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


def test_small_terminal_notice_on_the_sweep_screen(snap_compare):
    """The sweep screen, opened at 80x24, then the window made 60x20: the notice stands in for it too."""

    async def before(pilot):
        from screens.sweep import SweepScreen
        from tests.waiting import until

        await replay.loaded(pilot)
        pilot.app.show_step(4)
        await pilot.pause()
        await pilot.press("s")
        await until(pilot, lambda: isinstance(pilot.app.screen, SweepScreen), what="the sweep screen")
        await pilot.resize_terminal(60, 20)
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=(80, 24), run_before=before)
