"""check / check --repair: every drift a killed process or a user can leave is found and fixed."""

from __future__ import annotations

import os

from memory.drift import DriftKind
from memory.library import TaskMemory
from memory.records import Origin, TaskRecord
from memory.taskfiles import TEMP_PREFIX
from tests.memory.memory_fakes import FAKE_SEEDS, task_code


def kinds(memory: TaskMemory) -> dict[str, int]:
    return memory.check().counts()


def test_a_fresh_library_is_consistent(memory: TaskMemory) -> None:
    report = memory.check()
    assert report.ok and report.drift == []
    assert report.records == report.files == len(FAKE_SEEDS)
    assert report.summary().startswith("consistent")


def test_missing_file_is_rewritten_from_the_record(memory: TaskMemory) -> None:
    record = memory.get("towers-of-hanoi")
    memory.code_file(record).unlink()
    report = memory.check()
    assert not report.ok
    assert [(d.kind, d.name) for d in report.drift] == [(DriftKind.MISSING_FILE, "towers-of-hanoi")]
    repaired = memory.check(repair=True)
    assert repaired.repaired and repaired.ok
    assert memory.code_file(record).read_text() == record.code
    assert memory.check().drift == []


def test_edited_file_is_kept_in_orphans_and_restored(memory: TaskMemory) -> None:
    record = memory.get("align-rope")
    path = memory.code_file(record)
    path.write_text(record.code + "\n# hand edit\n")
    assert kinds(memory) == {"hash_mismatch": 1}
    assert memory.check(repair=True).repaired
    assert path.read_text() == record.code
    kept = list((memory.tasks_dir / "orphans").glob("align-rope.*.py"))
    assert len(kept) == 1 and kept[0].read_text().endswith("# hand edit\n")


def test_orphan_and_temp_files_are_moved_or_deleted(memory: TaskMemory) -> None:
    (memory.tasks_dir / "stray-task.py").write_text("class Stray: pass\n")
    (memory.tasks_dir / f"{TEMP_PREFIX}sweeping-piles.py.x1").write_text("half a wri")
    assert kinds(memory) == {"orphan_file": 1, "stale_temp": 1}
    report = memory.check(repair=True)
    assert report.repaired
    assert (memory.tasks_dir / "orphans").is_dir()
    assert not (memory.tasks_dir / "stray-task.py").exists()
    assert not list(memory.tasks_dir.glob(f"{TEMP_PREFIX}*"))
    assert memory.check().drift == []


def test_duplicate_names_keep_the_newest(memory: TaskMemory) -> None:
    old = memory.get("sweeping-piles")
    newer = TaskRecord.create(
        name="sweeping-piles",
        description="Sweep the pile of blocks into the zone.",
        code=task_code("sweeping-piles", "Sweep the pile into the zone.", ()),
        origin=Origin.GENERATED,
    )
    # What a process killed between "upsert new" and "delete old" leaves behind.
    memory.collection.upsert(
        ids=[newer.id], documents=[newer.description], metadatas=[newer.to_metadata()]
    )
    counts = kinds(memory)
    assert counts == {"duplicate_name": 1, "hash_mismatch": 1}
    assert memory.get("sweeping-piles").id == newer.id  # reads already prefer the newest
    assert memory.check(repair=True).repaired
    assert memory.get_by_id(old.id) is None
    assert memory.code_file(newer).read_text() == newer.code


def test_bad_records_and_unseeded_tasks(memory: TaskMemory) -> None:
    memory.collection.upsert(ids=["junk"], documents=["junk"], metadatas=[{"name": "junk"}])
    memory.remove("stack-block-pyramid")
    assert kinds(memory) == {"bad_record": 1, "unseeded": 1}
    assert memory.check(repair=True).repaired
    assert memory.get_by_id("junk") is None
    assert memory.get("stack-block-pyramid").origin is Origin.SEED
    assert memory.check().drift == []


def test_removal_interrupted_before_the_file_goes(memory: TaskMemory) -> None:
    record = memory.get("place-red-in-green")
    memory.collection.delete(ids=[record.id])  # record gone, file still there
    memory._seed_source = None  # the user removed it on purpose: not an unseeded seed
    assert kinds(memory) == {"orphan_file": 1}
    assert memory.check(repair=True).repaired
    assert not memory.code_file(record).exists()
    assert os.listdir(memory.tasks_dir / "orphans")


def test_records_embedded_with_an_older_text_are_re_embedded(memory: TaskMemory) -> None:
    metadata = dict(memory.collection.metadata or {})
    memory.collection.modify(metadata={**metadata, "embedding_text_version": 0})
    assert kinds(memory) == {"stale_embeddings": 1}
    assert memory.check(repair=True).repaired
    assert memory.check().drift == []
    assert memory.search("move the rings between pegs", k=1)[0].record.name == "towers-of-hanoi"
