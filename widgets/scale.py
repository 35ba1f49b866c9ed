"""Where a chart of several runs' curves tops its y axis, so that one diverged run does not flatten the others.

A run is off scale when its typical score (the median of its points) is more than ``OFF_SCALE`` times the best
run's: a model that blew up (a learning rate of 0.05 whose MSE climbs to 1e3) would otherwise set the axis, and
every other curve would lie in its bottom row. The axis then ends at the highest point of the other runs, so each
of them is drawn whole, and an off-scale run's points above it are drawn on the top line. Scores that stay
within 0 and 1 (AUC, classification error) cannot blow up, and are never capped.
"""

from __future__ import annotations

import math
import statistics

OFF_SCALE = 10.0


def typical(ys: list[float]) -> float | None:
    """The median of a curve's finite points (None if it has none)."""
    finite = [y for y in ys if math.isfinite(y)]
    return statistics.median(finite) if finite else None


def cap(curves: list[tuple[str, list[float]]]) -> tuple[float | None, list[str]]:
    """The top of the y axis and the names of the curves that go above it; ``(None, [])`` when all fit."""
    typicals = {name: t for name, ys in curves if (t := typical(ys)) is not None}
    if len(typicals) < 2:
        return None, []
    if all(0.0 <= y <= 1.0 for _, ys in curves for y in ys if math.isfinite(y)):
        return None, []
    best = min(typicals.values())
    if best <= 0.0:
        return None, []
    kept = [y for name, ys in curves if typicals.get(name, math.inf) <= OFF_SCALE * best for y in ys]
    tops = [y for y in kept if math.isfinite(y)]
    if not tops:
        return None, []
    top = max(tops)
    off = [
        name
        for name, ys in curves
        if typicals.get(name, math.inf) > OFF_SCALE * best and any(not math.isfinite(y) or y > top for y in ys)
    ]
    return (top, off) if off else (None, [])


def clip(ys: list[float], top: float) -> list[float]:
    """A curve's points, those above ``top`` (or not finite) drawn at ``top``."""
    return [y if math.isfinite(y) and y <= top else top for y in ys]


def off_note(names: list[str], room: int = 40) -> str:
    """What the chart's title says of the curves clipped at the top: "run-9 off scale", "3 runs off scale"."""
    named = f"{', '.join(names)} off scale"
    return named if len(names) == 1 or len(named) <= room else f"{len(names)} runs off scale"
