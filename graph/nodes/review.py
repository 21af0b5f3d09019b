"""review: the critics that judge a proposal before any code is written (cheap, so first)."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.critics.combine import combine, rejection_reasons
from agents.critics.registry import review_all
from agents.protocols import Submission
from agents.usage import metering
from graph.context import Context
from graph.nodes.common import emit, ended, going_on, nearest_task, phase
from graph.resources import resources_for
from graph.state import CandidateState


def review(state: CandidateState, runtime: Runtime[Context]) -> dict[str, Any]:
    proposal = state.get("proposal")
    if proposal is None:  # the proposer failed: its ending stands
        return {}
    phase(state["candidate_id"], "working")
    resources = resources_for(runtime.context)
    submission = Submission(
        proposal=proposal, nearest=nearest_task(resources.memory, proposal), stage="proposal"
    )
    with metering() as meter:
        verdicts = review_all(resources.agents.critics, submission)
    accepted = combine(verdicts, runtime.context.accept)
    emit("reviewed", candidate=state["candidate_id"], name=proposal.name, accepted=accepted)
    update: dict[str, Any] = {"verdicts": verdicts, "usage": {"critic": meter.total}}
    if accepted:
        return {**update, "proposer_feedback": None, **going_on()}
    rejection = f"'{proposal.name}' was rejected: {rejection_reasons(verdicts)}"
    # The proposer's next try reads why; the candidate ends here when no try is left.
    return {**update, "proposer_feedback": rejection, **ended("rejected_at_review", rejection)}


def after_review(state: CandidateState, runtime: Runtime[Context]) -> str:
    """Accepted: write code. Rejected (or no proposal) with rounds left: propose again.
    Else: finish."""
    if state.get("ending") is None:
        return "write_code"
    if state.get("proposals_made", 0) < runtime.context.max_proposals:
        return "propose"
    return "finish"
