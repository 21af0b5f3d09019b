"""The graph's state: the run (``RunState``) and one candidate task (``CandidateState``).

Values are pydantic models, so checkpoints hold JSON and Studio shows them. Keys that parallel
candidates write (``results``, ``usage``) have reducers.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal, TypedDict

from pydantic import BaseModel, Field

from agents.protocols import Mode
from agents.schemas import CodeDraft, Diagnosis, ExampleTask, TaskProposal, Verdict
from agents.usage import Usage, add_usage
from simenv.validation_report import ValidationReport

#: How a candidate ends, set by the node where it happens and read by the routers: a node that
#: lets the candidate go on (a proposal accepted, a draft written, a validation passed, critics
#: satisfied) leaves none. What a node sets stands until a later try (another proposal, another
#: draft) clears it, so when rounds or repairs run out it is the candidate's ending.
Ending = Literal[
    "accepted",  # commit: stored in the library
    "proposer_failed",  # propose: the proposer gave no proposal (a model error, nothing new)
    "rejected_at_review",  # review: the critics rejected the proposal before any code
    "coder_failed",  # write_code: the coder gave no draft
    "failed_validation",  # execute: the draft failed a validation stage
    "rejected_by_critics",  # critique / human_review: the finished task was rejected
    "name_taken",  # commit: every free variant of the name was taken
]


class RunInput(TypedDict, total=False):
    """What a run is asked for."""

    n_tasks: int
    mode: Mode
    target: str | None


class DraftRecord(BaseModel):
    """One draft of a candidate and what became of it: the repair history."""

    attempt: int
    path: str
    stage: str = Field(description="The validation stage the draft failed at, or 'passed'.")
    error: str | None = None
    passed: bool = False
    diagnosis: str | None = Field(
        default=None, description="The reflection on this draft's failure that the next draft read."
    )
    report: str | None = Field(default=None, description="The validation report (JSON file).")
    scene: str | None = Field(
        default=None,
        description="The scene record of the first validation seed (JSON file), when the task "
        "built one: what pictures and rollouts are drawn from, with no task code running.",
    )


class CandidateResult(BaseModel):
    """How one candidate ended."""

    candidate_id: str
    name: str | None = None
    description: str | None = None
    assets: list[str] = Field(default_factory=list)
    model: str = Field(default="offline", description="The model that wrote the code.")
    accepted: bool
    stage: str = Field(description="Where it ended: 'committed' or the stage that stopped it.")
    reason: str = ""
    path: str | None = Field(default=None, description="The task file in the library.")
    picture: str | None = None
    success_rate: float | None = None
    repairs: int = 0
    usage: Usage = Field(default_factory=Usage)
    seconds: float = 0.0
    verdicts: list[Verdict] = Field(default_factory=list)
    drafts: list[DraftRecord] = Field(default_factory=list)


class RunState(TypedDict, total=False):
    n_tasks: int
    mode: Mode
    target: str | None
    round: int
    started: float
    results: Annotated[list[CandidateResult], operator.add]
    usage: Annotated[dict[str, Usage], add_usage]
    summary: dict[str, Any]


class RunOutput(TypedDict, total=False):
    summary: dict[str, Any]


class CandidateState(TypedDict, total=False):
    """One candidate task on its way from retrieval to the library (or to its ending).

    ``proposer_feedback``: what the proposer's next try reads, why review rejected the last
    proposal or how the proposer failed. ``ending`` and ``reason``: how the candidate stands
    and why, set together by the node where it happens (see ``Ending``); ``finish`` reports them.
    """

    candidate_id: str
    slot: int
    seed: int
    mode: Mode
    target: str | None
    started: float
    examples: list[ExampleTask]
    known_names: list[str]
    proposal: TaskProposal | None
    proposals_made: int
    proposer_feedback: str | None
    ending: Ending | None
    reason: str | None
    verdicts: list[Verdict]
    draft: CodeDraft | None
    draft_path: str | None
    drafts: list[DraftRecord]
    report: ValidationReport | None
    diagnosis: Diagnosis | None
    repairs: int
    picture: str | None
    #: The vision critic's pictures of the last passed draft (PNG files; empty: none drawn).
    views: list[str]
    results: Annotated[list[CandidateResult], operator.add]
    usage: Annotated[dict[str, Usage], add_usage]


class CandidateOutput(TypedDict, total=False):
    """What a candidate hands back to the run: only keys with reducers."""

    results: Annotated[list[CandidateResult], operator.add]
    usage: Annotated[dict[str, Usage], add_usage]
