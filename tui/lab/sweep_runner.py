"""Running a sweep: H2O's own grid search (``H2OGridSearch``) trains every combination, one model after another.

The grid job is started with h2o-py and followed over REST (``GET /3/Jobs/{job}``, ``GET /99/Grids/{grid}``):
each model the grid lists as finished becomes a run of the session (:meth:`tui.lab.jobs.Jobs.adopt`), in the
journal and the run table like any run the learner trains from a form. Cancelling stops the grid; the models it
finished stay.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tui.lab.data import Frames
from tui.lab.errors import ClusterError, LabError
from tui.lab.h2o_errors import as_lab_error, explain_failure, first_reason
from tui.lab.jobs import Jobs
from tui.lab.quiet import quiet_h2o
from tui.lab.rest import ClusterUnreachable
from tui.lab.session import Session
from tui.lab.sweep import SweepPlan, label
from tui.lab.training import DONE, Run

log = logging.getLogger("h2o-lab")

SWEEP_RUNNING = "running"
SWEEP_DONE = "done"
SWEEP_CANCELLED = "cancelled"
SWEEP_FAILED = "failed"
SWEEP_INTERRUPTED = "interrupted"


@dataclass
class SweepState:
    """A sweep as the screens know it: its plan, how far the grid got, and the runs of its finished models."""

    sweep_id: str
    plan: SweepPlan
    grid_id: str = ""
    job_key: str = ""
    status: str = SWEEP_RUNNING
    progress: float = 0.0
    message: str = ""
    runs: list[Run] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # combinations H2O could not train, with its reason
    error: str = ""
    started_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    cancelling: bool = False

    @property
    def finished(self) -> bool:
        return self.status != SWEEP_RUNNING

    @property
    def elapsed(self) -> float:
        end = self.finished_at if self.finished_at is not None else time.time()
        return max(0.0, end - self.started_at)

    def snapshot(self) -> SweepState:
        """A copy for the screens (the runner goes on changing its own)."""
        return copy.deepcopy(self)


class SweepRunner:
    """Starts grid searches and follows each to its end; one sweep at a time per lab."""

    def __init__(self, session: Session, frames: Frames, jobs: Jobs, publish: Callable[[Run], None]) -> None:
        self.session = session
        self.frames = frames
        self.jobs = jobs
        self.publish = publish
        self._next = 1  # the number of the next sweep
        self._lock = threading.Lock()
        self.current: SweepState | None = None
        self.grid_ids: list[str] = []
        self._cancel = threading.Event()
        self._split_rows: list[int] = []

    def grid_key(self, sweep_id: str) -> str:
        """The grid's name: the session's token keeps it apart; on a shared cluster the learner's name too."""
        tail = f"{self.session.token}_{sweep_id.replace('-', '_')}"
        return f"grid_{tail}" if self.session.own else f"deeplearning_grid_{self.session.owner}_{tail}"

    def next_grid_key(self) -> str:
        """The grid name the next sweep will have (its script is shown before it starts)."""
        return self.grid_key(f"sweep-{self._next}")

    def new_state(self, plan: SweepPlan) -> SweepState:
        """A new sweep of ``plan``, numbered, not started."""
        sweep_id = f"sweep-{self._next}"
        self._next += 1
        return SweepState(sweep_id=sweep_id, plan=copy.deepcopy(plan), grid_id=self.grid_key(sweep_id))

    @property
    def running(self) -> bool:
        state = self.current
        return state is not None and not state.finished

    def cancel(self) -> None:
        """Ask the running sweep to stop (its loop cancels the grid job and keeps the finished models)."""
        self._cancel.set()

    def run(
        self,
        plan: SweepPlan,
        on_update: Callable[[SweepState, Run | None], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
        interval: float = 0.5,
    ) -> SweepState:
        """Train the plan as one grid search and follow it to its end.

        ``on_update`` hears a copy of the sweep after every look, with the run of a model that just finished
        (once per model). ``should_cancel`` (or :meth:`cancel`) stops the grid: the finished models are kept.
        """
        with self._lock:
            if self.running:
                raise LabError("A sweep is already running: wait for it, or cancel it first.", title="Sweep")
            state = self.new_state(plan)
            self.current = state
            self._cancel.clear()
        report = on_update or (lambda _s, _r: None)
        wants_cancel = should_cancel or (lambda: False)
        with self.jobs.trainer():
            try:
                state.message = "getting the frames ready"
                report(state.snapshot(), None)
                self._start(state)
                state.message = ""
                report(state.snapshot(), None)
                self._follow(state, report, lambda: self._cancel.is_set() or wants_cancel(), interval)
            except ClusterUnreachable:
                state.status = SWEEP_INTERRUPTED
                state.error = "The cluster stopped answering during the sweep; the models it finished are kept."
            except LabError as exc:
                state.status = SWEEP_FAILED
                state.error = exc.message
            finally:
                if state.status == SWEEP_RUNNING:
                    state.status = SWEEP_FAILED
                    state.error = state.error or "The sweep stopped unexpectedly."
                state.finished_at = time.time()
                report(state.snapshot(), None)
        log.info("%s (%s) ended %s with %d models", state.sweep_id, state.grid_id, state.status, len(state.runs))
        return state

    def _start(self, state: SweepState) -> None:
        plan = state.plan
        train, valid = self.frames.training_frames(plan.spec)
        from h2o.estimators import H2ODeepLearningEstimator  # noqa: PLC0415
        from h2o.grid import H2OGridSearch  # noqa: PLC0415

        try:
            with quiet_h2o(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                grid = H2OGridSearch(
                    H2ODeepLearningEstimator(**plan.base_params()),
                    hyper_params=plan.hyper_params(),
                    grid_id=state.grid_id,
                    parallelism=plan.parallelism,
                )
                grid.start(
                    x=list(plan.spec.predictors),
                    y=plan.spec.response,
                    training_frame=train,
                    validation_frame=valid,
                )
        except Exception as exc:
            raise as_lab_error(exc, "H2O did not start the grid search") from None
        state.job_key = grid._job.job_key
        self.grid_ids.append(state.grid_id)
        self._split_rows = [int(train.nrows)] + ([int(valid.nrows)] if valid is not None else [])

    def _follow(
        self,
        state: SweepState,
        report: Callable[[SweepState, Run | None], None],
        should_cancel: Callable[[], bool],
        interval: float,
    ) -> None:
        rest = self.session.rest()
        seen: set[str] = set()
        told = 0.0
        while True:
            if should_cancel() and not state.cancelling:
                state.cancelling = True
                try:
                    rest.post(f"/3/Jobs/{state.job_key}/cancel")
                except ClusterUnreachable:
                    raise
                except ClusterError:
                    pass  # it had just ended
            job = self.session.patiently(lambda: rest.get(f"/3/Jobs/{state.job_key}"))["jobs"][0]
            status = str(job.get("status", ""))
            state.progress = float(job.get("progress") or 0.0)
            state.message = str(job.get("progress_msg") or "")
            ended = status not in ("RUNNING", "CREATED")
            for run in self._new_models(state, seen):
                report(state.snapshot(), copy.deepcopy(run))
            if ended:
                for run in self._new_models(state, seen):  # a model listed between the two looks
                    report(state.snapshot(), copy.deepcopy(run))
                state.status = {
                    "DONE": SWEEP_DONE,
                    "CANCELLED": SWEEP_CANCELLED,
                }.get(status, SWEEP_FAILED)
                if state.status == SWEEP_FAILED:
                    state.error = explain_failure(str(job.get("exception") or ""), str(job.get("stacktrace") or ""))
                return
            if time.monotonic() - told >= 1.0:
                report(state.snapshot(), None)
                told = time.monotonic()
            deadline = time.monotonic() + interval
            while time.monotonic() < deadline and not (should_cancel() and not state.cancelling):
                time.sleep(0.05)

    def _new_models(self, state: SweepState, seen: set[str]) -> list[Run]:
        """The grid's models not seen before, each made a run; failures are noted."""
        rest = self.session.rest()
        try:
            grid = rest.get(f"/99/Grids/{state.grid_id}")
        except ClusterUnreachable:
            raise
        except ClusterError:
            return []  # the grid appears a moment after its job
        state.failures = [first_reason(str(f)) for f in grid.get("failure_details") or []]
        made = []
        for key in grid.get("model_ids") or []:
            model_id = str(key.get("name") if isinstance(key, dict) else key)
            if not model_id or model_id in seen:
                continue
            model = rest.get(f"/3/Models/{model_id}", timeout=60)["models"][0]
            seen.add(model_id)
            given = {p["name"]: p.get("input_value") for p in model.get("parameters") or [] if "name" in p}
            combo = state.plan.combo_of(given) or {n: given.get(n) for n in state.plan.names}
            run = self.jobs.new_run(state.plan.spec_for(combo))
            run.model_id = model_id
            run.job_key = state.job_key
            run.sweep = state.sweep_id
            run.split_rows = list(self._split_rows)
            run.notes.append(f"Trained by {state.sweep_id} ({label(combo)}), an H2O grid search ({state.grid_id}).")
            self.jobs.adopt(run, model, DONE)
            self.publish(copy.deepcopy(run))
            state.runs.append(copy.deepcopy(run))
            made.append(run)
        return made


def state_to_dict(state: SweepState) -> dict[str, Any]:
    """A sweep as JSON (tests replay recorded sweeps)."""
    return {
        "sweep_id": state.sweep_id,
        "spec": state.plan.spec.to_dict(),
        "axes": [{"name": a.name, "values": a.values} for a in state.plan.axes],
        "grid_id": state.grid_id,
        "job_key": state.job_key,
        "status": state.status,
        "progress": state.progress,
        "runs": [r.to_dict() for r in state.runs],
        "failures": state.failures,
        "error": state.error,
        "started_at": state.started_at,
        "finished_at": state.finished_at,
    }


def state_from_dict(data: dict[str, Any]) -> SweepState:
    from tui.lab.sweep import Axis  # noqa: PLC0415
    from tui.lab.training import RunSpec  # noqa: PLC0415

    plan = SweepPlan(RunSpec.from_dict(data["spec"]), [Axis(a["name"], list(a["values"])) for a in data["axes"]])
    return SweepState(
        sweep_id=data["sweep_id"],
        plan=plan,
        grid_id=data.get("grid_id", ""),
        job_key=data.get("job_key", ""),
        status=data.get("status", SWEEP_DONE),
        progress=float(data.get("progress") or 0.0),
        runs=[Run.from_dict(r) for r in data.get("runs") or []],
        failures=list(data.get("failures") or []),
        error=data.get("error", ""),
        started_at=float(data.get("started_at") or 0.0),
        finished_at=data.get("finished_at"),
    )
