"""``h2o-lab export --local-data`` finds the copies the journal's runs read, and every subcommand's usage mistake
ends with status 2 and a message, never a traceback."""

from __future__ import annotations

import pytest

from tests import replay
from tests.helpers import TEST_DATA
from tui.export_cli import main as export_main
from tui.lab.journal import Journal


def _journal(tmp_path, steps=(3, 11), where=str(TEST_DATA)):
    """A journal of recorded runs whose scripts read the data from ``where`` (as the lab records it)."""
    journal = Journal(tmp_path / "journal.sqlite3")
    for order, number in enumerate(steps):
        run = replay.run(number)
        run.code = run.code.replace("/srv/lab-data", where)
        run.finished_at = run.finished_at - run.started_at + order + 1 if run.finished_at else None
        run.started_at = float(order + 1)
        run.session = "the-session"
        journal.save_run(run)
    journal.close()
    return journal.path


@pytest.fixture
def no_data_dir(monkeypatch, tmp_path):
    """No H2O_LAB_DATA, and an empty cache: only the journal can say where the data was."""
    monkeypatch.delenv("H2O_LAB_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_local_data_without_data_dir_uses_the_copies_the_runs_read(tmp_path, no_data_dir, capsys):
    journal = _journal(tmp_path)
    script = tmp_path / "offline.py"
    assert export_main(["--journal", str(journal), "--output", str(script), "--local-data"]) == 0, capsys.readouterr()
    text = script.read_text()
    assert f'cars = h2o.import_file("{TEST_DATA / "cars_20mpg.csv"}")' in text
    assert f'mnist_train = h2o.import_file("{TEST_DATA / "mnist" / "train.csv.gz"}"' in text
    assert f'mnist_test = h2o.import_file("{TEST_DATA / "mnist" / "test.csv.gz"}"' in text
    assert "https://" not in text.split("mnist_response")[0].split("import h2o")[1]

    # The default export names them in a comment too.
    default = tmp_path / "default.py"
    assert export_main(["--journal", str(journal), "--output", str(default)]) == 0
    assert f"# a local copy: cars = h2o.import_file('{TEST_DATA / 'cars_20mpg.csv'}')" in default.read_text()


def test_local_data_with_no_copy_left_is_a_usage_error(tmp_path, no_data_dir, capsys):
    journal = _journal(tmp_path, where=str(tmp_path / "gone"))
    with pytest.raises(SystemExit) as exit_:
        export_main(["--journal", str(journal), "--output", str(tmp_path / "x.py"), "--local-data"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--data-dir" in err and "cars_20mpg.csv" in err and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("h2o-lab export: error: ")


@pytest.mark.parametrize(
    "argv,said",
    [
        (["export", "--output", "~nobody-here/x.py"], "~nobody-here"),
        (["export", "--journal", "~nobody-here/j.sqlite3"], "~nobody-here"),
        (["export", "--data-dir", "~nobody-here/d"], "~nobody-here"),
        (["export", "--data-dir", "/no/such/dir"], "no such directory"),
        (["export", "--data-dir", __file__], "not a directory"),
        (["class", "--count", "2", "--output", "~nobody-here/c"], "~nobody-here"),
        (["class", "--count", "2", "--host", ""], "--host"),
        (["class", "--count", "2", "--host", "a b"], "--host"),
        (["class", "--count", "2", "--host", "http://x"], "--host"),
        (["--url", "http://h:54321", "--user", ""], "--user"),
        (["--url", "http://[::1"], "not a cluster address"),
        (["--url", "http://h:0"], "invalid port"),
        (["--data-dir", ""], "--data-dir"),
    ],
)
def test_every_usage_mistake_exits_2_with_one_line(argv, said, tmp_path, monkeypatch, capsys):
    from tui.cli import main, parse_args

    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        # the app's own flags are checked by parse_args, before anything starts (main would start the app)
        main(argv) if argv[0] in ("export", "class") else parse_args(argv, environ={})
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert ": error: " in last and said in last, err
    assert not (tmp_path / "h2o-class").exists()


@pytest.mark.parametrize("value,said", [("/nonexistent", "no such directory"), (__file__, "not a directory")])
def test_export_names_the_variable_a_wrong_data_dir_came_from(value, said, monkeypatch, capsys):
    monkeypatch.setenv("H2O_LAB_DATA", value)
    with pytest.raises(SystemExit) as exit_:
        export_main([])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].endswith(f"error: H2O_LAB_DATA={value}: {said}")
