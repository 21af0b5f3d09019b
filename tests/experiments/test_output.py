"""What the benchmark shows for a figure that is unknown: an unpriced model's cost is null in
the JSON, has no bar in the chart (a bar of 0 would read as the cheapest) but a label saying
"unpriced", and prints as "unpriced" in the table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from matplotlib.patches import Rectangle
from matplotlib.text import Text
from rich.console import Console

from experiments.cli import results_table
from experiments.llm import LLMBenchConfig
from experiments.output import charts, write_results
from reports.plots import render


def row(model: str, cost: float | None, accepted: int = 2) -> dict[str, Any]:
    """A benchmark row as ``run_benchmark`` makes it (figures trimmed to plausible values)."""
    per = None if cost is None or not accepted else cost / accepted
    return {
        "model": model, "max_repairs": 3, "label": model, "critics": ["novelty", "assets"],
        "candidates": 3, "coded": 3, "accepted": accepted, "syntax_pass_rate": 1.0,
        "runtime_pass_rate": 1.0, "completion_rate": 0.67, "acceptance_rate": 0.67,
        "repairs_per_accepted": 0.5, "llm_calls": 8, "tokens": 4000, "cost_usd": cost,
        "seconds": 20.0, "calls_per_accepted": 4.0, "tokens_per_accepted": 2000.0,
        "cost_per_accepted_usd": per, "seconds_per_accepted": 10.0, "asset_diversity": 0.5,
        "embedding_diversity": 0.3, "vision_rejected_after_validation_rate": None,
        "workspace": "ws", "threads": ["t"],
    }  # fmt: skip


def bars(figure_rows: list[dict[str, Any]], stem: str) -> tuple[list[float], list[str]]:
    """The heights of the bars and the texts drawn inside the axes of one chart."""
    (axes,) = render(charts(figure_rows)[stem]).axes
    heights = [p.get_height() for p in axes.patches if isinstance(p, Rectangle)]
    texts = [t.get_text() for t in axes.findobj(Text) if t.get_text()]
    return heights, texts


def test_an_unpriced_cost_has_no_bar_but_a_label() -> None:
    rows = [row("openai:gpt-4o", 0.02), row("openai:local-qwen", None)]
    heights, texts = bars(rows, "cost")
    assert heights == [0.01]  # one bar: the priced model's; none drawn as 0 for the other
    assert "unpriced" in texts


def test_nothing_to_divide_by_is_not_called_unpriced() -> None:
    rows = [row("openai:gpt-4o", 0.02), row("openai:gpt-4o-mini", 0.0, accepted=0)]
    heights, texts = bars(rows, "cost")
    assert heights == [0.01] and "n/a" in texts and "unpriced" not in texts


def test_the_json_carries_null_and_the_table_says_unpriced(tmp_path: Path) -> None:
    rows = [row("openai:gpt-4o", 0.02), row("openai:local-qwen", None)]
    config = LLMBenchConfig(models=("openai:gpt-4o", "openai:local-qwen"), out=tmp_path)
    write_results(config, rows)
    stored = json.loads((tmp_path / "bench.json").read_text())["results"]
    assert stored[1]["cost_usd"] is None and stored[1]["cost_per_accepted_usd"] is None
    console = Console(record=True, width=250)
    console.print(results_table(rows))
    lines = console.export_text().splitlines()
    (qwen,) = [line for line in lines if "local-qwen" in line]
    (gpt,) = [line for line in lines if "openai:gpt-4o" in line]
    assert "unpriced" in qwen and "unpriced" not in gpt and "0.0100" in gpt
    assert any("critics: novelty, assets" in line for line in lines)
