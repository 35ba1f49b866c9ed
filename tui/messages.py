"""Messages that carry results from thread workers back to the UI thread.

Workers only ever ``post_message`` (thread-safe); the widgets that receive these update
themselves on the UI thread. Each message is a small dataclass (compared by identity, as Textual expects).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from tui.lab.cluster import ClusterStatus
    from tui.lab.errors import LabError
    from tui.lab.frames import FrameInfo
    from tui.lab.mnist import Digit, MnistInfo
    from tui.lab.params import ParamMeta
    from tui.lab.sweep_runner import SweepState
    from tui.lab.training import Run


@dataclass(eq=False)
class ClusterProgress(Message):
    """A line of news while the cluster starts."""

    text: str


@dataclass(eq=False)
class ClusterReady(Message):
    """The cluster answers: its status."""

    status: ClusterStatus


@dataclass(eq=False)
class ClusterStatusUpdate(Message):
    """A fresh status from the health check."""

    status: ClusterStatus

    def can_replace(self, message: Message) -> bool:
        """Called on the older message with a newer one queued behind it."""
        return isinstance(message, ClusterStatusUpdate)


@dataclass(eq=False)
class ClusterFailed(Message):
    """The cluster did not start (or could not be reached); the end of its log, if any."""

    error: LabError
    log_tail: str = ""


@dataclass(eq=False)
class ClusterLost(Message):
    """A ready cluster stopped answering."""

    reason: str
    log_tail: str = ""


@dataclass(eq=False)
class DataProgress(Message):
    """A line of news while a data set is found and imported."""

    name: str
    text: str

    def can_replace(self, message: Message) -> bool:
        """Only the newest line of one import matters."""
        return isinstance(message, DataProgress) and message.name == self.name


@dataclass(eq=False)
class DataLoaded(Message):
    """A table (cars) is in the cluster: its summary."""

    info: FrameInfo


@dataclass(eq=False)
class DataFailed(Message):
    """An import failed: which data set and why."""

    name: str
    error: LabError


@dataclass(eq=False)
class RunUpdated(Message):
    """A copy of a run after a look at its job (running, or finished)."""

    run: Run

    def can_replace(self, message: Message) -> bool:
        """A newer look at a running job replaces an older one still queued."""
        return isinstance(message, RunUpdated) and message.run.run_id == self.run.run_id and not self.run.finished


@dataclass(eq=False)
class RunFailed(Message):
    """The job could not start, or the cluster went away under it."""

    step: int
    error: LabError
    run: Run | None = None


@dataclass(eq=False)
class ParamsChecked(Message):
    """H2O's verdict on a step's parameters, before its job starts."""

    step: int
    errors: dict[str, str]
    warnings: dict[str, str]
    split_sizes: list[int]


@dataclass(eq=False)
class MetasLoaded(Message):
    """H2O's description of the Deep Learning parameters."""

    metas: list[ParamMeta]


@dataclass(eq=False)
class MnistLoaded(Message):
    """The MNIST digits are in the cluster: their summary."""

    info: MnistInfo


@dataclass(eq=False)
class SpeedMeasured(Message):
    """This cluster's training speed for a network, from a short trial."""

    key: tuple[Any, ...]
    speed: float


@dataclass(eq=False)
class SpeedTrialProgress(Message):
    """How far the speed trial got (``fraction`` of its iterations), in words."""

    fraction: float
    text: str


@dataclass(eq=False)
class JobEnded(Message):
    """A step's job (speed trial, check, training and the model's saving) posted its last news: the worker is done."""

    job: int


@dataclass(eq=False)
class SpeedTrialCancelled(Message):
    """The learner stopped the speed trial."""


@dataclass(eq=False)
class MistakesFound(Message):
    """The test digits a run's model gets wrong: how many, and the first of them."""

    run_id: str
    count: int
    digits: list[Digit]


@dataclass(eq=False)
class JournalProblem(Message):
    """The run journal could not be used or written; the app goes on."""

    text: str


@dataclass(eq=False)
class SweepUpdated(Message):
    """A copy of a sweep after a look at its grid; ``run`` is a model that has just finished (once per model)."""

    state: SweepState
    run: Run | None = None

    def can_replace(self, message: Message) -> bool:
        """A newer look replaces an older one still queued, unless the older brings a model or the end."""
        return (
            isinstance(message, SweepUpdated)
            and message.state.sweep_id == self.state.sweep_id
            and self.run is None
            and not self.state.finished
        )
