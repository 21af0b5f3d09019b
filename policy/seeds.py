"""Episode seeds per split: a fixed numbering under which the splits never share a seed.

The i-th episode of a split always has the same seed, so a resumed or parallel run records
(and evaluates) the same episodes as a single uninterrupted one. The splits are residues
modulo 4, so they stay disjoint for any number of episodes:

    train  2i      0, 2, 4, 6, ...    (CLIPort's train numbering, unchanged)
    val    4i + 1  1, 5, 9, 13, ...
    test   4i + 3  3, 7, 11, 15, ...

Why not CLIPort's own numbering (val odd from 1, test odd from 10001): there the 5000th
validation episode gets seed 10001, test's first, so a long validation run evaluates on test
scenes. Train seeds keep CLIPort's numbering because stored demonstrations are keyed by seed;
validation and test seeds changed (simgen-demos/2 stores written before the change may hold
val/test episodes under the old seeds: ``DemoStore.episodes`` skips any episode whose seed
belongs to another split, so such an episode is never served as the wrong split).
"""

from __future__ import annotations

from itertools import count
from typing import Final, Literal, get_args

Split = Literal["train", "val", "test"]
SPLITS: tuple[Split, ...] = get_args(Split)
_STEP: Final = {"train": 2, "val": 4, "test": 4}
_FIRST: Final = {"train": 0, "val": 1, "test": 3}


def check_split(split: str) -> Split:
    """``split`` as a ``Split``; a clear error naming the splits otherwise."""
    for known in SPLITS:
        if split == known:
            return known
    raise ValueError(f"Unknown split '{split}'; use one of {', '.join(SPLITS)}.")


def seed_of(split: str, index: int) -> int:
    """The seed of the ``index``-th episode of ``split``."""
    if index < 0:
        raise ValueError(f"Episode index must be non-negative; got {index}.")
    name = check_split(split)
    return _FIRST[name] + _STEP[name] * index


def split_of(seed: int) -> Split:
    """The split a seed belongs to (the inverse of ``seed_of``)."""
    if seed < 0:
        raise ValueError(f"Seeds are non-negative; got {seed}.")
    if seed % 2 == 0:
        return "train"
    return "val" if seed % 4 == 1 else "test"


def index_of(seed: int) -> int:
    """The episode index of ``seed`` within its split: ``seed_of(split_of(s), index_of(s)) == s``."""
    name = split_of(seed)
    return (seed - _FIRST[name]) // _STEP[name]


def split_seeds(split: str, start: int = 0) -> count[int]:
    """The split's seeds from its ``start``-th episode on (an endless iterator)."""
    return count(seed_of(split, start), _STEP[check_split(split)])
