"""The LLM benchmark's files: ``bench.json`` (settings and rows), ``bench.csv`` (the rows) and
bar charts, one PNG per group of figures."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from experiments.llm import LLMBenchConfig
from experiments.metrics import COST_FIGURES
from reports.plots import BarChart, draw

#: The CSV's columns, in order (every figure ``experiments.metrics.score`` returns, then where).
CSV_COLUMNS = (
    "model",
    "max_repairs",
    "critics",
    "candidates",
    "coded",
    "accepted",
    "syntax_pass_rate",
    "runtime_pass_rate",
    "completion_rate",
    "acceptance_rate",
    "vision_rejected_after_validation_rate",
    "repairs_per_accepted",
    "llm_calls",
    "tokens",
    "cost_usd",
    "seconds",
    "calls_per_accepted",
    "tokens_per_accepted",
    "cost_per_accepted_usd",
    "seconds_per_accepted",
    "asset_diversity",
    "embedding_diversity",
    "workspace",
)

#: One chart per file: (file stem, title, y label, figures as series, shown as percent).
CHARTS: tuple[tuple[str, str, str, tuple[str, ...], bool], ...] = (
    (
        "rates",
        "Code and acceptance rates",
        "rate",
        ("syntax_pass_rate", "runtime_pass_rate", "completion_rate", "acceptance_rate"),
        True,
    ),
    ("repairs", "Repairs per accepted task", "repairs", ("repairs_per_accepted",), False),
    ("tokens", "Tokens per accepted task", "tokens", ("tokens_per_accepted",), False),
    ("cost", "Cost per accepted task", "USD", ("cost_per_accepted_usd",), False),
    ("seconds", "Seconds per accepted task", "s", ("seconds_per_accepted",), False),
    (
        "diversity",
        "Diversity of accepted tasks",
        "mean pairwise distance",
        ("asset_diversity", "embedding_diversity"),
        False,
    ),
)


def _config_json(config: LLMBenchConfig) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items()}


def why_missing(row: dict[str, Any], figures: Sequence[str]) -> str:
    """What a chart writes where a row's bar is missing: ``unpriced`` for the cost of a model
    without a price, ``n/a`` for a figure with nothing to divide by."""
    if row["cost_usd"] is None and any(f in COST_FIGURES for f in figures):
        return "unpriced"
    return "n/a"


def write_results(config: LLMBenchConfig, rows: Sequence[dict[str, Any]]) -> list[Path]:
    """Write JSON, CSV and charts under ``config.out``; returns the files written."""
    out = config.out
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "bench.json", out / "bench.csv"]
    written[0].write_text(
        json.dumps({"config": _config_json(config), "results": list(rows)}, indent=2),
        encoding="utf-8",
    )
    with written[1].open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows({**row, "critics": " ".join(row["critics"])} for row in rows)
    for stem, chart in charts(rows).items():
        written.append(draw(chart, out / f"{stem}.png"))
    return written


def charts(rows: Sequence[dict[str, Any]]) -> dict[str, BarChart]:
    """The benchmark's charts by file stem. A figure that is None (unknown cost, nothing to
    divide by) is None in the JSON and CSV and has no bar, only a label saying why: drawn as 0
    it would look like the best result."""
    labels = [str(row["label"]) for row in rows]
    return {
        stem: BarChart(
            title,
            labels,
            {f: [None if row[f] is None else float(row[f]) for row in rows] for f in figures},
            ylabel,
            percent=percent,
            missing=[why_missing(row, figures) for row in rows],
        )
        for stem, title, ylabel, figures, percent in CHARTS
    }
