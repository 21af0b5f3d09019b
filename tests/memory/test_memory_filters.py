"""SearchFilter -> Chroma where clauses."""

from __future__ import annotations

from memory.filters import SearchFilter, asset_matches, combine
from memory.records import Origin, TaskRecord, ValidationSummary


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


def test_asset_paths_and_bare_names() -> None:
    assert SearchFilter(assets=("bowl/bowl.urdf",)).to_where() == {"asset:bowl/bowl.urdf": True}
    assert SearchFilter(assets=("Bowl",)).to_where() == {"asset_name:bowl": True}
    assert asset_matches("bowl", "bowl/bowl.urdf")
    assert asset_matches("block.urdf", "stacking/block.urdf")
    assert asset_matches("stacking/block.urdf", "stacking/block.urdf")
    assert not asset_matches("stacking/block.urdf", "block/block.urdf")
    assert not asset_matches("rope", "bowl/bowl.urdf")


def test_matches_agrees_with_the_where_clause_keys() -> None:
    record = TaskRecord.create(
        name="t",
        description="d",
        code="c",
        origin=Origin.GENERATED,
        assets=("stacking/block.urdf", "bowl/bowl.urdf"),
        validation=ValidationSummary(success_rate=0.7),
    )
    metadata = record.to_metadata()
    for search_filter, expected in [
        (SearchFilter(), True),
        (SearchFilter(assets=("block",)), True),
        (SearchFilter(assets=("block.urdf", "bowl")), True),
        (SearchFilter(assets=("block/block.urdf",)), False),
        (SearchFilter(min_success=0.7), True),
        (SearchFilter(min_success=0.71), False),
        (SearchFilter(origin=Origin.SEED), False),
        (SearchFilter(exclude_names=("t",)), False),
    ]:
        assert search_filter.matches(metadata) is expected, search_filter
        where = search_filter.to_where() or {}
        clauses = where.get("$and", [where] if where else [])
        asset_clauses = [c for c in clauses if next(iter(c)).startswith("asset")]
        assert all(next(iter(c)) in metadata for c in asset_clauses) or not expected
