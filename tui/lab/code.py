"""The h2o-py scripts the steps show, for the files this lab loaded (or would load), on its cluster."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from tui.lab import codegen
from tui.lab.cluster import DEFAULT_HEAP
from tui.lab.config import LabConfig
from tui.lab.data import Frames
from tui.lab.data_files import ResolvedData
from tui.lab.frames import FrameInfo
from tui.lab.mnist import MnistInfo
from tui.lab.steps import STEPS, Step
from tui.lab.training import Run, RunSpec


class Code:
    """Scripts that repeat what the lab did: connect, import the data, train a run."""

    def __init__(self, config: LabConfig, frames: Frames, known_runs: Callable[[], list[Run]] = list) -> None:
        self.config = config
        self.frames = frames
        self.resolver = frames.resolver
        self.known_runs = known_runs  # every run the lab knows (this session's and earlier ones'), for checkpoints

    @property
    def upload(self) -> bool:
        """Whether the lab sends files to the cluster (one it did not start) instead of letting it read them."""
        return not self.config.cluster.own

    def _path(self, source: ResolvedData | None, url: str, name: str) -> str:
        """The file as the script names it: the local copy the lab used (before an import, the one it would read),
        else the official address."""
        if source is None:
            source = self.resolver.local_copy(name)
        if source is not None and (self.upload or source.source != "download"):
            return source.path
        return url

    def connect_code(self) -> str:
        """The imports and the line that reach this lab's cluster (step 1's script)."""
        opts = self.config.cluster
        return codegen.fit_comments(codegen.connect_code(opts.own, opts.url or "", opts.user, heap=self.heap))

    @property
    def heap(self) -> str:
        """The heap of a script's own H2O: the lab's own cluster's (--max-mem), else the lab's default."""
        return self.config.cluster.max_mem or DEFAULT_HEAP

    def import_code(self, name: str, info: FrameInfo | MnistInfo | None = None) -> str:
        """The script that connects and imports the data set ``name`` ("cars": step 2, "mnist": step 10).

        It names the files this lab imported (``info``, else what the lab holds), or the official ones.
        """
        connect = self.connect_code()
        if name == "mnist":
            mnist = info if isinstance(info, MnistInfo) else self.frames.mnist
            train_url = self.resolver.spec("mnist-train").url
            test_url = self.resolver.spec("mnist-test").url
            train_path = self._path(mnist.train.source if mnist else None, train_url, "mnist-train")
            test_path = self._path(mnist.test.source if mnist else None, test_url, "mnist-test")
            code = codegen.import_mnist_code(train_path, test_path, train_url, test_url, self.upload)
            return codegen.fit_comments(f"{connect}\n\n{code}\nprint(train.shape, test.shape, nclasses)\n")
        if name != "cars":
            raise ValueError(f"no import script for {name!r}")
        cars = info if isinstance(info, FrameInfo) else self.frames.frame_info("cars")
        url = self.resolver.spec("cars").url
        if cars is not None:
            code = codegen.import_cars_code(self._path(cars.source, url, "cars"), url, cars.source.standin, self.upload)
        else:
            code = codegen.import_cars_code(self._path(None, url, "cars"), url, upload=self.upload)
        return codegen.fit_comments(f"{connect}\n\n{code}\ncars.describe()\n")

    def code_for(self, spec: RunSpec, step: Step | None = None, info: Any = None) -> str:
        """The h2o-py script for ``spec``, importing the file this lab loaded (or would load).

        A run that continues another trains the runs it stands on first, so that the script runs on its own.
        """
        step = step or next((s for s in STEPS if s.number == spec.step), None)
        opts = self.config.cluster
        comments = {}
        if step is not None:
            for name in step.scoring:
                comments[name] = "added by the lab: more points on the learning curve"
        if "activation" in spec.params and spec.params["activation"] is None:
            comments["activation"] = "not set: H2O's default, Rectifier"
        if spec.dataset == "mnist":
            mnist = info if isinstance(info, MnistInfo) else self.frames.mnist
            train_url = self.resolver.spec("mnist-train").url
            test_url = self.resolver.spec("mnist-test").url
            data_path = "\n".join(
                (
                    self._path(mnist.train.source if mnist else None, train_url, "mnist-train"),
                    self._path(mnist.test.source if mnist else None, test_url, "mnist-test"),
                )
            )
            official, standin = f"{train_url}\n{test_url}", False
        else:
            info = info or self.frames.frame_info(spec.dataset)
            source = info.source if info else None
            official = source.url if source else self.resolver.spec(spec.dataset).url
            data_path, standin = self._path(source, official, spec.dataset), bool(source and source.standin)
        script = codegen.run_code(
            copy.deepcopy(spec),
            data_path=data_path,
            official_url=official,
            standin=standin,
            own=opts.own,
            heap=self.heap,
            url=opts.url or "",
            user=opts.user,
            comments=comments,
            bases=self.bases(spec),
            evaluation=step is not None and step.kind == "evaluation",
        )
        return codegen.fit_comments(script)

    def bases(self, spec: RunSpec) -> list[tuple[str, RunSpec]]:
        """The runs a continued run stands on, oldest first, as far as the lab knows them."""
        chain: list[tuple[str, RunSpec]] = []
        model_id = spec.params.get("checkpoint")
        runs = self.known_runs() if model_id else []
        while model_id and len(chain) < 20:
            base = next((r for r in runs if r.model_id == model_id), None)
            if base is None:
                break
            chain.insert(0, (base.run_id, base.spec))
            model_id = base.spec.params.get("checkpoint")
        return chain
