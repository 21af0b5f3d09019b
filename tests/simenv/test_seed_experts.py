"""Every registered seed task's expert solves its task (a short version of the 20-seed bar).

Parametrised over the task registry, so a new seed task is covered as soon as its module is
added to ``simenv/tasks``. Three seeds per task, two of which must succeed: enough to catch a
broken task or expert, short enough to run in CI (``benchmarks/bench_seed_tasks.py`` measures
the full success rates and times).
"""

from __future__ import annotations

import pytest

from simenv.tasks import task_names
from simenv.validation import validate


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.parametrize("name", task_names())
def test_seed_task_expert_succeeds(name: str) -> None:
    report = validate(name, episodes=3, seed=0, min_success=0.6)
    assert report.passed, f"{name}: {report.stage} {report.error}"
