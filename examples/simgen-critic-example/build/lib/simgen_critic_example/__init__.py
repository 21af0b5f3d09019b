"""An example critic plug-in for simgen.

A critic is a class with a ``name`` and ``review(submission) -> Verdict``; ``stages`` says it
judges finished tasks. This one accepts a task only when the scripted expert solved it in at
least ``min_rate`` of its validation episodes: a task the expert solves only sometimes makes
noisy demonstrations for policy training.
"""

from __future__ import annotations

from agents.protocols import Submission
from agents.schemas import Verdict


class ReliableExpertCritic:
    name = "reliable-expert"
    stages = ("task",)

    def __init__(self, min_rate: float = 0.9) -> None:
        self.min_rate = min_rate

    def review(self, submission: Submission) -> Verdict:
        report = submission.report
        if report is None or not report.episodes:
            return Verdict(critic=self.name, accept=False, reasons="The task was not validated.")
        rate = report.success_rate
        return Verdict(
            critic=self.name,
            accept=rate >= self.min_rate,
            reasons=f"The expert solved {rate:.0%} of {len(report.episodes)} episodes "
            f"(needs {self.min_rate:.0%}).",
            score=rate,
        )
