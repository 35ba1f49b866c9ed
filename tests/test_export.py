"""``h2o-lab export``: a real session's runs as a script that runs on its own, and as a valid notebook."""

from __future__ import annotations

import ast
import json
import os
import re
import socket
from pathlib import Path

import pytest

from tests.helpers import an_h2o_at_the_default_address, processes_with, run_plain_python
from tests.waiting import wait_until
from tui.export_cli import main as export_main
from tui.lab.export import ExportError, build, choose_runs, journal_runs, notebook
from tui.lab.journal import Journal
from tui.lab.training import DONE, Run, RunSpec

ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = ROOT / "tests" / "data"


def _session(lab, cars) -> list[Run]:
    """Step 3, step 4 and a run that continues step 4's: short, real, on the session's cluster."""
    from tui.lab.params import canonical
    from tui.lab.steps import step

    metas = {m.name: m for m in lab.param_metas()}
    runs = []
    for number in (3, 4):
        spec = step(number).spec()
        spec.params = canonical(spec.params, metas)
        spec.params["epochs"] = 1.0
        run = lab.train(spec)
        assert run.status == DONE, run.error
        runs.append(run)
    more = lab.continue_params(runs[-1])
    more["epochs"] = 2.0
    continued = step(4).spec()
    continued.params = {**more, "checkpoint": runs[-1].model_id}
    again = lab.train(continued)
    assert again.status == DONE and again.checkpoint_of == runs[-1].run_id, again.error
    return [*runs, again]


@pytest.mark.cluster
def test_a_real_session_exports_as_a_script_that_runs_and_a_valid_notebook(lab, cars, tmp_path, capsys):
    import nbformat

    runs = _session(lab, cars)
    journal = Journal(tmp_path / "journal.sqlite3")
    older = Run(run_id="run-0", spec=RunSpec(3, {}, "mpg", ["cylinders"]), status=DONE, session="an-earlier-one")
    older.started_at = runs[0].started_at - 3600
    journal.save_run(older)
    for run in runs:
        journal.save_run(run)
    journal.close()

    # The default: H2O's public addresses, with the local copy named in a comment.
    script = tmp_path / "session.py"
    assert export_main(["--journal", str(journal.path), "--output", str(script), "--data-dir", str(TEST_DATA)]) == 0
    assert "3 runs (steps 3, 4)" in capsys.readouterr().out  # the latest session only: not run-0
    text = script.read_text()
    ast.parse(text)
    assert 'cars = h2o.import_file("https://' in text and f"a local copy: cars = h2o.import_file('{TEST_DATA}" in text
    assert text.count(".train(") == 3 and "h2o.init(port=port, " in text and "\nh2o.init()" not in text
    continued_var = runs[2].run_id.replace("-", "_")
    base_var = runs[1].run_id.replace("-", "_")
    assert f"{continued_var} = H2ODeepLearningEstimator(" in text and f"checkpoint={base_var}.model_id" in text
    assert "# What the run showed in the lab:" in text

    # A classroom without internet: the local copies; the script runs unchanged on a cluster of its own.
    offline = tmp_path / "offline.py"
    argv = ["--journal", str(journal.path), "--output", str(offline), "--data-dir", str(TEST_DATA), "--local-data"]
    assert export_main(argv) == 0
    capsys.readouterr()
    work = tmp_path / "work"
    work.mkdir()
    before = set(processes_with("H2O_from_python_"))
    with an_h2o_at_the_default_address(work) as asked:
        done = run_plain_python(offline, work)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert not asked, f"the script asked the H2O already running: {asked}"
    assert "Starting server from" in done.stdout, done.stdout[-2000:]  # its own H2O, not the session's
    cores = re.search(r"H2O_cluster_allowed_cores:\s+(\d+)", done.stdout)
    assert cores and int(cores.group(1)) == max(1, (os.cpu_count() or 2) // 2), done.stdout[-2000:]
    # h2o-py stops its H2O as the script ends, and on a busy machine the JVM may take a moment more to go:
    # wait for it, with a bound that only a real leak reaches.
    wait_until(lambda: set(processes_with("H2O_from_python_")) <= before, timeout=30, what="the script's H2O to stop")

    # The notebook: valid nbformat 4, markdown (the lesson, the figures) before each run's code.
    book_path = tmp_path / "session.ipynb"
    assert export_main(["--journal", str(journal.path), "--output", str(book_path), "--data-dir", str(TEST_DATA)]) == 0
    book = nbformat.read(str(book_path), as_version=4)
    nbformat.validate(book)
    kinds = [c.cell_type for c in book.cells]
    assert kinds[:3] == ["markdown", "code", "code"] and kinds[3:] == ["markdown", "code"] * 3
    assert "run showed in the lab" in book.cells[3].source and ".train(" in book.cells[4].source
    json.loads(book_path.read_text())


def test_export_mistakes_are_said_plainly(tmp_path, capsys):
    with pytest.raises(SystemExit):
        export_main(["--journal", str(tmp_path / "none.sqlite3")])
    assert "no run journal" in capsys.readouterr().err
    empty = Journal(tmp_path / "empty.sqlite3")
    empty.close()
    assert export_main(["--journal", str(tmp_path / "empty.sqlite3"), "--output", str(tmp_path / "x.py")]) == 1
    assert "no finished run yet" in capsys.readouterr().err
    for argv, said in (
        (["--output", str(tmp_path / "x.txt")], "is written to a .py file"),
        (["--format", "ipynb", "--output", str(tmp_path / "x.py")], "is written to a .ipynb file"),
        (["--output", str(tmp_path / "no" / "x.py")], "does not exist"),
    ):
        with pytest.raises(SystemExit):
            export_main(["--journal", str(tmp_path / "empty.sqlite3"), *argv])
        assert said in capsys.readouterr().err
    (tmp_path / "taken.py").write_text("mine")
    with pytest.raises(SystemExit):
        export_main(["--journal", str(tmp_path / "empty.sqlite3"), "--output", str(tmp_path / "taken.py")])
    assert "--force" in capsys.readouterr().err and (tmp_path / "taken.py").read_text() == "mine"


def test_sessions_and_continued_runs_outside_the_export():
    def run(run_id, session, started, model="", checkpoint=""):
        spec = RunSpec(4, {"checkpoint": checkpoint} if checkpoint else {}, "mpg", ["cylinders"], split=True)
        made = Run(run_id=run_id, spec=spec, status=DONE, model_id=model, session=session)
        made.started_at = started
        return made

    first = run("run-1", "a", 1.0, model="m1")
    second = run("run-2", "b", 2.0, model="m2", checkpoint="m1")
    assert choose_runs([first, second]) == [second]
    assert choose_runs([first, second], "all") == [first, second]
    with pytest.raises(ExportError):
        choose_runs([first], "yesterday")
    export = build([second], [first, second])
    script = export.script()
    assert "Trained here because a run of this session continues it." in script
    assert "checkpoint=run_1.model_id" in script
    # its own H2O, bounded; joining a class cluster is a comment away
    assert 'h2o.init(port=port, max_mem_size="1g", nthreads=' in script and "\nh2o.init()" not in script
    assert '#     h2o.connect(url="http://HOST:54321"' in script
    assert script.index("run_1 = H2ODeepLearningEstimator") < script.index("run_2 = H2ODeepLearningEstimator")


def test_every_kind_of_step_exports_as_python_and_a_broken_journal_is_said(tmp_path):
    from tests import replay

    runs = [replay.run(n) for n in (3, 4, 11, 12)]  # recorded from real runs: cars, MNIST, the classifier
    for order, run in enumerate(runs):
        run.started_at = float(order)
    script = build(runs).script()
    ast.parse(script)
    assert "mnist_train = h2o.import_file(" in script and "model = run_12" in script
    assert "perf.find_threshold_by_max_metric" in script
    broken = tmp_path / "journal.sqlite3"
    broken.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ExportError, match="cannot be read"):
        journal_runs(broken)


async def test_the_export_key_writes_the_sessions_runs(tmp_path, monkeypatch):
    """w, then Enter: the runs of this session (recorded from real ones) as a script in the current folder."""
    from screens.export_dialog import ExportDialog
    from tests import replay
    from tests.waiting import until

    monkeypatch.chdir(tmp_path)
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        for step in (3, 4):
            recorded = replay.run(step)
            recorded.session = app.lab.session.token
            app.lab.jobs.runs.append(recorded)
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog), what="the export dialog")
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, ExportDialog), what="the export written")
    text = (tmp_path / "h2o-lab-session.py").read_text()
    ast.parse(text)
    assert text.count(".train(") == 2 and "h2o.init(port=port, " in text


async def test_the_export_dialog_says_what_is_wrong_at_the_file_name(tmp_path, monkeypatch):
    from screens.export_dialog import ExportDialog
    from tests import replay
    from tests.waiting import rendered, until

    monkeypatch.chdir(tmp_path)
    (tmp_path / "h2o-lab-session.py").write_text("mine")
    app = replay.replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await replay.loaded(pilot)
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog), what="the export dialog")
        error = app.screen.query_one("#export-error")
        await pilot.press("enter")
        await until(pilot, lambda: "exists" in rendered(error), what="the file that exists")
        app.screen.query_one("#export-path").value = "other.py"
        await pilot.press("enter")
        await until(pilot, lambda: "no finished run yet" in rendered(error), what=lambda: rendered(error))
        assert isinstance(app.screen, ExportDialog)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ExportDialog), what="escape closes")
    assert (tmp_path / "h2o-lab-session.py").read_text() == "mine" and not (tmp_path / "other.py").exists()


def test_a_steps_lesson_is_written_once_however_many_runs_it_had():
    from tests import replay
    from tui.lab.steps import step

    runs = []
    for order, number in enumerate((4, 4, 3, 4, 4, 4)):
        run = replay.run(number)
        run.run_id = f"run-{order}"
        run.model_id = ""
        run.started_at = float(order)
        runs.append(run)
    export = build(runs)
    lesson = step(4).lesson
    assert lesson and export.script().count(lesson[:40]) == 1
    markdown = [c.text for c in export.cells if c.kind == "markdown"]
    assert sum(lesson in text for text in markdown) == 1 and sum(step(3).lesson in text for text in markdown) == 1
    # every run still has its heading and its figures
    assert all(f"run-{order}, step" in "\n".join(markdown) for order in range(6))


@pytest.mark.cluster
def test_offline_the_default_export_stops_at_its_import_with_one_line(tmp_path):
    """The data's web address cannot be reached (here a closed port of this machine): the script says so in one
    line, names --local-data, and stops there, instead of failing on every later line; its H2O stops with it."""
    from tests import replay

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    url = f"http://127.0.0.1:{closed}/cars_20mpg.csv"
    script = tmp_path / "session.py"
    export = build([replay.run(4)], sources={"cars": (url, "")})
    script.write_text(export.script())
    # the notebook's import cell is the same code: SystemExit ends a Run All there, as a failing cell does
    assert "raise SystemExit(" in notebook(export).cells[2].source
    work = tmp_path / "work"
    work.mkdir()
    before = set(processes_with("H2O_from_python_"))
    done = run_plain_python(script, work)
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    said = done.stderr.strip().splitlines()
    assert len(said) == 1 and "Traceback" not in done.stderr, done.stderr[-3000:]
    assert f"127.0.0.1:{closed} cannot be reached" in said[0] and "h2o-lab export --local-data" in said[0]
    assert "Starting server from" in done.stdout and ".train(" not in done.stdout
    wait_until(lambda: set(processes_with("H2O_from_python_")) <= before, timeout=30, what="the script's H2O to stop")
