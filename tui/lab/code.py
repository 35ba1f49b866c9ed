"""The h2o-py scripts the steps show, for the files this lab loaded (or would load), on its cluster."""

from __future__ import annotations

import copy
from typing import Any

from tui.lab import codegen
from tui.lab.config import LabConfig
from tui.lab.data import Frames
from tui.lab.data_files import ResolvedData
from tui.lab.frames import FrameInfo
from tui.lab.mnist import MnistInfo
from tui.lab.steps import Step
from tui.lab.training import RunSpec


class Code:
    """Scripts that repeat what the lab did: connect, import the data, train a run."""

    def __init__(self, config: LabConfig, frames: Frames) -> None:
        self.config = config
        self.frames = frames
        self.resolver = frames.resolver

    def connect_code(self) -> str:
        """The imports and the line that reach this lab's cluster (step 1's script)."""
        opts = self.config.cluster
        return codegen.connect_code(opts.own, opts.url or "", opts.user)

    def import_code(self, name: str, info: FrameInfo | MnistInfo | None = None) -> str:
        """The script that connects and imports the data set ``name`` ("cars": step 2, "mnist": step 10).

        It names the files this lab imported (``info``, else what the lab holds), or the official ones.
        """
        connect = self.connect_code()
        if name == "mnist":
            mnist = info if isinstance(info, MnistInfo) else self.frames.mnist
            train_url = self.resolver.spec("mnist-train").url
            test_url = self.resolver.spec("mnist-test").url
            train_path = _local_or_url(mnist.train.source if mnist else None, train_url)
            test_path = _local_or_url(mnist.test.source if mnist else None, test_url)
            code = codegen.import_mnist_code(train_path, test_path, train_url, test_url)
            return f"{connect}\n\n{code}\nprint(train.shape, test.shape, nclasses)\n"
        if name != "cars":
            raise ValueError(f"no import script for {name!r}")
        cars = info if isinstance(info, FrameInfo) else self.frames.frame_info("cars")
        url = self.resolver.spec("cars").url
        if cars is not None:
            code = codegen.import_cars_code(_local_or_url(cars.source, url), url, cars.source.standin)
        else:
            code = codegen.import_cars_code(url, url)
        return f"{connect}\n\n{code}\ncars.describe()\n"

    def code_for(self, spec: RunSpec, step: Step | None = None, info: Any = None) -> str:
        """The h2o-py script for ``spec``, importing the file this lab loaded (or would load)."""
        if spec.dataset == "mnist":
            return self._mnist_code(spec, info)
        info = info or self.frames.frame_info(spec.dataset)
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

    def _mnist_code(self, spec: RunSpec, info: Any) -> str:
        mnist = info if isinstance(info, MnistInfo) else self.frames.mnist
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


def _local_or_url(source: ResolvedData | None, url: str) -> str:
    """The file's own path when the lab found it on disk, else the address it is downloaded from."""
    return source.path if source is not None and source.source != "download" else url
