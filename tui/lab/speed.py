"""How fast this cluster trains a network: short trial jobs, and the speeds known so far."""

from __future__ import annotations

import copy
import json
import logging
import re
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any

from tui.lab.data import Frames
from tui.lab.errors import LabError, TrainingError
from tui.lab.jobs import Jobs
from tui.lab.journal import Journal
from tui.lab.tidy import remove_keys
from tui.lab.training import DONE, RunSpec, ScoringHistory, epochs_asked, speed_key

log = logging.getLogger("h2o-lab")

# A trial iteration's rows. H2O reports a job's progress once per iteration only, so the trial's two
# iterations must be short, yet long enough that H2O's fixed cost per iteration does not hide the speed. On two
# idle cores, with the cluster warmed by an earlier trial, 6,000 rows take about 4 s for the walkthrough's MNIST
# network and timed it at 0.85-1.25 times its run's speed. A rectifier network still outruns its trial (see
# Speeds.early): the Go further network's first trial in the app timed 806 samples/s (2,000-row iterations:
# 400-930), while a run of it went at 2,300 samples/s in its first pass and 3,700 over the next two.
TRIAL_ROWS = 6000
TRIAL_ITERATIONS = 2
TRIAL_SHARE = 0.1  # a trial costs at most this share of the run it times, or the run starts untimed
STORE_KEY = "speeds"  # the journal's speeds of finished runs, by cluster size and network


class TrialCancelled(LabError):
    """The learner stopped the speed trial; nothing was measured."""

    def __init__(self) -> None:
        super().__init__("Speed trial cancelled; nothing was trained.")


def trial_rows(spec: RunSpec, rows: int) -> int:
    """The rows of one trial iteration: the run's iteration size, at most :data:`TRIAL_ROWS` and ``rows``."""
    per_iteration = spec.params.get("train_samples_per_iteration")
    per_iteration = per_iteration if isinstance(per_iteration, int) and per_iteration > 0 else TRIAL_ROWS
    return max(1, min(per_iteration, rows, TRIAL_ROWS))


def trial_pays(spec: RunSpec, rows: int, iterations: int = TRIAL_ITERATIONS) -> bool:
    """Whether timing ``spec``'s run first is worth it: the trial's samples are at most :data:`TRIAL_SHARE` of the
    run's (``rows`` training rows times its epochs). A shorter run is trained at once: it ends before a question
    about its length would help (5,000 rows, 1 epoch: a 2 × 5,000-row trial cost more than the run)."""
    return iterations * trial_rows(spec, rows) <= TRIAL_SHARE * rows * epochs_asked(spec.params)


def cluster_size(nodes: int, cores: int) -> str:
    """The part of a speed's key that a journal's other sessions share: a speed holds for a cluster of this size."""
    return f"{nodes} node(s) x {cores} cores"


class Speeds:
    """Samples per second by :func:`tui.lab.training.speed_key`: measured by trials, or seen in finished runs.

    Finished runs' speeds are kept in the journal by cluster size (:meth:`keep_in`), so a later session on a
    cluster of that size knows them without a trial."""

    def __init__(self, jobs: Jobs, frames: Frames) -> None:
        self.jobs = jobs
        self.frames = frames
        self._lock = threading.Lock()
        self._known: dict[tuple, float] = {}
        self._trialled: set[tuple] = set()  # keys whose speed is a trial's, not a finished run's
        self._store: Journal | None = None  # the journal, once the cluster's size is known
        self._size = ""

    def keep_in(self, journal: Journal, size: str) -> None:
        """Keep finished runs' speeds in ``journal`` under ``size``, and know at once those kept before."""
        kept = journal.state(STORE_KEY, {}) or {}
        with self._lock:
            self._store, self._size = journal, size
            for text, speed in (kept.get(size) or {}).items():
                key = key_from_text(text)
                if key is not None and key not in self._known and isinstance(speed, (int, float)) and speed > 0:
                    self._known[key] = float(speed)

    def known(self, spec: RunSpec) -> float | None:
        """The speed known for networks like ``spec``'s, without asking the cluster."""
        with self._lock:
            return self._known.get(speed_key(spec))

    def remember(self, spec: RunSpec, speed: float, trial: bool = False) -> None:
        """Keep ``speed`` as the speed of networks like ``spec``'s (``trial``: measured by a trial, not a run)."""
        with self._lock:
            key = speed_key(spec)
            self._known[key] = speed
            if trial:
                self._trialled.add(key)
                return
            self._trialled.discard(key)
            store, size = self._store, self._size
        if store is not None:
            kept = store.state(STORE_KEY, {}) or {}
            kept.setdefault(size, {})[key_text(key)] = round(speed, 1)
            store.save_state(STORE_KEY, kept)

    def early(self, spec: RunSpec) -> bool:
        """Whether the speed known for ``spec``'s network is a trial's that the run will likely beat.

        A trial times the first iterations of a fresh network. With a rectifier and H2O's fast mode, a unit
        that stays silent for a row has no weights to update, and more units fall silent as the network
        learns: the run speeds up (the Go further network trains at 3,000-3,100 samples/s over its 40
        passes, where its first trial in the app timed 806 and 1,458).
        """
        with self._lock:
            trialled = speed_key(spec) in self._trialled
        return trialled and speeds_up(spec.params)

    def measure(
        self,
        spec: RunSpec,
        rows: int | None = None,
        iterations: int = TRIAL_ITERATIONS,
        should_cancel: Callable[[], bool] = lambda: False,
        on_progress: Callable[[float, str], None] = lambda fraction, text: None,
    ) -> float:
        """Samples per second this cluster trains ``spec``'s network at, from a short trial job.

        The trial trains ``iterations`` iterations of ``rows`` rows (by default the run's iteration
        size, at most :data:`TRIAL_ROWS`) and times the iterations after the first only: the first
        one also pays for setting the network up, which a long run pays once. ``should_cancel``
        stops it (raising :class:`TrialCancelled`); ``on_progress`` hears how far it got.
        """
        if rows is None:
            train, _valid = self.frames.training_frames(spec)
            rows = trial_rows(spec, int(train.nrows))
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
        on_progress(0.0, f"a trial of {iterations} × {rows:,} rows")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the trial's warnings repeat the real run's
            probe = self.jobs.start_run(trial, record=False)
        try:
            deadline = time.monotonic() + 300
            while not probe.finished:
                if should_cancel():
                    self.jobs.cancel_run(probe)
                    raise TrialCancelled()
                if time.monotonic() > deadline:
                    self.jobs.cancel_run(probe)
                    raise TrainingError(
                        "The speed trial took more than 5 minutes; the cluster is very busy or very small."
                    )
                time.sleep(0.25)
                self.jobs.poll_run(probe)
                on_progress(probe.progress, f"{iterations} × {rows:,} rows, {time.monotonic() - started:.0f} s")
            if probe.status != DONE:
                raise TrainingError(f"The speed trial did not finish: {probe.error or probe.status}.")
        finally:
            self._discard(probe)
        speed = steady_speed(probe.history) or probe.measured_speed
        if not speed:
            speed = rows * iterations / max(0.1, time.monotonic() - started)
        log.info("measured %.0f samples/s in %.1f s", speed, time.monotonic() - started)
        self.remember(spec, speed, trial=True)
        return speed

    def _discard(self, probe: Any) -> None:
        """A trial's model was never the learner's: it leaves the cluster at once (a shared one keeps nothing)."""
        if not probe.model_id:
            return
        try:
            remove_keys(self.jobs.session.rest(), [probe.model_id], budget=5.0)
        except LabError as exc:
            log.info("the speed trial's model stays on the cluster: %s", exc.message)
        self.jobs.models.in_cluster.discard(probe.model_id)


def key_text(key: tuple) -> str:
    """A speed key as the journal keeps it (JSON has no tuples)."""
    return json.dumps(key)


def key_from_text(text: str) -> tuple | None:
    """A speed key back from :func:`key_text`; None for one this version cannot read."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, list) or len(data) != 5 or not isinstance(data[1], list):
        return None
    if not all(isinstance(h, int) and not isinstance(h, bool) for h in data[1]):
        return None
    return (data[0], tuple(data[1]), *data[2:])


def speeds_up(params: dict[str, Any]) -> bool:
    """Whether a network of these parameters trains faster as it learns (rectifier units, fast mode on)."""
    activation = str(params.get("activation") or "Rectifier").lower()
    return activation.startswith("rectifier") and params.get("fast_mode", True) is not False


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
