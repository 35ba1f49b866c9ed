"""The one object the screens talk to: cluster, data, training, code.

Every method here may block on the network or the JVM: the app calls them from thread
workers, never from the UI thread. Results are plain data (see :mod:`tui.lab.training`,
:mod:`tui.lab.frames`, :class:`tui.lab.cluster.ClusterStatus`).

:class:`Lab` is a facade (with :mod:`tui.lab.service_doors` for models, sweeps and scripts): each
concern lives in its own module (:mod:`tui.lab.session`,
:mod:`tui.lab.data`, :mod:`tui.lab.jobs`, :mod:`tui.lab.models`, :mod:`tui.lab.speed`,
:mod:`tui.lab.checks`, :mod:`tui.lab.scoring`, :mod:`tui.lab.code`, :mod:`tui.lab.run_table`),
and the lab hands each call to the part that owns it.

h2o-py keeps one connection per process, so a process has one :class:`Lab` at a time.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.lab import paths
from tui.lab.carry import Carry, Start
from tui.lab.checks import ParamCheck, ParamChecks
from tui.lab.cluster import Cluster, ClusterStatus
from tui.lab.code import Code
from tui.lab.config import LabConfig, Say
from tui.lab.data import Frames
from tui.lab.data_files import ResolvedData
from tui.lab.datasets import DataResolver
from tui.lab.errors import LabError
from tui.lab.frames import FrameInfo
from tui.lab.h2o_errors import explain_failure
from tui.lab.jobs import Jobs, same_network_note
from tui.lab.journal import Journal
from tui.lab.mnist import Digit, MnistInfo
from tui.lab.models import ModelStore
from tui.lab.params import ParamMeta
from tui.lab.run_table import RunTable
from tui.lab.scoring import Scoring
from tui.lab.service_doors import CodeDoor, ModelDoor
from tui.lab.session import Session, stop_quietly
from tui.lab.speed import Speeds, cluster_size, steady_speed
from tui.lab.steps import Step
from tui.lab.sweep_runner import SweepRunner
from tui.lab.tidy import keys_made, remove_keys
from tui.lab.training import DONE, Run, RunSpec

__all__ = ["Lab", "LabConfig", "ParamCheck", "Say", "explain_failure", "same_network_note", "steady_speed"]

# Seconds a hurried close (see Lab.hurry) waits for the jobs: H2O usually stops one within a second, and the app
# that leaves on a signal must be gone within a few (LEAVE_WITHIN, tui/parts/leaving.py), the cluster stopped.
HURRIED_CLOSE = 2.0


class Lab(ModelDoor, CodeDoor):
    """The one door to the domain: the cluster, its data, the runs, their models and scripts."""

    def __init__(self, config: LabConfig | None = None) -> None:
        self.config = config or LabConfig()
        self.resolver = DataResolver(
            self.config.data_dir,
            self.config.cache_dir or paths.data_cache_dir(),
            mirror=self.config.mirror,
            download=self.config.download,
        )
        journal_path = self.config.journal_path or paths.data_dir() / "journal.sqlite3"
        self.journal = Journal(journal_path if self.config.keep_journal else None)
        models_dir = Path(self.config.models_dir) if self.config.models_dir else paths.data_dir() / "models"
        self.session = Session(self.config)
        self.data = Frames(self.session, self.resolver)
        self.models = ModelStore(self.session, self.journal, models_dir)
        highest = self.models.load_past()
        self.code = Code(self.config, self.data, known_runs=lambda: self.jobs.known_runs())
        self.jobs = Jobs(
            self.config, self.session, self.data, self.models, self.journal, self.code.code_for, highest + 1
        )
        self.speeds = Speeds(self.jobs, self.data)
        self.checks = ParamChecks(self.session, self.data)
        self.scoring = Scoring(self.session, self.data, self.models)
        self.table = RunTable(self.models.past_runs)
        self.carry = Carry(self.journal)
        self.sweeps = SweepRunner(self.session, self.data, self.jobs, self._publish)
        self._close_done = threading.Event()  # set once close() has finished

    # -- state the screens read ---------------------------------------------------------------
    @property
    def cluster(self) -> Cluster | None:
        """The cluster this lab started or joined, or None."""
        return self.session.cluster

    @property
    def ready(self) -> bool:
        """Whether the cluster is up and answering."""
        return self.session.ready

    @property
    def own_cluster(self) -> bool:
        """Whether the lab runs its own cluster (rather than joining one at ``--url``)."""
        return self.session.own

    @property
    def runs(self) -> list[Run]:
        """This session's runs, as they change (the live objects the jobs update)."""
        return self.jobs.runs

    @property
    def past_runs(self) -> list[Run]:
        """Runs of earlier sessions, from the journal."""
        return self.models.past_runs

    @property
    def model_paths(self) -> dict[str, str]:
        """Saved model files by run id."""
        return self.models.model_paths

    @property
    def models_dir(self) -> Path:
        """Where finished models are saved."""
        return self.models.models_dir

    @models_dir.setter
    def models_dir(self, value: Path) -> None:
        self.models.models_dir = value

    @property
    def _in_cluster(self) -> set[str]:
        return self.models.in_cluster

    @property
    def mnist(self) -> MnistInfo | None:
        """What the imported MNIST frames hold, or None before they are imported."""
        return self.data.mnist

    @property
    def metas(self) -> list[ParamMeta] | None:
        """The Deep Learning parameter descriptions if already fetched, else None (no cluster call)."""
        return self.checks.metas

    def known_speed(self, spec: RunSpec) -> float | None:
        """The samples per second known for ``spec``'s network (measured, or seen in a finished run); no cluster call."""
        return self.speeds.known(spec)

    def speed_is_early(self, spec: RunSpec) -> bool:
        """Whether the known speed for ``spec`` is a trial's, which a rectifier network will likely beat (no cluster
        call)."""
        return self.speeds.early(spec)

    def known_split_sizes(self, spec: RunSpec) -> list[int] | None:
        """What :meth:`split_sizes` last said for ``spec``'s frames, without a cluster call."""
        return self.data.known_split_sizes(spec)

    def latest(self, run_id: str) -> Run | None:
        """The latest published copy of a run of this session or an earlier one."""
        return self.table.latest(run_id)

    def start_of(self, step: Step) -> Start:
        """Where a step's form starts: the learner's last run of it, or its changes on top of the step before."""
        return self.carry.start_of(step, self.run_table())

    def run_loaded(self, run: Run) -> None:
        """The learner loaded ``run`` into its step's form (l): its values count as the step's from now on."""
        self.carry.run_loaded(run)

    def run_table(self) -> list[Run]:
        """The latest published copy of every run, past ones first, in the order first seen."""
        return self.table.all()

    # -- cluster ------------------------------------------------------------------------------
    def start_cluster(self, say: Say | None = None) -> ClusterStatus:
        """Start the own cluster, or connect to ``--url``. Raises :class:`LabError` with the reason."""
        status = self.session.start(say)
        self.speeds.keep_in(self.journal, cluster_size(status.nodes, status.allowed_cores or status.cores))
        return status

    def engine_stopped(self) -> bool:
        """True when there is no cluster, or the private cluster's Java process has ended."""
        return self.session.engine_stopped()

    def patiently(self, call: Callable[[], Any], patience: float | None = None) -> Any:
        """``call()``, asked again while the cluster is alive but too slow to answer, up to ``patience`` seconds."""
        return self.session.patiently(call, patience)

    def cluster_status(self, timeout: float = 3.0) -> ClusterStatus:
        """The cluster's health now; raises :class:`ClusterUnreachable` without a cluster or an engine."""
        return self.session.status(timeout)

    def health(self, timeout: float = 2.0) -> ClusterStatus | None:
        """The health check: the status, None while a live cluster is only slow; raises once it is lost."""
        return self.session.health(timeout)

    def reset_cluster(self) -> None:
        """Forget a failed or lost cluster (stopping what is left of it) before starting a fresh one.

        Frames lived in the old cluster and are gone; finished runs are kept, running ones are
        marked interrupted (and the run table shows it).
        """
        with self.session.lock:
            cluster = self.session.detach()
            self.data.clear()
            self.models.forget_cluster()
            interrupted = self.jobs.interrupt_running()
        for run in interrupted:
            self.table.publish(copy.deepcopy(run))
        stop_quietly(cluster)

    def log_tail(self) -> str:
        """The last lines of the own cluster's log (empty for a remote cluster)."""
        return self.session.log_tail()

    def close(self, timeout: float = 60.0, *, leaving: bool = False) -> None:
        """Cancel running jobs, write the journal and stop the own cluster (a remote one is only disconnected).

        ``leaving``: the process ends next, so the JVM's last second of stopping is left to the reaper helper
        (it outlives the app) and the learner's shell comes back at once.
        Safe to call from several threads: a second caller waits (up to ``timeout``) for the first to finish.
        """
        if not self.session.mark_closed():
            self._close_done.wait(timeout)
            return
        try:
            self._close_now(leaving)
        finally:
            self._close_done.set()

    def hurry(self, seconds: float = HURRIED_CLOSE) -> None:
        """Closing must end within seconds (the app leaves on a signal, or its terminal is gone): it waits at most
        ``seconds`` for the running jobs to stop and for their loops to save the partial models; the journal
        keeps each run as it then stands. Safe to call before :meth:`close` or while it runs."""
        self.jobs.hurry(seconds)

    def _close_now(self, leaving: bool = False) -> None:
        if self.session.cluster is None:
            self.journal.close()
            return
        self.sweeps.cancel()
        self.jobs.cancel_running()
        # A job's own loop saves the cancelled run's partial model: give it a moment, with the cluster still up.
        self.jobs.wait_for_trainers(timeout=15)
        try:
            if not self.session.own and not self.config.keep_on_cluster:
                self.tidy_shared_cluster()
            self.session.stop(wait=not leaving)
        finally:
            self.journal.close()

    def tidy_shared_cluster(self) -> list[str]:
        """On a cluster the lab did not start, remove what this session made there (see :mod:`tui.lab.tidy`)."""
        try:
            rest = self.session.rest()
        except LabError:
            return []
        return remove_keys(rest, keys_made(self.data.made_keys(), self.jobs.runs) + self.sweeps.grid_ids)

    # -- data ---------------------------------------------------------------------------------
    def resolve(self, name: str, progress: Callable[[int, int | None], None] | None = None) -> ResolvedData:
        """Where the data set ``name`` is on disk (found, or downloaded)."""
        return self.data.resolve(name, progress)

    def frame_info(self, name: str) -> FrameInfo | None:
        """What the imported data set ``name`` holds, or None before it is imported."""
        return self.data.frame_info(name)

    def load_cars(self, say: Say | None = None) -> FrameInfo:
        """Find the cars file, import it, make ``economy_20mpg`` a factor, and summarise it."""
        return self.data.load_cars(say)

    def load_mnist(self, say: Say | None = None) -> MnistInfo:
        """Import the training and test digits, make the label a factor, count the classes."""
        return self.data.load_mnist(say)

    def _job_progress(self, destination: str, report: Callable[[float], None]):
        return self.data.job_progress(destination, report)

    def _training_frames(self, spec: RunSpec) -> tuple[Any, Any]:
        return self.data.training_frames(spec)

    def digits(self, which: str, rows: list[int]) -> list[Digit]:
        """Rows of the MNIST ``train`` or ``test`` frame as digits (pixels and label)."""
        return self.data.digits(which, rows)

    def split_sizes(self, spec: RunSpec) -> list[int]:
        """Rows in the training and validation frames of ``spec`` (one number without a split)."""
        return self.data.split_sizes(spec)

    # -- parameters ---------------------------------------------------------------------------
    def param_metas(self) -> list[ParamMeta]:
        """The Deep Learning parameters as H2O describes them (fetched once per cluster)."""
        return self.checks.param_metas()

    def check_params(self, spec: RunSpec) -> ParamCheck:
        """H2O's own check of the parameters (``POST /3/ModelBuilders/deeplearning/parameters``)."""
        return self.checks.check_params(spec)

    # -- training -----------------------------------------------------------------------------
    def measure_speed(self, spec: RunSpec, rows: int | None = None, iterations: int = 2, **hooks: Any) -> float:
        """Samples per second this cluster trains ``spec``'s network at, from a short trial job (kept).

        ``hooks``: ``should_cancel`` and ``on_progress``, as :meth:`tui.lab.speed.Speeds.measure` takes them.
        """
        return self.speeds.measure(spec, rows, iterations, **hooks)

    def new_run(self, spec: RunSpec) -> Run:
        """A run with the next number, for ``spec``, and its script; nothing starts yet."""
        return self.jobs.new_run(spec)

    def start_run(self, spec: RunSpec, record: bool = True) -> Run:
        """Launch a Deep Learning job; returns at once with the run marked running."""
        return self.jobs.start_run(spec, record)

    def poll_run(self, run: Run) -> Run:
        """One look at the job and the partial model's scoring history."""
        return self.jobs.poll_run(run)

    def find_run(self, run_id: str) -> Run | None:
        """This session's run called ``run_id`` (the live object), or None."""
        return self.jobs.find_run(run_id)

    def cancel_run(self, run: Run, wait: float = 10.0) -> Run:
        """Ask H2O to stop the job; the partial model stays and is marked cancelled."""
        return self.jobs.cancel_run(run, wait)

    def train(
        self,
        spec: RunSpec,
        on_update: Callable[[Run], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
        interval: float | None = None,
    ) -> Run:
        """Start a job and follow it to its end, publishing a copy of the run after every look."""

        def report(run: Run) -> None:
            self._publish(run)
            if on_update is not None:
                on_update(run)

        return self.jobs.train(spec, report, should_cancel, interval)

    def _publish(self, run: Run) -> None:
        self.table.publish(run)
        if run.status == DONE and run.measured_speed:
            self.speeds.remember(run.spec, run.measured_speed)
