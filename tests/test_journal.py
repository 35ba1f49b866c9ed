"""The run journal: round trips, unusable files, a full disk, saved models, and no secrets inside."""

from __future__ import annotations

import sqlite3

from tests.waiting import wait_until
from tui.lab.journal import SCHEMA_VERSION, Journal
from tui.lab.steps import step
from tui.lab.training import DONE, RUNNING, Run, ScoringHistory


def a_run(run_id: str = "run-1", status: str = DONE, rows: int = 3) -> Run:
    history = ScoringHistory(["epochs", "training_rmse"], [[float(i), 1.0 / (i + 1)] for i in range(rows)])
    return Run(
        run_id=run_id,
        spec=step(4).spec(),
        status=status,
        model_id=f"model_{run_id}",
        history=history,
        metrics={"training": {"MSE": 0.25}},
    )


def test_round_trip(tmp_path):
    path = tmp_path / "journal.sqlite3"
    journal = Journal(path)
    journal.save_run(a_run("run-1"))
    journal.save_run(a_run("run-2", rows=5), model_path="/models/run-2.bin")
    journal.save_state("progress", {"current": 5, "done": [1, 2, 3], "forms": {"5": {"params": {"epochs": 30}}}})
    journal.close()

    again = Journal(path)
    runs = again.runs()
    assert [r.run_id for r, _ in runs] == ["run-1", "run-2"]
    assert runs[1][1] == "/models/run-2.bin"
    assert len(runs[1][0].history) == 5 and runs[1][0].metric("MSE") == 0.25
    assert again.state("progress")["forms"]["5"]["params"]["epochs"] == 30
    assert again.problem == ""


def test_a_run_is_updated_in_place_as_it_trains(tmp_path):
    journal = Journal(tmp_path / "j.sqlite3")
    run = a_run(status=RUNNING, rows=1)
    journal.save_run(run)
    run.history.rows.append([1.0, 0.5])
    run.status = DONE
    journal.save_run(run)
    ((saved, _path),) = journal.runs()
    assert saved.status == DONE and len(saved.history) == 2


def test_a_corrupt_journal_is_moved_aside_and_a_new_one_started(tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"this is not a database " * 100)
    journal = Journal(path)
    assert journal.usable
    assert "moved to" in journal.problem
    assert list(tmp_path.glob("journal.sqlite3.unreadable-*"))
    assert journal.save_run(a_run())
    assert len(journal.runs()) == 1


def test_a_journal_from_a_newer_version_is_left_alone(tmp_path):
    path = tmp_path / "journal.sqlite3"
    Journal(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value=? WHERE key='schema'", (str(SCHEMA_VERSION + 1),))
    before = path.read_bytes()
    journal = Journal(path)
    assert not journal.usable and "newer h2o-lab" in journal.problem
    assert not journal.save_run(a_run())
    assert path.read_bytes() == before


def test_an_unusable_place_is_skipped_with_a_message(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file")
    journal = Journal(blocker / "journal.sqlite3")
    assert not journal.usable and "cannot be kept" in journal.problem
    assert journal.runs() == [] and journal.state("progress", {}) == {}


def test_a_full_disk_is_told_and_the_app_goes_on(tmp_path):
    told = []
    journal = Journal(tmp_path / "j.sqlite3", on_problem=told.append)
    journal._db.execute("PRAGMA max_page_count = 8")  # SQLite's own 'database or disk is full'
    big = a_run(rows=20000)
    assert journal.save_run(big) is False
    assert told and "disk is full" in told[-1]
    assert journal.save_run(a_run("run-9")) is False  # no crash, no more writes


def test_a_lab_marks_runs_left_running_as_interrupted_and_numbers_on(tmp_path):
    from tui.lab.service import Lab, LabConfig

    path = tmp_path / "journal.sqlite3"
    journal = Journal(path)
    journal.save_run(a_run("run-7", status=RUNNING))
    journal.close()
    lab = Lab(LabConfig(journal_path=path, models_dir=tmp_path / "models"))
    assert [r.status for r in lab.past_runs] == ["interrupted"]
    assert lab.new_run(step(4).spec()).run_id == "run-8"
    lab.journal.close()


def test_models_are_saved_and_load_again(lab, cars):
    import h2o

    spec = step(4).spec()
    spec.params["epochs"] = 1
    run = lab.train(spec)
    path = lab.model_paths[run.run_id]
    assert path and __import__("os").path.exists(path)
    assert lab.journal.model_path(run.run_id) == path
    h2o.remove(run.model_id)
    lab._in_cluster.discard(run.model_id)
    lab.reload_run(run)
    assert h2o.get_model(run.model_id) is not None and lab.has_model(run)


def test_a_model_that_cannot_be_saved_is_told_and_the_run_kept(lab, cars, tmp_path):
    blocker = tmp_path / "models-file"
    blocker.write_text("a file where the models directory should be")
    saved_dir = lab.models_dir
    lab.models_dir = blocker
    try:
        spec = step(4).spec()
        spec.params["epochs"] = 1
        run = lab.train(spec)
    finally:
        lab.models_dir = saved_dir
    assert run.status == DONE
    assert any("cannot be saved" in note for note in run.notes)
    assert any(r.run_id == run.run_id for r, _ in lab.journal.runs())


def test_the_password_is_in_no_file_the_lab_writes(lab, cars):
    password = lab.cluster.auth[1].encode()
    spec = step(4).spec()
    spec.params["epochs"] = 1
    run = lab.train(spec)
    # The files hold this run before they are searched: the journal its row, H2O's log the requests about its model.
    assert any(r.run_id == run.run_id for r, _ in lab.journal.runs())
    wait_until(
        lambda: run.model_id in lab.cluster.stdout_path.read_text(errors="replace"),
        what=f"H2O's log to mention {run.model_id}",
    )
    journal_file = lab.journal.path
    files = [
        journal_file,
        journal_file.with_name(journal_file.name + "-wal"),
        lab.cluster.stdout_path,
        lab.cluster.stderr_path,
    ]
    files += list(lab.cluster.log_dir.rglob("*.log"))
    for path in files:
        if path.exists():
            assert password not in path.read_bytes(), path
