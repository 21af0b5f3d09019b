"""The task library: one Chroma collection of tasks, their files, retrieval and novelty.

Open it with `TaskMemory.open(workspace)`; see `memory.library` for the guarantees it keeps.
"""

from memory.drift import Drift, DriftKind, DriftReport
from memory.embedding import MiniLMEmbeddingFunction, embedding_text
from memory.errors import (
    ChromaUnavailableError,
    TaskFileError,
    TaskMemoryError,
    TaskNameConflictError,
    UnknownTaskNameError,
    ValidationFailedError,
)
from memory.filters import SearchFilter
from memory.library import AddOutcome, AddResult, SearchHit, TaskMemory
from memory.records import Origin, TaskRecord, ValidationSummary, content_hash

__all__ = [
    "AddOutcome",
    "AddResult",
    "ChromaUnavailableError",
    "Drift",
    "DriftKind",
    "DriftReport",
    "MiniLMEmbeddingFunction",
    "Origin",
    "SearchFilter",
    "SearchHit",
    "TaskFileError",
    "TaskMemory",
    "TaskMemoryError",
    "TaskNameConflictError",
    "TaskRecord",
    "UnknownTaskNameError",
    "ValidationFailedError",
    "ValidationSummary",
    "content_hash",
    "embedding_text",
]
