"""Fixtures for simulator tests: one live world at a time (PyBullet's default client)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simenv.environment import Environment
from simenv.task import Task


@pytest.fixture
def env() -> Iterator[Environment]:
    """A world with the arm and table and no objects (a bare task), closed afterwards."""
    with Environment() as world:
        world.set_task(Task())
        world.reset()
        yield world
