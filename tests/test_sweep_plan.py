"""The pure parts of sweeps (no H2O): reading the values typed, counting, estimating, ranking, the grid's code."""

from __future__ import annotations

import ast

import pytest

from tests import replay
from tui.lab.codegen import grid_code, run_code
from tui.lab.params import ParamError
from tui.lab.steps import step
from tui.lab.sweep import (
    MODEL_OVERHEAD,
    Axis,
    SweepPlan,
    apply_preset,
    check_plan,
    estimate,
    parse_axis,
    presets_for,
    ranked,
)
from tui.lab.training import Run
from widgets.sweep_form import CHECK_AFTER

METAS = {m.name: m for m in replay.metas()}


def test_values_are_read_as_the_form_reads_them():
    base = step(5).spec().params
    assert parse_axis("epochs", "5, 10 ,20", METAS, base).values == [5.0, 10.0, 20.0]
    assert parse_axis("hidden_dropout_ratios", "0, 0; 0.2, 0.2", METAS, base).values == [[0.0, 0.0], [0.2, 0.2]]
    assert parse_axis("activation", "tanh, rectifier", METAS, {}).values == ["Tanh", "Rectifier"]


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("epochs", "5, ten", "value 2 (ten): not a number"),
        ("epochs", "5, -1", "value 2 (-1): must be > 0"),
        ("epochs", "5,,10", "value 2 is empty"),
        ("epochs", "5, 5.0", "given twice"),
        ("epochs", "  ", "give the values to try"),
        ("hidden_dropout_ratios", "0.2, 0.2; 0.5", "one ratio per hidden layer"),
        ("input_dropout_ratio", "0, 1", "must be < 1"),
        ("no_such_thing", "1, 2", "not a Deep Learning parameter"),
    ],
)
def test_a_bad_value_is_said_in_words(name, text, says):
    with pytest.raises(ParamError) as caught:
        parse_axis(name, text, METAS, step(5).spec().params)
    assert says in str(caught.value)


def test_every_bad_value_is_said_at_once_on_one_line():
    with pytest.raises(ParamError) as caught:
        parse_axis("epochs", "5, ten, -1, 5.0", METAS, step(5).spec().params)
    said = str(caught.value)
    assert said == "value 2 (ten): not a number · value 3 (-1): must be > 0 · value 4 (5.0) is given twice"
    assert "\n" not in said


def test_count_combinations_and_limits():
    spec = step(11).spec()
    plan = SweepPlan(spec, [Axis("hidden", [[32], [64], [128]]), Axis("input_dropout_ratio", [0.0, 0.2])])
    assert plan.count == 6
    assert plan.combos()[1] == {"hidden": [32], "input_dropout_ratio": 0.2}
    assert plan.spec_for(plan.combos()[1]).params["input_dropout_ratio"] == 0.2
    assert plan.combo_of({"hidden": [64], "input_dropout_ratio": 0}) == {"hidden": [64], "input_dropout_ratio": 0.0}
    assert check_plan(plan) is None
    assert "at least two" in (check_plan(SweepPlan(spec, [Axis("l1", [0.0])])) or "")
    assert "too many" in (check_plan(SweepPlan(spec, [Axis("l1", list(range(5))), Axis("l2", list(range(5)))])) or "")
    assert "same" in (check_plan(SweepPlan(spec, [Axis("l1", [0, 1]), Axis("l1", [0, 1])])) or "")


def test_estimate_from_known_speeds():
    plan = SweepPlan(step(4).spec(), [Axis("epochs", [10.0, 30.0])])
    guess = estimate(plan, 1000, lambda spec: 2000.0)
    assert guess.unknown == 0
    # 40 epochs of 1,000 rows at 2,000 rows a second, a tenth more for scoring, and each model's set-up
    assert guess.seconds == pytest.approx(40 * 1000 / 2000 * 1.1 + 2 * MODEL_OVERHEAD)
    assert "about" in guess.text()
    unknown = estimate(plan, 1000, lambda spec: None)
    assert unknown.unknown == 2 and "unknown" in unknown.text()


def test_every_preset_is_valid_on_its_step():
    for number in (4, 5, 7, 8, 11):
        (preset,) = presets_for(number)
        spec = apply_preset(step(number).spec(), preset)
        axes = [parse_axis(name, text, METAS, spec.params) for name, text in preset.axes]
        assert check_plan(SweepPlan(spec, axes)) is None, number
    assert apply_preset(step(7).spec(), presets_for(7)[0]).params["adaptive_rate"] is False
    assert apply_preset(step(11).spec(), presets_for(11)[0]).sample_rows == 5000


def test_ranked_best_first_by_validation():
    runs = []
    for number, mse in enumerate((0.3, 0.1, 0.2)):
        run = Run(run_id=f"run-{number}", spec=step(4).spec())
        run.metrics = {"training": {"MSE": 0.0}, "validation": {"MSE": mse}}
        runs.append(run)
    assert [r.run_id for r in ranked(runs, "MSE")] == ["run-1", "run-2", "run-0"]


def test_the_grid_code_is_python_and_says_what_the_sweep_trains():
    plan = SweepPlan(step(4).spec(), [Axis("epochs", [2.0, 5.0])])
    spec = plan.spec_for(plan.combos()[0])
    spec.params = plan.base_params()
    script = run_code(spec, data_path="cars.csv", official_url="https://example.org/cars.csv")
    code = grid_code(script, plan.hyper_params(), "grid_abc_sweep_1", "mse", False)
    ast.parse(code)
    assert "from h2o.grid import H2OGridSearch" in code
    assert '"epochs": [2, 5],' in code  # as the learner types them
    assert "epochs=" not in code.split("hyper_params")[0]  # the swept value is not also fixed
    assert 'grid_id="grid_abc_sweep_1"' in code
    assert "grid.train(" in code and "validation_frame=valid" in code
    assert 'get_grid(sort_by="mse", decreasing=False)' in code
    assert "parallelism" not in code, "one model at a time is H2O's default"
    parallel = grid_code(script, plan.hyper_params(), "grid_abc_sweep_1", "mse", False, parallelism=2)
    ast.parse(parallel)
    assert "parallelism=2" in parallel and "# 2 models are trained at once" in parallel


async def test_the_screen_says_a_bad_value_at_its_field_and_will_not_start():
    from textual.widgets import Input, Static

    from screens.sweep import SweepScreen

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        app.show_step(4)
        await replay.drawn(pilot)
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SweepScreen)
        assert screen.plan is not None and screen.plan.count == 5  # step 4's preset
        screen.query_one("#sweep-values-1", Input).value = "5, ten"
        await pilot.pause(CHECK_AFTER + 0.2)  # checked once the typing pauses
        said = str(screen.query_one("#sweep-error-1", Static).render())
        assert "✗ value 2 (ten): not a number" in said
        assert screen.plan is None
        assert screen.check_action("start", ()) is None  # shown, greyed
        screen.set_focus(None)
        await pilot.press("t")  # nothing starts: a word instead
        await pilot.pause()
        assert app.sweep_state is None
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SweepScreen)


async def test_a_model_of_a_sweep_reaches_the_run_table_and_the_app_as_run_news():
    from tui.lab.sweep_runner import state_from_dict
    from tui.messages import RunUpdated, SweepUpdated

    app = replay.replay_app()
    heard = []
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        state = state_from_dict(replay.fixture("sweep_step4.json"))
        sent = app.post_message

        def spy(message):
            heard.append(message)
            return sent(message)

        app.post_message = spy  # type: ignore[method-assign]
        replay.remember(app, runs=tuple(state.runs))  # the lab publishes each model as it adopts it
        app.post_message(SweepUpdated(state, state.runs[0]))
        await pilot.pause()
        assert app.sweep_state is state
        assert state.runs[0].run_id in app.runs
        assert [m.run.run_id for m in heard if isinstance(m, RunUpdated)] == [state.runs[0].run_id]
        assert 4 in app.done  # a finished model of the step ticks it, as a run trained from the form does


# -- the sweep screen's keys and form, without H2O ------------------------------------------------


async def _sweep_screen(pilot, number: int = 4):
    from screens.sweep import SweepScreen

    app = pilot.app
    app.show_step(number)
    await replay.drawn(pilot)
    await pilot.press("s")
    await pilot.pause()
    assert isinstance(app.screen, SweepScreen)
    return app.screen


def _running_sweep(app, number: int):
    """A sweep of step ``number`` as the lab knows it while its grid trains (no cluster: only the state)."""
    from tui.lab.sweep_runner import SweepState

    plan = SweepPlan(step(number).spec(), [Axis("epochs", [2.0, 5.0])])
    state = SweepState(sweep_id="sweep-1", plan=plan)
    app.lab.sweeps.current = state
    app.sweep_state = state
    return state


async def test_q_on_the_sweep_screen_asks_to_quit_and_says_a_sweep_keeps_its_models():
    from textual.widgets import Static

    from screens.dialogs import ConfirmDialog
    from screens.sweep import SweepScreen
    from tui.lab.sweep_runner import SWEEP_DONE

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        screen = await _sweep_screen(pilot)
        assert "q" in {k for k, b in screen.active_bindings.items() if b.binding.show}  # the footer lists it
        state = _running_sweep(app, 4)
        screen.set_focus(None)
        await pilot.press("q")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        said = " ".join(str(w.render()) for w in dialog.query(Static))
        assert "A sweep is training" in said and "kept" in said
        await pilot.press("n")  # keep training
        await pilot.pause()
        assert isinstance(app.screen, SweepScreen) and app.is_running
        state.status = SWEEP_DONE


async def test_escape_leaves_the_field_first_and_the_values_are_there_next_time():
    from textual.widgets import Input, Select

    from screens.sweep import SweepScreen
    from widgets.sweep_form import OWN

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        screen = await _sweep_screen(pilot)
        field = screen.query_one("#sweep-values-1", Input)
        field.focus()
        field.value = ""
        await pilot.press(*"3,6,9")
        await pilot.pause()
        assert screen.query_one("#sweep-preset", Select).value == OWN  # edited: no longer the preset's values
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.focused is None  # out of the field, still here
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SweepScreen)
        again = await _sweep_screen(pilot)
        assert again is not screen
        assert again.query_one("#sweep-values-1", Input).value == "3,6,9"
        assert again.query_one("#sweep-preset", Select).value == OWN
        assert again.plan is not None and again.plan.count == 3
        preset = presets_for(4)[0]
        again.query_one("#sweep-preset", Select).value = preset.key  # the preset chosen again: its values back
        await pilot.pause()
        assert again.query_one("#sweep-values-1", Input).value == preset.axes[0][1]
        assert again.plan is not None and again.plan.count == 5


async def test_every_bad_value_shows_under_its_field_at_once():
    from textual.widgets import Input, Static

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        screen = await _sweep_screen(pilot)
        screen.query_one("#sweep-values-1", Input).value = "5, ten, -1"
        await pilot.pause(CHECK_AFTER + 0.2)  # checked once the typing pauses
        said = str(screen.query_one("#sweep-error-1", Static).render())
        assert "value 2 (ten): not a number · value 3 (-1): must be > 0" in said


async def test_t_is_refused_on_any_step_while_a_sweep_trains_and_its_step_shows_busy():
    from tui.lab.sweep_runner import SWEEP_DONE
    from widgets.steps import StepList

    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        app.show_step(5)
        await replay.drawn(pilot)
        state = _running_sweep(app, 4)
        app.refresh_chrome()
        await pilot.pause()
        assert 4 in app.lab_screen.query_one(StepList).busy
        trained = []
        view = app.current_view()
        view._controls.train = lambda: trained.append(True)  # what t would start
        await pilot.press("t")
        await pilot.pause()
        assert trained == []
        said = [n.message for n in app._notifications]
        assert any("sweep is training on step 4" in m and "x" in m for m in said)
        state.status = SWEEP_DONE
        app.refresh_chrome()
        await pilot.pause()
        assert 4 not in app.lab_screen.query_one(StepList).busy


def test_the_heat_maps_worst_is_always_the_lightest_shade_and_curves_say_which_rows():
    from tui.lab.sweep_runner import state_from_dict
    from widgets.sweep_board import SHADES, curves, shade

    for count in range(2, 25):
        marks = [shade(rank, count) for rank in range(count)]
        assert marks[0] == SHADES[0] and marks[-1] == SHADES[-1], count
        assert marks == sorted(marks, key=SHADES.index)  # never lighter for a better model
    assert [shade(rank, 4) for rank in range(4)] == ["█", "▓", "░", "·"]
    state = state_from_dict(replay.fixture("sweep_step4.json"))
    which, headers, series = curves(state, "mse")
    assert which == "validation" and headers == ["run", *state.plan.names] and len(series) == len(state.runs)
