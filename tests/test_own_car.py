"""A car of one's own at 80x24: a value far outside the training rows is said first, beside the model's answer, and
the answer comes into view when it changes."""

from __future__ import annotations

import pytest
from textual.containers import ScrollableContainer

from tests import replay
from tests.waiting import rendered, until
from tui.lab.predictions import Predictions, RowScore, outside
from tui.lab.training import Run


@pytest.mark.parametrize("typed", ["99999999999999", "1e308"])
async def test_a_value_outside_the_training_rows_is_said_beside_the_answer_in_view(typed):
    recorded = replay.fixture("predictions_step4.json")
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.show_run(pilot, 4, tab="inside-pane", recorded=Run.from_dict(recorded["run"]))
        view = app.lab_screen.view(4)
        panel = view.query_one("#predictions")
        predictions = Predictions.from_dict(recorded["predictions"])
        panel.show_predictions(predictions)
        await pilot.pause()
        car = dict(recorded["car"], displacement=float(typed), year=76.0)
        answer = panel.query_one("#try-answer")
        # The top of the tab in view, as when the learner comes to it: the answer is further down.
        scroller = next(a for a in answer.ancestors if isinstance(a, ScrollableContainer) and a.allow_vertical_scroll)
        scroller.scroll_home(animate=False)
        await pilot.pause()
        # What the cluster answers for such a car (a prediction far off, as the model extrapolates).
        panel.show_score(RowScore(predicted=2.988e11, notes=outside(car, predictions.ranges)))
        await replay.settle(pilot)
        said = " ".join(rendered(answer).split())
        warning = "displacement outside the training rows' range (70 to 455)"
        assert said.startswith(warning) or said.startswith("⚠ " + warning), said
        assert "The model says 2.988e+11 for cylinders" in said
        await until(
            pilot,
            lambda: scroller.region.contains_region(answer.region),
            what=lambda: f"the answer {answer.region} in view of {scroller.region}",
            timeout=10,
        )
