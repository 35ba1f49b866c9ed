"""Messages that carry results from thread workers back to the UI thread.

Workers only ever ``post_message`` (thread-safe); the widgets that receive these update
themselves on the UI thread.
"""

from __future__ import annotations

from textual.message import Message

from tui.lab.cluster import ClusterStatus
from tui.lab.errors import LabError
from tui.lab.frames import FrameInfo
from tui.lab.training import Run


class ClusterProgress(Message):
    """A line of news while the cluster starts."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ClusterReady(Message):
    def __init__(self, status: ClusterStatus) -> None:
        super().__init__()
        self.status = status


class ClusterStatusUpdate(Message):
    """A fresh status from the health check."""

    def __init__(self, status: ClusterStatus) -> None:
        super().__init__()
        self.status = status

    def can_replace(self, message: Message) -> bool:
        # Called on the older message with a newer one queued behind it.
        return isinstance(message, ClusterStatusUpdate)


class ClusterFailed(Message):
    def __init__(self, error: LabError, log_tail: str = "") -> None:
        super().__init__()
        self.error = error
        self.log_tail = log_tail


class ClusterLost(Message):
    def __init__(self, reason: str, log_tail: str = "") -> None:
        super().__init__()
        self.reason = reason
        self.log_tail = log_tail


class DataProgress(Message):
    def __init__(self, name: str, text: str) -> None:
        super().__init__()
        self.name = name
        self.text = text

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, DataProgress) and message.name == self.name


class DataLoaded(Message):
    def __init__(self, info: FrameInfo) -> None:
        super().__init__()
        self.info = info


class DataFailed(Message):
    def __init__(self, name: str, error: LabError) -> None:
        super().__init__()
        self.name = name
        self.error = error


class RunUpdated(Message):
    """A copy of a run after a look at its job (running, or finished)."""

    def __init__(self, run: Run) -> None:
        super().__init__()
        self.run = run

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, RunUpdated)
            and message.run.run_id == self.run.run_id
            and not self.run.finished
        )


class RunFailed(Message):
    """The job could not start, or the cluster went away under it."""

    def __init__(self, step: int, error: LabError, run: Run | None = None) -> None:
        super().__init__()
        self.step = step
        self.error = error
        self.run = run


class ParamsChecked(Message):
    """H2O's verdict on a step's parameters, before its job starts."""

    def __init__(self, step: int, errors: dict[str, str], warnings: dict[str, str], split_sizes: list[int]) -> None:
        super().__init__()
        self.step = step
        self.errors = errors
        self.warnings = warnings
        self.split_sizes = split_sizes


class MetasLoaded(Message):
    """H2O's description of the Deep Learning parameters."""

    def __init__(self, metas: list) -> None:
        super().__init__()
        self.metas = metas


class MnistLoaded(Message):
    def __init__(self, info) -> None:
        super().__init__()
        self.info = info


class SpeedMeasured(Message):
    """This cluster's training speed for a network, from a short trial."""

    def __init__(self, key: tuple, speed: float) -> None:
        super().__init__()
        self.key = key
        self.speed = speed


class MistakesFound(Message):
    """The test digits a run's model gets wrong: how many, and the first of them."""

    def __init__(self, run_id: str, count: int, digits: list) -> None:
        super().__init__()
        self.run_id = run_id
        self.count = count
        self.digits = digits


class JournalProblem(Message):
    """The run journal could not be used or written; the app goes on."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
