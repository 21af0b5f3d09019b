"""Fixtures for simulator tests: one live world at a time (PyBullet's default client)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simenv.environment import Environment


@pytest.fixture
def env() -> Iterator[Environment]:
    with Environment() as world:
        yield world
