"""``finish`` reports the ending the node where a candidate stopped recorded: accepted or not,
the stage it names (a failed validation names its validation stage) and the reason."""

from __future__ import annotations

from typing import get_args

import pytest

from graph.nodes.finish import ENDING_STAGES, ending_of
from graph.state import CandidateState, Ending
from simenv.validation_report import Stage, ValidationReport


@pytest.mark.parametrize(
    ("ending", "stage"),
    [
        ("accepted", "committed"),
        ("proposer_failed", "propose"),
        ("rejected_at_review", "review"),
        ("coder_failed", "code"),
        ("rejected_by_critics", "critique"),
        ("name_taken", "commit"),
    ],
)
def test_each_ending_names_its_stage_and_keeps_its_reason(ending: Ending, stage: str) -> None:
    state: CandidateState = {"ending": ending, "reason": "why"}
    assert ending_of(state) == (ending == "accepted", stage, "why")


def test_a_failed_validation_names_the_stage_it_stopped_at() -> None:
    report = ValidationReport(target="t", passed=False, stage=Stage.RESET, error="boom")
    state: CandidateState = {"report": report, "ending": "failed_validation", "reason": "boom"}
    assert ending_of(state) == (False, "reset", "boom")


def test_every_ending_has_a_stage() -> None:
    assert set(ENDING_STAGES) == set(get_args(Ending))


def test_a_candidate_without_an_ending_is_reported_not_accepted() -> None:
    accepted, stage, reason = ending_of({"proposal": None})
    assert (accepted, stage) == (False, "unknown") and "older simgen" in reason
