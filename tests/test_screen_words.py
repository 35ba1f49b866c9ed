"""What the screens say, in the words and numbers a learner reads (seen at 80x24 by a tester)."""

from __future__ import annotations

from tests import replay
from tests.waiting import rendered, until
from tui.lab.mnist import Digit


async def test_the_digit_browser_counts_rows_from_one():
    from screens.mnist import DigitBrowser

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.mnist_loaded(pilot)
        browser = app.lab_screen.view(10).query_one(DigitBrowser)
        about = browser.query_one("#digit-about")
        assert rendered(about).startswith("train row 1 of 60,000")
        browser.focus()
        await pilot.press("v", "end")
        browser.action_move(10_000)
        await pilot.pause()
        assert rendered(about).startswith("test row 10,000 of 10,000")


def test_a_mistake_names_its_test_row_from_one():
    from widgets.digits import DigitCard

    card = DigitCard(Digit(frame="test", row=9999, label="5", pixels=[0] * 784, predicted="4", probability=0.6))
    caption = list(card.compose())[1]
    assert "test row 10,000" in rendered(caption)


async def test_the_predictions_table_and_the_pad_number_the_test_digits_from_one():
    from tui.lab.predictions import Predictions
    from tui.lab.training import Run

    recorded = replay.fixture("predictions_step11.json")
    app = replay.replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await replay.mnist_run(pilot, "inside-pane", recorded=Run.from_dict(recorded["run"]))
        view = app.lab_screen.view(11)
        panel = view.query_one("#predictions")
        panel.show_predictions(Predictions.from_dict(recorded["predictions"]))
        await replay.settle(pilot)
        table = panel.table
        await until(pilot, lambda: table.row_count > 0, what="the predictions table")
        assert str(table.ordered_columns[0].label) == "row"
        assert [str(table.get_row_at(i)[0]) for i in (0, 1)] == ["1", "2"]
        pad = panel.pad
        pad.load(Digit.from_dict(recorded["digit"]).pixels, row=0)
        await pilot.pause()
        assert "test row 1 loaded" in rendered(pad.help)


def test_the_residual_charts_zero_line_is_on_the_axis_zero():
    from rich.text import Text

    from tui.lab.predictions import Predictions
    from widgets.predictions import ResidualChart

    found = Predictions.from_dict(replay.fixture("predictions_step4.json")["predictions"])
    chart = ResidualChart()
    chart.draw(found.residuals())
    chart.plt.plotsize(60, 12)
    lines = Text.from_ansi(chart.plt.build()).plain.splitlines()
    # The zero line runs from the y axis to the frame's right side: ├──…──┤.
    zero_lines = [line for line in lines if "├" in line and line.rstrip().endswith("┤") and "───" in line]
    assert len(zero_lines) == 1, "\n".join(lines)
    label = zero_lines[0].split("├")[0].strip()
    assert label and float(label) == 0.0, "\n".join(lines)


def test_a_cancelled_run_says_how_long_it_ran_then_that_its_model_is_kept():
    from tui.lab.training import CANCELLED
    from widgets.run_texts import status_text

    run = replay.run(3)
    run.status, run.finished_at = CANCELLED, run.started_at + 4.4
    text = status_text(run).plain
    assert text.startswith(f"Cancelled after 4.4 s; the partial model is kept · {run.run_id}"), text


async def test_the_predictions_say_their_counts_with_thousands_separators():
    from tui.lab.predictions import Predictions
    from tui.lab.training import Run

    recorded = replay.fixture("predictions_step11.json")
    app = replay.replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await replay.mnist_run(pilot, "inside-pane", recorded=Run.from_dict(recorded["run"]))
        panel = app.lab_screen.view(11).query_one("#predictions")
        panel.show_predictions(Predictions.from_dict(recorded["predictions"]))
        await pilot.pause()
        assert "on the first 200 of 10,000 test digits" in rendered(panel.status)


def test_the_heat_maps_cells_line_up_with_one_number_format():
    import re

    from rich.console import Console

    from tui.lab.sweep_runner import state_from_dict
    from widgets.sweep_board import heat_map

    state = state_from_dict(replay.fixture("sweep_step5.json"))
    for metric in ("MSE", "RMSE", "r2"):
        console = Console(width=80, record=True, color_system=None)
        console.print(heat_map(state, metric))
        rows = [line for line in console.export_text().splitlines() if re.search(r"[█▓▒░·]{2} ", line)]
        assert len(rows) == 2, rows
        cells = [re.findall(r"\*?[█▓▒░·]{2} [\d.]+", row) for row in rows]
        starts = [[row.index(cell.lstrip("*")) for cell in found] for row, found in zip(rows, cells)]
        assert starts[0] == starts[1], f"{metric}: the shades are out of line\n" + "\n".join(rows)
        numbers = [cell.split()[-1] for found in cells for cell in found]
        assert len({len(n) for n in numbers}) == 1, f"{metric}: {numbers}"


async def test_the_sweep_leaderboard_gives_its_metric_in_one_format():
    from textual.app import App

    from tui.lab.sweep_runner import state_from_dict
    from widgets.sweep_board import SweepBoard

    state = state_from_dict(replay.fixture("sweep_step5.json"))
    board = SweepBoard()
    async with App().run_test(size=(120, 40)) as pilot:
        await pilot.app.mount(board)
        board.show(state, "MSE")
        await pilot.pause()
    table = board.table
    column = next(i for i, c in enumerate(table.ordered_columns) if str(c.label).startswith("MSE"))
    shown = [str(table.get_row_at(i)[column]) for i in range(table.row_count)]
    assert shown[0] == "0.1200" and len({len(s) for s in shown}) == 1, shown


async def test_each_c_in_the_threshold_explorer_names_its_criterion():
    from tui.lab.evaluation import Evaluation
    from widgets.threshold import ThresholdExplorer

    evaluation = Evaluation.from_dict(replay.fixture("evaluation_step12.json"))
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.evaluated(pilot)
        explorer = app.lab_screen.view(12).query_one(ThresholdExplorer)
        explorer.focus()
        body = explorer.query_one("#explorer-body")
        seen = [rendered(body)]
        for criterion in evaluation.criteria[1:]:
            await pilot.press("c")
            await pilot.pause()
            text = " ".join(rendered(body).split())
            assert text != " ".join(seen[-1].split()), f"c to {criterion.name} changed nothing"
            assert text.startswith(f"Best for {criterion.name}: threshold {criterion.threshold:.4f}"), text
            shared = [c.name for c in evaluation.criteria if c.index == criterion.index and c is not criterion]
            if shared:
                assert f"the same threshold is best for {', '.join(shared)}" in text, text
            seen.append(rendered(body))


async def test_the_threshold_explorers_figures_have_one_format():
    import re

    app = replay.replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await replay.evaluated(pilot, moves=("c", "c", "c", "c", "c"))  # recall: 1 beside small rates
        from widgets.threshold import ThresholdExplorer

        text = rendered(app.lab_screen.view(12).query_one(ThresholdExplorer).query_one("#explorer-body"))
        figures = re.findall(r"(?:precision|recall|F1|accuracy|false pos\. rate) +(\d[\d.]*)", text)
        assert len(figures) == 5 and all(re.fullmatch(r"\d\.\d{4}", f) for f in figures), figures


async def test_the_run_comparisons_chart_names_the_metric_m_chose():
    from rich.text import Text

    from tui.lab.training import CHART_METRICS
    from widgets.chart import ScoringChart

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.all_runs(pilot, marked=("run-4", "run-5"))
        view = app.lab_screen.view(99)
        chart = view.query_one("#compare-chart", ScoringChart)
        a, b = view._chart_pair
        shared = [m for m in a.history.available_metrics() if m in b.history.available_metrics()]
        assert len(shared) > 1
        for press, metric in enumerate(shared):
            if press:
                await pilot.press("m")
                await pilot.pause()
            chart.plt.plotsize(chart.size.width, chart.size.height)
            title = Text.from_ansi(chart.plt.build()).plain.splitlines()[0]
            assert f" {CHART_METRICS[metric]} " in f" {title} ", f"{metric}: {title.strip()}"


def _shown(widget) -> list[str]:
    from textual.geometry import Region

    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))]


async def test_step_1_keeps_the_end_of_the_log_path_in_sight():
    from widgets.table import PairsView

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.ready(pilot)
        await replay.settle(pilot)
        status = app.lab_screen.view(1).query_one("#cluster-status", PairsView)
        log = replay.cluster_status().log_file
        lines = [line.strip() for line in _shown(status) if line.strip().startswith("Log")]
        assert len(lines) == 1, _shown(status)
        shown = lines[0].removeprefix("Log").strip()
        assert shown.startswith("…/") and log.endswith(shown[1:]), shown


async def test_a_drop_downs_value_is_cut_at_a_word_with_an_ellipsis():
    from textual.app import App

    from widgets.paging import LabSelect

    class Narrow(App):
        CSS = "LabSelect { width: 22; }"

        def compose(self):
            yield LabSelect(
                [("default (RectifierWithDropout)", "a"), ("only the first rows of it:", "b"), ("short", "c")],
                value="a",
                allow_blank=False,
                compact=True,
            )

    app = Narrow()
    async with app.run_test(size=(80, 24)) as pilot:
        select = app.query_one(LabSelect)
        for value, full in (
            ("a", "default (RectifierWithDropout)"),
            ("b", "only the first rows of it:"),
            ("c", "short"),
        ):
            select.value = value
            await pilot.pause()
            lines = [line for line in _shown(select.query_one("#label")) if line]
            assert len(lines) == 1, lines
            if full == "short":
                assert lines == ["short"]
                continue
            assert lines[0].endswith("…") and full.startswith(lines[0][:-1]), lines
            assert full[len(lines[0]) - 1] == " ", f"{lines[0]!r} is cut in a word of {full!r}"
            assert select.tooltip == full


def test_whole_numbers_h2o_hands_back_as_floats_read_as_the_learner_typed_them():
    """H2O (and the form's own reading of "15" for a double) gives 15.0: every place shows 15, fractions stay."""
    from tui.lab.carry import changes
    from tui.lab.codegen import estimator_code
    from tui.lab.param_rules import checkpoint_problems
    from tui.lab.params import format_value
    from widgets.train_texts import describe_value

    metas = {m.name: m for m in replay.metas()}
    assert format_value(metas["epochs"], 15.0) == "15"
    assert format_value(metas["epochs"], 0.5) == "0.5"
    assert format_value(metas["epochs"], metas["epochs"].default) == "10"
    assert format_value(metas["hidden_dropout_ratios"], [0.5, 0.0]) == "0.5, 0"
    assert format_value(metas["l1"], 1e-5) == "1e-05"
    recorded = replay.run(4)  # a fresh copy of the recording
    recorded.spec.params = {**recorded.spec.params, "epochs": 50.0, "hidden_dropout_ratios": [0.2, 0.0]}
    assert "epochs=50," in changes(recorded) + "," and "hidden_dropout_ratios=[0.2, 0]" in changes(recorded)
    assert describe_value("epochs", 50.0) == "50" and describe_value("rate", 0.005) == "0.005"
    code = estimator_code({"epochs": 50.0, "hidden_dropout_ratios": [0.2, 0.0], "max_w2": 10.0})
    # max_w2 stays a float: h2o-py refuses an int there
    assert "epochs=50," in code and "hidden_dropout_ratios=[0.2, 0]," in code and "max_w2=10.0," in code
    values = {"epochs": 40.0}
    problems = checkpoint_problems(values, metas, {"epochs": 50.0}, 50.0, base_label="run-4")
    assert "already has 50 epochs" in problems["epochs"] and "for example 60)" in problems["epochs"]


def test_the_code_keeps_a_float_where_h2o_py_takes_nothing_else():
    import inspect
    import re

    from h2o.estimators import H2ODeepLearningEstimator

    from tui.lab.codegen import FLOAT_ONLY

    source = inspect.getsource(H2ODeepLearningEstimator)
    strict = set(re.findall(r"assert_is_type\((\w+), None, \[?float\]?\)", source))
    assert strict == FLOAT_ONLY


async def test_a_form_started_from_an_earlier_run_reads_its_epochs_as_the_preset_does():
    app = replay.replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await replay.loaded(pilot)
        app.show_step(4)
        view = app.lab_screen.view(4)
        await until(pilot, lambda: view.form is not None and view.form.field("epochs") is not None, what="the form")
        assert view.form.field("epochs").raw() == "15"  # the preset's
        earlier = replay.run(4)
        earlier.spec.params = {**earlier.spec.params, "epochs": 50.0}  # as the journal and H2O give it back
        replay.remember(app, runs=(earlier,))
        app.load_run(earlier)
        field = view.form.field("epochs")
        await until(pilot, lambda: field.raw() == "50", what=lambda: f"epochs 50 (reads {field.raw()!r})")
