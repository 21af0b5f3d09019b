"""TaskRecord: ids, names, and the round trip through Chroma metadata."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from memory.records import (
    Origin,
    TaskRecord,
    ValidationSummary,
    asset_key,
    content_hash,
    relative_code_path,
)
from simenv.validation_report import EpisodeResult, Stage, ValidationReport


def make_record(**overrides: object) -> TaskRecord:
    fields: dict[str, object] = {
        "name": "place-red-in-green",
        "description": "Pick up the red blocks\n   and place them in the green bowls.",
        "code": "class PlaceRedInGreen(Task):\n    pass\n",
        "origin": "generated",
        "assets": ["stacking/block.urdf", "bowl/bowl.urdf", "stacking/block.urdf"],
        "validation": ValidationSummary(success_rate=0.8, seeds=(0, 1, 2, 3, 4), seconds=3.5),
        "model": "openai:gpt-4o",
    }
    fields.update(overrides)
    return TaskRecord.create(**fields)  # type: ignore[arg-type]


def test_id_is_the_sha256_of_the_code_and_paths_follow_the_name() -> None:
    record = make_record()
    assert record.id == content_hash(record.code)
    assert len(record.id) == 64
    assert (
        record.code_path
        == relative_code_path("place-red-in-green")
        == "tasks/place-red-in-green.py"
    )
    assert record.description == "Pick up the red blocks and place them in the green bowls."
    assert record.assets == ("stacking/block.urdf", "bowl/bowl.urdf")
    assert record.origin is Origin.GENERATED


def test_metadata_is_scalar_and_round_trips() -> None:
    record = make_record()
    metadata = record.to_metadata()
    assert all(isinstance(v, str | int | float | bool) for v in metadata.values())
    assert metadata[asset_key("bowl/bowl.urdf")] is True
    assert metadata["success_rate"] == 0.8
    assert TaskRecord.from_metadata(record.id, metadata) == record


def test_unvalidated_record_round_trips_without_validation_keys() -> None:
    record = make_record(validation=None, model=None, assets=[], origin=Origin.SEED)
    metadata = record.to_metadata()
    assert "success_rate" not in metadata and "model" not in metadata
    back = TaskRecord.from_metadata(record.id, metadata)
    assert back == record
    assert back.success_rate is None


@pytest.mark.parametrize("name", ["Place-Red", "place red", "../evil", "", "a--b", "-a"])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="Invalid task name"):
        make_record(name=name)


def test_summary_from_a_validation_report() -> None:
    report = ValidationReport(
        target="t.py",
        passed=True,
        stage=Stage.PASSED,
        episodes=[
            EpisodeResult(seed=s, reward=1.0, success=True, steps=3, seconds=0.1) for s in (7, 8)
        ],
        success_rate=1.0,
        seconds=0.4,
    )
    summary = ValidationSummary.from_report(report)
    assert summary == ValidationSummary(success_rate=1.0, seeds=(7, 8), seconds=0.4)


def test_created_time_is_kept_exactly() -> None:
    created = datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)
    record = make_record(created=created)
    assert TaskRecord.from_metadata(record.id, record.to_metadata()).created == created
