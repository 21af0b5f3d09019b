"""finish: how the candidate ended, handed back to the run (``results``, ``usage``)."""

from __future__ import annotations

import time
from typing import Any

from langgraph.runtime import Runtime

from agents.usage import total_usage
from graph.context import Context
from graph.nodes.common import coder_model, emit
from graph.resources import resources_for
from graph.state import CandidateResult, CandidateState, Ending

#: The stage a candidate's result names for each ending (a failed validation names the
#: validation stage the draft stopped at instead).
ENDING_STAGES: dict[Ending, str] = {
    "accepted": "committed",
    "proposer_failed": "propose",
    "rejected_at_review": "review",
    "coder_failed": "code",
    "failed_validation": "validation",
    "rejected_by_critics": "critique",
    "name_taken": "commit",
}


def ending_of(state: CandidateState) -> tuple[bool, str, str]:
    """(accepted, stage, reason), as the node where the candidate stopped recorded them."""
    ending = state.get("ending")
    if ending is None:
        # Routers send a candidate here only with an ending; a candidate checkpointed by a
        # simgen from before ``ending`` existed, resumed right before ``finish``, has none.
        return False, "unknown", "no ending recorded (checkpointed by an older simgen)"
    report = state.get("report")
    stage = ENDING_STAGES[ending]
    if ending == "failed_validation" and report is not None:
        stage = report.stage.value
    return ending == "accepted", stage, state.get("reason") or ""


def finish(state: CandidateState, runtime: Runtime[Context]) -> dict[str, Any]:
    accepted, stage, reason = ending_of(state)
    report = state.get("report")
    proposal = state.get("proposal")
    result = CandidateResult(
        candidate_id=state["candidate_id"],
        name=proposal.name if proposal else None,
        description=proposal.description if proposal else None,
        assets=list(proposal.assets) if proposal else [],
        model=coder_model(resources_for(runtime.context).agents),
        accepted=accepted,
        stage=stage,
        reason=reason,
        path=state.get("draft_path") if accepted else None,
        picture=state.get("picture") if accepted else None,
        success_rate=report.success_rate if report else None,
        repairs=state.get("repairs", 0),
        usage=total_usage(state.get("usage", {})),
        seconds=round(time.time() - state.get("started", time.time()), 3),
        verdicts=state.get("verdicts", []),
        drafts=state.get("drafts", []),
    )
    emit("finished", candidate=result.candidate_id, accepted=accepted, stage=stage)
    return {"results": [result]}
