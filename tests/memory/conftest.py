"""Fixtures for the task-library tests: one embedding model per session, fake seed tasks, and a
fresh in-memory collection per test (EphemeralClient instances share state inside a process, so
each test gets a collection of its own name and drops it afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"

from memory.client import ephemeral_client  # noqa: E402
from memory.embedding import MiniLMEmbeddingFunction  # noqa: E402
from memory.library import TaskMemory  # noqa: E402
from simenv.tasks import TaskInfo  # noqa: E402
from tests.memory.memory_fakes import FAKE_SEEDS, write_task  # noqa: E402


@pytest.fixture(scope="session")
def seed_infos(tmp_path_factory: pytest.TempPathFactory) -> list[TaskInfo]:
    folder = tmp_path_factory.mktemp("seed_tasks")
    return [
        TaskInfo(name, description, write_task(folder, name, description, assets), object, assets)
        for name, (description, assets) in FAKE_SEEDS.items()
    ]


@pytest.fixture(scope="session")
def embedder() -> MiniLMEmbeddingFunction:
    """The real bundled model, loaded once for the whole session."""
    function = MiniLMEmbeddingFunction()
    function(["warm up"])
    return function


def make_memory(
    workspace: Path, embedder: MiniLMEmbeddingFunction, seeds: list[TaskInfo]
) -> TaskMemory:
    return TaskMemory(
        ephemeral_client(),
        workspace,
        collection_name=f"test-{uuid.uuid4().hex[:12]}",
        embedding_function=embedder,
        seed_tasks=lambda: seeds,
    )


@pytest.fixture
def empty_memory(
    tmp_path: Path, embedder: MiniLMEmbeddingFunction, seed_infos: list[TaskInfo]
) -> Iterator[TaskMemory]:
    """A fresh, unseeded library (its seed source is the fake seeds)."""
    memory = make_memory(tmp_path / "ws", embedder, seed_infos)
    yield memory
    memory.client.delete_collection(memory.collection.name)


@pytest.fixture
def memory(empty_memory: TaskMemory) -> TaskMemory:
    """A fresh library seeded with the fake seed tasks."""
    empty_memory.seed_if_empty()
    return empty_memory
