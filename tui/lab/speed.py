"""How fast this cluster trains a network: short trial jobs, and the speeds known so far."""

from __future__ import annotations

import copy
import logging
import re
import threading
import time
import warnings
from typing import Any

from tui.lab.data import Frames
from tui.lab.errors import TrainingError
from tui.lab.jobs import Jobs
from tui.lab.training import DONE, RunSpec, ScoringHistory, speed_key

log = logging.getLogger("h2o-lab")


class Speeds:
    """Samples per second by :func:`tui.lab.training.speed_key`: measured by trials, or seen in finished runs."""

    def __init__(self, jobs: Jobs, frames: Frames) -> None:
        self.jobs = jobs
        self.frames = frames
        self._lock = threading.Lock()
        self._known: dict[tuple, float] = {}

    def known(self, spec: RunSpec) -> float | None:
        """The speed known for networks like ``spec``'s, without asking the cluster."""
        with self._lock:
            return self._known.get(speed_key(spec))

    def remember(self, spec: RunSpec, speed: float) -> None:
        """Keep ``speed`` as the speed of networks like ``spec``'s."""
        with self._lock:
            self._known[speed_key(spec)] = speed

    def measure(self, spec: RunSpec, rows: int | None = None, iterations: int = 2) -> float:
        """Samples per second this cluster trains ``spec``'s network at, from a short trial job.

        Speed depends on how many samples an iteration holds (each iteration ends with the
        threads' work being merged), so the trial's iterations are as large as the run's, up to
        20,000 samples. It times the iterations after the first only: the first one also pays
        for setting the network up, which a long run pays once.
        """
        if rows is None:
            per_iteration = spec.params.get("train_samples_per_iteration")
            per_iteration = per_iteration if isinstance(per_iteration, int) and per_iteration > 0 else 10000
            train, _valid = self.frames.training_frames(spec)
            rows = min(per_iteration, int(train.nrows), 20000)
        trial = copy.deepcopy(spec)
        trial.sample_rows = rows
        trial.params = {k: v for k, v in spec.params.items() if k not in ("checkpoint", "nfolds")}
        trial.params.update(
            {
                "epochs": float(iterations),
                "train_samples_per_iteration": rows,
                "score_each_iteration": True,
                "score_training_samples": 200,
                "score_validation_samples": 200,
            }
        )
        started = time.monotonic()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the trial's warnings repeat the real run's
            probe = self.jobs.start_run(trial, record=False)
        deadline = time.monotonic() + 300
        while not probe.finished:
            if time.monotonic() > deadline:
                self.jobs.cancel_run(probe)
                raise TrainingError("The speed trial took more than 5 minutes; the cluster is very busy or very small.")
            time.sleep(0.25)
            self.jobs.poll_run(probe)
        if probe.status != DONE:
            raise TrainingError(f"The speed trial did not finish: {probe.error or probe.status}.")
        speed = steady_speed(probe.history) or probe.measured_speed
        if not speed:
            speed = rows * iterations / max(0.1, time.monotonic() - started)
        log.info("measured %.0f samples/s", speed)
        self.remember(spec, speed)
        return speed


def steady_speed(history: ScoringHistory) -> float | None:
    """Samples per second between the last scores of a history, after the first iteration."""
    samples = history.column("samples")
    durations = [seconds(d) for d in history.column("duration")]
    points = [(s, d) for s, d in zip(samples, durations) if s is not None and d is not None]
    if len(points) < 3:
        return None
    (s0, d0), (s1, d1) = points[1], points[-1]
    return (float(s1) - float(s0)) / (d1 - d0) if d1 > d0 else None


def seconds(text: Any) -> float | None:
    """H2O's durations: ' 3.123 sec', ' 1 min  2.500 sec', ' 1:02:03.456'."""
    if text is None:
        return None
    value = str(text).strip()
    total = 0.0
    found = False
    for amount, unit in re.findall(r"([\d.]+)\s*(ms|sec|min|hour|day)", value):
        total += float(amount) * {"ms": 0.001, "sec": 1, "min": 60, "hour": 3600, "day": 86400}[unit]
        found = True
    return total if found else None
