"""The App's part for exercises: goals checked on every finished run, hints, and the quiz."""

from __future__ import annotations

from tui.parts.base import LabAppBase


class Goals(LabAppBase):
    """Exercises: the goals of each step, checked against every finished run; hints; the quiz."""
