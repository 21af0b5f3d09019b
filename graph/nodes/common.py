"""What several nodes need: the run's folder, progress events, library look-ups."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from langchain_core.runnables import RunnableConfig
from langgraph.config import get_config, get_stream_writer

from agents.factory import AgentSet
from agents.schemas import ExampleTask, TaskProposal
from graph.context import Context
from graph.state import Ending
from memory.library import SearchHit, TaskMemory

NO_THREAD = "unthreaded"
#: What the library and the run summary name as the author of code the offline coder wrote.
OFFLINE_MODEL = "offline"


def thread_of(config: RunnableConfig | None = None) -> str:
    """The run's thread id (from the running graph's config when none is given)."""
    config = config if config is not None else get_config()
    return str((config.get("configurable") or {}).get("thread_id") or NO_THREAD)


def run_dir(context: Context) -> Path:
    """``<workspace>/runs/<thread>``: drafts, reports and the run summary."""
    return context.workspace_path / "runs" / thread_of()


def emit(event: str, **fields: Any) -> None:
    """A progress event on the custom stream (the CLI and Studio show these)."""
    try:
        writer = get_stream_writer()
    except RuntimeError:  # called outside a graph run
        return
    writer({"event": event, **fields})


#: Where a candidate in flight is: waiting on the model, queued for a validation process,
#: validating, working (retrieval, offline agents, critics, commit), or done.
Phase = Literal["model", "queued", "validating", "working", "done"]


def phase(candidate: str, name: Phase) -> None:
    """Say where a candidate is now (the ``phase`` event): the CLI's progress line counts
    the candidates in each phase, so a run shows what it waits on."""
    emit("phase", candidate=candidate, phase=name)


def agent_phase(candidate: str, agents: AgentSet, role: str) -> None:
    """The phase of a candidate whose ``role`` agent is about to answer: waiting on the model
    when a model plays the role, working when an offline agent does."""
    phase(candidate, "model" if role in agents.models else "working")


def ended(ending: Ending, reason: str) -> dict[str, Any]:
    """The state update of a node where the candidate stops: its ending and why, which the
    routers read and ``finish`` reports (unless a later try clears them)."""
    return {"ending": ending, "reason": reason}


def going_on() -> dict[str, Any]:
    """The state update of a node that lets the candidate go on: a new proposal, draft or
    passed validation clears what an earlier try ended with."""
    return {"ending": None, "reason": None}


def example_from_hit(hit: SearchHit) -> ExampleTask:
    record = hit.record
    return ExampleTask(
        name=record.name,
        description=record.description,
        code=record.code,
        assets=record.assets,
        distance=hit.distance,
    )


def nearest_task(memory: TaskMemory, proposal: TaskProposal) -> ExampleTask | None:
    """The library task closest to a proposal (what novelty critics compare with)."""
    hit = memory.nearest(proposal.description, name=proposal.name, assets=proposal.assets)
    return None if hit is None else example_from_hit(hit)


def coder_model(agents: AgentSet) -> str:
    """The model that writes the run's code (``offline`` for the offline coder): the author
    the library records and the run summary reports."""
    return agents.models.get("coder", OFFLINE_MODEL)
