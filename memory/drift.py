"""Drift between the collection and the task files, and what repairing each kind means.

The collection is the source of truth (each record holds its code); `<workspace>/tasks/` holds
one file per record. Writes keep them in step in an order chosen so that a process killed
between the two steps leaves a drift that `check` recognises and `check --repair` resolves:

- add: record first, then file. Killed between -> `missing_file` -> the file is rewritten.
- replace (same name, new code): new record, old record deleted, then file. Killed between ->
  `duplicate_name` (newest kept) and/or `hash_mismatch` (file rewritten from the record).
- remove: record first, then file. Killed between -> `orphan_file` -> moved to `tasks/orphans/`.

Nothing a user wrote is ever deleted by a repair: an edited or unknown file is moved to
`tasks/orphans/`, from where `simgen memory add` can bring it back (after validation).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, Field

from memory.embedding import EMBEDDING_TEXT_VERSION
from memory.records import TaskRecord
from memory.taskfiles import ORPHANS_DIRNAME, TEMP_PREFIX, file_hash


class DriftKind(StrEnum):
    MISSING_FILE = "missing_file"
    HASH_MISMATCH = "hash_mismatch"
    ORPHAN_FILE = "orphan_file"
    DUPLICATE_NAME = "duplicate_name"
    BAD_RECORD = "bad_record"
    STALE_TEMP = "stale_temp"
    UNSEEDED = "unseeded"
    STALE_EMBEDDINGS = "stale_embeddings"


REPAIR_ACTIONS: dict[DriftKind, str] = {
    DriftKind.MISSING_FILE: "rewrite the file from the stored record",
    DriftKind.HASH_MISMATCH: "move the edited file to tasks/orphans/, rewrite it from the record",
    DriftKind.ORPHAN_FILE: "move the file to tasks/orphans/ (add it back with `simgen memory add`)",
    DriftKind.DUPLICATE_NAME: "keep the newest record of that name, delete the older ones",
    DriftKind.BAD_RECORD: "delete the unreadable record",
    DriftKind.STALE_TEMP: "delete the leftover temporary file",
    DriftKind.UNSEEDED: "add the registered seed task to the library",
    DriftKind.STALE_EMBEDDINGS: "re-embed every record with the current embedding text",
}


class Drift(BaseModel):
    """One disagreement between the collection and the files."""

    kind: DriftKind
    name: str | None = None
    record_id: str | None = None
    path: str | None = Field(default=None, description="The file concerned, if any.")
    detail: str = ""

    @property
    def repair_action(self) -> str:
        return REPAIR_ACTIONS[self.kind]


class DriftReport(BaseModel):
    """What `TaskMemory.check` found (and, with repair, what it fixed)."""

    records: int = 0
    files: int = 0
    drift: list[Drift] = Field(default_factory=list)
    repaired: bool = False

    @property
    def ok(self) -> bool:
        """True when there was nothing to report (or everything reported has been repaired)."""
        return not self.drift or self.repaired

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for item in self.drift:
            out[item.kind.value] += 1
        return dict(out)

    def summary(self) -> str:
        if not self.drift:
            return f"consistent: {self.records} records, {self.files} task files"
        parts = ", ".join(f"{n} {kind}" for kind, n in sorted(self.counts().items()))
        verb = "repaired" if self.repaired else "found"
        return f"{verb} {len(self.drift)} drift ({parts}) in {self.records} records"


def task_files(tasks_dir: Path) -> dict[str, Path]:
    """Task files by name (`<name>.py` directly in the folder; orphans/ and temp files excluded)."""
    if not tasks_dir.is_dir():
        return {}
    return {
        path.stem: path
        for path in sorted(tasks_dir.glob("*.py"))
        if path.is_file() and not path.name.startswith(TEMP_PREFIX)
    }


def temp_files(tasks_dir: Path) -> list[Path]:
    if not tasks_dir.is_dir():
        return []
    return sorted(p for p in tasks_dir.glob(f"{TEMP_PREFIX}*") if p.is_file())


def newest_by_name(records: list[TaskRecord]) -> dict[str, TaskRecord]:
    """One record per name: the most recently created wins (ties: larger id, to be stable)."""
    chosen: dict[str, TaskRecord] = {}
    for record in records:
        current = chosen.get(record.name)
        if current is None or (record.created, record.id) > (current.created, current.id):
            chosen[record.name] = record
    return chosen


def find_drift(
    records: list[TaskRecord],
    bad_record_ids: list[str],
    tasks_dir: Path,
    *,
    unseeded: Sequence[str] = (),
    embedding_version: object = None,
) -> DriftReport:
    """Compare records with the files under `tasks_dir`; pure, reads files only."""
    files = task_files(tasks_dir)
    drift: list[Drift] = []
    keep = newest_by_name(records)
    for record in records:
        if keep[record.name].id != record.id:
            drift.append(
                Drift(
                    kind=DriftKind.DUPLICATE_NAME,
                    name=record.name,
                    record_id=record.id,
                    detail=f"older record of '{record.name}' ({record.created.isoformat()})",
                )
            )
    for name, record in sorted(keep.items()):
        path = files.get(name)
        if path is None:
            drift.append(
                Drift(
                    kind=DriftKind.MISSING_FILE,
                    name=name,
                    record_id=record.id,
                    path=str(tasks_dir / f"{name}.py"),
                    detail="the record has no task file",
                )
            )
            continue
        actual = file_hash(path)
        if actual != record.id:
            drift.append(
                Drift(
                    kind=DriftKind.HASH_MISMATCH,
                    name=name,
                    record_id=record.id,
                    path=str(path),
                    detail=f"file hash {actual[:12]} != record {record.id[:12]}",
                )
            )
    for name, path in sorted(files.items()):
        if name not in keep:
            drift.append(
                Drift(
                    kind=DriftKind.ORPHAN_FILE,
                    name=name,
                    path=str(path),
                    detail="no record of this name in the collection",
                )
            )
    for record_id in bad_record_ids:
        drift.append(
            Drift(
                kind=DriftKind.BAD_RECORD,
                record_id=record_id,
                detail="metadata cannot be read as a task record",
            )
        )
    for path in temp_files(tasks_dir):
        drift.append(
            Drift(kind=DriftKind.STALE_TEMP, path=str(path), detail="left by an interrupted write")
        )
    for name in unseeded:
        drift.append(
            Drift(kind=DriftKind.UNSEEDED, name=name, detail="registered seed task not in library")
        )
    if embedding_version is not None and embedding_version != EMBEDDING_TEXT_VERSION:
        drift.append(
            Drift(
                kind=DriftKind.STALE_EMBEDDINGS,
                detail=f"records embedded with text version {embedding_version}, "
                f"current is {EMBEDDING_TEXT_VERSION}",
            )
        )
    return DriftReport(records=len(records) + len(bad_record_ids), files=len(files), drift=drift)


def orphan_destination(tasks_dir: Path, path: Path, code_hash: str) -> Path:
    """Where a displaced file goes: `tasks/orphans/<name>.<hash12>.py` (never overwrites)."""
    return tasks_dir / ORPHANS_DIRNAME / f"{path.stem}.{code_hash[:12]}.py"
