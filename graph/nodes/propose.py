"""propose: one task proposal in GenSim's format."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.chat_models import AgentFailure
from agents.protocols import NoNewProposal, ProposalRequest
from agents.usage import metering
from graph.context import Context
from graph.nodes.common import agent_phase, emit, ended, going_on
from graph.resources import resources_for
from graph.state import CandidateState


def propose(state: CandidateState, runtime: Runtime[Context]) -> dict[str, Any]:
    agents = resources_for(runtime.context).agents
    request = ProposalRequest(
        mode=state.get("mode", "explore"),
        target=state.get("target"),
        examples=state.get("examples", []),
        known_names=state.get("known_names", []),
        slot=state.get("slot", 0),
        seed=state.get("seed", 0) + state.get("proposals_made", 0),
        feedback=state.get("proposer_feedback"),
    )
    made = state.get("proposals_made", 0) + 1
    agent_phase(state["candidate_id"], agents, "proposer")
    with metering() as meter:
        try:
            proposal = agents.proposer.propose(request)
        except (AgentFailure, NoNewProposal) as exc:
            emit("proposal_failed", candidate=state["candidate_id"], error=str(exc))
            failure = f"The proposer failed: {exc}"
            return {
                "proposal": None,
                "proposals_made": made,
                # Its next try reads how this one failed (a model can fix its answer's format).
                "proposer_feedback": failure,
                **ended("proposer_failed", failure),
                "usage": {"proposer": meter.total},
            }
    emit("proposed", candidate=state["candidate_id"], name=proposal.name)
    return {
        "proposal": proposal,
        "proposals_made": made,
        **going_on(),
        "usage": {"proposer": meter.total},
    }
