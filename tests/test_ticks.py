"""The charts' tick values: round numbers inside the data's range, labelled alike."""

from __future__ import annotations

import math

import pytest

from widgets.ticks import nice_ticks


@pytest.mark.parametrize(
    ("low", "high", "most", "labels"),
    [
        (0.19, 0.272, 5, ["0.20", "0.22", "0.24", "0.26"]),  # step 3's MSE
        (1.0, 10.0, 5, ["2", "4", "6", "8", "10"]),  # epochs
        (0.961, 0.9805, 4, ["0.965", "0.970", "0.975", "0.980"]),  # MNIST accuracy
        (0.0, 1.0, 5, ["0.00", "0.25", "0.50", "0.75", "1.00"]),
        (120.0, 980.0, 5, ["200", "400", "600", "800"]),
    ],
)
def test_round_values_inside_the_range(low: float, high: float, most: int, labels: list[str]) -> None:
    values, got = nice_ticks(low, high, most)
    assert got == labels
    assert all(low <= v <= high for v in values)
    assert len(values) <= most


@pytest.mark.parametrize(("low", "high"), [(3.0, 3.0), (2.0, 1.0), (0.0, math.inf), (math.nan, 1.0)])
def test_no_ticks_for_an_empty_range(low: float, high: float) -> None:
    assert nice_ticks(low, high) == ([], [])
