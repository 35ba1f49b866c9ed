"""Step 8's figures for weights near zero: the form's note, the README and the module give the measured ones."""

from __future__ import annotations

import re
from pathlib import Path

from tui.lab import weights
from tui.lab.weights import MEASURED_NEAR_ZERO, STRONG_L1, WEAK_L1, weak_l1_note

ROOT = Path(__file__).resolve().parents[1]


def test_the_forms_note_gives_the_measured_shares():
    note = weak_l1_note({"l1": WEAK_L1})["l1"]
    for key in ("l1=1e-5", "no penalty", "l1=1e-3"):
        assert MEASURED_NEAR_ZERO[key] in note, key
    assert f"with {STRONG_L1:g}, {MEASURED_NEAR_ZERO['l1=1e-3']}" in note


def test_the_readme_gives_the_same_shares_and_the_bench_that_prints_them():
    readme = (ROOT / "README.md").read_text()
    row = next(line for line in readme.splitlines() if line.startswith("| 8 L1 and L2 |"))
    shares = set(re.findall(r"\d+(?:\.\d+)?(?:-\d+)?%", row))
    assert shares == {MEASURED_NEAR_ZERO[k] for k in ("l1=1e-5", "no penalty", "l1=1e-3")}
    assert "bench/l1_zeros.py" in row
    assert (ROOT / "bench" / "l1_zeros.py").is_file()


def test_the_module_names_the_command_and_its_figures():
    doc = weights.__doc__ or ""
    assert "bench/l1_zeros.py" in doc
    for share in MEASURED_NEAR_ZERO.values():
        assert share in doc


def test_the_bench_measures_every_penalty_named():
    from bench import l1_zeros

    named = {name for name, _ in l1_zeros.PENALTIES}
    assert set(MEASURED_NEAR_ZERO) <= named
    assert {"l2=1e-3"} <= named
