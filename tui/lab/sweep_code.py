"""The h2o-py script of a sweep: the step's single-run script, turned into an ``H2OGridSearch``."""

from __future__ import annotations

import copy

from tui.lab import codegen
from tui.lab.code import Code
from tui.lab.sweep import GRID_SORT, HIGHER_IS_BETTER, SweepPlan


def sweep_code(code: Code, plan: SweepPlan, metric: str, grid_id: str) -> str:
    """What the lab's sweep runs, as a script: the same frames, split and parameters, one grid search."""
    spec = copy.deepcopy(plan.spec)
    spec.params = plan.base_params()
    script = code.code_for(spec)
    hyper = plan.hyper_params()
    sort_by, decreasing = GRID_SORT.get(metric, "mse"), metric in HIGHER_IS_BETTER
    text = codegen.grid_code(script, hyper, grid_id, sort_by, decreasing, plan.parallelism)
    return codegen.fit_comments(text)
