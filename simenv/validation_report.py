"""The validation report: what a validation run says about one task program.

It is the single schema shared by `simgen validate --json`, the sandbox, the task library
(validation summaries) and the graph's execute/reflect nodes, so it lives in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from pydantic import BaseModel, Field

from simenv.safe_text import one_line, printable


class Stage(StrEnum):
    """Stages a task goes through, in order; a report names the first one that failed."""

    PARSE = "parse"
    IMPORT = "import"
    BUILD = "build"
    RESET = "reset"
    EPISODES = "episodes"
    SUCCESS = "success"
    PASSED = "passed"

    def got_past(self, stage: Stage) -> bool:
        """Whether a task whose report names ``self`` went beyond ``stage``.

        Stages run in the order above and a report names the first that failed, so a report
        at ``build`` got past ``parse`` and ``import`` (its code compiles and imports) but not
        ``build``. Benchmarks read GenSim's syntax and runtime rates from this one order.
        """
        order = list(Stage)
        return order.index(self) > order.index(stage)


class StageFailure(Exception):
    """A stage failed: ``stage`` says which, the message is written for the task's author.

    One type for every stage, from reading the file (parse) to the verdict, so that reading,
    loading, building and judging a task report their failures the same way and a caller
    catches one thing.
    """

    def __init__(self, stage: Stage, message: str, trace: str | None = None) -> None:
        super().__init__(message)
        self.stage = stage
        self.message = message
        self.trace = trace


#: Called when a validation enters a stage (with the seed, for per-seed stages).
StageCallback = Callable[[Stage, int | None], None]


def no_stage(stage: Stage, seed: int | None) -> None:
    """The default stage callback: nobody is listening."""


class EpisodeResult(BaseModel):
    """One expert episode on one seed."""

    seed: int
    reward: float
    success: bool
    steps: int
    seconds: float
    error: str | None = None


class ValidationReport(BaseModel):
    """Outcome of validating one task program (by registry name or file)."""

    target: str = Field(description="The task name or file that was validated.")
    task_name: str | None = Field(default=None, description="The task's registry-style name.")
    passed: bool
    stage: Stage = Field(description="The stage that failed, or 'passed'.")
    error: str | None = Field(
        default=None, description="One message: what is wrong and how to fix it."
    )
    traceback: str | None = Field(
        default=None, description="Traceback trimmed to the task file's own frames."
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="Dialect leniencies the task code relied on (simenv.dialect), one line each: "
        "where, what was asked, what was done instead, how to write it properly.",
    )
    isolation: list[str] = Field(
        default_factory=list,
        description="The isolation layers the task's code ran under (empty: it never ran).",
    )
    episodes: list[EpisodeResult] = Field(default_factory=list)
    success_rate: float = 0.0
    min_success: float = 0.5
    seconds: float = 0.0

    def summary(self) -> str:
        """A one-line human summary, then the error and warnings indented below it.

        The error and warnings carry text a task wrote (through its scene record or its
        exceptions): they are made printable, and every line of them is indented, so no
        terminal escape and no line that looks like a verdict of its own reaches a terminal.
        """
        verdict = "PASSED" if self.passed else f"FAILED at {self.stage.value}"
        rate = f"{self.success_rate:.0%} of {len(self.episodes)} episodes"
        line = f"{one_line(self.target)}: {verdict} ({rate}, {self.seconds:.2f}s)"
        if self.error is not None:
            error = printable(self.error).replace("\n", "\n  ")
            line = f"{line}\n  {error}"
        return "".join([line, *(f"\n  warning: {one_line(w)}" for w in self.warnings)])
