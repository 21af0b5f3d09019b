"""Fixtures for policy tests: a tiny demonstration store recorded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy.demos import DemoRequest, record_demos
from tests.policy.policy_fixtures import DEMOS, TASKS


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace holding two train-split expert episodes of each test task."""
    workspace = tmp_path_factory.mktemp("policy-workspace")
    record_demos(workspace, DemoRequest(TASKS, DEMOS, "train", workers=1))
    return workspace
