"""write_code: the coder writes (or rewrites, from a diagnosis) the task program."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.chat_models import AgentFailure
from agents.protocols import UnwritableProposal
from agents.usage import metering
from graph.context import Context
from graph.nodes.common import agent_phase, emit, ended, going_on, run_dir
from graph.resources import resources_for
from graph.state import CandidateState
from simenv.tasks import task_name_to_module_name


def write_code(state: CandidateState, runtime: Runtime[Context]) -> dict[str, Any]:
    proposal = state["proposal"]
    assert proposal is not None
    previous = state.get("draft")
    agents = resources_for(runtime.context).agents
    agent_phase(state["candidate_id"], agents, "coder")
    with metering() as meter:
        try:
            draft = agents.coder.write(
                proposal,
                state.get("examples", []),
                previous=previous,
                diagnosis=state.get("diagnosis"),
                report=state.get("report"),
            )
        except (AgentFailure, UnwritableProposal) as exc:
            emit("code_failed", candidate=state["candidate_id"], error=str(exc))
            return {
                "draft": None,
                "draft_path": None,
                **ended("coder_failed", f"The coder failed: {exc}"),
                "usage": {"coder": meter.total},
            }
    if draft.revised is not None:
        proposal = draft.revised
    folder = run_dir(runtime.context) / state["candidate_id"] / f"draft-{draft.attempt}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{task_name_to_module_name(proposal.name)}.py"
    path.write_text(draft.code, encoding="utf-8")
    emit("coded", candidate=state["candidate_id"], name=proposal.name, attempt=draft.attempt)
    return {
        "draft": draft,
        "draft_path": str(path),
        "proposal": proposal,
        **going_on(),
        "usage": {"coder": meter.total},
    }
