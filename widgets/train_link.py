"""The one place a training step and its widgets reach what the app shares between steps.

That is the lab (the one owner of what is known: speeds and split sizes measured so far, the frames read,
the size of MNIST, H2O's parameter list) and a few of the app's methods (the run table, the saved progress,
the header and step list).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.dom import DOMNode
from textual.message import Message

from tui.lab.training import Run, RunSpec
from tui.messages import DataLoaded, DataProgress, MnistLoaded

MNIST_ROWS = (60000, 10000)  # training and test digits, until the data is read


def ensure_data(lab, spec: RunSpec, post: Callable[[Message], object]) -> None:
    """Import a step's data first if the learner skipped its step (from a worker; ``post`` reaches the app)."""
    if spec.dataset == "mnist":
        if lab.mnist is None:
            info = lab.load_mnist(lambda text: post(DataProgress("mnist", text)))
            post(MnistLoaded(info))
    elif lab.frame_info(spec.dataset) is None:
        info = lab.load_cars(lambda text: post(DataProgress("cars", text)))
        post(DataLoaded(info))


class AppLink:
    """What a training step asks of the app; ``node`` is the step's view (its app is the running one)."""

    def __init__(self, node: DOMNode) -> None:
        self._node = node

    @property
    def _app(self) -> Any:
        return self._node.app

    @property
    def lab(self) -> Any:
        """The app's lab: the cluster, the data, the jobs (thread workers call it too)."""
        return self._app.lab

    def leaving(self) -> bool:
        """True once the app has begun to quit."""
        return bool(getattr(self._app, "leaving", False))

    def metas(self) -> Any:
        """H2O's parameter list, if it has come."""
        return getattr(self._app, "metas", None)

    def mnist_rows(self) -> tuple[int, int]:
        """The rows of MNIST's training and test frames (60,000 and 10,000 until they are read)."""
        mnist = getattr(self._app, "mnist", None)
        return (mnist.train.rows, mnist.test.rows) if mnist else MNIST_ROWS

    def frame_info(self, dataset: str) -> Any:
        """What is known of a data set read into the cluster, or None."""
        return self._app.frames.get(dataset)

    def speed_for(self, spec: RunSpec) -> float | None:
        """This cluster's training speed for such a network (samples per second), if measured."""
        return self._app.speed_for(spec)

    def speed_is_early(self, spec: RunSpec) -> bool:
        """Whether that speed is a trial's, which a rectifier network will likely beat as it learns."""
        return self.lab.speed_is_early(spec)

    def split_sizes(self, spec: RunSpec) -> list[int] | None:
        """The rows on each side of the split ``spec`` trains on, if the lab knows them (no cluster call)."""
        return self.lab.known_split_sizes(spec)

    def show_split(self, key: tuple, sizes: list[int]) -> None:
        """A split's sizes are known (the lab keeps them): show them on every step that splits the same way."""
        for view in self._app.training_views():
            if view.split_key() == key:
                view.show_split(sizes)

    def run_updated(self, run: Run) -> None:
        """News of a run, for the run table (every run's news goes through the app)."""
        self._app.run_updated(run)

    def continue_run(self, run: Run) -> None:
        """Open the step that continues a finished run from its checkpoint."""
        self._app.continue_run(run)

    def watch_starts(self, node: DOMNode, callback: Callable[[], None]) -> None:
        """Call ``callback`` (on ``node``'s behalf, while it is mounted) whenever where a step's form starts may
        have moved: a run ended, or the learner loaded one into its step's form with l."""
        node.watch(self._app, "starts", lambda _count: callback(), init=False)

    def save_progress(self) -> None:
        """Save the forms' values (they come back in the next session)."""
        self._app.save_progress()

    def refresh_chrome(self) -> None:
        """The header, the step list and the footer's keys follow a change of state."""
        self._app.refresh_chrome()
