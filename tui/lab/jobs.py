"""Training jobs: starting one, following it to its end, stopping it, and the runs of this session."""

from __future__ import annotations

import contextlib
import copy
import itertools
import logging
import secrets
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from tui.lab.config import LabConfig
from tui.lab.data import Frames
from tui.lab.errors import ClusterError, LabError
from tui.lab.failure_fix import likely_cause
from tui.lab.h2o_errors import as_lab_error, explain_failure
from tui.lab.inside import resolved_params
from tui.lab.journal import Journal
from tui.lab.models import ModelStore
from tui.lab.quiet import quiet_h2o
from tui.lab.rest import ClusterUnreachable
from tui.lab.session import Session
from tui.lab.training import (
    CANCELLED,
    DONE,
    FAILED,
    INTERRUPTED,
    RUNNING,
    Run,
    RunSpec,
    ScoringHistory,
    Table,
    metrics_from_json,
)

log = logging.getLogger("h2o-lab")

# Parts of a model's JSON the live chart does not need (H2O refuses to drop "parameters").
_POLL_EXCLUDE = ",".join(
    [
        "models/output/reproducibility_information_table",
        "models/output/help",
        "models/output/model_summary",
        "models/output/variable_importances",
        "models/output/training_metrics",
        "models/output/validation_metrics",
        "models/output/cross_validation_metrics",
        "models/output/cross_validation_metrics_summary",
    ]
)


# The job is looked at every poll (its progress); the partial model, a much larger answer whose scores change
# only when H2O scores (every few seconds), at most this often in seconds.
MODEL_EVERY = 1.0
# A run older than SETTLE_SECONDS is polled every SETTLED_POLL seconds instead of the configured interval, and
# its partial model read every SETTLED_MODEL_EVERY seconds: a long job scores every few seconds at most.
SETTLE_SECONDS = 5.0
SETTLED_POLL = 1.0
SETTLED_MODEL_EVERY = 2.0


class Jobs:
    """The Deep Learning jobs of this session, from their start to their final model."""

    def __init__(
        self,
        config: LabConfig,
        session: Session,
        frames: Frames,
        models: ModelStore,
        journal: Journal,
        code_for: Callable[[RunSpec], str],
        first_number: int = 1,
    ) -> None:
        self.config = config
        self.session = session
        self.frames = frames
        self.models = models
        self.journal = journal
        self.code_for = code_for
        self.runs: list[Run] = []
        self._ids = itertools.count(first_number)
        self._lock = threading.RLock()
        self._estimators: dict[str, Any] = {}
        self._trainers = threading.Condition()  # train() calls in progress: closing lets them finish
        self._training = 0
        self._model_read: dict[str, float] = {}  # run id -> when its partial model was last read
        # Once the lab closes in a hurry (see hurry): no wait for a job, nor for a loop that follows one, lasts past it.
        self._waits_end = float("inf")

    def new_run(self, spec: RunSpec) -> Run:
        """A run with the next number, for ``spec``, and its script; nothing starts yet."""
        run = Run(run_id=f"run-{next(self._ids)}", spec=copy.deepcopy(spec), session=self.session.token)
        run.code = self.code_for(spec)
        return run

    def start_run(self, spec: RunSpec, record: bool = True) -> Run:
        """Launch a Deep Learning job; returns at once with the run marked running.

        ``record=False`` is for the lab's own trials: they stay out of the learner's run table.
        """
        run = self.new_run(spec) if record else Run(run_id=f"trial-{secrets.token_hex(3)}", spec=copy.deepcopy(spec))
        self.models.ensure_checkpoint(spec.params.get("checkpoint"))
        train, valid = self.frames.training_frames(spec)
        from h2o.estimators import H2ODeepLearningEstimator  # noqa: PLC0415

        try:
            with quiet_h2o(), warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                named = self.session.model_key(run.run_id)
                estimator = H2ODeepLearningEstimator(**spec.params, **({"model_id": named} if named else {}))
                estimator.start(x=list(spec.predictors), y=spec.response, training_frame=train, validation_frame=valid)
        except Exception as exc:
            raise as_lab_error(exc, "H2O did not start the training job") from None
        job = estimator._job
        run.job_key = job.job_key
        run.model_id = job.dest_key
        self.models.holds(run.model_id)
        run.checkpoint_of = self._run_of_model(spec.params.get("checkpoint"))
        run.split_rows = [int(train.nrows)] + ([int(valid.nrows)] if valid is not None else [])
        run.warnings = [str(w.message) for w in caught]
        with self._lock:
            self._estimators[run.run_id] = estimator
            if record:
                self.runs.append(run)
        log.info("started %s (%s) for step %s", run.run_id, run.model_id, spec.step)
        return run

    def poll_run(self, run: Run) -> Run:
        """One look at the job and the partial model's scoring history."""
        rest = self.session.rest()
        job = rest.get(f"/3/Jobs/{run.job_key}")["jobs"][0]
        status = str(job.get("status", ""))
        if status in ("RUNNING", "CREATED", "DONE"):
            # A cancelled or failed job reports 100%; the run keeps how far it really got.
            run.progress = float(job.get("progress") or 0.0)
            run.message = str(job.get("progress_msg") or "")
        running = status in ("RUNNING", "CREATED")
        every = MODEL_EVERY if run.elapsed < SETTLE_SECONDS else SETTLED_MODEL_EVERY
        if running and run.history and time.monotonic() - self._model_read.get(run.run_id, 0.0) < every:
            return run  # the job's progress is fresh; the model's scores change far less often
        self._model_read[run.run_id] = time.monotonic()
        try:
            model = rest.get(f"/3/Models/{run.model_id}", params={"_exclude_fields": _POLL_EXCLUDE})
            output = model["models"][0]["output"]
            history = ScoringHistory.from_table(output.get("scoring_history"))
            if len(history) >= len(run.history):
                run.history = history
            run.model_category = str(output.get("model_category") or run.model_category)
        except ClusterUnreachable:
            raise
        except ClusterError:
            pass  # the model appears about a second after the job starts
        if status == "DONE":
            self._finish(run, DONE)
        elif status == "CANCELLED":
            self._finish(run, CANCELLED)
        elif status == "FAILED":
            said = (str(job.get("exception") or ""), str(job.get("stacktrace") or ""))
            run.error = explain_failure(*said, cause=likely_cause(run.spec))
            self._finish(run, FAILED)
        return run

    def known_runs(self) -> list[Run]:
        """This session's runs and the earlier sessions' ones."""
        return self.runs + self.models.past_runs

    def _run_of_model(self, model_id: Any) -> str:
        if not model_id:
            return ""
        return next((r.run_id for r in self.known_runs() if r.model_id == model_id), str(model_id))

    def find_run(self, run_id: str) -> Run | None:
        """This session's run called ``run_id`` (the live object), or None."""
        return next((r for r in self.runs if r.run_id == run_id), None)

    def cancel_run(self, run: Run, wait: float = 10.0) -> Run:
        """Ask H2O to stop the job; the partial model stays and is marked cancelled."""
        rest = self.session.rest()
        try:
            rest.post(f"/3/Jobs/{run.job_key}/cancel")
        except ClusterUnreachable:
            raise
        except ClusterError:
            pass  # already finished
        deadline = time.monotonic() + wait
        while time.monotonic() < min(deadline, self._waits_end):
            self.poll_run(run)
            if run.finished:
                break
            time.sleep(0.1)
        return run

    def train(
        self,
        spec: RunSpec,
        on_update: Callable[[Run], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
        interval: float | None = None,
    ) -> Run:
        """Start a job and follow it to its end, reporting a copy of the run after every look."""
        with self.trainer():
            return self._train(spec, on_update, should_cancel, interval)

    @contextlib.contextmanager
    def trainer(self) -> Iterator[None]:
        """Count a loop that follows a job (a run's, a sweep's): closing the lab waits for it to end."""
        with self._trainers:
            self._training += 1
        try:
            yield
        finally:
            with self._trainers:
                self._training -= 1
                self._trainers.notify_all()

    def adopt(self, run: Run, model: dict, status: str = DONE) -> Run:
        """A model another job trained (a grid search's) becomes a run of this session: its final model is read
        into ``run``, which joins the runs, the journal and (with a journal) the saved models."""
        _read_final_model(run, model)
        run.status = status
        run.progress = 1.0 if status == DONE else run.progress
        output = model.get("output") or {}
        start, end = output.get("start_time"), output.get("end_time")
        if isinstance(start, (int, float)) and isinstance(end, (int, float)) and start > 0 and end >= start:
            run.started_at, run.finished_at = start / 1000.0, end / 1000.0
        else:
            run.finished_at = time.time()
        self.models.holds(run.model_id)
        with self._lock:
            self.runs.append(run)
        self.journal.save_run(run)
        if self.config.keep_journal:
            try:
                self.models.save_model(run)
            except LabError as exc:
                run.notes.append(exc.message)
                self.journal.save_run(run)
        log.info("%s is %s of a grid", run.run_id, run.model_id)
        return run

    def _train(
        self,
        spec: RunSpec,
        on_update: Callable[[Run], None] | None,
        should_cancel: Callable[[], bool] | None,
        interval: float | None,
    ) -> Run:
        interval = self.config.poll_interval if interval is None else interval
        run = self.start_run(spec)
        report = on_update or (lambda _r: None)
        report(copy.deepcopy(run))
        self.journal.save_run(run)
        written = (time.monotonic(), len(run.history))
        told: tuple[tuple | None, float] = (None, 0.0)
        cancelled = False
        try:
            while not run.finished:
                if not cancelled and should_cancel is not None and should_cancel():
                    cancelled = True
                    self.cancel_run(run)
                else:
                    self.session.patiently(lambda: self.poll_run(run))
                # News when something changed, and once a second anyway (the elapsed time on screen).
                news = (run.status, run.progress, run.message, len(run.history))
                if news != told[0] or time.monotonic() - told[1] >= 1.0:
                    report(copy.deepcopy(run))
                    told = (news, time.monotonic())
                # The journal keeps the scoring history so far, about once a second.
                if len(run.history) != written[1] and time.monotonic() - written[0] >= 1.0:
                    self.journal.save_run(run)
                    written = (time.monotonic(), len(run.history))
                if not run.finished:
                    self._pause(interval, run.elapsed, should_cancel, cancelled)
        except ClusterUnreachable:
            if run.finished and self.session.closed:
                # Closing (the app is leaving) cancelled the job, then stopped the cluster under this loop.
                report(copy.deepcopy(run))
                return run
            run.status = INTERRUPTED
            run.finished_at = time.time()
            run.error = "The cluster stopped answering while the model trained; the scores so far are kept."
            self.journal.save_run(run)
            report(copy.deepcopy(run))
            raise
        self.journal.save_run(run)
        if run.status in (DONE, CANCELLED) and self.config.keep_journal:
            try:
                self.models.save_model(run)
            except LabError as exc:
                run.notes.append(exc.message)
                self.journal.save_run(run)
                report(copy.deepcopy(run))
        return run

    @staticmethod
    def _pause(interval: float, age: float, should_cancel: Callable[[], bool] | None, cancelled: bool) -> None:
        """Wait before the next poll: ``interval`` while the run is young, then a second (a long job's news comes
        slower than that, and the app's own CPU stays low while it follows one); a cancel ends the wait at once."""
        deadline = time.monotonic() + (interval if age < SETTLE_SECONDS else max(interval, SETTLED_POLL))
        while time.monotonic() < deadline:
            if not cancelled and should_cancel is not None and should_cancel():
                return
            time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))

    def _finish(self, run: Run, status: str) -> None:
        """Fetch the final model (history, metrics, parameters) and close the run."""
        self._model_read.pop(run.run_id, None)
        rest = self.session.rest()
        try:
            model = rest.get(f"/3/Models/{run.model_id}", timeout=60)["models"][0]
        except ClusterUnreachable:
            raise
        except ClusterError:
            model = None
        if model is not None:
            _read_final_model(run, model)
        run.status = status
        run.progress = 1.0 if status == DONE else run.progress
        run.finished_at = time.time()
        if status == DONE and run.checkpoint_of:
            base = next((r for r in self.known_runs() if r.run_id == run.checkpoint_of), None)
            note = same_network_note(run, base)
            if note:
                run.notes.append(note)
        with self._lock:
            estimator = self._estimators.pop(run.run_id, None)
        if estimator is not None:
            estimator._job = None
        log.info("%s finished: %s", run.run_id, status)

    def interrupt_running(self) -> list[Run]:
        """The cluster is gone: its jobs with it. Running runs are marked interrupted (and returned)."""
        interrupted = []
        with self._lock:
            self._estimators.clear()
            for run in self.runs:
                if run.status == RUNNING:
                    run.status = INTERRUPTED
                    run.finished_at = time.time()
                    interrupted.append(run)
        return interrupted

    def cancel_running(self) -> None:
        """Cancel every running job (closing the lab), keeping each run in the journal."""
        for run in self.runs:
            if run.status == RUNNING and run.job_key:
                try:
                    self.cancel_run(run)
                except Exception:
                    run.status = INTERRUPTED
                    run.finished_at = time.time()
                # Still running: the lab closes in a hurry (see hurry), before H2O said the job had stopped.
                if run.status == RUNNING:
                    run.status = INTERRUPTED
                    run.finished_at = time.time()
                    run.error = "h2o-lab left before H2O confirmed the cancel; the scores so far are kept."
                self.journal.save_run(run)

    def wait_for_trainers(self, timeout: float) -> None:
        """Wait (up to ``timeout`` seconds) until no :meth:`train` call is in progress."""
        deadline = time.monotonic() + timeout
        with self._trainers:
            while self._training:
                left = min(deadline, self._waits_end) - time.monotonic()
                if left <= 0:
                    return
                self._trainers.wait(left)

    def hurry(self, seconds: float) -> None:
        """From now on, waiting for a job to stop or for a loop to end (a cancelled run's loop saves its partial
        model) lasts at most ``seconds`` more, whatever wait was asked: the lab must close within seconds."""
        with self._trainers:
            self._waits_end = min(self._waits_end, time.monotonic() + seconds)
            self._trainers.notify_all()


def _read_final_model(run: Run, model: dict) -> None:
    """Copy a final model's history, metrics, parameters and tables into the run."""
    output = model.get("output") or {}
    history = ScoringHistory.from_table(output.get("scoring_history"))
    if len(history) >= len(run.history):
        run.history = history
    run.model_category = str(output.get("model_category") or "")
    run.metrics = {
        "training": metrics_from_json(output.get("training_metrics")),
        "validation": metrics_from_json(output.get("validation_metrics")),
        "cross_validation": metrics_from_json(output.get("cross_validation_metrics")),
    }
    run.metrics = {k: v for k, v in run.metrics.items() if v}
    run.actual_params = {p["name"]: p.get("actual_value") for p in model.get("parameters") or [] if "name" in p}
    run.resolved = resolved_params(model.get("parameters") or [])
    run.importances = Table.from_two_dim(output.get("variable_importances"))
    run.layers = Table.from_two_dim(output.get("model_summary"))
    run.layers_note = run.layers.description if run.layers else ""
    run.cv_summary = Table.from_two_dim(output.get("cross_validation_metrics_summary"))
    for block_name in ("validation_metrics", "training_metrics"):
        block = output.get(block_name) or {}
        cm = (block.get("cm") or {}).get("table")
        if cm:
            run.confusion = Table.from_two_dim(cm)
            run.hit_ratios = Table.from_two_dim(block.get("hit_ratio_table"))
            break


def same_network_note(run: Run, base: Run | None) -> str:
    """A continued run that ends with its checkpoint's very network deserves a word of why.

    With ``overwrite_with_best_model`` (on by default) H2O hands back the best network it scored,
    and that can be the one it started from when the extra epochs did no better.
    """
    if base is None or run.actual_params.get("overwrite_with_best_model") is False:
        return ""
    which = "validation" if run.metrics.get("validation") and base.metrics.get("validation") else "training"
    now, then = run.metrics.get(which, {}).get("MSE"), base.metrics.get(which, {}).get("MSE")
    if not isinstance(now, (int, float)) or not isinstance(then, (int, float)) or abs(now - then) > 1e-12:
        return ""
    return (
        f"{run.run_id} ended with the same network as {base.run_id}: H2O keeps the best network it scored "
        f"(overwrite_with_best_model is on), and the extra epochs did not beat {base.run_id}'s. Turn "
        "overwrite_with_best_model off to keep the last network instead."
    )


def why_not_continue(run: Run) -> str | None:
    """Why a finished run cannot be continued from its checkpoint, or None when it can."""
    if run.status == CANCELLED:
        return (
            f"{run.run_id} was cancelled: H2O keeps its partial model, but cannot train it further (the job "
            "stops with an error). Continue a run that ran to its end."
        )
    if run.status != DONE or not run.model_id:
        return f"{run.run_id} has no finished model to continue."
    if run.spec.params.get("nfolds"):
        return (
            f"{run.run_id} was trained with cross-validation (nfolds={run.spec.params['nfolds']}), and H2O "
            "cannot continue such a run. Train one without nfolds (set it to 0), then continue that one."
        )
    return None


def continue_params(run: Run) -> dict[str, Any]:
    """The parameters that continue ``run`` from its checkpoint: its own, for ten more epochs."""
    params = dict(run.spec.params)
    params.pop("nfolds", None)
    params.pop("checkpoint", None)
    params["epochs"] = float(round(run.epochs_done + 10))
    return params
