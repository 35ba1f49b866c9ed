"""Errors the learner can act on.

Every failure that reaches the UI is a :class:`LabError`: a short title, a message in plain
words, and optionally a hint (what to do) and a detail (a log tail, H2O's own text).
"""

from __future__ import annotations


class LabError(Exception):
    """A failure with a message meant for the learner, never a traceback."""

    def __init__(self, message: str, *, hint: str = "", detail: str = "", title: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.detail = detail
        self.title = title or "Something went wrong"

    def __str__(self) -> str:
        parts = [self.message]
        if self.hint:
            parts.append(self.hint)
        return "\n".join(parts)


class JavaError(LabError):
    def __init__(self, message: str, *, hint: str = "", detail: str = "") -> None:
        super().__init__(message, hint=hint, detail=detail, title="Java")


class ClusterError(LabError):
    def __init__(self, message: str, *, hint: str = "", detail: str = "") -> None:
        super().__init__(message, hint=hint, detail=detail, title="H2O cluster")


class DataError(LabError):
    def __init__(self, message: str, *, hint: str = "", detail: str = "") -> None:
        super().__init__(message, hint=hint, detail=detail, title="Data")


class TrainingError(LabError):
    def __init__(self, message: str, *, hint: str = "", detail: str = "") -> None:
        super().__init__(message, hint=hint, detail=detail, title="Training")
