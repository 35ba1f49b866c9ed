"""Refuse to start H2O (any command line holding ``h2o.jar``) while ``H2O_LAB_TESTS_NO_H2O`` is set.

``tests/conftest.py`` sets the variable, to a file name, during every test that is not marked ``cluster``,
and puts this directory first on ``PYTHONPATH``. So the rule holds in the test process (conftest installs
the guard itself) and in every Python process such a test starts: the app in a terminal, helper scripts.
An attempt is written to the file the variable names before the error is raised, so the test fails with
a clear message even when the code under test catches the error.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys

VARIABLE = "H2O_LAB_TESTS_NO_H2O"


def starts_h2o(args) -> bool:
    """Whether a command line (a list, or one string for a shell) runs H2O's jar: a word that is h2o.jar."""
    try:
        if isinstance(args, (str, bytes)):
            args = os.fsdecode(args).split()
        return any(os.path.basename(os.fsdecode(part)) == "h2o.jar" for part in args)
    except TypeError:
        return False


def install() -> None:
    """Wrap ``subprocess.Popen`` (once): starting H2O raises while the variable is set."""
    if getattr(subprocess.Popen, "_h2o_lab_tests_guard", False):
        return
    original = subprocess.Popen.__init__

    def guarded_init(self, *args, **kwargs):
        record = os.environ.get(VARIABLE)
        command = kwargs.get("args", args[0] if args else None)
        if record and command is not None and starts_h2o(command):
            shown = command if isinstance(command, (str, bytes)) else " ".join(os.fsdecode(p) for p in command)
            with open(record, "a", encoding="utf-8") as fh:
                fh.write(f"process {os.getpid()} ({' '.join(sys.argv)[:200]}) tried to run: {shown[:300]}\n")
            raise PermissionError(
                errno.EPERM, "h2o-lab tests: this test is not marked 'cluster', so it may not start H2O (h2o.jar)"
            )
        original(self, *args, **kwargs)

    subprocess.Popen.__init__ = guarded_init
    subprocess.Popen._h2o_lab_tests_guard = True


def _run_the_next_sitecustomize() -> None:
    """This file shadows any other ``sitecustomize`` on the path: run that one too."""
    import importlib.machinery
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    path = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
    if spec is not None and spec.loader is not None and spec.origin != __file__:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


if __name__ == "sitecustomize":
    install()
    try:
        _run_the_next_sitecustomize()
    except Exception:  # another sitecustomize's trouble is not this guard's
        pass
