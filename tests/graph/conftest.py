"""Graph test set-up: a library seeded once per session and copied for each test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.draft_validation import shutdown_pools
from graph.resources import clear_resources
from memory.library import TaskMemory


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose library holds the seed tasks (embedding them once per session)."""
    folder = tmp_path_factory.mktemp("seeded")
    TaskMemory.open(folder)
    return folder


@pytest.fixture
def workspace(seeded_template: Path, tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "ws"
    shutil.copytree(seeded_template, target)
    clear_resources()
    yield target
    clear_resources()
    shutdown_pools()
