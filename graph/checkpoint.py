"""Checkpointers: SQLite under ``<workspace>/runs/`` by default, Postgres for shared deployments.

A run is a thread; running it again with the same thread id continues it from its last
checkpoint, so a killed run loses at most the step in flight (and commits are idempotent).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver

from agents.schemas import CodeDraft, Diagnosis, ExampleTask, TaskProposal, Verdict
from agents.usage import Usage
from graph.state import CandidateResult, DraftRecord
from simenv.validation_report import EpisodeResult, Stage, ValidationReport

CHECKPOINT_FILE = "checkpoints.sqlite"


def state_types() -> list[tuple[str, str]]:
    """(module, class) of every pydantic model the graph's state holds: the checkpoint
    serializer restores only types it is told about."""
    models = (
        CandidateResult,
        DraftRecord,
        Usage,
        TaskProposal,
        CodeDraft,
        Verdict,
        Diagnosis,
        ExampleTask,
        ValidationReport,
        EpisodeResult,
        Stage,
    )
    return [(m.__module__, m.__name__) for m in models]


def serializer() -> JsonPlusSerializer:
    return JsonPlusSerializer(allowed_msgpack_modules=state_types())


def checkpoint_path(workspace: Path) -> Path:
    return Path(workspace) / "runs" / CHECKPOINT_FILE


@contextmanager
def open_checkpointer(workspace: Path, url: str | None = None) -> Iterator[BaseCheckpointSaver]:
    """SQLite in the workspace, or the Postgres server at ``url`` (``postgresql://...``)."""
    if url is not None:
        if not url.startswith(("postgres://", "postgresql://")):
            raise ValueError(
                f"--checkpoint-url must be a postgresql:// URL, got {url!r}; leave it out to "
                "checkpoint to SQLite in the workspace."
            )
        try:
            from langgraph.checkpoint.postgres import PostgresSaver
        except ImportError as exc:  # an optional extra: only shared deployments need it
            raise RuntimeError(
                "The Postgres checkpointer needs the postgres extra: "
                "pip install 'simgen[postgres]' (langgraph-checkpoint-postgres)."
            ) from exc
        with PostgresSaver.from_conn_string(url) as saver:
            saver.serde = serializer()
            saver.setup()
            yield saver
        return
    path = checkpoint_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, check_same_thread=False)
    try:
        sqlite_saver = SqliteSaver(conn, serde=serializer())
        sqlite_saver.setup()
        yield sqlite_saver
    finally:
        conn.close()
