"""SearchFilter -> Chroma where clauses."""

from __future__ import annotations

from memory.filters import SearchFilter, combine, resolve_asset
from memory.records import Origin


def test_empty_filter_is_none() -> None:
    assert SearchFilter().to_where() is None
    assert combine([]) is None


def test_single_and_combined_clauses() -> None:
    assert SearchFilter(origin=Origin.SEED).to_where() == {"origin": "seed"}
    where = SearchFilter(
        origin=Origin.GENERATED,
        assets=("bowl/bowl.urdf",),
        min_success=0.6,
        exclude_names=("a",),
    ).to_where()
    assert where == {
        "$and": [
            {"origin": "generated"},
            {"asset:bowl/bowl.urdf": True},
            {"success_rate": {"$gte": 0.6}},
            {"name": {"$nin": ["a"]}},
        ]
    }


def test_short_asset_names_resolve_against_the_library() -> None:
    known = ["bowl/bowl.urdf", "stacking/block.urdf", "block/block.urdf", "block/small.urdf"]
    assert resolve_asset("bowl", known) == ["bowl/bowl.urdf"]
    assert resolve_asset("block.urdf", known) == ["stacking/block.urdf", "block/block.urdf"]
    assert resolve_asset("rope", known) == []
    where = SearchFilter(assets=("block",)).to_where(known)
    assert where == {"$or": [{"asset:stacking/block.urdf": True}, {"asset:block/block.urdf": True}]}
    assert SearchFilter(assets=("rope",)).to_where(known) == {"asset:rope": True}
