"""``--critic human``: the run pauses before commit with the task for a person to judge, and
continues from the same thread with the answer; nothing else is lost while it waits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.context import Context
from graph.nodes.critique import parse_human_answer
from graph.run import run

pytestmark = pytest.mark.integration


def test_pause_then_approve_from_the_same_thread(workspace: Path) -> None:
    context = Context(
        workspace=str(workspace),
        critics=["novelty", "assets", "human"],
        episodes=2,
        max_candidates=1,
    )
    paused = run(1, context=context, thread="human-1")
    assert paused["status"] == "paused"
    (question,) = paused["questions"]
    assert question["description"] and "class" in question["code"]
    assert question["success_rate"] >= 0.6 and Path(question["path"]).is_file()
    assert not list((workspace / "tasks").glob(f"{question['name'].replace('-', '_')}.py"))

    seen: list[dict[str, Any]] = []

    def approve(q: dict[str, Any]) -> dict[str, Any]:
        seen.append(q)
        return {"approve": True, "reason": "looks right"}

    done = run(1, context=context, thread="human-1", reviewer=approve)
    assert done["status"] == "done" and [q["name"] for q in seen] == [question["name"]]
    (task,) = done["accepted"]
    assert task["name"] == question["name"] and Path(task["path"]).is_file()
    verdicts = done["candidates"][0]["verdicts"]
    assert {
        "critic": "human",
        "accept": True,
        "reasons": "looks right",
        "score": None,
        "pictures": [],
    } in verdicts


def test_reject_keeps_it_out(workspace: Path) -> None:
    context = Context(workspace=str(workspace), critics=["human"], episodes=2, max_candidates=1)
    done = run(1, context=context, thread="human-2", reviewer=lambda q: "reject: too easy")
    assert done["accepted"] == []
    assert done["rejected"][0]["stage"] == "critique"
    assert "too easy" in done["rejected"][0]["reason"]


@pytest.mark.parametrize(
    ("answer", "accept"),
    [
        ({"approve": True}, True),
        ({"approve": "no"}, False),
        ("approve", True),
        ("reject: x", False),
    ],
)
def test_answers_people_send(answer: Any, accept: bool) -> None:
    assert parse_human_answer(answer).accept is accept


def test_unreadable_answer_says_how_to_answer() -> None:
    with pytest.raises(ValueError, match="approve"):
        parse_human_answer("maybe")
