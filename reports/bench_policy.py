"""The page and plot of ``simgen bench policy`` results, read from its ``bench.json``.

The reports layer sits below ``experiments`` (which runs it), so this module knows the file's
shape, not the code that wrote it: ``simgen report <work folder>`` (or the experiment itself)
draws the plot of held-out success against the number of generated tasks and writes
``index.html`` beside ``bench.json``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from reports.pages import environment, stylesheet
from reports.plots import DPI, FIGSIZE

BENCH_FILE = "bench.json"
PLOT_FILE = "transfer.png"
PAGE_FILE = "index.html"


def is_policy_bench(folder: Path) -> bool:
    """Whether ``folder`` holds a ``simgen bench policy`` result (its bench.json has the
    selection and report splits)."""
    path = Path(folder) / BENCH_FILE
    if not path.is_file():
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return False
    return isinstance(data, dict) and "report_split" in data and "arms" in data


def draw_transfer_plot(bench: dict[str, Any], out: Path) -> Path:
    """Mean held-out success (averaged over held-out tasks, then over training seeds) against
    the number of generated tasks: one line per few-shot setting, 95% intervals as error bars."""
    figure = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for k in sorted({arm["few_shot"] for arm in bench["arms"]}):
        arms = sorted(
            (a for a in bench["arms"] if a["few_shot"] == k), key=lambda a: a["generated"]
        )
        xs = [a["generated"] for a in arms]
        means = [100 * a["held_out_mean"]["mean"] for a in arms]
        low = [m - 100 * a["held_out_mean"]["ci95"][0] for m, a in zip(means, arms, strict=True)]
        high = [100 * a["held_out_mean"]["ci95"][1] - m for m, a in zip(means, arms, strict=True)]
        label = "zero-shot (K = 0)" if k == 0 else f"few-shot (K = {k})"
        axes.errorbar(xs, means, yerr=[low, high], marker="o", capsize=4, label=label)
    axes.set_xticks(sorted({a["generated"] for a in bench["arms"]}))
    axes.set_xlabel("generated tasks added to the base tasks")
    axes.set_ylabel(f"held-out success, {bench['report_split']} split (%)")
    axes.set_ylim(-5, 105)
    seeds = sorted({a["train_seeds"] for a in bench["arms"]})
    axes.set_title(
        f"{', '.join(bench['held_out_tasks'])}: mean over {'/'.join(map(str, seeds))} seeds, "
        "95% t-interval",
        fontsize=9,
    )
    axes.legend(fontsize=8)
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out)
    return out


def write_policy_bench_page(folder: Path) -> Path:
    """Draw the plot and write ``index.html`` (with ``style.css``) beside ``bench.json``."""
    folder = Path(folder)
    bench = json.loads((folder / BENCH_FILE).read_text(encoding="utf-8"))
    draw_transfer_plot(bench, folder / PLOT_FILE)
    (folder / "style.css").write_text(stylesheet(), encoding="utf-8")
    page = folder / PAGE_FILE
    html = (
        environment()
        .get_template("bench_policy.html.j2")
        .render(
            root="",
            source=str(folder),
            written=f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            bench=bench,
            plot=PLOT_FILE,
        )
    )
    page.write_text(html, encoding="utf-8")
    return page
