"""A validation worker that dies fails its own candidate only; the next validation gets a
fresh pool."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from graph import draft_validation
from graph.context import Context
from simenv.tasks import get_task
from simenv.validation_report import Stage

pytestmark = pytest.mark.integration


def test_a_dead_worker_fails_one_candidate_then_a_fresh_pool_serves(tmp_path: Path) -> None:
    context = Context(workspace=str(tmp_path), episodes=1, workers=1)
    task = get_task("block-insertion").path
    pool = draft_validation.pool_for(context)
    try:
        victim = pool.submit(os.getpid).result()  # the worker (started by this call)
        os.kill(victim, signal.SIGKILL)  # as a crash in native code would end it
        died = draft_validation.validate_draft(task, context)
        assert not died.report.passed and died.report.stage is Stage.EPISODES
        assert "died abruptly" in (died.report.error or "") and died.picture is None
        report = draft_validation.validate_draft(task, context).report
        assert report.passed, report.error
    finally:
        draft_validation.shutdown_pools()
