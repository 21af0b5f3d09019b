"""The four agent roles, as small protocols: any object with these methods can play a role.

Each role has an LLM-backed implementation (``agents.llm``) and an offline one
(``agents.offline``); the graph only ever sees these protocols, and the errors below are the
protocol's too: an implementation raises them (or subclasses of them) when it cannot play its
role this time, and the graph ends that candidate without knowing which implementation ran.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from agents.schemas import CodeDraft, CriticStage, Diagnosis, ExampleTask, TaskProposal, Verdict
from simenv.validation_report import ValidationReport

Mode = Literal["explore", "target"]


class NoNewProposal(RuntimeError):
    """A proposer has nothing left to propose that the library does not already hold."""


class UnwritableProposal(ValueError):
    """A coder cannot write the proposal it was handed (not a bug in the proposal's task)."""


class CriticUnavailable(RuntimeError):
    """A critic cannot judge in this run and the user agreed to go on without it (e.g. the
    vision critic's model refused images with ``--vision-optional``): no verdict of it counts."""


class ProposalRequest(BaseModel):
    """What a proposer is asked: the mode, the target, and what the library already holds."""

    mode: Mode = "explore"
    target: str | None = None
    examples: list[ExampleTask] = Field(default_factory=list)
    known_names: list[str] = Field(
        default_factory=list, description="Every task name in the library (avoid these)."
    )
    slot: int = Field(default=0, description="Which parallel candidate this is (0-based).")
    seed: int = Field(default=0, description="A per-candidate seed for procedural agents.")
    feedback: str | None = Field(
        default=None, description="Why the last proposal was rejected, when retrying."
    )


class Submission(BaseModel):
    """What a critic reviews. ``code`` and ``report`` are empty at the proposal stage."""

    proposal: TaskProposal
    code: str | None = None
    report: ValidationReport | None = None
    nearest: ExampleTask | None = Field(
        default=None, description="The closest task in the library, with its distance."
    )
    stage: CriticStage = "task"
    goals: list[str] = Field(
        default_factory=list,
        description="The goals the task's scene record checks, one line each, as text.",
    )
    pictures: list[str] = Field(
        default_factory=list,
        description="PNG files of the task's scene, drawn by the judge process from the "
        "sandbox's scene record when a critic that looks (vision) is asked for: the first "
        "scene and the scene after the expert's episode, top-down and front.",
    )


class Proposer(Protocol):
    def propose(self, request: ProposalRequest) -> TaskProposal: ...


class Coder(Protocol):
    def write(
        self,
        proposal: TaskProposal,
        examples: Sequence[ExampleTask],
        previous: CodeDraft | None = None,
        diagnosis: Diagnosis | None = None,
        report: ValidationReport | None = None,
    ) -> CodeDraft: ...


class Reflector(Protocol):
    def diagnose(
        self, proposal: TaskProposal, draft: CodeDraft, report: ValidationReport
    ) -> Diagnosis: ...


@runtime_checkable
class Critic(Protocol):
    """A critic plug-in: a ``name``, the ``stages`` it reviews, and ``review``.

    ``stages`` is optional on plug-ins: a critic without it reviews finished tasks only.
    """

    name: str

    def review(self, submission: Submission) -> Verdict: ...
