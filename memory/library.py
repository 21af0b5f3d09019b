"""`TaskMemory`: the task library, one Chroma collection plus one file per task.

- Records are keyed by the sha256 of their code, so a repeated write is a no-op (`AddOutcome.
  UNCHANGED`): its created time, its file and its embedding stay as they were.
- A name is unique in the library: writing different code under an existing name is refused
  unless `replace=True` (the graph names tasks; a silent overwrite would lose one of them).
- Each record stores its code, so the collection is the source of truth and the files under
  `<workspace>/tasks/` can always be rebuilt; `check(repair=True)` does that, and fixes any other
  drift a killed process can leave (see `memory.drift` for the write order that guarantees it).
- Searches embed the query with the same model as the records and return cosine distances
  (0 = same direction, 1 = unrelated, 2 = opposite).
"""

from __future__ import annotations

import builtins
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chromadb.api import ClientAPI
from chromadb.api.collection_configuration import CreateHNSWConfiguration
from chromadb.api.models.Collection import Collection

from memory.client import connect
from memory.drift import DriftKind, DriftReport, find_drift, newest_by_name, orphan_destination
from memory.embedding import (
    EMBEDDING_TEXT_VERSION,
    MODEL_NAME,
    MiniLMEmbeddingFunction,
    embedding_text,
)
from memory.errors import (
    EmbeddingMismatchError,
    TaskNameConflictError,
    UnknownTaskNameError,
)
from memory.filters import SearchFilter, Where
from memory.records import Origin, TaskRecord
from memory.taskfiles import atomic_write_text, file_hash
from simenv.workspace import DEFAULT_WORKSPACE

if TYPE_CHECKING:
    from chromadb.api.types import Documents, EmbeddingFunction

    from simenv.tasks import TaskInfo

COLLECTION_NAME = "simgen-tasks"
MAX_DISTANCE = 2.0
"""The largest cosine distance; `novelty` returns it when there is nothing to compare with."""

HNSW_CONFIGURATION: CreateHNSWConfiguration = {
    "space": "cosine",
    "ef_construction": 400,
    "max_neighbors": 32,
    "ef_search": 1000,
}
"""HNSW index settings. Chroma's defaults (100 / 16 / 100) lose recall on this data: generated
tasks come from a few templates and form dense clusters, and a seed task outside them is hard to
reach. Measured with 10,018 records and 52 labelled queries: the default index returned the exact
nearest task for 37 queries, these settings for all 52, at ~1.4 ms per query (index only) and
~3 s more to build 10k (embedding them takes minutes)."""

OVERFETCH = 10
"""A filtered search first looks at the `k * OVERFETCH` (at least 50) nearest tasks."""

SeedSource = Callable[[], Iterable["TaskInfo"]]
Progress = Callable[[int, int], None]
"""Called as progress(done, total) during long work (seeding, bulk adds, checks)."""


def registered_seed_tasks() -> builtins.list[TaskInfo]:
    """Every seed task registered in `simenv.tasks` (the default seed source)."""
    from simenv.tasks import list_tasks

    return list_tasks()


class AddOutcome(StrEnum):
    ADDED = "added"
    UNCHANGED = "unchanged"
    REPLACED = "replaced"


@dataclass(frozen=True)
class AddResult:
    """What a write did. For UNCHANGED, `record` is the stored one (it may carry another name
    when the same code was stored before under that name)."""

    record: TaskRecord
    outcome: AddOutcome


@dataclass(frozen=True)
class SearchHit:
    """A search result: the record and its cosine distance to the query."""

    record: TaskRecord
    distance: float

    def to_json(self) -> dict[str, Any]:
        return {**self.record.summary_dict(), "distance": round(self.distance, 6)}


class TaskMemory:
    """The task library. Open one with `TaskMemory.open(workspace)`."""

    def __init__(
        self,
        client: ClientAPI,
        workspace: Path,
        *,
        collection_name: str = COLLECTION_NAME,
        embedding_function: EmbeddingFunction[Documents] | None = None,
        seed_tasks: SeedSource | None = registered_seed_tasks,
    ) -> None:
        self.client = client
        self.workspace = Path(workspace)
        self.tasks_dir = self.workspace / "tasks"
        self.embedding_function = embedding_function or MiniLMEmbeddingFunction()
        self._seed_source = seed_tasks
        try:
            self.collection: Collection = client.get_or_create_collection(
                name=collection_name,
                configuration={"hnsw": HNSW_CONFIGURATION},
                metadata={
                    "embedding_model": MODEL_NAME,
                    "embedding_text_version": EMBEDDING_TEXT_VERSION,
                },
                embedding_function=self.embedding_function,  # type: ignore[arg-type]
            )
        except ValueError as exc:
            if "embedding function" not in str(exc).lower():
                raise
            raise EmbeddingMismatchError(
                f"Collection '{collection_name}' was created with another embedding function "
                f"({exc}). Open it with the same one, or use a new workspace / collection."
            ) from exc
        self._raise_ef_search()

    def _raise_ef_search(self) -> None:
        """Give a library created with a smaller search beam the one above (only ef_search can
        change after creation; the graph itself keeps the parameters it was built with)."""
        hnsw = (self.collection.configuration or {}).get("hnsw") or {}
        wanted = HNSW_CONFIGURATION["ef_search"]
        if int(hnsw.get("ef_search") or 0) < wanted:
            self.collection.modify(configuration={"hnsw": {"ef_search": wanted}})

    @classmethod
    def open(
        cls,
        workspace: Path | str = DEFAULT_WORKSPACE,
        chroma_url: str | None = None,
        *,
        collection_name: str = COLLECTION_NAME,
        embedding_function: EmbeddingFunction[Documents] | None = None,
        seed_tasks: SeedSource | None = registered_seed_tasks,
        seed: bool = True,
        progress: Progress | None = None,
    ) -> TaskMemory:
        """Open (creating if needed) the library of `workspace`, seeding it on first use.

        With `chroma_url`, records live on that Chroma server and task files under this
        workspace; otherwise both live under the workspace (`memory/` and `tasks/`).
        """
        workspace = Path(workspace)
        memory = cls(
            connect(workspace, chroma_url),
            workspace,
            collection_name=collection_name,
            embedding_function=embedding_function,
            seed_tasks=seed_tasks,
        )
        if seed:
            memory.seed_if_empty(progress=progress)
        return memory

    # ---------------------------------------------------------------- reading

    def count(self) -> int:
        return self.collection.count()

    def __len__(self) -> int:
        return self.count()

    def code_file(self, record: TaskRecord) -> Path:
        """The absolute path of a record's task file in this workspace."""
        return self.workspace / record.code_path

    def _read_all(self) -> tuple[builtins.list[TaskRecord], builtins.list[str]]:
        """Every record, plus the ids of records whose metadata cannot be parsed."""
        records: builtins.list[TaskRecord] = []
        bad: builtins.list[str] = []
        batch = max(1, min(1000, self.client.get_max_batch_size()))
        offset = 0
        while True:
            page = self.collection.get(limit=batch, offset=offset, include=["metadatas"])
            ids = page["ids"]
            for record_id, metadata in zip(ids, page["metadatas"] or [], strict=True):
                try:
                    records.append(TaskRecord.from_metadata(record_id, dict(metadata or {})))
                except (KeyError, ValueError, TypeError):
                    bad.append(record_id)
            if len(ids) < batch:
                return records, bad
            offset += batch

    def _records_where(self, where: Where) -> builtins.list[TaskRecord]:
        page = self.collection.get(where=where, include=["metadatas"])
        return [
            TaskRecord.from_metadata(record_id, dict(metadata or {}))
            for record_id, metadata in zip(page["ids"], page["metadatas"] or [], strict=True)
        ]

    def get_by_id(self, record_id: str) -> TaskRecord | None:
        page = self.collection.get(ids=[record_id], include=["metadatas"])
        if not page["ids"]:
            return None
        return TaskRecord.from_metadata(page["ids"][0], dict((page["metadatas"] or [{}])[0]))

    def find(self, name: str) -> TaskRecord | None:
        """The task of that name, or None (the newest, should drift have left two)."""
        records = self._records_where({"name": name})
        return newest_by_name(records)[name] if records else None

    def get(self, name: str) -> TaskRecord:
        """The task of that name; UnknownTaskNameError (naming the close ones) if absent."""
        record = self.find(name)
        if record is None:
            raise UnknownTaskNameError(name, self.names())
        return record

    def names(self) -> builtins.list[str]:
        return sorted({record.name for record in self._read_all()[0]})

    def list(self, origin: Origin | str | None = None) -> builtins.list[TaskRecord]:
        """All tasks (or those of one origin), sorted by name."""
        if origin is None:
            records = self._read_all()[0]
        else:
            records = self._records_where({"origin": Origin(origin).value})
        return sorted(newest_by_name(records).values(), key=lambda r: r.name)

    # ---------------------------------------------------------------- searching

    def search(
        self, text: str, k: int = 5, where: SearchFilter | Where | None = None
    ) -> builtins.list[SearchHit]:
        """The `k` tasks nearest to `text` (few-shot retrieval), nearest first.

        `where` is a `SearchFilter` (origin, assets, min_success, exclude_names) or a raw Chroma
        `where` dict. A SearchFilter is first applied in Python to the nearest
        `k * OVERFETCH` tasks, which is exact whenever `k` of them pass and several times faster
        than Chroma's metadata filter on a large library; otherwise Chroma filters.
        """
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        total = self.count()
        if total == 0:
            return []
        embedding = self.embedding_function([text])
        if isinstance(where, SearchFilter) and where.is_empty:
            where = None
        if not isinstance(where, SearchFilter):
            return self._query(embedding, min(k, total), where)
        fetch = min(total, max(k * OVERFETCH, 50))
        nearest = self._query(embedding, fetch, None, keep=where.matches)
        if len(nearest) >= k or fetch == total:
            return nearest[:k]
        return self._query(embedding, min(k, total), where.to_where())

    def _query(
        self,
        embedding: Any,
        n: int,
        where: Where | None,
        keep: Callable[[dict[str, Any]], bool] | None = None,
    ) -> builtins.list[SearchHit]:
        result = self.collection.query(
            query_embeddings=embedding,
            n_results=n,
            where=where,
            include=["metadatas", "distances"],
        )
        hits = []
        for record_id, metadata, distance in zip(
            result["ids"][0],
            (result["metadatas"] or [[]])[0],
            (result["distances"] or [[]])[0],
            strict=True,
        ):
            fields = dict(metadata or {})
            if keep is None or keep(fields):
                hits.append(SearchHit(TaskRecord.from_metadata(record_id, fields), float(distance)))
        return hits

    def nearest(
        self,
        description: str,
        *,
        name: str = "",
        assets: Sequence[str] = (),
        exclude_names: Sequence[str] = (),
    ) -> SearchHit | None:
        """The stored task closest to a candidate task (embedded like stored tasks are)."""
        query = embedding_text(name, description, assets)
        hits = self.search(query, k=1, where=SearchFilter(exclude_names=tuple(exclude_names)))
        return hits[0] if hits else None

    def novelty(
        self,
        description: str,
        *,
        name: str = "",
        assets: Sequence[str] = (),
        exclude_names: Sequence[str] = (),
    ) -> float:
        """Cosine distance from a candidate to its nearest stored task (higher = more novel).

        Near-duplicates score close to 0; `MAX_DISTANCE` (2.0) when the library is empty.
        """
        hit = self.nearest(description, name=name, assets=assets, exclude_names=exclude_names)
        return MAX_DISTANCE if hit is None else hit.distance

    # ---------------------------------------------------------------- writing

    def _write_records(self, records: Sequence[TaskRecord], progress: Progress | None) -> None:
        batch = max(1, min(256, self.client.get_max_batch_size()))
        for start in range(0, len(records), batch):
            chunk = records[start : start + batch]
            self.collection.upsert(
                ids=[r.id for r in chunk],
                documents=[embedding_text(r.name, r.description, r.assets) for r in chunk],
                metadatas=[r.to_metadata() for r in chunk],
            )
            if progress is not None:
                progress(start + len(chunk), len(records))

    def _sync_file(self, record: TaskRecord) -> None:
        """Make the task file hold the record's code (no write when it already does)."""
        path = self.code_file(record)
        if path.is_file() and file_hash(path) == record.id:
            return
        atomic_write_text(path, record.code)

    def add(self, record: TaskRecord, *, replace: bool = False) -> AddResult:
        """Store a task and its file; idempotent by content hash (see module docstring)."""
        return self.add_many([record], replace=replace)[0]

    upsert = add

    def add_many(
        self,
        records: Iterable[TaskRecord],
        *,
        replace: bool = False,
        progress: Progress | None = None,
    ) -> builtins.list[AddResult]:
        """Store many tasks in batches (one embedding pass per batch). All-or-nothing on
        conflicts: a name clash is raised before anything is written."""
        records = builtins.list(records)
        if not records:
            return []
        stored, _ = self._read_all() if len(records) > 8 else (self._stored_for(records), [])
        by_id = {r.id: r for r in stored}
        by_name = newest_by_name(stored)
        results: builtins.list[AddResult] = []
        to_write: builtins.list[TaskRecord] = []
        superseded: builtins.list[str] = []
        seen_names: dict[str, str] = {}
        for record in records:
            if record.name in seen_names and seen_names[record.name] != record.id:
                raise TaskNameConflictError(record.name, seen_names[record.name], record.id)
            seen_names[record.name] = record.id
            if record.id in by_id:
                results.append(AddResult(by_id[record.id], AddOutcome.UNCHANGED))
                continue
            old = by_name.get(record.name)
            if old is not None and not replace:
                raise TaskNameConflictError(record.name, old.id, record.id)
            if old is not None:
                superseded.extend(r.id for r in stored if r.name == record.name)
            by_id[record.id] = record
            to_write.append(record)
            results.append(AddResult(record, AddOutcome.REPLACED if old else AddOutcome.ADDED))
        # Order matters for crash safety: records, then deletions, then files.
        self._write_records(to_write, progress)
        if superseded:
            self.collection.delete(ids=superseded)
        for result in results:
            self._sync_file(result.record)
        return results

    def _stored_for(self, records: Sequence[TaskRecord]) -> builtins.list[TaskRecord]:
        """Stored records sharing an id or a name with `records` (cheap path for small adds)."""
        ids = [r.id for r in records]
        names = sorted({r.name for r in records})
        found = {r.id: r for r in self._records_where({"name": {"$in": names}})}
        page = self.collection.get(ids=ids, include=["metadatas"])
        for record_id, metadata in zip(page["ids"], page["metadatas"] or [], strict=True):
            found[record_id] = TaskRecord.from_metadata(record_id, dict(metadata or {}))
        return builtins.list(found.values())

    def remove(self, name: str) -> TaskRecord:
        """Delete a task (record, then file); returns what was removed."""
        records = self._records_where({"name": name})
        if not records:
            raise UnknownTaskNameError(name, self.names())
        removed = newest_by_name(records)[name]
        self.collection.delete(ids=[r.id for r in records])
        self.code_file(removed).unlink(missing_ok=True)
        return removed

    # ---------------------------------------------------------------- seeding

    def _seed_records(self, tasks: Iterable[TaskInfo]) -> builtins.list[TaskRecord]:
        return [
            TaskRecord.create(
                name=info.name,
                description=info.description,
                code=Path(info.path).read_text(encoding="utf-8"),
                origin=Origin.SEED,
                assets=tuple(info.assets),
            )
            for info in tasks
        ]

    def seed(
        self, tasks: Iterable[TaskInfo] | None = None, *, progress: Progress | None = None
    ) -> builtins.list[AddResult]:
        """Add registered seed tasks not yet stored; a seed whose code changed replaces its old
        seed record. A non-seed task that already holds a seed's name is left alone."""
        if tasks is None:
            if self._seed_source is None:
                return []
            tasks = self._seed_source()
        candidates = self._seed_records(tasks)
        by_name = newest_by_name(self._stored_for(candidates)) if candidates else {}
        wanted = [
            r
            for r in candidates
            if r.name not in by_name
            or (by_name[r.name].origin is Origin.SEED and by_name[r.name].id != r.id)
        ]
        return self.add_many(wanted, replace=True, progress=progress)

    def seed_if_empty(self, *, progress: Progress | None = None) -> builtins.list[AddResult]:
        """Seed the library on first use (when it holds no record at all)."""
        return self.seed(progress=progress) if self.count() == 0 else []

    # ---------------------------------------------------------------- drift

    def _unseeded(self, names: set[str]) -> builtins.list[str]:
        if self._seed_source is None:
            return []
        return sorted(info.name for info in self._seed_source() if info.name not in names)

    def _embedding_version(self) -> object:
        return (self.collection.metadata or {}).get("embedding_text_version")

    def _find_drift(self) -> tuple[DriftReport, dict[str, TaskRecord]]:
        records, bad = self._read_all()
        report = find_drift(
            records,
            bad,
            self.tasks_dir,
            unseeded=self._unseeded({r.name for r in records}),
            embedding_version=self._embedding_version(),
        )
        return report, {r.id: r for r in records}

    def check(self, repair: bool = False, *, progress: Progress | None = None) -> DriftReport:
        """Compare the collection with the task files; with `repair`, fix every drift found.

        The returned report lists what was found; `repaired` is True when a second check after
        the repair came back clean.
        """
        report, by_id = self._find_drift()
        if not repair or not report.drift:
            return report
        for done, item in enumerate(report.drift, start=1):
            self._repair(item.kind, item.record_id, item.path, item.name, by_id)
            if progress is not None:
                progress(done, len(report.drift))
        after, _ = self._find_drift()
        return report.model_copy(update={"repaired": not after.drift})

    def _repair(
        self,
        kind: DriftKind,
        record_id: str | None,
        path: str | None,
        name: str | None,
        by_id: dict[str, TaskRecord],
    ) -> None:
        if kind in (DriftKind.DUPLICATE_NAME, DriftKind.BAD_RECORD) and record_id:
            self.collection.delete(ids=[record_id])
        elif kind is DriftKind.MISSING_FILE and record_id:
            self._sync_file(by_id[record_id])
        elif kind is DriftKind.HASH_MISMATCH and record_id and path:
            self._move_to_orphans(Path(path))
            self._sync_file(by_id[record_id])
        elif kind is DriftKind.ORPHAN_FILE and path:
            self._move_to_orphans(Path(path))
        elif kind is DriftKind.STALE_TEMP and path:
            Path(path).unlink(missing_ok=True)
        elif kind is DriftKind.UNSEEDED and name and self._seed_source is not None:
            self.seed([info for info in self._seed_source() if info.name == name])
        elif kind is DriftKind.STALE_EMBEDDINGS:
            self._write_records(
                builtins.list(newest_by_name(builtins.list(by_id.values())).values()), None
            )
            metadata = dict(self.collection.metadata or {})
            metadata["embedding_text_version"] = EMBEDDING_TEXT_VERSION
            self.collection.modify(metadata=metadata)

    def _move_to_orphans(self, path: Path) -> Path | None:
        if not path.exists():
            return None
        destination = orphan_destination(self.tasks_dir, path, file_hash(path))
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), destination)
        return destination
