"""The graph's routers (the functions of its conditional edges, see ``graph/builder.py``),
called on states built by hand: every branch of every router, without models, validation
or a compiled graph. A candidate's routers read its ``ending``, which the node before them
sets (``None``: it goes on); the critics' one comes from ``judgement``, as in the nodes."""

from __future__ import annotations

from typing import Any

import pytest
from langgraph.graph import END
from langgraph.runtime import Runtime
from langgraph.types import Send

from agents.schemas import CodeDraft, TaskProposal, Verdict
from agents.usage import Usage
from graph.context import Context
from graph.nodes import plan as plan_node
from graph.nodes.critique import after_critique, after_human, judgement
from graph.nodes.execute import after_execute, after_write_code
from graph.nodes.plan import after_record, candidate_seed, dispatch
from graph.nodes.review import after_review
from graph.state import CandidateResult, CandidateState, RunState
from simenv.validation_report import Stage, ValidationReport

PROPOSAL = TaskProposal(name="stack-blocks", description="Stack the three blocks on the pad.")


def runtime(**settings: Any) -> Runtime[Context]:
    return Runtime(context=Context(**settings))


def report(passed: bool) -> ValidationReport:
    stage = Stage.PASSED if passed else Stage.SUCCESS
    return ValidationReport(target="stack-blocks", passed=passed, stage=stage)


def verdict(critic: str, accept: bool) -> Verdict:
    return Verdict(critic=critic, accept=accept)


def result(accepted: bool) -> CandidateResult:
    return CandidateResult(candidate_id="r001-c0", accepted=accepted, stage="committed")


def judged(verdicts: list[Verdict], **settings: Any) -> CandidateState:
    """The state ``critique`` or ``human_review`` leaves after these verdicts."""
    return {"verdicts": verdicts, **judgement(verdicts, Context(**settings).accept)}


# review -> write_code | propose | finish


def test_an_accepted_proposal_goes_on_to_the_code() -> None:
    state: CandidateState = {"proposal": PROPOSAL, "ending": None, "proposals_made": 1}
    assert after_review(state, runtime()) == "write_code"


def test_a_rejected_proposal_is_proposed_again_while_rounds_are_left() -> None:
    state: CandidateState = {
        "proposal": PROPOSAL,
        "ending": "rejected_at_review",
        "proposals_made": 2,
    }
    assert after_review(state, runtime(max_proposals=3)) == "propose"


def test_a_rejected_proposal_out_of_rounds_finishes() -> None:
    state: CandidateState = {
        "proposal": PROPOSAL,
        "ending": "rejected_at_review",
        "proposals_made": 3,
    }
    assert after_review(state, runtime(max_proposals=3)) == "finish"


def test_no_proposal_at_all_counts_as_a_rejected_one() -> None:
    failed: CandidateState = {"proposal": None, "ending": "proposer_failed"}
    assert after_review({**failed, "proposals_made": 1}, runtime(max_proposals=2)) == "propose"
    assert after_review({**failed, "proposals_made": 2}, runtime(max_proposals=2)) == "finish"


# write_code -> execute | finish


def test_a_written_draft_is_executed_and_none_finishes() -> None:
    written: CandidateState = {"draft": CodeDraft(code="x = 1", attempt=0), "ending": None}
    assert after_write_code(written) == "execute"
    assert after_write_code({"draft": None, "ending": "coder_failed"}) == "finish"
    assert after_write_code({"ending": "coder_failed"}) == "finish"


# execute -> critique | reflect | finish


def test_a_passed_validation_goes_to_the_critics() -> None:
    state: CandidateState = {"report": report(passed=True), "ending": None, "repairs": 3}
    assert after_execute(state, runtime()) == "critique"


@pytest.mark.parametrize("failed", [report(passed=False), None], ids=["failed", "no report"])
def test_a_failed_draft_is_reflected_on_while_repairs_are_left(
    failed: ValidationReport | None,
) -> None:
    state: CandidateState = {"report": failed, "ending": "failed_validation", "repairs": 1}
    assert after_execute(state, runtime(max_repairs=2)) == "reflect"
    assert after_execute({**state, "repairs": 2}, runtime(max_repairs=2)) == "finish"


def test_no_repairs_allowed_finishes_at_the_first_failure() -> None:
    state: CandidateState = {"report": report(passed=False), "ending": "failed_validation"}
    assert after_execute(state, runtime(max_repairs=0)) == "finish"


# critique -> human_review | commit | finish


def test_critics_that_accept_commit() -> None:
    state = judged([verdict("novelty", True), verdict("assets", True)])
    assert after_critique(state, runtime()) == "commit"


def test_one_rejection_finishes_under_all_but_not_under_majority() -> None:
    verdicts = [verdict("novelty", True), verdict("assets", True), verdict("other", False)]
    assert after_critique(judged(verdicts, accept="all"), runtime(accept="all")) == "finish"
    majority = judged(verdicts, accept="majority")
    assert after_critique(majority, runtime(accept="majority")) == "commit"


def test_an_accepted_task_waits_for_the_human_when_one_is_asked() -> None:
    state = judged([verdict("novelty", True)])
    assert after_critique(state, runtime(critics=["novelty", "human"])) == "human_review"


def test_a_rejected_task_is_not_shown_to_the_human() -> None:
    state = judged([verdict("novelty", False)])
    assert after_critique(state, runtime(critics=["novelty", "human"])) == "finish"


# human_review -> commit | finish


def test_the_human_accepting_commits() -> None:
    state = judged([verdict("novelty", True), verdict("human", True)], critics=["novelty", "human"])
    assert after_human(state) == "commit"


def test_the_human_rejecting_finishes_even_when_the_majority_accepts() -> None:
    verdicts = [verdict("novelty", True), verdict("assets", True), verdict("human", False)]
    settings = {"critics": ["novelty", "assets", "human"], "accept": "majority"}
    assert after_human(judged(verdicts, **settings)) == "finish"


def test_the_humans_last_answer_counts() -> None:
    verdicts = [verdict("human", False), verdict("novelty", True), verdict("human", True)]
    settings = {"critics": ["novelty", "human"], "accept": "majority"}
    assert after_human(judged(verdicts, **settings)) == "commit"


# plan -> candidate (Send per candidate) | record; record -> plan | END


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What ``dispatch`` reads from and writes to a running graph, outside one: the thread
    id is ``thread-1`` and the progress events it emits are collected here."""
    emitted: list[dict[str, Any]] = []
    monkeypatch.setattr(plan_node, "thread_of", lambda: "thread-1")
    monkeypatch.setattr(plan_node, "emit", lambda event, **fields: emitted.append(fields))
    return emitted


def test_dispatch_starts_one_candidate_per_slot(events: list[dict[str, Any]]) -> None:
    state: RunState = {"n_tasks": 5, "round": 2, "mode": "target", "target": "build a car"}
    sends = dispatch(state, runtime(workers=2, seed=7))
    assert all(isinstance(s, Send) and s.node == "candidate" for s in sends)
    first, second = (s.arg for s in sends)
    assert (first["candidate_id"], second["candidate_id"]) == ("r002-c0", "r002-c1")
    assert first["seed"] == candidate_seed("thread-1", 2, 0, 7) != second["seed"]
    assert (first["mode"], first["target"]) == ("target", "build a car")
    assert [e["candidate"] for e in events] == ["r002-c0", "r002-c1"]


def test_dispatch_starts_no_more_than_the_tasks_still_wanted(
    events: list[dict[str, Any]],
) -> None:
    state: RunState = {"n_tasks": 2, "round": 1, "results": [result(True)]}
    assert len(dispatch(state, runtime(workers=4))) == 1


def test_dispatch_goes_straight_to_record_when_nothing_is_due() -> None:
    assert dispatch({"n_tasks": 1, "results": [result(True)]}, runtime()) == "record"
    assert dispatch({"n_tasks": 0}, runtime()) == "record"


def test_record_plans_another_round_until_enough_are_accepted() -> None:
    assert after_record({"n_tasks": 2, "results": [result(True)]}, runtime()) == "plan"
    assert after_record({"n_tasks": 2, "results": [result(True)] * 2}, runtime()) == END


def test_record_ends_the_run_when_the_candidate_budget_is_spent() -> None:
    state: RunState = {"n_tasks": 2, "results": [result(False)] * 3}
    assert after_record(state, runtime(max_candidates=4)) == "plan"
    assert after_record(state, runtime(max_candidates=3)) == END


@pytest.mark.parametrize(
    ("spent", "route"),
    [(0.5, "plan"), (1.0, END), (None, END)],
    ids=["under budget", "budget spent", "cost unknown"],
)
def test_record_ends_the_run_when_the_cost_budget_is_spent_or_unknown(
    spent: float | None, route: str
) -> None:
    state: RunState = {"n_tasks": 1, "usage": {"coder": Usage(calls=1, cost_usd=spent)}}
    assert after_record(state, runtime(model="openai:gpt-4o", max_cost_usd=1.0)) == route
