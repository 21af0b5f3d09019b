"""reflect: the reflection agent reads the failed draft's report and says what to change."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.chat_models import AgentFailure
from agents.schemas import Diagnosis
from agents.usage import metering
from graph.context import Context
from graph.nodes.common import agent_phase, emit
from graph.resources import resources_for
from graph.state import CandidateState


def reflect(state: CandidateState, runtime: Runtime[Context]) -> dict[str, Any]:
    proposal, draft, report = state["proposal"], state["draft"], state["report"]
    assert proposal is not None and draft is not None and report is not None
    agents = resources_for(runtime.context).agents
    agent_phase(state["candidate_id"], agents, "reflection")
    with metering() as meter:
        try:
            diagnosis = agents.reflector.diagnose(proposal, draft, report)
        except AgentFailure as exc:
            # Without a diagnosis the coder still gets the report itself.
            diagnosis = Diagnosis(text=f"(no diagnosis: {exc}) Fix the error in the report.")
    drafts = list(state.get("drafts", []))
    if drafts:
        drafts[-1] = drafts[-1].model_copy(update={"diagnosis": diagnosis.text})
    emit("reflected", candidate=state["candidate_id"], diagnosis=diagnosis.text)
    return {
        "diagnosis": diagnosis,
        "drafts": drafts,
        "repairs": state.get("repairs", 0) + 1,
        "usage": {"reflection": meter.total},
    }
