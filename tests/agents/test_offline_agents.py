"""The offline agents: every relation writes a program that validates; the reflection agent
repairs a crowded spec; a run of proposals has no two with the same signature."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from agents.offline.coder import OfflineCoder
from agents.offline.grammar import RELATIONS, TaskSpec, sample_spec
from agents.offline.proposer import OfflineProposer, proposal_for
from agents.offline.reflection import OfflineReflector, plan_repair
from agents.protocols import ProposalRequest
from simenv.settings import ValidationSettings
from simenv.taskcode import validate
from simenv.validation_report import EpisodeResult, Stage, ValidationReport

FAST = [
    r for r in RELATIONS if r != "push-pile"
]  # piles take 6 s an episode; run by the graph tests


@pytest.mark.integration
@pytest.mark.parametrize("relation", FAST)
def test_every_relation_writes_a_program_that_validates(relation: str, tmp_path: Path) -> None:
    proposal = proposal_for(sample_spec(relation, random.Random(7)))
    draft = OfflineCoder().write(proposal, [])
    path = tmp_path / f"{proposal.name.replace('-', '_')}.py"
    path.write_text(draft.code)
    report = validate(path, ValidationSettings(episodes=2, min_success=0.5))
    assert report.passed, report.error


def test_same_spec_same_bytes() -> None:
    spec = sample_spec("stack", random.Random(3))
    assert (
        OfflineCoder().write(proposal_for(spec), []).code
        == OfflineCoder().write(proposal_for(spec), []).code
    )


def test_twenty_proposals_are_twenty_signatures() -> None:
    proposer, known = OfflineProposer(), []
    for i in range(20):
        proposal = proposer.propose(ProposalRequest(seed=i, slot=i % 2, known_names=known))
        known.append(proposal.name)
    assert len(set(known)) == 20


def crowded_report() -> ValidationReport:
    return ValidationReport(
        target="x.py",
        passed=False,
        stage=Stage.RESET,
        error="reset() failed on seed 0: the table is full: no free space for an object of size",
    )


def test_reflection_drops_distractors_then_objects() -> None:
    spec = TaskSpec(relation="line-up", n_objects=5, colors=["red"] * 5, n_distractors=2)
    _, change = plan_repair(spec, crowded_report())
    assert change == {"n_distractors": 0}
    _, change = plan_repair(spec.model_copy(update={"n_distractors": 0}), crowded_report())
    assert change["n_objects"] == 4


def test_reflection_adds_bowls_when_objects_topple() -> None:
    spec = TaskSpec(relation="place-in-bowls", n_objects=4, colors=["red"] * 4, n_targets=1)
    report = ValidationReport(
        target="x.py",
        passed=False,
        stage=Stage.SUCCESS,
        error="succeeded in 1 of 3",
        episodes=[EpisodeResult(seed=0, reward=0.75, success=False, steps=3, seconds=1.0)],
    )
    text, change = plan_repair(spec, report)
    assert change == {"n_targets": 2} and "bowl" in text


@pytest.mark.integration
def test_offline_repair_loop_turns_a_failing_spec_into_a_passing_one(tmp_path: Path) -> None:
    # One step for three objects: the expert runs out of steps, so the first draft must fail
    # at the success stage, and only the reflection's change (a longer step budget) can fix it.
    spec = TaskSpec(
        relation="place-in-bowls",
        object="block",
        n_objects=3,
        colors=["red"] * 3,
        n_targets=3,
        max_steps=1,
    )
    proposal, coder, reflector = proposal_for(spec), OfflineCoder(), OfflineReflector()
    draft = coder.write(proposal, [])
    reports: list[ValidationReport] = []
    for _ in range(4):
        path = tmp_path / f"draft{draft.attempt}" / "task.py"
        path.parent.mkdir()
        path.write_text(draft.code)
        reports.append(validate(path, ValidationSettings(episodes=3, min_success=0.6)))
        if reports[-1].passed:
            break
        draft = coder.write(
            proposal, [], draft, reflector.diagnose(proposal, draft, reports[-1]), reports[-1]
        )
    first, last = reports[0], reports[-1]
    assert not first.passed and first.stage is Stage.SUCCESS, first.error
    assert len(reports) >= 2 and last.passed, last.error
