"""execute: the sandboxed validator runs the draft and returns its report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langgraph.runtime import Runtime

from graph.context import Context
from graph.draft_validation import DraftFiles, validate_draft
from graph.nodes.common import emit, ended, going_on, phase
from graph.state import CandidateState, DraftRecord
from simenv.validation_report import ValidationReport


def execute(state: CandidateState, runtime: Runtime[Context]) -> dict[str, Any]:
    path = Path(str(state["draft_path"]))
    files = DraftFiles(
        picture=path.parent / "scene.png" if runtime.context.pictures else None,
        scene=path.parent / "scene.json",
        views=path.parent / "views" if "vision" in runtime.context.critics else None,
    )
    candidate = state["candidate_id"]
    phase(candidate, "queued")
    validated = validate_draft(
        path,
        runtime.context,
        files,
        on_start=lambda: phase(candidate, "validating"),
        on_end=lambda: phase(candidate, "working"),
    )
    report = validated.report
    draft = state["draft"]
    assert draft is not None
    report_path = path.parent / "report.json"
    report_path.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    record = DraftRecord(
        attempt=draft.attempt,
        path=str(path),
        stage=report.stage.value,
        error=report.error,
        passed=report.passed,
        report=str(report_path),
        scene=validated.scene,
    )
    emit(
        "validated",
        candidate=candidate,
        attempt=draft.attempt,
        passed=report.passed,
        stage=report.stage.value,
        success_rate=report.success_rate,
    )
    outcome = going_on() if report.passed else ended("failed_validation", failure(report))
    return {
        "report": report,
        "drafts": [*state.get("drafts", []), record],
        "picture": validated.picture,
        "views": list(validated.views),
        **outcome,
    }


def failure(report: ValidationReport) -> str:
    """Why a draft failed validation, as the candidate's result gives it."""
    return report.error or "validation failed"


def after_execute(state: CandidateState, runtime: Runtime[Context]) -> str:
    """Passed: critique. Failed with repairs left: reflect. Otherwise: finish."""
    if state.get("ending") is None:
        return "critique"
    if state.get("repairs", 0) < runtime.context.max_repairs:
        return "reflect"
    return "finish"


def after_write_code(state: CandidateState) -> str:
    """A draft: validate it. The coder gave none: finish."""
    return "execute" if state.get("ending") is None else "finish"
