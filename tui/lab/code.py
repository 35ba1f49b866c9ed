"""The h2o-py script of a run, for the files this lab loaded (or would load), on its cluster."""

from __future__ import annotations

import copy
from typing import Any

from tui.lab import codegen
from tui.lab.config import LabConfig
from tui.lab.data import Frames
from tui.lab.datasets import ResolvedData
from tui.lab.mnist import MnistInfo
from tui.lab.steps import Step
from tui.lab.training import RunSpec


class Code:
    """Scripts that repeat a run: connect, import the data, train."""

    def __init__(self, config: LabConfig, frames: Frames) -> None:
        self.config = config
        self.frames = frames
        self.resolver = frames.resolver

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
