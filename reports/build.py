"""``build_report``: a static HTML report of a workspace's runs, or of one run.

Reads what the runs recorded (``reports.collect``), draws the pictures (``reports.media``),
the run-total plots (``reports.plots``) and writes the pages (``reports.pages``). The result
opens from disk with no server: every link is a relative file path.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from graph.summary import RunTotals
from reports.collect import ReportData, collect
from reports.media import MediaRequest, build_media
from reports.pages import Card, write_pages
from reports.plots import BarChart, draw

#: Called as the report advances: (what it is doing, items done, items in all).
ReportProgress = Callable[[str, int, int], None]
PLOTS_DIR = "plots"
#: What the token chart says for runs that called no model (the offline agents).
NO_LLM_CALLS = "No LLM calls in these runs (offline agents): no tokens to show."
REPORTS_DIR = "reports"


def _quiet(step: str, done: int, total: int) -> None:
    """The default progress callback: nobody is listening."""


@dataclass(frozen=True)
class ReportConfig:
    """What to report on and how (the ``simgen report`` options)."""

    #: A workspace (every run under its ``runs/``), a run folder, or a run's summary.json.
    source: Path
    #: Where the report goes (default: ``<workspace>/reports/<thread or "all-runs">``).
    out: Path | None = None
    #: Animate each accepted task's expert (a few seconds each, drawn once and reused).
    animations: bool = True
    #: Processes drawing pictures and animations.
    workers: int = 2

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}.")


@dataclass(frozen=True)
class Totals:
    """The figures at the top of the report, over every run in it."""

    candidates: int
    accepted: int
    acceptance: float | None
    repairs_per_accepted: float | None
    spent: RunTotals
    models: list[str] = field(default_factory=list)


def totals_of(data: ReportData) -> Totals:
    accepted = data.accepted
    spent = sum((run.totals for run in data.runs), RunTotals())
    return Totals(
        candidates=len(data.tasks),
        accepted=len(accepted),
        acceptance=len(accepted) / len(data.tasks) if data.tasks else None,
        repairs_per_accepted=(
            sum(t.result.repairs for t in accepted) / len(accepted) if accepted else None
        ),
        spent=spent,
        models=sorted({t.result.model for t in data.tasks}),
    )


def default_out(data: ReportData) -> Path:
    """``<workspace>/reports/<thread>`` for one run, ``.../all-runs`` for several."""
    name = data.runs[0].thread if len(data.runs) == 1 else "all-runs"
    return data.runs[0].workspace / REPORTS_DIR / name


def run_charts(data: ReportData) -> dict[str, BarChart]:
    """The run-total charts: where candidates ended, repairs, tokens by role."""
    endings = Counter("accepted" if t.result.accepted else t.result.stage for t in data.tasks)
    stages = ["accepted", *sorted(s for s in endings if s != "accepted")]
    most = max((t.result.repairs for t in data.tasks), default=0)
    repairs = {
        kind: [
            sum(t.result.repairs == n and t.result.accepted == accepted for t in data.tasks)
            for n in range(most + 1)
        ]
        for kind, accepted in (("accepted", True), ("rejected", False))
    }
    calls: Counter[str] = Counter()
    by_role: Counter[str] = Counter()
    output: Counter[str] = Counter()
    for run in data.runs:
        for role, usage in run.summary.get("usage_by_role", {}).items():
            calls[role] += int(usage.get("calls", 0))
            by_role[role] += int(usage.get("input_tokens", 0))
            output[role] += int(usage.get("output_tokens", 0))
    # Offline agents record zero usage per role: only roles that called a model are bars.
    roles = sorted(role for role, n in calls.items() if n)
    return {
        "acceptance": BarChart(
            "Where candidates ended", stages, {"candidates": [endings[s] for s in stages]}, "count"
        ),
        "repairs": BarChart(
            "Repair rounds per candidate", [str(n) for n in range(most + 1)], repairs, "count"
        ),
        "tokens": BarChart(
            "Tokens by role",
            roles,
            {"input": [by_role[r] for r in roles], "output": [output[r] for r in roles]},
            "tokens",
            empty=NO_LLM_CALLS,
        ),
    }


def _size(path: Path) -> tuple[int, int]:
    """A picture's size from its header (the pixels are not read)."""
    with Image.open(path) as image:
        return image.size


def build_report(config: ReportConfig, on_progress: ReportProgress = _quiet) -> Path:
    """Write the report; returns its ``index.html``."""
    data = collect(config.source)
    folder = config.out or default_out(data)
    folder.mkdir(parents=True, exist_ok=True)
    shown = [*data.accepted, *data.rejected]
    requests = [
        MediaRequest(
            name=t.title,
            scene=t.scene if t.result.accepted else None,
            picture=t.picture,
            animate=config.animations,
            critic_pictures=tuple(t.critic_pictures),
        )
        for t in shown
    ]
    media, problems = build_media(
        requests,
        folder,
        workers=config.workers,
        on_progress=lambda done, total: on_progress("drawing scenes", done, total),
    )
    cards = []
    for task, task_media in zip(shown, media, strict=True):
        size = _size(folder / task_media.picture) if task_media.picture else (0, 0)
        cards.append(Card(task, task_media, *size))
    on_progress("plotting", 0, 1)
    plots = [
        draw(chart, folder / PLOTS_DIR / f"{name}.png").relative_to(folder).as_posix()
        for name, chart in run_charts(data).items()
    ]
    on_progress("writing pages", 0, len(cards))
    common = {"source": str(data.source), "written": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"}
    n_accepted = len(data.accepted)
    page = write_pages(
        folder,
        common,
        cards[:n_accepted],
        cards[n_accepted:],
        {"runs": data.runs, "totals": totals_of(data), "plots": plots, "problems": problems},
    )
    on_progress("writing pages", len(cards), len(cards))
    return page
