"""The files of ``simgen bench policy``: ``bench.json`` (as ``run_experiment`` returns it),
``bench.csv`` (one row per arm, few-shot setting and task), the plot and the report page."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from reports.bench_policy import BENCH_FILE, PAGE_FILE, PLOT_FILE, write_policy_bench_page

CSV_FILE = "bench.csv"
CSV_COLUMNS = (
    "generated",
    "few_shot",
    "role",
    "task",
    "train_seeds",
    "mean",
    "ci95_low",
    "ci95_high",
    "per_seed",
    "mean_reward",
)


def csv_rows(bench: dict[str, Any]) -> list[dict[str, Any]]:
    """Held-out rows then base-task (reference) rows, per arm; per-seed values ';'-joined."""
    rows = []
    for arm in bench["arms"]:
        for role in ("held_out", "base"):
            for task, figures in arm[role].items():
                rows.append(
                    {
                        "generated": arm["generated"],
                        "few_shot": arm["few_shot"],
                        "role": role,
                        "task": task,
                        "train_seeds": arm["train_seeds"],
                        "mean": figures["mean"],
                        "ci95_low": figures["ci95"][0],
                        "ci95_high": figures["ci95"][1],
                        "per_seed": ";".join(str(v) for v in figures["per_seed"]),
                        "mean_reward": figures["mean_reward"],
                    }
                )
    return rows


def write_policy_results(bench: dict[str, Any], out: Path) -> list[Path]:
    """Write bench.json, bench.csv, the plot and index.html under ``out``; returns them."""
    out.mkdir(parents=True, exist_ok=True)
    (out / BENCH_FILE).write_text(json.dumps(bench, indent=2), encoding="utf-8")
    with (out / CSV_FILE).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(csv_rows(bench))
    page = write_policy_bench_page(out)
    return [out / BENCH_FILE, out / CSV_FILE, out / PLOT_FILE, page.parent / PAGE_FILE]
