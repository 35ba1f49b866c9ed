"""The App's part for parameter sweeps (H2O grid searches started from a step's form)."""

from __future__ import annotations

from tui.parts.base import LabAppBase


class Sweeps(LabAppBase):
    """Sweeps: starting one from a form, its news, its models as runs."""
