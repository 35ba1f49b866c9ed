"""The data in the cluster: the cars and MNIST frames, their splits and samples, and what they hold."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from tui.lab.config import Say
from tui.lab.data_files import ResolvedData
from tui.lab.datasets import DataResolver
from tui.lab.errors import ClusterError, DataError
from tui.lab.frames import FrameInfo, frame_info_from_summary
from tui.lab.h2o_errors import as_lab_error, memory_or
from tui.lab.mnist import LABEL as MNIST_LABEL
from tui.lab.mnist import MIN_FREE_MEMORY, Digit, MnistFrame, MnistInfo, digit_from_row
from tui.lab.quiet import quiet_h2o
from tui.lab.session import Session
from tui.lab.training import RunSpec

log = logging.getLogger("h2o-lab")


def frames_key(spec: RunSpec) -> tuple:
    """What a run's training and validation frames depend on: the data, its split, and the sample."""
    return (spec.dataset, spec.split, spec.split_ratio, spec.split_seed, spec.sample_rows)


class Frames:
    """The frames this lab imported into the cluster, and the splits and samples made of them."""

    def __init__(self, session: Session, resolver: DataResolver) -> None:
        self.session = session
        self.resolver = resolver
        self._lock = threading.RLock()
        self._data_lock = threading.RLock()  # one import at a time
        self._frames: dict[str, Any] = {}  # name -> H2OFrame
        self._info: dict[str, FrameInfo] = {}
        self._mnist: MnistInfo | None = None
        self._sizes: dict[tuple, list[int]] = {}  # frames_key -> rows of the training (and validation) frame

    def clear(self) -> None:
        """Forget every frame: they lived in a cluster that is gone."""
        with self._lock:
            self._frames.clear()
            self._info.clear()
            self._mnist = None
            self._sizes.clear()

    def resolve(self, name: str, progress: Callable[[int, int | None], None] | None = None) -> ResolvedData:
        """Where the data set ``name`` is on disk (found, or downloaded)."""
        return self.resolver.resolve(name, progress)

    def frame_info(self, name: str) -> FrameInfo | None:
        """What the imported data set ``name`` holds, or None before it is imported."""
        return self._info.get(name)

    def made_keys(self) -> list[str]:
        """The keys of every frame the lab made on the cluster (the data sets, their splits and samples)."""
        keys: list[str] = []
        for value in list(self._frames.values()):
            for frame in value if isinstance(value, (tuple, list)) else (value,):
                key = getattr(frame, "frame_id", None)
                if key and key not in keys:
                    keys.append(str(key))
        return keys

    def _shared_key(self, base: str) -> str | None:
        """The key for a frame made from another on a shared cluster, carrying the learner and the session
        (None on the own cluster, where h2o-py's names do)."""
        return None if self.session.own else self.session.frame_key(base)

    def frame(self, name: str) -> Any:
        """The H2OFrame called ``name`` ("cars", "mnist-train", "mnist-test"), or None."""
        return self._frames.get(name)

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
            if "cars" in self._info:
                return self._info["cars"]

        def download(done: int, total: int | None) -> None:
            say(f"Downloading cars data: {done:,} of {total:,} bytes" if total else f"Downloading: {done:,} bytes")

        started = time.monotonic()
        say("Looking for the cars data")
        source = self.resolve("cars", download)
        rest = self.session.rest()
        import h2o  # noqa: PLC0415

        say(f"Importing {source.path}")
        key = self.session.frame_key("cars")
        try:
            with quiet_h2o():
                if self.session.own:
                    frame = h2o.import_file(source.path, destination_frame=key)
                else:
                    frame = h2o.upload_file(source.path, destination_frame=key)
                before = frame.types.get("economy_20mpg", "")
                frame["economy_20mpg"] = frame["economy_20mpg"].asfactor()
                frame = h2o.assign(frame, key)
                frame_id = frame.frame_id
        except Exception as exc:
            raise as_lab_error(exc, f"H2O could not import {source.path}") from None
        summary = rest.get(f"/3/Frames/{frame_id}/summary", params={"row_count": 10}, timeout=30)
        info = frame_info_from_summary(summary, "cars", source, converted={"economy_20mpg": before})
        info.seconds = time.monotonic() - started
        log.info("imported cars from %s in %.1f s", source.path, info.seconds)
        with self._lock:
            self._frames["cars"] = frame
            self._info["cars"] = info
        return info

    @property
    def mnist(self) -> MnistInfo | None:
        """What the imported MNIST frames hold, or None before they are imported."""
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
                say(
                    f"Downloading {what}: {done / 1e6:.1f} of {total / 1e6:.1f} MB"
                    if total
                    else f"Downloading {what}: {done / 1e6:.1f} MB"
                )

            sources[name] = self.resolve(name, download)
        status = self.session.status(timeout=10)
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
            destination = self.session.frame_key(key)
            say(f"H2O is reading {title} ({source.path})")
            try:
                with quiet_h2o(), self.job_progress(destination, partial(_reading, say, title)):
                    if self.session.own:
                        frame = h2o.import_file(source.path, destination_frame=destination, header=-1)
                    else:
                        frame = h2o.upload_file(source.path, destination_frame=destination, header=-1)
                    frame[MNIST_LABEL] = frame[MNIST_LABEL].asfactor()
                    frame = h2o.assign(frame, destination)
            except Exception as exc:
                raise memory_or(exc, f"H2O could not read {source.path}") from None
            frames[name] = frame
        rest = self.session.rest()
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
    def job_progress(self, destination: str, report: Callable[[float], None]):
        """While a blocking h2o-py call runs, report the progress of the H2O job writing ``destination``."""
        done = threading.Event()
        rest = self.session.rest()

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
            raise as_lab_error(exc, "H2O could not send the digits") from None
        return [digit_from_row(v, which, r) for r, v in zip(wanted, values)]

    def training_frames(self, spec: RunSpec) -> tuple[Any, Any]:
        """The training frame of ``spec`` and its validation frame (None without a split)."""
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
                base = f"{spec.dataset}_split{round(spec.split_ratio * 100)}_{spec.split_seed}"
                named = [self._shared_key(f"{base}_train"), self._shared_key(f"{base}_valid")]
                with quiet_h2o():
                    self._frames[key] = frame.split_frame(
                        ratios=[spec.split_ratio],
                        destination_frames=named if named[0] else None,
                        seed=spec.split_seed,
                    )
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
                named = self._shared_key(f"mnist_train_first{rows}")
                with quiet_h2o():
                    sample = train[0:rows, :]
                    if named:
                        import h2o  # noqa: PLC0415

                        sample = h2o.assign(sample, named)
                    self._frames[key] = sample
            return self._frames[key], test

    def split_sizes(self, spec: RunSpec) -> list[int]:
        """Rows in the training and validation frames of ``spec`` (one number without a split)."""
        train, valid = self.training_frames(spec)
        sizes = [int(train.nrows)] + ([int(valid.nrows)] if valid is not None else [])
        with self._lock:
            self._sizes[frames_key(spec)] = sizes
        return list(sizes)

    def known_split_sizes(self, spec: RunSpec) -> list[int] | None:
        """What :meth:`split_sizes` last said for frames like ``spec``'s, without asking the cluster."""
        with self._lock:
            sizes = self._sizes.get(frames_key(spec))
        return list(sizes) if sizes is not None else None


def _reading(say: Say, title: str, progress: float) -> None:
    """Say how far H2O has read a file."""
    say(f"H2O is reading {title}: {progress:.0%}")
