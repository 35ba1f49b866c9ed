"""The one object the screens talk to: cluster, data, training, code.

Every method here may block on the network or the JVM: the app calls them from thread
workers, never from the UI thread. Results are plain data (see :mod:`tui.lab.training`,
:mod:`tui.lab.frames`, :class:`tui.lab.cluster.ClusterStatus`).

h2o-py keeps one connection per process, so a process has one :class:`Lab` at a time.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import secrets
import logging
import re
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from tui.lab import codegen, paths
from tui.lab.cluster import Cluster, ClusterOptions, ClusterStatus, make_cluster
from tui.lab.datasets import DataResolver, ResolvedData
from tui.lab.errors import ClusterError, DataError, LabError, TrainingError
from tui.lab.evaluation import Evaluation, pr_auc, roc_auc, thresholds_from_metrics
from tui.lab.frames import FrameInfo, frame_info_from_summary
from tui.lab.journal import Journal
from tui.lab.mnist import LABEL as MNIST_LABEL
from tui.lab.mnist import MIN_FREE_MEMORY, Digit, MnistFrame, MnistInfo, digit_from_row
from tui.lab.params import ParamMeta, h2o_field, metas_from_builder, to_rest
from tui.lab.quiet import quiet_h2o
from tui.lab.rest import ClusterUnreachable
from tui.lab.steps import Step
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

Say = Callable[[str], None]


@dataclass
class LabConfig:
    cluster: ClusterOptions = field(default_factory=ClusterOptions)
    data_dir: Path | None = None
    mirror: str | None = None
    download: bool = True
    cache_dir: Path | None = None
    log_dir: Path | None = None
    poll_interval: float = 0.25
    # How long a cluster whose engine is alive may be slow to answer (a busy lab VM, a long garbage
    # collection) before a running job or the cluster counts as lost. A stopped engine counts at once.
    slow_patience: float = 45.0
    journal_path: Path | None = None  # default: journal.sqlite3 in the user's data directory
    models_dir: Path | None = None  # default: models/ in the user's data directory
    keep_journal: bool = True


class Lab:
    def __init__(self, config: LabConfig | None = None) -> None:
        self.config = config or LabConfig()
        self.cluster: Cluster | None = None
        self.resolver = DataResolver(
            self.config.data_dir,
            self.config.cache_dir or paths.data_cache_dir(),
            mirror=self.config.mirror,
            download=self.config.download,
        )
        self._lock = threading.RLock()
        self._data_lock = threading.RLock()  # one import at a time
        self._frames: dict[str, Any] = {}  # name -> H2OFrame
        self._frame_info: dict[str, FrameInfo] = {}
        self._estimators: dict[str, Any] = {}
        self.runs: list[Run] = []
        self._ids = itertools.count(1)
        self._closed = False
        self._close_done = threading.Event()  # set once close() has finished
        self._trainers = threading.Condition()  # train() calls in progress: close() lets them finish
        self._training = 0
        self._session = secrets.token_hex(3)
        self._metas: list[ParamMeta] | None = None
        self._mnist: MnistInfo | None = None
        self._in_cluster: set[str] = set()  # models the current cluster holds (trained or reloaded here)
        self.models_dir = Path(self.config.models_dir) if self.config.models_dir else paths.data_dir() / "models"
        journal_path = self.config.journal_path or paths.data_dir() / "journal.sqlite3"
        self.journal = Journal(journal_path if self.config.keep_journal else None)
        self.past_runs: list[Run] = []
        self.model_paths: dict[str, str] = {}
        self._load_past()

    def _load_past(self) -> None:
        """Runs of earlier sessions, from the journal; one left running by a crash is marked interrupted."""
        highest = 0
        for run, model_path in self.journal.runs():
            if run.status == RUNNING:
                run.status = INTERRUPTED
                run.finished_at = run.finished_at or time.time()
                run.error = run.error or "h2o-lab stopped while this model trained."
                self.journal.save_run(run, model_path)
            self.past_runs.append(run)
            if model_path:
                self.model_paths[run.run_id] = model_path
            number = run.run_id.rsplit("-", 1)[-1]
            if number.isdigit():
                highest = max(highest, int(number))
        self._ids = itertools.count(highest + 1)

    def has_model(self, run: Run) -> bool:
        """Whether the current cluster holds the run's model (trained in it, or reloaded)."""
        return run.model_id in self._in_cluster

    def save_model(self, run: Run) -> str:
        """Keep a finished model on disk so a later session can load it again; returns the file."""
        import h2o  # noqa: PLC0415

        target = self.models_dir / run.run_id
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LabError(f"The model of {run.run_id} cannot be saved in {target}: {exc.strerror}.", title="Saving") from None
        try:
            with quiet_h2o():
                model = h2o.get_model(run.model_id)
                if self.own_cluster:
                    path = h2o.save_model(model, path=str(target), force=True)
                else:
                    path = h2o.download_model(model, path=str(target))
        except Exception as exc:
            text = str(exc)
            why = "the disk is full" if "No space" in text or "full" in text.lower() else _first_line(text)
            kept = "; the run itself is kept in the journal" if self.journal.usable else ""
            raise LabError(f"The model of {run.run_id} could not be saved ({why}){kept}.", title="Saving") from None
        self.model_paths[run.run_id] = str(path)
        self.journal.save_run(run, str(path))
        return str(path)

    def ensure_model(self, run: Run) -> None:
        """Make sure the cluster holds the run's model, loading it from disk for an earlier session's run."""
        if not self.has_model(run) and run.run_id in self.model_paths:
            self.reload_run(run)

    def reload_run(self, run: Run) -> None:
        """Load a saved model of an earlier session into the current cluster."""
        if self.has_model(run):
            return
        path = self.model_paths.get(run.run_id)
        if not path:
            raise LabError(f"No saved model for {run.run_id}: it did not finish, or saving failed.", title="Reload")
        if not Path(path).exists():
            raise LabError(f"The saved model of {run.run_id} is gone ({path}).", title="Reload")
        import h2o  # noqa: PLC0415

        try:
            with quiet_h2o():
                model = h2o.load_model(path) if self.own_cluster else h2o.upload_model(path)
        except Exception as exc:
            raise _as_lab_error(exc, f"H2O could not load the model of {run.run_id}") from None
        run.model_id = model.model_id
        self._in_cluster.add(run.model_id)

    # -- cluster ------------------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self.cluster is not None and self.cluster.rest is not None

    @property
    def own_cluster(self) -> bool:
        return self.config.cluster.own

    def start_cluster(self, say: Say | None = None) -> ClusterStatus:
        """Start the own cluster, or connect to ``--url``. Raises :class:`LabError` with the reason."""
        with self._lock:
            if self.ready:
                assert self.cluster is not None
                return self.cluster.status()
            cluster = make_cluster(self.config.cluster)
            if self.config.log_dir and hasattr(cluster, "log_dir"):
                cluster.log_dir = Path(self.config.log_dir)  # type: ignore[attr-defined]
            self.cluster = cluster
        try:
            status = cluster.start(progress=say)
        except LabError:
            self.cluster = None
            raise
        except Exception as exc:  # anything unexpected still reaches the learner as words
            log.exception("cluster start failed")
            tail = cluster.log_tail() if hasattr(cluster, "log_tail") else ""
            try:
                cluster.stop()
            except Exception:
                pass
            self.cluster = None
            raise ClusterError(f"The cluster could not be started: {exc}", detail=tail) from None
        log.info("cluster ready: %s %s", status.url, status.version)
        return status

    def engine_stopped(self) -> bool:
        """True when there is no cluster, or the private cluster's Java process has ended."""
        cluster = self.cluster
        return cluster is None or (cluster.own and not getattr(cluster, "process_alive", lambda: True)())

    def patiently(self, call: Callable[[], Any], patience: float | None = None) -> Any:
        """``call()``, asked again while the cluster is alive but too slow to answer, up to ``patience`` seconds.

        A refused connection or a stopped engine raises at once: only slowness is waited out.
        """
        patience = self.config.slow_patience if patience is None else patience
        since = None
        while True:
            try:
                return call()
            except ClusterUnreachable as exc:
                if not exc.timed_out or self.engine_stopped() or self._closed:
                    raise
                now = time.monotonic()
                since = since if since is not None else now
                if now - since >= patience:
                    raise
                log.info("the cluster is slow to answer (%s); asking again", exc.message)
                time.sleep(0.5)

    def cluster_status(self, timeout: float = 3.0) -> ClusterStatus:
        if self.cluster is None:
            raise ClusterUnreachable("There is no cluster.")
        own = self.cluster
        if own.own and not getattr(own, "process_alive", lambda: True)():
            raise ClusterUnreachable("The H2O engine (Java process) has stopped.")
        return own.status(timeout=timeout)

    def reset_cluster(self) -> None:
        """Forget a failed or lost cluster (stopping what is left of it) before starting a fresh one.

        Frames lived in the old cluster and are gone; finished runs are kept, running ones are
        marked interrupted.
        """
        with self._lock:
            cluster, self.cluster = self.cluster, None
            self._frames.clear()
            self._frame_info.clear()
            self._estimators.clear()
            self._in_cluster.clear()
            self._mnist = None
            for run in self.runs:
                if run.status == RUNNING:
                    run.status = INTERRUPTED
                    run.finished_at = time.time()
        if cluster is not None:
            try:
                cluster.stop()
            except Exception:
                log.exception("stopping the old cluster")

    def log_tail(self) -> str:
        cluster = self.cluster
        return cluster.log_tail() if cluster is not None and hasattr(cluster, "log_tail") else ""

    def close(self, timeout: float = 60.0) -> None:
        """Cancel running jobs, write the journal and stop the own cluster (a remote one is only disconnected).

        Safe to call from several threads: a second caller waits (up to ``timeout``) for the first to finish.
        """
        with self._lock:
            first = not self._closed
            self._closed = True
        if not first:
            self._close_done.wait(timeout)
            return
        try:
            self._close_now()
        finally:
            self._close_done.set()

    def _close_now(self) -> None:
        cluster = self.cluster
        if cluster is None:
            self.journal.close()
            return
        for run in self.runs:
            if run.status == RUNNING and run.job_key:
                try:
                    self.cancel_run(run)
                except Exception:
                    run.status = INTERRUPTED
                    run.finished_at = time.time()
                self.journal.save_run(run)
        # A job's own loop saves the cancelled run's partial model: give it a moment, with the cluster still up.
        with self._trainers:
            self._trainers.wait_for(lambda: self._training == 0, timeout=15)
        try:
            cluster.stop()
        finally:
            self.cluster = None
            self.journal.close()

    def _rest(self):
        if self.cluster is None or self.cluster.rest is None:
            raise ClusterError("The cluster is not ready yet.", hint="Wait for step 1 to say 'ready'.")
        return self.cluster.rest

    # -- data ---------------------------------------------------------------------------------
    def resolve(self, name: str, progress: Callable[[int, int | None], None] | None = None) -> ResolvedData:
        return self.resolver.resolve(name, progress)

    def frame_info(self, name: str) -> FrameInfo | None:
        return self._frame_info.get(name)

    def load_cars(self, say: Say | None = None) -> FrameInfo:
        """Find the cars file, import it, make ``economy_20mpg`` a factor, and summarise it.

        Several workers may ask at once (a step being built, a job starting): one imports, the
        others wait for it and get the same frame.
        """
        with self._data_lock:
            return self._load_cars(say)

    def _load_cars(self, say: Say | None = None) -> FrameInfo:
        say = say or (lambda _m: None)
        with self._lock:
            if "cars" in self._frame_info:
                return self._frame_info["cars"]

        def download(done: int, total: int | None) -> None:
            say(f"Downloading cars data: {done:,} of {total:,} bytes" if total else f"Downloading: {done:,} bytes")

        started = time.monotonic()
        say("Looking for the cars data")
        source = self.resolve("cars", download)
        rest = self._rest()
        import h2o  # noqa: PLC0415

        say(f"Importing {source.path}")
        try:
            with quiet_h2o():
                if self.own_cluster:
                    frame = h2o.import_file(source.path, destination_frame=self._frame_key("cars"))
                else:
                    frame = h2o.upload_file(source.path, destination_frame=self._frame_key("cars"))
                before = frame.types.get("economy_20mpg", "")
                frame["economy_20mpg"] = frame["economy_20mpg"].asfactor()
                frame = h2o.assign(frame, self._frame_key("cars"))
                frame_id = frame.frame_id
        except Exception as exc:
            raise _as_lab_error(exc, f"H2O could not import {source.path}") from None
        summary = rest.get(f"/3/Frames/{frame_id}/summary", params={"row_count": 10}, timeout=30)
        info = frame_info_from_summary(summary, "cars", source, converted={"economy_20mpg": before})
        info.seconds = time.monotonic() - started
        log.info("imported cars from %s in %.1f s", source.path, info.seconds)
        with self._lock:
            self._frames["cars"] = frame
            self._frame_info["cars"] = info
        return info

    def _frame_key(self, name: str) -> str:
        """``cars.hex`` on the own cluster; on a shared one a suffix keeps other users' frames apart."""
        if self.own_cluster:
            return f"{name}.hex"
        return f"{name}_h2o_lab_{self._session}.hex"

    def _mnist_code(self, spec: RunSpec, step: Step | None, info: Any) -> str:
        mnist = info if isinstance(info, MnistInfo) else self._mnist
        train_url = self.resolver.spec("mnist-train").url
        test_url = self.resolver.spec("mnist-test").url
        train_path = _local_or_url(mnist.train.source if mnist else None, train_url)
        test_path = _local_or_url(mnist.test.source if mnist else None, test_url)
        opts = self.config.cluster
        code_spec = copy.deepcopy(spec)
        code_spec.params = {k: v for k, v in spec.params.items()}
        return codegen.run_code(
            code_spec,
            data_path=f"{train_path}\n{test_path}",
            official_url=f"{train_url}\n{test_url}",
            own=opts.own,
            url=opts.url or "",
            user=opts.user,
        )

    # -- MNIST --------------------------------------------------------------------------------
    @property
    def mnist(self) -> MnistInfo | None:
        return self._mnist

    def load_mnist(self, say: Say | None = None) -> MnistInfo:
        """Import the training and test digits, make the label a factor, count the classes."""
        with self._data_lock:
            return self._load_mnist(say)

    def _load_mnist(self, say: Say | None = None) -> MnistInfo:
        say = say or (lambda _m: None)
        with self._lock:
            if self._mnist is not None:
                return self._mnist
        started = time.monotonic()
        sources = {}
        for name in ("mnist-train", "mnist-test"):
            say(f"Looking for {self.resolver.spec(name).title}")

            def download(done: int, total: int | None, name: str = name) -> None:
                what = self.resolver.spec(name).filename
                say(f"Downloading {what}: {done / 1e6:.1f} of {total / 1e6:.1f} MB" if total else f"Downloading {what}: {done / 1e6:.1f} MB")

            sources[name] = self.resolve(name, download)
        status = self.cluster_status(timeout=10)
        if status.free_mem and status.free_mem < MIN_FREE_MEMORY:
            raise DataError(
                f"The cluster has {status.free_mem / 2**20:.0f} MiB of free memory; MNIST needs about "
                f"{MIN_FREE_MEMORY / 2**20:.0f} MiB to be read.",
                hint="Start h2o-lab with a larger heap, for example --max-mem 2g (or free memory on the cluster).",
            )
        import h2o  # noqa: PLC0415

        frames = {}
        for name, key in (("mnist-train", "mnist_train"), ("mnist-test", "mnist_test")):
            source = sources[name]
            title = self.resolver.spec(name).title
            destination = self._frame_key(key)
            say(f"H2O is reading {title} ({source.path})")
            try:
                with quiet_h2o(), self._job_progress(destination, lambda p, t=title: say(f"H2O is reading {t}: {p:.0%}")):
                    if self.own_cluster:
                        frame = h2o.import_file(source.path, destination_frame=destination, header=-1)
                    else:
                        frame = h2o.upload_file(source.path, destination_frame=destination, header=-1)
                    frame[MNIST_LABEL] = frame[MNIST_LABEL].asfactor()
                    frame = h2o.assign(frame, destination)
            except Exception as exc:
                raise _memory_or(exc, f"H2O could not read {source.path}") from None
            frames[name] = frame
        rest = self._rest()
        info_frames = {}
        levels: list[str] = []
        for name, label in (("mnist-train", "train"), ("mnist-test", "test")):
            frame = frames[name]
            summary = rest.get(
                f"/3/Frames/{frame.frame_id}/summary", params={"column_offset": 784, "column_count": 1}, timeout=60
            )
            column = summary["frames"][0]["columns"][0]
            levels = list(column.get("domain") or levels)
            info_frames[label] = MnistFrame(
                name=label,
                frame_id=frame.frame_id,
                rows=int(frame.nrows),
                cols=int(frame.ncols),
                source=sources[name],
                counts=[int(c) for c in column.get("histogram_bins") or []],
            )
        info = MnistInfo(info_frames["train"], info_frames["test"], levels, time.monotonic() - started)
        log.info("imported MNIST in %.1f s", info.seconds)
        with self._lock:
            self._frames["mnist-train"] = frames["mnist-train"]
            self._frames["mnist-test"] = frames["mnist-test"]
            self._mnist = info
        return info

    @contextlib.contextmanager
    def _job_progress(self, destination: str, report: Callable[[float], None]):
        """While a blocking h2o-py call runs, report the progress of the H2O job writing ``destination``."""
        done = threading.Event()
        rest = self._rest()

        def watch() -> None:
            while not done.wait(0.3):
                try:
                    jobs = rest.get("/3/Jobs", timeout=2).get("jobs") or []
                except ClusterError:
                    continue
                for job in jobs:
                    if job.get("status") == "RUNNING" and (job.get("dest") or {}).get("name") == destination:
                        report(float(job.get("progress") or 0.0))

        watcher = threading.Thread(target=watch, daemon=True, name="job-progress")
        watcher.start()
        try:
            yield
        finally:
            done.set()
            watcher.join(timeout=2)
        report(1.0)  # the call returned: the job is done, however quickly (a small file parses between two looks)

    def digits(self, which: str, rows: list[int]) -> list[Digit]:
        """Rows of the MNIST ``train`` or ``test`` frame as digits (pixels and label)."""
        frame = self._frames.get(f"mnist-{which}")
        if frame is None:
            raise DataError("The MNIST data is not imported yet.", hint="Import it on step 10.")
        wanted = [r for r in rows if 0 <= r < frame.nrows]
        if not wanted:
            return []
        try:
            with quiet_h2o():
                values = frame[wanted, :].as_data_frame(use_pandas=False, header=False)
        except Exception as exc:
            raise _as_lab_error(exc, "H2O could not send the digits") from None
        return [digit_from_row(v, which, r) for r, v in zip(wanted, values)]

    def _training_frames(self, spec: RunSpec) -> tuple[Any, Any]:
        if spec.dataset == "mnist":
            return self._mnist_frames(spec)
        if spec.dataset not in self._frames:
            if spec.dataset == "cars":
                self.load_cars()
            else:
                raise DataError(f"The {spec.dataset} data is not loaded.")
        frame = self._frames[spec.dataset]
        if not spec.split:
            return frame, None
        key = f"{spec.dataset}/split/{spec.split_ratio}/{spec.split_seed}"
        with self._lock:
            if key not in self._frames:
                with quiet_h2o():
                    self._frames[key] = frame.split_frame(ratios=[spec.split_ratio], seed=spec.split_seed)
            train, valid = self._frames[key]
        return train, valid

    def _mnist_frames(self, spec: RunSpec) -> tuple[Any, Any]:
        if self._mnist is None:
            self.load_mnist()
        train = self._frames["mnist-train"]
        test = self._frames["mnist-test"]
        rows = spec.sample_rows
        if rows is None or rows >= train.nrows:
            if rows is not None and rows > train.nrows:
                raise DataError(f"The sample ({rows:,} rows) is larger than the training frame ({train.nrows:,} rows).")
            return train, test
        if rows <= 0:
            raise DataError("A sample needs at least one row.")
        key = f"mnist-train/first/{rows}"
        with self._lock:
            if key not in self._frames:
                with quiet_h2o():
                    self._frames[key] = train[0:rows, :]
            return self._frames[key], test

    def measure_speed(self, spec: RunSpec, rows: int | None = None, iterations: int = 2) -> float:
        """Samples per second this cluster trains ``spec``'s network at, from a short trial job.

        Speed depends on how many samples an iteration holds (each iteration ends with the
        threads' work being merged), so the trial's iterations are as large as the run's, up to
        20,000 samples. It times the iterations after the first only: the first one also pays
        for setting the network up, which a long run pays once.
        """
        if rows is None:
            per_iteration = spec.params.get("train_samples_per_iteration")
            per_iteration = per_iteration if isinstance(per_iteration, int) and per_iteration > 0 else 10000
            train, _valid = self._training_frames(spec)
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
            probe = self.start_run(trial, record=False)
        deadline = time.monotonic() + 300
        while not probe.finished:
            if time.monotonic() > deadline:
                self.cancel_run(probe)
                raise TrainingError("The speed trial took more than 5 minutes; the cluster is very busy or very small.")
            time.sleep(0.25)
            self.poll_run(probe)
        if probe.status != DONE:
            raise TrainingError(f"The speed trial did not finish: {probe.error or probe.status}.")
        speed = steady_speed(probe.history) or probe.measured_speed
        if not speed:
            speed = rows * iterations / max(0.1, time.monotonic() - started)
        log.info("measured %.0f samples/s", speed)
        return speed

    def mistakes(self, run: Run, limit: int = 24) -> tuple[int, list[Digit]]:
        """How many test digits the run's model gets wrong, and the first ``limit`` of them."""
        import h2o  # noqa: PLC0415

        self.ensure_model(run)
        test = self._frames.get("mnist-test")
        if test is None:
            raise DataError("The MNIST test digits are not imported.", hint="Import them on step 10.")
        try:
            with quiet_h2o():
                model = h2o.get_model(run.model_id)
                predictions = model.predict(test)
                wrong = (predictions["predict"] != test[MNIST_LABEL]).which()
                count = int(wrong.nrows)
                ids = [int(float(r[0])) for r in wrong[0 : min(limit, count), :].as_data_frame(use_pandas=False, header=False)] if count else []
                table = predictions[ids, :].as_data_frame(use_pandas=False, header=True) if ids else [[]]
        except Exception as exc:
            raise _as_lab_error(exc, "H2O could not score the test digits") from None
        header, rows = table[0], table[1:]
        digits = self.digits("test", ids)
        for digit, row in zip(digits, rows):
            values = dict(zip(header, row))
            digit.predicted = str(values.get("predict", ""))
            try:
                digit.probability = float(values.get(f"p{digit.predicted}", "nan"))
            except ValueError:
                digit.probability = None
        return count, digits

    def evaluate(self, run: Run) -> Evaluation:
        """H2O's AUC, AUCPR and thresholds for a binomial run, and the same two figures computed again
        from the model's predictions (on the validation frame, else on the training frame)."""
        if run.model_category and run.model_category != "Binomial":
            raise TrainingError(
                f"{run.run_id} is a {run.model_category.lower()} model: AUC, AUCPR and their curves need a "
                "response with exactly two classes.",
                hint="Pick a run of step 12, which predicts economy_20mpg (0 or 1).",
            )
        self.ensure_model(run)
        rest = self._rest()
        model = rest.get(f"/3/Models/{run.model_id}", timeout=60)["models"][0]
        output = model.get("output") or {}
        scored_on = "validation" if output.get("validation_metrics") else "training"
        block = output.get(f"{scored_on}_metrics") or {}
        if not block.get("thresholds_and_metric_scores"):
            raise TrainingError(f"H2O has no thresholds for {run.run_id}: it is not a finished binary classifier.")
        table, best = thresholds_from_metrics(block)
        domain = (output.get("domains") or [[]])[-1] or ["0", "1"]
        positive = str(domain[-1])
        train, valid = self._training_frames(run.spec)
        frame = valid if scored_on == "validation" and valid is not None else train
        import h2o  # noqa: PLC0415

        try:
            with quiet_h2o():
                predictions = h2o.get_model(run.model_id).predict(frame)
                both = predictions[f"p{positive}"].cbind(frame[run.spec.response])
                rows = both.as_data_frame(use_pandas=False, header=False)
        except Exception as exc:
            raise _as_lab_error(exc, f"H2O could not score {run.run_id}") from None
        labels, scores = [], []
        for score, actual in rows:
            if actual in ("", None, "NA") or score in ("", None, "NA"):
                continue  # H2O leaves rows without an answer out of its metrics too
            labels.append(1 if str(actual).removesuffix(".0") == positive else 0)
            scores.append(float(score))
        return Evaluation(
            run_id=run.run_id,
            scored_on=scored_on,
            positive=positive,
            rows=len(labels),
            positives=int(sum(labels)),
            auc_h2o=float(block.get("AUC")),
            aucpr_h2o=float(block.get("pr_auc")),
            auc_own=roc_auc(labels, scores),
            aucpr_own=pr_auc(labels, scores),
            thresholds=table,
            max_f1_index=best,
        )

    def split_sizes(self, spec: RunSpec) -> list[int]:
        """Rows in the training and validation frames of ``spec`` (one number without a split)."""
        train, valid = self._training_frames(spec)
        return [int(train.nrows)] + ([int(valid.nrows)] if valid is not None else [])

    # -- parameters ---------------------------------------------------------------------------
    def param_metas(self) -> list[ParamMeta]:
        """The Deep Learning parameters as H2O describes them (fetched once per cluster)."""
        if self._metas is None:
            builder = self._rest().get("/3/ModelBuilders/deeplearning", timeout=30)
            self._metas = metas_from_builder(builder)
        return self._metas

    def check_params(self, spec: RunSpec) -> "ParamCheck":
        """H2O's own check of the parameters (``POST /3/ModelBuilders/deeplearning/parameters``)."""
        rest = self._rest()
        train, valid = self._training_frames(spec)
        columns = list(train.names)
        data = {
            "training_frame": train.frame_id,
            "response_column": spec.response,
            "ignored_columns": to_rest([f'"{c}"' for c in columns if c not in spec.predictors and c != spec.response]),
        }
        if valid is not None:
            data["validation_frame"] = valid.frame_id
        for name, value in spec.params.items():
            if value is not None:
                data[name] = to_rest(value)
        result = ParamCheck()
        try:
            answer = rest.post("/3/ModelBuilders/deeplearning/parameters", data=data, timeout=60)
        except ClusterUnreachable:
            raise
        except ClusterError as exc:
            # HTTP 400/412: a value H2O could not even read (a bad enum, a non-number).
            text = _h2o_message(exc.detail) or exc.message
            field = _field_in(text, list(spec.params))
            result.errors[field or "_"] = text
            return result
        for message in answer.get("messages") or []:
            kind = message.get("message_type")
            field = h2o_field(str(message.get("field_name") or "")) or "_"
            text = _first_line(str(message.get("message") or ""))
            if kind == "ERRR":
                result.errors.setdefault(field, text)
            elif kind == "WARN":
                result.warnings.setdefault(field, text)
        return result

    # -- training -----------------------------------------------------------------------------
    def new_run(self, spec: RunSpec) -> Run:
        run = Run(run_id=f"run-{next(self._ids)}", spec=copy.deepcopy(spec))
        run.code = self.code_for(spec)
        return run

    def start_run(self, spec: RunSpec, record: bool = True) -> Run:
        """Launch a Deep Learning job; returns at once with the run marked running.

        ``record=False`` is for the lab's own trials: they stay out of the learner's run table.
        """
        run = self.new_run(spec) if record else Run(run_id=f"trial-{secrets.token_hex(3)}", spec=copy.deepcopy(spec))
        base_model = spec.params.get("checkpoint")
        if base_model and base_model not in self._in_cluster:
            base = next((r for r in self.past_runs if r.model_id == base_model), None)
            if base is not None:
                self.ensure_model(base)
        train, valid = self._training_frames(spec)
        from h2o.estimators import H2ODeepLearningEstimator  # noqa: PLC0415

        try:
            with quiet_h2o(), warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                estimator = H2ODeepLearningEstimator(**spec.params)
                estimator.start(
                    x=list(spec.predictors), y=spec.response, training_frame=train, validation_frame=valid
                )
        except Exception as exc:
            raise _as_lab_error(exc, "H2O did not start the training job") from None
        job = estimator._job
        run.job_key = job.job_key
        run.model_id = job.dest_key
        self._in_cluster.add(run.model_id)
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
        rest = self._rest()
        job = rest.get(f"/3/Jobs/{run.job_key}")["jobs"][0]
        status = str(job.get("status", ""))
        if status in ("RUNNING", "CREATED", "DONE"):
            # A cancelled or failed job reports 100%; the run keeps how far it really got.
            run.progress = float(job.get("progress") or 0.0)
            run.message = str(job.get("progress_msg") or "")
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
            run.error = explain_failure(str(job.get("exception") or ""), str(job.get("stacktrace") or ""))
            self._finish(run, FAILED)
        return run

    def _run_of_model(self, model_id: Any) -> str:
        if not model_id:
            return ""
        return next((r.run_id for r in self.runs + self.past_runs if r.model_id == model_id), str(model_id))

    def find_run(self, run_id: str) -> Run | None:
        return next((r for r in self.runs if r.run_id == run_id), None)

    def cancel_run(self, run: Run, wait: float = 10.0) -> Run:
        """Ask H2O to stop the job; the partial model stays and is marked cancelled."""
        rest = self._rest()
        try:
            rest.post(f"/3/Jobs/{run.job_key}/cancel")
        except ClusterUnreachable:
            raise
        except ClusterError:
            pass  # already finished
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
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
        with self._trainers:
            self._training += 1
        try:
            return self._train(spec, on_update, should_cancel, interval)
        finally:
            with self._trainers:
                self._training -= 1
                self._trainers.notify_all()

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
        cancelled = False
        try:
            while not run.finished:
                if not cancelled and should_cancel is not None and should_cancel():
                    cancelled = True
                    self.cancel_run(run)
                else:
                    self.patiently(lambda: self.poll_run(run))
                report(copy.deepcopy(run))
                # The journal keeps the scoring history so far, about once a second.
                if len(run.history) != written[1] and time.monotonic() - written[0] >= 1.0:
                    self.journal.save_run(run)
                    written = (time.monotonic(), len(run.history))
                if not run.finished:
                    time.sleep(interval)
        except ClusterUnreachable:
            if run.finished and self._closed:
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
                self.save_model(run)
            except LabError as exc:
                run.notes.append(exc.message)
                self.journal.save_run(run)
                report(copy.deepcopy(run))
        return run

    def _finish(self, run: Run, status: str) -> None:
        """Fetch the final model (history, metrics, parameters) and close the run."""
        rest = self._rest()
        try:
            model = rest.get(f"/3/Models/{run.model_id}", timeout=60)["models"][0]
        except ClusterUnreachable:
            raise
        except ClusterError:
            model = None
        if model is not None:
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
            run.actual_params = {
                p["name"]: p.get("actual_value") for p in model.get("parameters") or [] if "name" in p
            }
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
        run.status = status
        run.progress = 1.0 if status == DONE else run.progress
        run.finished_at = time.time()
        if status == DONE and run.checkpoint_of:
            base = next((r for r in self.runs + self.past_runs if r.run_id == run.checkpoint_of), None)
            note = same_network_note(run, base)
            if note:
                run.notes.append(note)
        with self._lock:
            estimator = self._estimators.pop(run.run_id, None)
        if estimator is not None:
            estimator._job = None
        log.info("%s finished: %s", run.run_id, status)

    # -- code ---------------------------------------------------------------------------------
    def code_for(self, spec: RunSpec, step: Step | None = None, info: FrameInfo | None = None) -> str:
        """The h2o-py script for ``spec``, importing the file this lab loaded (or would load)."""
        if spec.dataset == "mnist":
            return self._mnist_code(spec, step, info)
        info = info or self._frame_info.get(spec.dataset)
        source = info.source if info else None
        official = source.url if source else self.resolver.spec(spec.dataset).url
        path = source.path if source and source.source != "download" else official
        opts = self.config.cluster
        comments = {}
        if step is not None:
            for name in step.scoring:
                comments[name] = "added by the lab: more points on the learning curve"
        if "activation" in spec.params and spec.params["activation"] is None:
            comments["activation"] = "not set: H2O's default, Rectifier"
        return codegen.run_code(
            spec,
            data_path=path,
            official_url=official,
            standin=bool(source and source.standin),
            own=opts.own,
            url=opts.url or "",
            user=opts.user,
            comments=comments,
        )


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


def steady_speed(history: ScoringHistory) -> float | None:
    """Samples per second between the last scores of a history, after the first iteration."""
    samples = history.column("samples")
    durations = [_seconds(d) for d in history.column("duration")]
    points = [(s, d) for s, d in zip(samples, durations) if s is not None and d is not None]
    if len(points) < 3:
        return None
    (s0, d0), (s1, d1) = points[1], points[-1]
    return (float(s1) - float(s0)) / (d1 - d0) if d1 > d0 else None


def _seconds(text: Any) -> float | None:
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


def _local_or_url(source: ResolvedData | None, url: str) -> str:
    return source.path if source is not None and source.source != "download" else url


def explain_failure(exception: str, stacktrace: str = "") -> str:
    """H2O's reason for a failed job, in plain words first."""
    text = exception.strip() or _first_line(stacktrace)
    low = (exception + " " + stacktrace).lower()
    if "unstable" in low:
        return (
            "The network became numerically unstable: its weights grew until they were no longer numbers. "
            "Lower the learning rate (rate), or turn adaptive_rate back on. H2O said: " + _first_line(text)
        )
    if "outofmemory" in low or "out of memory" in low:
        return "The cluster ran out of memory. Train on fewer rows or start h2o-lab with a larger --max-mem."
    if not text:
        return "H2O stopped the job without a reason."
    # Drop Java's exception class names: the sentence after them is the reason.
    plain = re.sub(r"^([\w$]+\.)+[\w$]*(Exception|Error):\s*", "", _first_line(text))
    plain = re.sub(r"^Illegal argument\(s\) for DeepLearning model: \S+\s+Details:\s*", "", plain)
    plain = re.sub(r"ERRR on field: _?(\w+):", r"\1:", plain)
    return "H2O stopped the job: " + plain


@dataclass
class ParamCheck:
    """H2O's verdict on a set of parameters: errors and warnings by field ("_" for the whole form)."""

    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _h2o_message(detail: str) -> str:
    """The sentence inside H2O's error text (after 'ERROR MESSAGE:')."""
    text = detail or ""
    if "ERROR MESSAGE:" in text:
        text = text.split("ERROR MESSAGE:", 1)[1]
    return _first_line(text)


def _field_in(text: str, names: list[str]) -> str:
    """Which field an H2O error sentence is about."""
    low = text.lower()
    match = re.search(r"field:\s*_?(\w+)", text)
    if match:
        return match.group(1)
    if "activation" in low:
        return "activation"
    for name in sorted(names, key=len, reverse=True):
        if name.lower() in low:
            return name
    return ""


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line[:400]
    return ""


def _memory_or(exc: BaseException, what: str) -> LabError:
    text = str(exc)
    if "OutOfMemory" in text or "Java heap space" in text or "not enough memory" in text.lower():
        return DataError(
            f"{what}: the cluster ran out of memory.",
            hint="Start h2o-lab with a larger heap, for example --max-mem 2g.",
            detail=text,
        )
    return _as_lab_error(exc, what)


def _as_lab_error(exc: BaseException, what: str) -> LabError:
    """Turn an h2o-py exception into words for the learner."""
    if isinstance(exc, LabError):
        return exc
    name = type(exc).__name__
    message = str(exc)
    try:
        from h2o.exceptions import H2OResponseError  # noqa: PLC0415

        if isinstance(exc, H2OResponseError):
            err = exc.args[0]
            message = getattr(err, "msg", None) or getattr(err, "exception_msg", None) or message
    except Exception:
        pass
    if name == "H2OConnectionError":
        return ClusterError(f"{what}: the cluster did not answer.", detail=message)
    return TrainingError(f"{what}: {_first_line(message) or name}.", detail=message)
