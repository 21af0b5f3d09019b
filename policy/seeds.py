"""Episode seeds per split, as CLIPort numbers them, so the splits never share a seed.

Train seeds are even (0, 2, 4, ...), validation seeds odd (1, 3, 5, ...), and test seeds odd
from 10001 (10001, 10003, ...): the i-th episode of a split always has the same seed, so a
resumed or parallel run records the same episodes as a single uninterrupted one.
"""

from __future__ import annotations

from itertools import count
from typing import Literal, get_args

Split = Literal["train", "val", "test"]
SPLITS: tuple[str, ...] = get_args(Split)
_FIRST = {"train": 0, "val": 1, "test": 10001}


def check_split(split: str) -> Split:
    if split not in SPLITS:
        raise ValueError(f"Unknown split '{split}'; use one of {', '.join(SPLITS)}.")
    return split  # type: ignore[return-value]


def seed_of(split: str, index: int) -> int:
    """The seed of the ``index``-th episode of ``split``."""
    if index < 0:
        raise ValueError(f"Episode index must be non-negative; got {index}.")
    return _FIRST[check_split(split)] + 2 * index


def split_seeds(split: str, start: int = 0) -> count[int]:
    """The split's seeds from its ``start``-th episode on (an endless iterator)."""
    return count(seed_of(split, start), 2)
