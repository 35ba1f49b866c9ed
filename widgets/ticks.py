"""Round tick values for the charts: 0.20 0.22 0.24 rather than plotext's 0.190 0.204 0.218."""

from __future__ import annotations

import math

STEPS = (1.0, 2.0, 2.5, 5.0)  # the mantissas of a tick step, as on squared paper


def nice_ticks(low: float, high: float, most: int = 5) -> tuple[list[float], list[str]]:
    """At most ``most`` round values between ``low`` and ``high`` (inclusive) and their labels.

    Returns two empty lists when the range is empty or not finite: plotext's own ticks are then as good.
    The labels carry as many decimals as the step needs and no more, the same for every tick.
    """
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low or most < 2:
        return [], []
    raw = (high - low) / (most - 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    best: tuple[float, float] | None = None
    for scale in (magnitude / 10, magnitude, magnitude * 10):
        for mantissa in STEPS:
            step = mantissa * scale
            if _count(low, high, step) <= most:
                best = (step, mantissa)
                break
        if best:
            break
    if best is None:
        return [], []
    step, mantissa = best
    first = math.ceil(low / step - 1e-9)
    values = [round((first + i) * step, 12) for i in range(_count(low, high, step))]
    if len(values) < 2:
        return [], []
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) + (1 if mantissa == 2.5 else 0)
    return values, [f"{value:.{decimals}f}" for value in values]


def _count(low: float, high: float, step: float) -> int:
    """How many multiples of ``step`` lie between ``low`` and ``high``."""
    return math.floor(high / step + 1e-9) - math.ceil(low / step - 1e-9) + 1
