"""critique: critics judge the finished, validated task; a person can be one of them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agents.critics.combine import AcceptRule, combine, rejection_reasons
from agents.critics.registry import review_all
from agents.protocols import Submission
from agents.schemas import Verdict
from agents.usage import metering
from graph.context import Context
from graph.nodes.common import agent_phase, emit, ended, going_on, nearest_task
from graph.resources import resources_for
from graph.state import CandidateState
from simenv.record_checks import RecordRejected, decode_record
from simenv.render import describe_goals


def critique(state: CandidateState, runtime: Runtime[Context]) -> dict[str, Any]:
    proposal = state["proposal"]
    assert proposal is not None
    draft = state["draft"]
    resources = resources_for(runtime.context)
    agent_phase(state["candidate_id"], resources.agents, "critic")
    submission = Submission(
        proposal=proposal,
        code=draft.code if draft else None,
        report=state.get("report"),
        nearest=nearest_task(resources.memory, proposal),
        stage="task",
        goals=scene_goals(state) if state.get("views") else [],
        pictures=state.get("views", []),
    )
    with metering() as meter:
        verdicts = review_all(resources.agents.critics, submission)
    outcome = judgement(verdicts, runtime.context.accept)
    emit(
        "critiqued",
        candidate=state["candidate_id"],
        name=proposal.name,
        accepted=outcome["ending"] is None,
    )
    return {"verdicts": verdicts, **outcome, "usage": {"critic": meter.total}}


def scene_goals(state: CandidateState) -> list[str]:
    """The goals of the last draft's scene record, as text for a critic that looks at the
    scene (the record is data, decoded and checked: no task code runs)."""
    drafts = state.get("drafts", [])
    scene = drafts[-1].scene if drafts else None
    if not scene:
        return []
    try:
        record = decode_record(Path(scene).read_text(encoding="utf-8"))
    except (RecordRejected, OSError):
        return []
    return describe_goals(record)


def judgement(verdicts: Sequence[Verdict], rule: AcceptRule) -> dict[str, Any]:
    """The verdicts as the candidate's state: going on when they accept under ``rule``,
    rejected by the critics (with their reasons) when not. A person's last answer of no
    rejects whatever the rule, since the person was asked to decide."""
    human = [v for v in verdicts if v.critic == "human"]
    if (human and not human[-1].accept) or not combine(verdicts, rule):
        return ended("rejected_by_critics", rejection_reasons(verdicts) or "rejected")
    return going_on()


def parse_human_answer(answer: Any) -> Verdict:
    """A person's answer: ``{"approve": bool, "reason": str}``, or text ("approve", "reject:
    too easy"), as Studio and the CLI send it."""
    if isinstance(answer, dict):
        approve = answer.get("approve")
        if isinstance(approve, str):
            approve = approve.strip().lower() in ("true", "yes", "approve", "y")
        return Verdict(critic="human", accept=bool(approve), reasons=str(answer.get("reason", "")))
    text = str(answer).strip()
    word, _, reason = text.partition(":")
    if word.strip().lower() in ("approve", "approved", "yes", "y", "accept"):
        return Verdict(critic="human", accept=True, reasons=reason.strip())
    if word.strip().lower() in ("reject", "rejected", "no", "n"):
        return Verdict(critic="human", accept=False, reasons=reason.strip())
    raise ValueError(
        f"Cannot read the answer {text!r}: resume with {{'approve': true|false, 'reason': '...'}} "
        "or the text 'approve' / 'reject: <reason>'."
    )


def human_review(state: CandidateState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Pause the run for a person's verdict (LangGraph ``interrupt``); resumed with
    ``Command(resume=...)`` from Studio, the CLI or Python."""
    proposal, report, draft = state["proposal"], state.get("report"), state.get("draft")
    assert proposal is not None
    answer = interrupt(
        {
            "question": "Add this task to the library? Answer approve, or reject with a reason.",
            "candidate": state["candidate_id"],
            "name": proposal.name,
            "description": proposal.description,
            "code": draft.code if draft else "",
            "path": state.get("draft_path"),
            "success_rate": report.success_rate if report else None,
            "episodes": [e.model_dump() for e in report.episodes] if report else [],
            "picture": state.get("picture"),
            "verdicts": [v.model_dump() for v in state.get("verdicts", [])],
        }
    )
    verdicts = [*state.get("verdicts", []), parse_human_answer(answer)]
    return {"verdicts": verdicts, **judgement(verdicts, runtime.context.accept)}


def after_critique(state: CandidateState, runtime: Runtime[Context]) -> str:
    """Accepted: to the person when ``human`` is a critic, else commit. Rejected: finish."""
    if state.get("ending") is not None:
        return "finish"
    return "human_review" if "human" in runtime.context.critics else "commit"


def after_human(state: CandidateState) -> str:
    """The person (and the rule) accepted: commit. Otherwise: finish."""
    return "commit" if state.get("ending") is None else "finish"
