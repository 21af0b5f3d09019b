from __future__ import annotations

import itertools
import random

import pytest

from policy.seeds import SPLITS, index_of, seed_of, split_of, split_seeds


def test_splits_never_share_a_seed() -> None:
    """The first 20 000 episodes of each split: far past index 5000, where CLIPort's numbering
    gave the 5000th validation episode test's first seed (10001)."""
    seen = {s: set(itertools.islice(split_seeds(s), 20_000)) for s in SPLITS}
    for a, b in itertools.combinations(SPLITS, 2):
        assert not seen[a] & seen[b], (a, b)


def test_seeds_map_back_to_their_split_at_any_index() -> None:
    """Property sweep over large indices (no hypothesis installed): every seed is claimed by
    exactly one split and one index, so no two (split, index) pairs can meet, whatever the
    count; ``split_of`` and ``index_of`` invert ``seed_of``."""
    rng = random.Random(0)
    indices = [0, 1, 4999, 5000, 5001, 10**6, 2**40] + [rng.randrange(2**62) for _ in range(3000)]
    for split in SPLITS:
        for index in indices:
            seed = seed_of(split, index)
            assert seed >= 0
            assert (split_of(seed), index_of(seed)) == (split, index)


def test_every_seed_belongs_to_one_split() -> None:
    """Nothing is left over or doubly claimed among the small seeds either."""
    for seed in range(4000):
        assert seed_of(split_of(seed), index_of(seed)) == seed


@pytest.mark.parametrize(
    ("split", "first", "step"), [("train", 0, 2), ("val", 1, 4), ("test", 3, 4)]
)
def test_numbering(split: str, first: int, step: int) -> None:
    """Train keeps CLIPort's numbering (stored demonstrations are keyed by seed)."""
    assert seed_of(split, 0) == first
    assert seed_of(split, 3) == first + 3 * step
    assert list(itertools.islice(split_seeds(split, 3), 2)) == [first + 3 * step, first + 4 * step]


def test_unknown_split_and_negative_index_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="train, val, test"):
        seed_of("dev", 0)
    with pytest.raises(ValueError, match="non-negative"):
        seed_of("val", -1)
