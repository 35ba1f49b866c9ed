"""The h2o-lab command: its flags, and real launches in a terminal that end without leaving a JVM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import Terminal, jvms_with
from tests.waiting import wait_until
from tui.cli import build_parser, parse_args

FLAGS = [
    "--nthreads",
    "--max-mem",
    "--port",
    "--url",
    "--user",
    "--insecure",
    "--data-dir",
    "--mirror",
    "--offline",
    "--version",
]


def test_help_explains_every_flag():
    text = build_parser().format_help()
    for flag in FLAGS:
        assert flag in text
    for action in build_parser()._actions:
        assert action.help, f"{action.option_strings} has no help"


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--max-mem", "lots"], "is not a memory size"),
        (["--max-mem", "999t"], "more than this machine's memory"),
        (["--max-mem", "1k"], "too small for H2O"),
        (["--nthreads", "0"], "1 or more, or -1"),
        (["--nthreads", "two"], "not a whole number"),
        (["--port", "80"], "from 1024 to 65534"),
        (["--url", "localhost:54321"], "use http://HOST:PORT"),
        (["--url", "http://h:notaport"], "invalid port"),
        (["--user", "alice"], "--user goes with --url"),
        (["--insecure"], "--insecure goes with --url"),
        (["--keep-on-cluster"], "--keep-on-cluster goes with --url"),
        (["--url", "http://h:54321", "--insecure"], "only applies to https"),
        (["--url", "http://h:54321", "--max-mem", "2g"], "cannot change an existing cluster"),
        (["--data-dir", "/no/such/dir"], "no such directory"),
        (["--mirror", "ftp://x"], "not a mirror address"),
        (["--bogus"], "unrecognized arguments"),
    ],
)
def test_bad_flags_exit_2_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        parse_args(argv, environ={})
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_data_dir_that_is_a_file(tmp_path, capsys):
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(SystemExit):
        parse_args(["--data-dir", str(path)], environ={})
    assert "not a directory" in capsys.readouterr().err


def test_user_password_comes_from_the_environment():
    _args, config = parse_args(["--url", "https://h:54321", "--user", "alice"], environ={"H2O_LAB_PASSWORD": "pw"})
    assert config.cluster.user == "alice" and config.cluster.password == "pw"
    assert "pw" not in repr(config.cluster)


def test_user_without_password_and_without_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", open(os.devnull))
    with pytest.raises(SystemExit):
        parse_args(["--url", "https://h:54321", "--user", "alice"], environ={})
    assert "H2O_LAB_PASSWORD" in capsys.readouterr().err


def test_version_and_help_run_from_the_console_script():
    exe = Path(sys.executable).with_name("h2o-lab")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "tui"]
    result = subprocess.run(command + ["--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "--data-dir" in result.stdout
    result = subprocess.run(command + ["--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("h2o-lab ")


@pytest.mark.parametrize("how", ["q", "ctrl+c", "SIGTERM", "SIGHUP"])
def test_every_way_out_stops_the_private_cluster(tmp_path, how):
    term = Terminal(tmp_path)
    try:
        term.wait_ready()
        assert jvms_with(term.marker), "the private JVM is not running"
        if how == "q":
            term.send("q")
        elif how == "ctrl+c":
            term.send("\x03")
        else:
            term.proc.send_signal(getattr(signal, how))
        # How fast it leaves is measured by bench/lost_cluster.py; this deadline only catches a hang.
        code = term.wait_exit(timeout=120)
        if how in ("q", "ctrl+c"):
            assert code == 0
        wait_until(lambda: not jvms_with(term.marker), what=f"the private JVM to stop after {how}")
        screen = term.output.decode(errors="replace")
        assert "Traceback" not in screen
        log = term.log.read_text()
        assert "cluster ready after" in log and "timings: first paint" in log
    finally:
        term.close()


@pytest.mark.parametrize(
    "variable,value,said",
    [
        ("H2O_LAB_DATA", "/nonexistent", "H2O_LAB_DATA=/nonexistent: no such directory"),
        ("H2O_LAB_DATA", __file__, f"H2O_LAB_DATA={__file__}: not a directory"),
        ("H2O_LAB_MIRROR", "ftp://x", "H2O_LAB_MIRROR=ftp://x: 'ftp://x' is not a mirror address"),
    ],
)
def test_a_bad_value_from_the_environment_names_its_variable(variable, value, said, capsys):
    with pytest.raises(SystemExit) as exit_:
        parse_args([], environ={variable: value})
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert said in err and "--data-dir" not in err.splitlines()[-1] and "--mirror" not in err.splitlines()[-1]


def test_the_flag_wins_over_the_environment(tmp_path):
    _args, config = parse_args(["--data-dir", str(tmp_path)], environ={"H2O_LAB_DATA": "/nonexistent"})
    assert config.data_dir == tmp_path.resolve()
    _args, config = parse_args([], environ={"H2O_LAB_DATA": str(tmp_path), "H2O_LAB_MIRROR": "https://m.example/"})
    assert config.data_dir == tmp_path.resolve() and config.mirror == "https://m.example/"


def test_more_threads_than_cores_is_said_but_accepted(capsys):
    from tui.cli import machine_cores

    _args, config = parse_args(["--nthreads", str(machine_cores() + 1)], environ={})
    assert config.cluster.nthreads == machine_cores() + 1
    err = capsys.readouterr().err
    assert err.startswith("h2o-lab: warning: ") and len(err.strip().splitlines()) == 1
    assert f"more than this machine's {machine_cores()} cores" in err
    parse_args(["--nthreads", str(machine_cores())], environ={})
    parse_args([], environ={})
    assert capsys.readouterr().err == ""
