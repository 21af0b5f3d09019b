"""The offline reflection agent: turns a validation report into a concrete change of the spec.

The repairs are the ones a person would try first: fewer objects when the table is full or the
expert cannot finish, more bowls when too many objects share one, more room around objects,
and a longer step budget when the expert ran out of steps.
"""

from __future__ import annotations

from typing import Any

from agents.offline.grammar import RELATIONS, TaskSpec
from agents.schemas import CodeDraft, Diagnosis, TaskProposal
from simenv.validation_report import Stage, ValidationReport

CROWDED_WORDS = ("full", "free space", "no room", "none", "collision")


def _fewer(spec: TaskSpec) -> dict[str, Any] | None:
    low = RELATIONS[spec.relation]["n"][0]
    if spec.n_objects <= max(low, 1):
        return None
    n = spec.n_objects - 1
    if spec.relation == "sort-by-color" and n < spec.n_targets:
        return None
    return {"n_objects": n, "colors": spec.colors[:n], "max_steps": spec.max_steps}


def _ran_out_of_steps(report: ValidationReport, spec: TaskSpec) -> bool:
    return any(e.steps >= spec.max_steps and not e.success for e in report.episodes)


def plan_repair(spec: TaskSpec, report: ValidationReport) -> tuple[str, dict[str, Any]]:
    """The diagnosis (prose) and the change (spec fields) for a failed report."""
    error = (report.error or "").lower()
    if report.stage in (Stage.RESET, Stage.BUILD) and any(w in error for w in CROWDED_WORDS):
        if spec.n_distractors:
            return "The table is too full to place every object; drop the distractors.", {
                "n_distractors": 0
            }
        change = _fewer(spec)
        if change:
            return (
                f"The table is too full for {spec.n_objects} objects; use {change['n_objects']}.",
                change,
            )
        return "The table is too full; keep less room around each object.", {"room": 0.0}
    if report.stage is Stage.SUCCESS and _ran_out_of_steps(report, spec):
        steps = spec.max_steps + max(2, spec.n_objects)
        return (
            f"The expert ran out of steps ({spec.max_steps}) before finishing; allow {steps}.",
            {"max_steps": steps},
        )
    if (
        report.stage is Stage.SUCCESS
        and spec.relation == "place-in-bowls"
        and spec.n_objects > spec.n_targets
        and spec.n_targets < RELATIONS[spec.relation]["targets"][1] + 1
    ):
        return (
            f"{spec.n_objects} objects share {spec.n_targets} bowl(s) and topple out of them; "
            f"use {spec.n_targets + 1} bowls.",
            {"n_targets": spec.n_targets + 1},
        )
    if report.stage in (Stage.SUCCESS, Stage.EPISODES):
        change = _fewer(spec)
        if change:
            return (
                f"The expert fails with {spec.n_objects} objects (objects knock each other "
                f"over or block the way); use {change['n_objects']}.",
                change,
            )
        if spec.n_distractors:
            return "Distractors get in the expert's way; remove them.", {"n_distractors": 0}
        return "Give objects more room so the expert's moves do not disturb them.", {
            "room": round(spec.room + 0.02, 3)
        }
    return (
        f"The program failed at the {report.stage.value} stage ({report.error}); "
        "write it again with fewer objects.",
        _fewer(spec) or {"n_distractors": 0},
    )


class OfflineReflector:
    """Reads the report of a failed draft and says what to change in the spec."""

    name = "offline"

    def diagnose(
        self, proposal: TaskProposal, draft: CodeDraft, report: ValidationReport
    ) -> Diagnosis:
        current = draft.revised or proposal
        if current.spec is None:
            return Diagnosis(text=f"Failed at {report.stage.value}: {report.error}")
        text, changes = plan_repair(TaskSpec.model_validate(current.spec), report)
        return Diagnosis(text=text, changes=changes)
