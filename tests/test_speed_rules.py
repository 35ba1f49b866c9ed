"""When a speed trial is worth its cost."""

from __future__ import annotations

from tui.lab.speed import trial_pays
from tui.lab.steps import step


def mnist_spec(epochs: float, hidden: list[int] | None = None):
    spec = step(11).spec()
    spec.params = {**spec.params, "epochs": epochs, "hidden": hidden or [64]}
    return spec


def test_a_trial_costing_more_than_a_tenth_of_its_run_is_skipped():
    # 5,000 rows, 1 epoch: two trial iterations of 5,000 rows are twice the run.
    assert not trial_pays(mnist_spec(1), 5000)
    assert not trial_pays(mnist_spec(10), 5000)  # 10,000 trial samples against 50,000
    assert trial_pays(mnist_spec(20), 5000)  # 10,000 against 100,000: a tenth
    # Every digit, the walkthrough's 10 epochs: trial iterations of 6,000 rows against 600,000 samples.
    assert trial_pays(mnist_spec(10), 60000)
    assert not trial_pays(mnist_spec(0.1), 60000)
