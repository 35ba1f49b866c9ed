"""A finished run's answers row by row, and a car of the learner's own scored on the real cluster."""

from __future__ import annotations

import pytest

from tests.waiting import rendered, until
from tui.app import make_app
from tui.lab.params import canonical
from tui.lab.predictions import outside
from tui.lab.steps import step
from tui.lab.training import DONE


def test_values_outside_the_training_range_are_named():
    ranges = {"year": (70.0, 82.0), "weight": (1613.0, 5140.0)}
    notes = outside({"year": 95.0, "weight": 3000.0}, ranges)
    assert list(notes) == ["year"] and "70 to 82" in notes["year"]


@pytest.fixture(scope="module")
def cars_run(lab, cars):
    spec = step(4).spec()
    spec.params = canonical(spec.params, {m.name: m for m in lab.param_metas()})
    spec.params["epochs"] = 3.0
    run = lab.train(spec)
    assert run.status == DONE, run.error
    return run


def test_the_rows_are_the_validation_cars_with_h2os_predictions(lab, cars_run):
    import h2o

    found = lab.predictions(cars_run)
    assert found.kind == "regression" and found.scored_on == "validation"
    _train, valid = lab.data.training_frames(cars_run.spec)
    assert found.total == valid.nrows and len(found.rows) == min(200, valid.nrows)
    theirs = h2o.get_model(cars_run.model_id).predict(valid)["predict"].as_data_frame(use_pandas=False, header=False)
    assert found.column("predicted") == pytest.approx([float(r[0]) for r in theirs[: len(found.rows)]])
    first = dict(zip(found.columns, found.rows[0]))
    assert first["residual"] == pytest.approx(first["actual"] - first["predicted"])
    assert found.ranges["year"] == (70.0, 82.0)
    assert valid.nrows == lab.data.training_frames(cars_run.spec)[1].nrows  # the lab's frame is left whole


async def test_a_car_of_ones_own_changes_the_answer(lab, cars_run):
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.cluster_state == "ready" and app.metas, what="cluster and parameter list")
        app.show_step(4)
        view = app.lab_screen.view(4)
        await until(pilot, lambda: view.form is not None, what="step 4's form")
        view.show_run(cars_run)
        view.show_tab("inside-pane")
        panel = view.query_one("#predictions")
        await until(pilot, lambda: panel.predictions is not None, what="the predictions read")
        first = panel.predictions.rows[0]
        assert view.query_one("#try-year").value == f"{first[panel.predictions.columns.index('year')]:g}"
        year = view.query_one("#try-year")
        year.value = "95"
        year.focus()
        await pilot.press("enter")
        answer = view.query_one("#try-answer")
        await until(pilot, lambda: "The model says" in rendered(answer), what=lambda: rendered(answer))
        assert "year outside the training rows' range (70 to 82)" in rendered(answer)
        said = float(rendered(answer).split("The model says ")[1].split()[0])
        assert said != pytest.approx(first[panel.predictions.columns.index("predicted")])


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_the_answers_row_by_row_and_a_car_of_ones_own(snap_compare, size):
    """Recorded from a real step-4 run: the validation cars, the residuals, and a car from 1995 (outside the
    training years, which the answer says)."""
    from tests import replay
    from tui.lab.predictions import Predictions, RowScore
    from tui.lab.training import Run

    recorded = replay.fixture("predictions_step4.json")

    async def before(pilot):
        run = Run.from_dict(recorded["run"])
        await replay.show_run(pilot, 4, tab="inside-pane", recorded=run)
        panel = pilot.app.lab_screen.view(4).query_one("#predictions")
        panel.show_predictions(Predictions.from_dict(recorded["predictions"]))
        await pilot.pause()
        from textual.widgets import Input

        with panel.prevent(Input.Changed):  # the recorded answer stands for the one the cluster gave
            for name, value in recorded["car"].items():
                panel.query_one(f"#try-{name}").value = f"{value:g}"
        panel.show_score(RowScore.from_dict(recorded["score"]))
        panel.query_one("#try-answer").scroll_visible(animate=False)
        await replay.settle(pilot)

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)


async def test_drawing_on_the_pad_changes_the_ten_probabilities(lab):
    """MNIST: the first test digit comes to the pad; drawing a stroke across it asks the model again."""
    from tui.lab.training import DONE

    lab.load_mnist()
    spec = step(11).spec()
    spec.params = canonical(spec.params, {m.name: m for m in lab.param_metas()})
    spec.params.update(epochs=1.0, hidden=[32])
    spec.sample_rows = 1000
    run = lab.train(spec)
    assert run.status == DONE, run.error
    app = make_app(lab, health_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.cluster_state == "ready" and app.metas, what="cluster and parameter list")
        app.show_step(11)
        view = app.lab_screen.view(11)
        await until(pilot, lambda: view.form is not None, what="step 11's form")
        view.show_run(run)
        view.show_tab("inside-pane")
        pad = view.query_one("#digit-pad")
        canvas = view.query_one("#pad-canvas")
        await until(pilot, lambda: pad.score is not None, what="the first test digit read by the model")
        first_digit = list(canvas.pixels)
        assert any(first_digit)
        before = dict(pad.score.probabilities)
        assert set(before) == {str(d) for d in range(10)} and sum(before.values()) == pytest.approx(1, abs=1e-3)
        canvas.focus()
        await pilot.press("c")  # a blank pad, then a stroke: a vertical line down the middle
        await pilot.press("space", *["down"] * 10, "space")
        await until(pilot, lambda: pad.score is not None and pad.score.probabilities != before, what="new answer")
        assert sum(1 for p in canvas.pixels if p) == 11
        assert "The model reads a" in rendered(view.query_one("#pad-bars"))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_the_drawing_pad_with_a_test_digit(snap_compare, size):
    """Recorded from a real MNIST run on a sample: its answers on the test digits, and the pad holding the first
    of them with the model's ten probabilities."""
    from tests import replay
    from tui.lab.mnist import Digit
    from tui.lab.predictions import Predictions, RowScore
    from tui.lab.training import Run

    recorded = replay.fixture("predictions_step11.json")

    async def before(pilot):
        await replay.mnist_run(pilot, "inside-pane", recorded=Run.from_dict(recorded["run"]))
        view = pilot.app.lab_screen.view(11)
        view.query_one("#predictions").show_predictions(Predictions.from_dict(recorded["predictions"]))
        await pilot.pause()
        pad = view.query_one("#digit-pad")
        pad.load(Digit.from_dict(recorded["digit"]).pixels, row=0)
        pad.show_score(RowScore.from_dict(recorded["score"]))
        pad.query_one("#pad-canvas").focus()
        pad.scroll_visible(animate=False, top=True)
        await replay.settle(pilot)

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)
