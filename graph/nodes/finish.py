"""finish: how the candidate ended, handed back to the run (``results``, ``usage``)."""

from __future__ import annotations

import time
from typing import Any

from langgraph.runtime import Runtime

from agents.critics.combine import rejection_reasons
from agents.usage import total_usage
from graph.context import Context
from graph.nodes.common import coder_model, emit
from graph.resources import resources_for
from graph.state import CandidateResult, CandidateState


def _ending(state: CandidateState) -> tuple[bool, str, str]:
    """(accepted, stage, reason) from what the candidate got to."""
    if state.get("error"):
        return False, "code" if state.get("draft") is None else "commit", str(state["error"])
    if state.get("proposal") is None:
        return False, "propose", str(state.get("feedback") or "no proposal")
    if state.get("draft") is None:
        return False, "review", str(state.get("feedback") or "rejected")
    report = state.get("report")
    if report is not None and not report.passed:
        return False, report.stage.value, report.error or "validation failed"
    verdicts = state.get("verdicts", [])
    if state.get("committed"):
        return True, "committed", ""
    return False, "critique", rejection_reasons(verdicts) or "rejected"


def finish(state: CandidateState, runtime: Runtime[Context]) -> dict[str, Any]:
    accepted, stage, reason = _ending(state)
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
