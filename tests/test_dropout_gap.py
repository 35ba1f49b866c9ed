"""Dropout's claim on the learner's runs: the gap between training and validation error, with and without it."""

from __future__ import annotations

import pytest

from tests import replay
from tui.lab.inside import dropout_verdict, fit_gap, has_dropout, without_dropout
from tui.lab.steps import step
from tui.lab.training import DONE, FAILED, Run


def a_run(number: int, run_id: str, train: float, valid: float, status: str = DONE, **params) -> Run:
    spec = step(number).spec()
    spec.params.update(params)
    run = Run(run_id=run_id, spec=spec, status=status)
    run.metrics = {"training": {"MSE": train}, "validation": {"MSE": valid}}
    return run


def test_which_runs_drop_units():
    assert has_dropout(step(5).spec().params)
    assert not has_dropout(step(4).spec().params)
    assert not has_dropout({"activation": "TanhWithDropout", "hidden_dropout_ratios": [0, 0]}), "ratios of 0"
    assert has_dropout({"activation": "TanhWithDropout"}), "unset: H2O's 0.5"
    assert has_dropout({"activation": "Tanh", "input_dropout_ratio": 0.2})


def test_the_comparison_is_the_latest_run_of_the_same_network_without_dropout():
    five = a_run(5, "run-9", 0.10, 0.12)
    runs = [
        a_run(4, "run-1", 0.05, 0.20),
        a_run(4, "run-2", 0.06, 0.16),
        a_run(4, "run-3", 0.01, 0.30, status=FAILED),  # not finished: no values
        a_run(4, "run-4", 0.01, 0.30, hidden=[50]),  # another network
        a_run(5, "run-5", 0.02, 0.30),  # with dropout
        five,
    ]
    base = without_dropout(five, runs)
    assert base.run_id == "run-2"
    verdict = dropout_verdict(fit_gap(five), fit_gap(base))
    assert verdict.startswith("Dropout narrowed the gap from 0.1000 to 0.0200")


def test_the_verdict_follows_the_numbers():
    this = fit_gap(a_run(5, "run-5", 0.16, 0.15))
    assert "did not overfit" in dropout_verdict(this, fit_gap(a_run(4, "run-4", 0.17, 0.16)))
    assert "did not narrow" in dropout_verdict(fit_gap(a_run(5, "run-5", 0.1, 0.3)), fit_gap(a_run(4, "r", 0.1, 0.2)))
    assert "No run of the same network" in dropout_verdict(this, None)
    assert fit_gap(Run(run_id="x", spec=step(3).spec())) is None


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_the_inside_tab_shows_the_gap_beside_the_run_without_dropout(snap_compare, size):
    async def before(pilot):
        await replay.loaded(pilot)
        replay.replayed_run(pilot.app, replay.run(4))
        await replay.show_run(pilot, 5, tab="inside-pane")
        pilot.app.lab_screen.view(5).query_one("#gap-text").scroll_visible(animate=False)
        await pilot.pause()

    assert snap_compare(replay.replay_app(), terminal_size=size, run_before=before)
