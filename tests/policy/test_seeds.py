from __future__ import annotations

import itertools

import pytest

from policy.seeds import SPLITS, seed_of, split_seeds


def test_splits_never_share_a_seed() -> None:
    seen = {s: set(itertools.islice(split_seeds(s), 2000)) for s in SPLITS}
    for a, b in itertools.combinations(SPLITS, 2):
        assert not seen[a] & seen[b], (a, b)


@pytest.mark.parametrize(("split", "first"), [("train", 0), ("val", 1), ("test", 10001)])
def test_cliport_numbering(split: str, first: int) -> None:
    assert seed_of(split, 0) == first
    assert seed_of(split, 3) == first + 6
    assert next(split_seeds(split, 3)) == first + 6


def test_unknown_split_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="train, val, test"):
        seed_of("dev", 0)
