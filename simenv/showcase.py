"""The seed-task showcase: validate every seed task, render it, and write an HTML page.

This is what ``make run`` produces until the generation graph exists: a page a person can
open to see each task's first scene beside its validation result.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simenv.render import render_task
from simenv.sandbox.pool import validate_many
from simenv.settings import ValidationSettings
from simenv.tasks import TaskInfo, list_tasks
from simenv.validation_report import ValidationReport

#: Called as the showcase advances: (what it is doing, items done, items in all).
ShowcaseProgress = Callable[[str, int, int], None]


def _quiet(step: str, done: int, total: int) -> None:
    """The default progress callback: nobody is listening."""


@dataclass(frozen=True)
class ShowcaseEntry:
    info: TaskInfo
    report: ValidationReport
    picture: Path


def _render_all(
    tasks: list[TaskInfo], folder: Path, on_progress: ShowcaseProgress
) -> dict[str, Path]:
    pictures = {}
    for done, info in enumerate(tasks, start=1):
        pictures[info.name] = render_task(info.name, folder / f"{info.name}.png")
        on_progress("rendering", done, len(tasks))
    return pictures


def build_showcase(
    workspace: Path,
    episodes: int = 3,
    workers: int = 2,
    on_progress: ShowcaseProgress = _quiet,
) -> Path:
    """Validate (sandboxed) and render every seed task; returns the HTML page's path."""
    folder = Path(workspace) / "reports" / "seed-tasks"
    folder.mkdir(parents=True, exist_ok=True)
    tasks = list_tasks()
    reports = {
        r.target: r
        for r in validate_many(
            [t.name for t in tasks],
            ValidationSettings(episodes=episodes),
            workers=workers,
            ordered=True,
            on_report=lambda done, total, _: on_progress("validating", done, total),
        )
    }
    pictures = _render_all(tasks, folder, on_progress)
    entries = [ShowcaseEntry(t, reports[t.name], pictures[t.name]) for t in tasks]
    (folder / "reports.json").write_text(
        json.dumps([e.report.model_dump(mode="json") for e in entries], indent=2)
    )
    page = folder / "index.html"
    page.write_text(showcase_html(entries))
    return page


def showcase_html(entries: list[ShowcaseEntry]) -> str:
    """One card per task: its picture, description and validation result."""
    cards = []
    for e in entries:
        verdict = "passed" if e.report.passed else f"failed at {e.report.stage.value}"
        color = "#2e7d32" if e.report.passed else "#c62828"
        cards.append(
            f"""<div class="card"><h2>{html.escape(e.info.name)}</h2>
<img src="{html.escape(e.picture.name)}" alt="{html.escape(e.info.name)} first scene">
<p>{html.escape(e.info.description)}</p>
<p style="color:{color}"><b>{verdict}</b>: expert success {e.report.success_rate:.0%} over
{len(e.report.episodes)} seeds, {e.report.seconds:.1f} s</p>
<p class="assets">{html.escape(", ".join(e.info.assets))}</p></div>"""
        )
    passed = sum(e.report.passed for e in entries)
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>simgen seed tasks</title>
<style>body{{font-family:sans-serif;margin:2em}} .grid{{display:flex;flex-wrap:wrap;gap:1em}}
.card{{border:1px solid #ddd;border-radius:6px;padding:1em;width:480px}} img{{width:100%}}
.assets{{color:#666;font-size:small}}</style></head><body>
<h1>simgen seed tasks</h1><p>{passed} of {len(entries)} tasks pass expert validation.</p>
<div class="grid">{"".join(cards)}</div></body></html>
"""
