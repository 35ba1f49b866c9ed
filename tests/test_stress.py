"""Random keys at random moments, in a real terminal, on a busy machine: the app never meets an internal error.

Each seed starts the app in a pseudo-terminal of 80x24 while CPU burners keep every core busy, and sends bursts
of keys from the app's own bindings and free text, at full speed: during start-up, the moment the cluster is
ready, while a step is being built, while a model trains, while a dialog is open, on every step. Never q,
Ctrl+C or Ctrl+Z in a burst; at the end q (and y when asked) must end the app, and no JVM may be left.
The engine and the long version (many seeds) are in bench/stress.py.
"""

from __future__ import annotations

import pytest

from bench.stress import Stress, binding_keys, log_problems
from tests.burner import burning

pytestmark = pytest.mark.cluster

SEEDS = (1, 2)
KEYS = 350  # per seed: most of a minute of keys, after the start-up (bench/stress.py sends more)


def test_the_bursts_never_quit():
    keys = binding_keys()
    assert {"n", "p", "t", "x", "i", "f", "k", "b", "escape", "tab", "pageup", "space", "question_mark"} <= set(keys)
    assert not {"q", "ctrl+c", "ctrl+z"} & set(keys)
    assert all(data not in ("q", "\x03", "\x1a") for data in keys.values())


def test_log_problems_tell_internal_errors_from_expected_ones():
    log = (
        "2026-01-01 10:00:00,000 INFO h2o-lab: cluster ready after 3.000 s\n"
        "2026-01-01 10:00:01,000 ERROR h2o-lab: worker _train_worker failed: TrainingError('H2O refused')\n"
        "2026-01-01 10:00:02,000 ERROR h2o-lab: internal error (the session goes on):\n"
        "Traceback (most recent call last):\n"
        '  File "/x/widgets/param_form.py", line 1, in show\n'
        "textual.css.query.NoMatches: No nodes match '.state' on ParamField()\n"
        "2026-01-01 10:00:03,000 INFO h2o-lab: started run-1\n"
    )
    problems = log_problems(log)
    assert len(problems) == 1 and "NoMatches" in problems[0]


@pytest.mark.parametrize("seed", SEEDS, ids=[f"seed{s}" for s in SEEDS])
def test_random_keys_at_random_moments(seed, tmp_path, record_testsuite_property):
    with burning():
        result = Stress(seed, KEYS, tmp_path).run()
    print(result.report())
    print(f"keys sent: {result.keys}")
    record_testsuite_property(f"stress_seed{seed}_keys_sent", result.keys)
    record_testsuite_property(f"stress_seed{seed}_problems", len(result.problems))
    assert result.keys >= min(KEYS, 100) or result.failure, result.report()
    assert not result.problems, result.report()
    assert not result.failure, result.report()
    assert result.alive_before_quit, result.report()
    assert result.exit_code == 0, result.report()
    assert result.jvms_left == [], result.report()
