"""The report's charts say what they cannot show: the token chart of runs that called no model
states it in the image, and a missing value gets a label instead of a bar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.patches import Rectangle
from matplotlib.text import Text
from PIL import Image

from reports.build import NO_LLM_CALLS, run_charts
from reports.collect import ReportData, RunView
from reports.plots import BarChart, draw, render


def data_with_usage(usage_by_role: dict[str, dict[str, Any]]) -> ReportData:
    summary = {"thread": "run-1", "usage_by_role": usage_by_role, "candidates": []}
    run = RunView(thread="run-1", folder=Path("ws/runs/run-1"), summary=summary)
    return ReportData(source=Path("ws"), runs=[run])


def drawn(chart: BarChart) -> tuple[int, list[str]]:
    """How many bars the chart draws and the texts inside its axes."""
    (axes,) = render(chart).axes
    n_bars = sum(isinstance(p, Rectangle) for p in axes.patches)
    return n_bars, [t.get_text() for t in axes.findobj(Text) if t.get_text()]


def zero(calls: int = 0, tokens: int = 0) -> dict[str, int]:
    return {"calls": calls, "input_tokens": tokens, "output_tokens": tokens}


def test_the_token_chart_of_offline_runs_says_there_were_no_llm_calls(tmp_path: Path) -> None:
    # Offline agents record a zero usage for each role they played.
    chart = run_charts(data_with_usage({"proposer": zero(), "coder": zero()}))["tokens"]
    n_bars, texts = drawn(chart)
    assert n_bars == 0 and NO_LLM_CALLS in texts
    with Image.open(draw(chart, tmp_path / "tokens.png")) as image:
        assert image.size == (640, 360)


def test_the_token_chart_shows_only_roles_that_called_a_model() -> None:
    usage = {"proposer": zero(2, 300), "coder": zero()}
    chart = run_charts(data_with_usage(usage))["tokens"]
    assert list(chart.categories) == ["proposer"]
    n_bars, texts = drawn(chart)
    assert n_bars == 2 and NO_LLM_CALLS not in texts


def test_a_missing_value_is_labelled_not_drawn_as_zero() -> None:
    chart = BarChart("cost", ["a", "b"], {"usd": [0.5, None]}, missing=["priced", "unpriced"])
    n_bars, texts = drawn(chart)
    assert n_bars == 1 and "unpriced" in texts and "priced" not in texts
