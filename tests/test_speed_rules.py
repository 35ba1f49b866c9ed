"""When a speed trial is worth its cost, and the speeds a journal keeps for the next session."""

from __future__ import annotations

from tui.lab.journal import Journal
from tui.lab.speed import STORE_KEY, Speeds, cluster_size, trial_pays
from tui.lab.steps import step
from tui.lab.training import speed_key


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


def test_finished_runs_speeds_come_back_in_the_next_session_on_a_cluster_of_the_same_size(tmp_path):
    path = tmp_path / "journal.sqlite3"
    spec, other = mnist_spec(10), mnist_spec(10, [200, 200])
    size = cluster_size(1, 2)
    first = Speeds(None, None)  # type: ignore[arg-type]  # neither jobs nor frames: no trial is run here
    journal = Journal(path)
    first.keep_in(journal, size)
    first.remember(spec, 2345.67)
    first.remember(other, 999.0, trial=True)  # a trial's speed is this session's only
    journal.close()

    journal = Journal(path)
    assert list(journal.state(STORE_KEY)) == [size]
    again = Speeds(None, None)  # type: ignore[arg-type]
    again.keep_in(journal, size)
    assert again.known(spec) == 2345.7
    assert again.known(other) is None
    elsewhere = Speeds(None, None)  # type: ignore[arg-type]
    elsewhere.keep_in(journal, cluster_size(4, 32))
    assert elsewhere.known(spec) is None, "a bigger cluster trains at another speed"
    assert speed_key(spec) != speed_key(other)
    journal.close()


def test_a_journal_with_speeds_of_another_version_is_read_without_a_fault(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite3")
    size = cluster_size(1, 2)
    odd = {"not json": 5.0, '["mnist", "x"]': 3.0, "[1, 2]": "fast", '["mnist", ["x"], "Tanh", false, false]': 2.0}
    journal.save_state(STORE_KEY, {size: odd})
    speeds = Speeds(None, None)  # type: ignore[arg-type]
    speeds.keep_in(journal, size)
    assert speeds.known(mnist_spec(10)) is None
    journal.close()
