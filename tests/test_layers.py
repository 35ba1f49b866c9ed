"""The layers stay apart: the domain never imports Textual; screens and widgets never import h2o."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT


def imported_modules(package: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_domain_never_imports_textual_or_the_ui():
    offenders = {
        path: names & {"textual", "textual_plotext", "rich", "screens", "widgets"}
        for path, names in imported_modules(ROOT / "tui" / "lab").items()
    }
    assert {p: n for p, n in offenders.items() if n} == {}


def test_screens_and_widgets_never_import_h2o():
    for package in ("screens", "widgets"):
        offenders = {path: names & {"h2o"} for path, names in imported_modules(ROOT / package).items()}
        assert {p: n for p, n in offenders.items() if n} == {}


def test_importing_the_domain_loads_no_textual_and_the_ui_loads_no_h2o():
    code = (
        "import sys, pkgutil, importlib\n"
        "import tui.lab\n"
        "for m in pkgutil.iter_modules(tui.lab.__path__): importlib.import_module('tui.lab.' + m.name)\n"
        "assert not any(k == 'textual' or k.startswith('textual.') for k in sys.modules), 'textual loaded'\n"
        "import screens, widgets\n"
        "for pkg in (screens, widgets):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__): importlib.import_module(pkg.__name__ + '.' + m.name)\n"
        "import tui.app\n"
        "assert 'h2o' not in sys.modules, 'h2o loaded by the UI'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
