"""What a report shows, read from what runs wrote: ``runs/<thread>/summary.json`` (every
candidate with its drafts, verdicts and usage), each draft's file, validation report and scene
record. Nothing is re-derived: the graph recorded each fact once and this module reads it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.state import CandidateResult, DraftRecord
from graph.summary import RunTotals, candidates_of
from simenv.record_checks import RecordRejected, decode_record
from simenv.validation_report import ValidationReport
from simenv.workspace import DEFAULT_WORKSPACE

SUMMARY_FILE = "summary.json"
RUNS_DIR = "runs"


class ReportSourceError(ValueError):
    """The report was pointed at something that is neither a workspace nor a run."""


@dataclass(frozen=True)
class Draft:
    """One draft of a candidate: its record (stage, error, the reflection on it) and code."""

    record: DraftRecord
    code: str


@dataclass(frozen=True)
class TaskView:
    """One candidate task as the report shows it."""

    thread: str
    result: CandidateResult
    slug: str
    drafts: list[Draft]
    #: The validation report of the last draft (None: no draft was validated).
    report: ValidationReport | None
    #: The last draft's scene record file (pictures and rollouts are drawn from it).
    scene: Path | None
    lang_goals: list[str]
    #: The picture the run drew of the accepted task (None: pictures were off).
    picture: Path | None
    #: The pictures a critic looked at (the vision critic's views), found again on disk.
    critic_pictures: list[Path] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.result.name or f"{self.result.candidate_id} (no proposal)"

    @property
    def code(self) -> str | None:
        return self.drafts[-1].code if self.drafts else None


@dataclass(frozen=True)
class RunView:
    thread: str
    folder: Path
    summary: dict[str, Any]

    @property
    def totals(self) -> RunTotals:
        return RunTotals.from_summary(self.summary)

    @property
    def workspace(self) -> Path:
        """The workspace the run wrote to (``<workspace>/runs/<thread>``)."""
        return self.folder.parent.parent


@dataclass
class ReportData:
    """Every run of the report and every candidate of those runs."""

    source: Path
    runs: list[RunView] = field(default_factory=list)
    tasks: list[TaskView] = field(default_factory=list)

    @property
    def accepted(self) -> list[TaskView]:
        return [t for t in self.tasks if t.result.accepted]

    @property
    def rejected(self) -> list[TaskView]:
        return [t for t in self.tasks if not t.result.accepted]


def summary_files(source: Path) -> list[Path]:
    """The run summaries under ``source``: a workspace (every run), a run folder or its
    ``summary.json``."""
    if source.is_file() and source.name == SUMMARY_FILE:
        return [source]
    if (source / SUMMARY_FILE).is_file():
        return [source / SUMMARY_FILE]
    if (source / RUNS_DIR).is_dir():
        found = sorted((source / RUNS_DIR).glob(f"*/{SUMMARY_FILE}"))
        if not found:
            raise ReportSourceError(
                f"The workspace {source} has no finished run (no {RUNS_DIR}/*/{SUMMARY_FILE}): "
                f"run `simgen generate --workspace {source}` first."
            )
        return found
    raise ReportSourceError(
        f"{source} is neither a workspace (a folder with {RUNS_DIR}/) nor a run (a folder with "
        f"{SUMMARY_FILE}): give e.g. {DEFAULT_WORKSPACE} or {DEFAULT_WORKSPACE}/{RUNS_DIR}/<thread>."
    )


def locate(recorded: str, root: Path) -> Path | None:
    """A file a run recorded, found again: runs record paths as they named them (relative to
    where they ran, e.g. ``simgen-data/tasks/x.py``), so a relative path that does not exist
    from here is looked up under ``root`` by its longest tail that does."""
    path = Path(recorded)
    if path.exists():
        return path
    parts = path.parts
    for start in range(1, len(parts)):
        candidate = root.joinpath(*parts[start:])
        if candidate.exists():
            return candidate
    return None


def _slug(thread: str, candidate_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", f"{thread}-{candidate_id}")


def _read_report(path: Path | None) -> ValidationReport | None:
    if path is None:
        return None
    return ValidationReport.model_validate_json(path.read_text(encoding="utf-8"))


def lang_goals(scene: Path | None) -> list[str]:
    """The language goals a recorded scene states (flattened, in order, without repeats)."""
    if scene is None:
        return []
    try:
        record = decode_record(scene.read_text(encoding="utf-8"))
    except (RecordRejected, OSError):
        return []
    goals: list[str] = []
    for goal in record.lang_goals:
        for text in [goal] if isinstance(goal, str) else goal:
            if text and text not in goals:
                goals.append(text)
    return goals


def task_view(thread: str, result: CandidateResult, workspace: Path) -> TaskView:
    drafts = []
    for record in result.drafts:
        path = locate(record.path, workspace)
        code = path.read_text(encoding="utf-8") if path is not None else ""
        drafts.append(Draft(record=record, code=code))
    last = result.drafts[-1] if result.drafts else None
    if result.accepted and result.path and drafts:
        stored = locate(result.path, workspace)
        if stored is not None:
            drafts[-1] = Draft(record=drafts[-1].record, code=stored.read_text(encoding="utf-8"))
    scene = locate(last.scene, workspace) if last is not None and last.scene else None
    report_file = locate(last.report, workspace) if last is not None and last.report else None
    return TaskView(
        thread=thread,
        result=result,
        slug=_slug(thread, result.candidate_id),
        drafts=drafts,
        report=_read_report(report_file),
        scene=scene,
        lang_goals=lang_goals(scene),
        picture=locate(result.picture, workspace) if result.picture else None,
        critic_pictures=critic_pictures(result, workspace),
    )


def critic_pictures(result: CandidateResult, workspace: Path) -> list[Path]:
    """The pictures the critics looked at (in verdict order, without repeats) that are still
    on disk: what the report shows beside the vision critic's verdict."""
    found: list[Path] = []
    for verdict in result.verdicts:
        for recorded in verdict.pictures:
            path = locate(recorded, workspace)
            if path is not None and path not in found:
                found.append(path)
    return found


def collect(source: Path) -> ReportData:
    """Read every run under ``source`` (see ``summary_files``) into a ``ReportData``."""
    data = ReportData(source=source)
    for file in summary_files(source):
        try:
            summary = json.loads(file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ReportSourceError(f"{file} is not a run summary (bad JSON: {exc}).") from exc
        run = RunView(
            thread=str(summary.get("thread") or file.parent.name),
            folder=file.parent,
            summary=summary,
        )
        data.runs.append(run)
        data.tasks.extend(task_view(run.thread, r, run.workspace) for r in candidates_of(summary))
    return data
