"""Tests for the box packing layout (``simenv.tasks._packing``)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from simenv.tasks._packing import MIN_DIM, box_symmetry, split_rectangle


@pytest.mark.parametrize("seed", range(10))
def test_split_rectangle_tiles_the_rectangle(seed: int) -> None:
    np.random.seed(seed)
    size = (0.2 + 0.05 * np.random.rand(), 0.15 + 0.1 * np.random.rand())
    slots = split_rectangle(size, n_boxes=6)
    assert 2 <= len(slots) <= 6
    assert sum(s.size[0] * s.size[1] for s in slots) == pytest.approx(size[0] * size[1])
    for s in slots:
        assert min(s.size) >= MIN_DIM - 1e-9
        assert abs(s.center[0]) + s.size[0] / 2 <= size[0] / 2 + 1e-9
        assert abs(s.center[1]) + s.size[1] / 2 <= size[1] / 2 + 1e-9
    for a, b in itertools.combinations(slots, 2):
        overlap_x = min(a.center[0] + a.size[0] / 2, b.center[0] + b.size[0] / 2) - max(
            a.center[0] - a.size[0] / 2, b.center[0] - b.size[0] / 2
        )
        overlap_y = min(a.center[1] + a.size[1] / 2, b.center[1] + b.size[1] / 2) - max(
            a.center[1] - a.size[1] / 2, b.center[1] - b.size[1] / 2
        )
        assert min(overlap_x, overlap_y) <= 1e-9


def test_split_rectangle_stops_when_nothing_can_be_cut() -> None:
    slots = split_rectangle((0.09, 0.09), n_boxes=5)
    assert len(slots) == 1 and slots[0].size == pytest.approx((0.09, 0.09))


def test_box_symmetry() -> None:
    assert box_symmetry((0.05, 0.05, 0.03)) == pytest.approx(np.pi / 2)
    assert box_symmetry((0.05, 0.08, 0.03)) == pytest.approx(np.pi)
