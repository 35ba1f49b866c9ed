"""Leaving a cluster the lab did not start as it was found: this session's frames and models are removed at quit.

A shared cluster (a class's, a department's) outlives the learner's session; what the lab made there would pile
up for every learner and every session. The lab removes exactly the keys it made: the frames it imported (named
with this session's token), their splits and samples, and its runs' models with their cross-validation models.
It never lists the cluster's keys to guess, so another learner's work is never touched.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import quote

from tui.lab.errors import LabError

log = logging.getLogger("h2o-lab")


def keys_made(frames: list[str], runs: list[Any]) -> list[str]:
    """The frames' keys, then each run's model and its cross-validation models (``<model>_cv_<n>``)."""
    keys = list(frames)
    for run in runs:
        if run.model_id:
            keys.append(run.model_id)
            folds = run.spec.params.get("nfolds") or 0
            keys += [f"{run.model_id}_cv_{i}" for i in range(1, int(folds) + 1)]
    return keys


def remove_keys(rest: Any, keys: list[str], budget: float = 10.0) -> list[str]:
    """Delete each key from the cluster (a key already gone is skipped); stop trying after ``budget`` seconds,
    so that quitting stays quick on a slow network. Returns the keys removed."""
    removed = []
    deadline = time.monotonic() + budget
    for key in keys:
        if time.monotonic() > deadline:
            log.warning("left on the cluster (no time left): %s", key)
            continue
        try:
            rest.delete(f"/3/DKV/{quote(key, safe='')}", timeout=5)
            removed.append(key)
        except LabError as exc:
            log.info("not removed from the cluster: %s (%s)", key, exc.message)
    log.info("removed from the cluster: %s", ", ".join(removed) or "nothing")
    return removed
