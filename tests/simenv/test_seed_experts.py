"""Every registered seed task's expert solves its task on distinct seeds (Ravens / ManiSkill style).

Parametrised over the task registry, so a new seed task is covered as soon as its module is
added to ``simenv/tasks``. The bar is the library's: at least 90% of 20 distinct seeds. The
particle piles and ropes are physical and slow (5-10 s per episode here), so they run fewer
seeds against an 80% bar; ``benchmarks/bench_seed_tasks.py --episodes 20`` measures them in full.
All validations run sandboxed, two at a time, as ``simgen validate --workers 2`` would.
"""

from __future__ import annotations

import pytest

from simenv.report import ValidationReport
from simenv.sandbox.limits import SandboxLimits
from simenv.sandbox.pool import validate_many
from simenv.tasks import task_names

FULL_SEEDS, FULL_BAR = 20, 0.9
#: Slow physical tasks: (seeds, minimum success rate).
REDUCED = {
    "sweeping-piles": (5, 0.8),
    "separating-piles": (5, 0.8),
    "manipulating-rope": (10, 0.8),
    "align-rope": (10, 0.8),
    "palletizing-boxes": (10, 0.9),
}


def _plan() -> dict[str, tuple[int, float]]:
    return {name: REDUCED.get(name, (FULL_SEEDS, FULL_BAR)) for name in task_names()}


@pytest.fixture(scope="module")
def expert_reports() -> dict[str, ValidationReport]:
    reports: dict[str, ValidationReport] = {}
    by_seeds: dict[int, list[str]] = {}
    for name, (seeds, _) in _plan().items():
        by_seeds.setdefault(seeds, []).append(name)
    limits = SandboxLimits.from_gib(timeout=600, memory_gib=4)
    for seeds, names in by_seeds.items():
        for report in validate_many(
            names, workers=2, episodes=seeds, min_success=0.0, limits=limits, progress=False
        ):
            reports[report.target] = report
    return reports


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.parametrize("name", task_names())
def test_seed_task_expert_succeeds(name: str, expert_reports: dict[str, ValidationReport]) -> None:
    seeds, bar = _plan()[name]
    report = expert_reports[name]
    assert report.stage.value == "passed", f"{name}: {report.stage} {report.error}"
    assert len({e.seed for e in report.episodes}) == seeds
    failed = [e.seed for e in report.episodes if not e.success]
    assert report.success_rate >= bar, (
        f"{name}: {report.success_rate:.0%} < {bar:.0%}, failed seeds {failed}"
    )
