"""The activation functions the form offers, drawn as small curves in braille dots (F1 on the activation field).

Each picture spans x from -3 to 3; the dim dots are the axes. A unit adds up its weighted inputs and passes the sum
through its activation: tanh squashes it into (-1, 1), the rectifier keeps positive sums and zeroes the rest, and a
maxout unit computes two weighted sums and keeps the larger, so its curve is made of two straight pieces that it
learns (the pair drawn here is one example).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from rich.table import Table as RichTable
from rich.text import Text

X_RANGE = (-3.0, 3.0)
WIDTH, HEIGHT = 18, 4  # characters: 36 by 16 braille dots

# (name, function, y range, what the curve shows)
CURVES: tuple[tuple[str, Callable[[float], float], tuple[float, float], str], ...] = (
    ("Tanh", math.tanh, (-1.2, 1.2), "an S from -1 to 1"),
    ("Rectifier", lambda x: max(0.0, x), (-1.0, 3.0), "0, then x"),
    ("Maxout", lambda x: max(0.8 * x + 0.4, -0.6 * x - 0.2), (-1.0, 3.0), "max of two lines"),
)

# Braille dot bits by (column, row) inside a character of 2 by 4 dots.
_BITS = {(0, 0): 0x01, (0, 1): 0x02, (0, 2): 0x04, (0, 3): 0x40, (1, 0): 0x08, (1, 1): 0x10, (1, 2): 0x20, (1, 3): 0x80}


def _dots(points: list[tuple[int, int]]) -> list[list[int]]:
    cells = [[0] * WIDTH for _ in range(HEIGHT)]
    for px, py in points:
        if 0 <= px < WIDTH * 2 and 0 <= py < HEIGHT * 4:
            cells[py // 4][px // 2] |= _BITS[(px % 2, py % 4)]
    return cells


def curve_picture(function: Callable[[float], float], y_range: tuple[float, float]) -> Text:
    """One function over X_RANGE: the curve in bold dots over dim axes."""
    low, high = y_range
    columns, rows = WIDTH * 2, HEIGHT * 4

    def row_of(y: float) -> int:
        return round((high - y) / (high - low) * (rows - 1))

    curve: list[tuple[int, int]] = []
    previous: int | None = None
    for px in range(columns):
        x = X_RANGE[0] + (X_RANGE[1] - X_RANGE[0]) * px / (columns - 1)
        py = row_of(function(x))
        # Join steep parts with a vertical run of dots, so the curve has no gaps.
        span = range(min(py, previous), max(py, previous) + 1) if previous is not None else [py]
        curve += [(px, y) for y in span]
        previous = py
    zero_row, zero_column = row_of(0.0), round(-X_RANGE[0] / (X_RANGE[1] - X_RANGE[0]) * (columns - 1))
    axes = [(px, zero_row) for px in range(0, columns, 2)] + [(zero_column, py) for py in range(0, rows, 2)]
    drawn, background = _dots(curve), _dots(axes)
    text = Text()
    for line, (on, under) in enumerate(zip(drawn, background)):
        if line:
            text.append("\n")
        for mine, axis in zip(on, under):
            if mine:
                text.append(chr(0x2800 + mine), style="bold")
            else:
                text.append(chr(0x2800 + axis), style="dim")
    return text


def activation_pictures(chosen: str | None = None) -> RichTable:  # a grid: the pictures, then a caption
    """The three families side by side (a ...WithDropout activation is the same curve), the chosen one marked."""
    family = (chosen or "").removesuffix("WithDropout")
    table = RichTable(box=None, padding=(0, 1), show_header=True, header_style="bold")
    for name, _function, _range, what in CURVES:
        mark = " ◀" if name == family else ""
        table.add_column(Text(f"{name}{mark}\n{what}"), no_wrap=True)
    table.add_row(*(curve_picture(function, y_range) for _name, function, y_range, _what in CURVES))
    box = RichTable.grid()
    box.add_column()
    box.add_row(table)
    box.add_row(
        Text(
            "x from -3 to 3 (dim: the axes). ...WithDropout: the same curve, units dropped while training. "
            "Maxout learns its two lines.",
            style="dim",
        )
    )
    return box
