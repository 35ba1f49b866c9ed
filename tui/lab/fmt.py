"""Plain-text formatting of sizes, durations and numbers for the screens."""

from __future__ import annotations

import math
import re


def size(n: float | int | None) -> str:
    if n is None:
        return "-"
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"  # pragma: no cover


def duration(seconds: float | None) -> str:
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "-"
    seconds = max(0.0, float(seconds))
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, secs = divmod(int(seconds + 0.5), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def number(value: float | int | None, digits: int = 4) -> str:
    """A metric value: enough significant digits to compare runs, never scientific for ordinary sizes."""
    if value is None:
        return "-"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == int(v) and abs(v) < 1e9 and isinstance(value, int):
        return f"{int(v):,}"
    if v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e7):
        return f"{v:.{digits - 1}e}"
    return f"{v:.{digits}g}" if abs(v) >= 1 else f"{v:.{digits}f}".rstrip("0").rstrip(".") or "0"


def shared_decimals(values: list[float], digits: int = 4, most: int = 6) -> int:
    """Decimals for a set of figures shown side by side: ``digits`` significant ones for the largest, and the
    same for all of them, so that they line up (0.1200 beside 0.1913, not 0.12)."""
    finite = [abs(v) for v in values if math.isfinite(v)]
    top = max(finite, default=0.0)
    if top == 0:
        return digits
    return max(0, min(most, digits - 1 - math.floor(math.log10(top))))


def count(n: int | None) -> str:
    return "-" if n is None else f"{n:,}"


def row_number(index: int) -> str:
    """A frame's row as a learner counts it: the first is 1 (H2O and Python count from 0)."""
    return f"{index + 1:,}"


_LIST = re.compile(r"\[([^\[\]]*)\]")


def short_lists(text: str, keep: int = 4) -> str:
    """Shorten long bracketed lists in H2O's messages: ``[C1, C2, … (67 in all)]``."""

    def shorten(match: re.Match) -> str:
        items = [i.strip() for i in match.group(1).split(",") if i.strip()]
        if len(items) <= keep + 1:
            return match.group(0)
        return f"[{', '.join(items[:keep])}, … ({len(items)} in all)]"

    return _LIST.sub(shorten, text)
