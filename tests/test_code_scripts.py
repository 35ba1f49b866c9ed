"""The Code tab's script is the run's exact script: run on its own, it trains what the lab trained.

Each script runs in a Python process of its own, connected to the tests' cluster (its h2o.init() line is
swapped for a connect with the session's password); the parameters H2O reports for the script's model
(``actual_params``) must equal those of the lab's run, but for the names of frames and models.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys

import pytest

from tui.lab.steps import step
from tui.lab.training import DONE, Run

# Names the script's objects get from H2O, not from the parameters: they differ between any two runs.
NAMES = {"model_id", "training_frame", "validation_frame", "checkpoint"}


def _value(value):
    """A parameter as h2o-py and the REST API both give it (frames and columns by name)."""
    if isinstance(value, dict):
        return value.get("column_name") or value.get("name")
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value


def run_script(lab, code: str, output: list[str] | None = None) -> dict:
    """Run a script of the Code tab in its own Python; the actual parameters of its final ``model``."""
    lines = code.splitlines()
    connect = next(i for i, line in enumerate(lines) if line.startswith("h2o.init("))
    lines[connect] = (
        'h2o.connect(url=os.environ["LAB_URL"], auth=(os.environ["LAB_USER"], os.environ["LAB_PASSWORD"]), '
        "verbose=False)"
    )
    lines.insert(0, "import os")
    lines += [
        "import json",
        'print("ACTUAL=" + json.dumps(model.actual_params, default=str))',
    ]
    user, password = lab.cluster.auth
    env = dict(os.environ, LAB_URL=lab.cluster.url, LAB_USER=user, LAB_PASSWORD=password)
    done = subprocess.run(
        [sys.executable, "-c", "\n".join(lines)], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    if output is not None:
        output.append(done.stdout)
    found = [line for line in done.stdout.splitlines() if line.startswith("ACTUAL=")]
    assert found, done.stdout[-2000:]
    return json.loads(found[-1].removeprefix("ACTUAL="))


def same_params(run: Run, script: dict) -> None:
    """The script's model was trained with the lab run's parameters."""
    ours = {k: _value(v) for k, v in run.actual_params.items() if k not in NAMES}
    theirs = {k: _value(v) for k, v in script.items() if k not in NAMES}
    if run.spec.params.get("seed") in (None, -1):  # H2O draws a seed of its own for each model
        ours.pop("seed", None)
        theirs.pop("seed", None)
    for params in (ours, theirs):  # a set: h2o-py and the lab list the columns in different orders
        params["ignored_columns"] = sorted(params.get("ignored_columns") or [])
    different = {k: (ours.get(k), theirs.get(k)) for k in ours.keys() | theirs.keys() if ours.get(k) != theirs.get(k)}
    assert not different, different


def test_the_scripts_of_a_run_a_continued_run_and_step_12_train_what_the_lab_trained(lab, cars):
    four = step(4).spec()
    four.params["epochs"] = 3.0
    base = lab.train(four)
    assert base.status == DONE, base.error
    ast.parse(base.code)

    more = lab.continue_params(base)
    more["epochs"] = 6.0
    continued_spec = step(4).spec()
    continued_spec.params = {**more, "checkpoint": base.model_id}
    continued = lab.train(continued_spec)
    assert continued.status == DONE, continued.error
    assert continued.checkpoint_of == base.run_id
    # The script trains the base run, then continues it: it runs on its own.
    assert f"# {base.run_id}: the run this one continues" in continued.code
    assert "checkpoint=base.model_id" in continued.code

    twelve = step(12).spec()
    twelve.params["epochs"] = 3.0
    evaluated = lab.train(twelve)
    assert evaluated.status == DONE, evaluated.error
    for line in (
        "perf.auc()",
        "perf.aucpr()",
        "perf.fprs, perf.tprs",
        'find_threshold_by_max_metric("f1")',
        "perf.gains_lift()",
        "roc_curve(y_true, y_score)",
        "precision_recall_curve(y_true, y_score)",
    ):
        assert line in evaluated.code

    for run in (base, continued):
        same_params(run, run_script(lab, run.code))
    printed: list[str] = []
    same_params(evaluated, run_script(lab, evaluated.code, printed))
    # The evaluation part ran too: every criterion's threshold and H2O's gains/lift table.
    for metric in ("f2", "f0point5", "accuracy", "precision", "recall", "specificity", "absolute_mcc"):
        assert f"threshold of the highest {metric} " in printed[0]
    assert "Gains/Lift Table" in printed[0]
    # Without scikit-learn (the tests' machine) the walkthrough's route says what to install.
    assert "pip install scikit-learn" in printed[0] or "AUCPR, lines" in printed[0]


@pytest.mark.parametrize("own", [True, False], ids=["own cluster", "--url"])
def test_the_import_line_says_what_the_lab_did_with_the_file(lab, cars, own):
    """The lab's own cluster reads the file itself; a cluster given with --url is sent it (upload_file)."""
    from dataclasses import replace

    from tui.lab.code import Code

    config = replace(lab.config, cluster=replace(lab.config.cluster, url=None if own else "http://lab.example:54321"))
    code = Code(config, lab.data)
    import_line = next(line for line in code.import_code("cars").splitlines() if line.startswith("cars ="))
    run_line = next(line for line in code.code_for(step(4).spec()).splitlines() if line.startswith("cars ="))
    for line in (import_line, run_line):
        assert line.startswith("cars = h2o.import_file(" if own else "cars = h2o.upload_file("), line
        assert cars.source.path in line


@pytest.mark.parametrize("number", [3, 4, 9, 11, 12])
def test_comments_are_read_whole_at_80_columns(lab, cars, number):
    """Code scrolls sideways, never wraps; so no comment runs past the Code tab's width at 80 columns, but for
    an address longer than that width, which stands whole on a line of its own (cut in two, it could not be used)."""
    import ast
    import io
    import tokenize

    from tui.lab.code import Code
    from tui.lab.codegen import CODE_WIDTH

    code = Code(lab.config, lab.data)
    for script in (
        code.connect_code(),
        code.import_code("cars"),
        code.import_code("mnist"),
        code.code_for(step(number).spec()),
    ):
        ast.parse(script)  # still Python
        for token in tokenize.generate_tokens(io.StringIO(script).readline):
            if token.type == tokenize.COMMENT:
                words = token.string.lstrip("# ").split()
                if len(words) == 1 and "://" in words[0]:
                    assert token.line.strip() == token.string, f"an address shares its line: {token.line!r}"
                    continue
                assert token.end[1] <= CODE_WIDTH, f"cut at 80 columns: {token.line.rstrip()!r}"


def test_a_code_tab_script_runs_unchanged_on_an_h2o_of_its_own(lab, cars, tmp_path):
    """Copied from the Code tab and run with plain python: it starts a bounded H2O of its own on a free port (as the
    export does), never joining the H2O that answers where a bare h2o.init() looks first (another learner's)."""
    from tests.helpers import an_h2o_at_the_default_address, processes_with, run_plain_python
    from tests.waiting import wait_until
    from tui.lab.code import Code
    from tui.lab.export import build

    spec = step(3).spec()
    spec.params["epochs"] = 1.0
    script = Code(lab.config, lab.data).code_for(spec)
    assert "\nh2o.init()" not in script
    # The export's start (its first code cell), shared: the same lines, for the lab's heap.
    start = build([Run(run_id="run-1", spec=spec, status=DONE)]).cells[1].text
    heap = lab.config.cluster.max_mem
    assert start.replace('max_mem_size="1g"', f'max_mem_size="{heap}"') in script
    path = tmp_path / "step3.py"
    path.write_text(script)
    work = tmp_path / "work"
    work.mkdir()
    before = set(processes_with("H2O_from_python_"))
    with an_h2o_at_the_default_address(work) as asked:
        done = run_plain_python(path, work)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert not asked, f"the script asked the H2O already running: {asked}"
    assert "Starting server from" in done.stdout, done.stdout[-2000:]
    assert re.search(r"^\d+\.\d+(e-?\d+)?$", done.stdout, re.MULTILINE), done.stdout[-500:]  # the MSE it printed
    wait_until(lambda: set(processes_with("H2O_from_python_")) <= before, timeout=30, what="the script's H2O to stop")
