"""Bar charts as PNG files, for run reports and benchmark results.

Drawn on a bare ``matplotlib.figure.Figure`` with the Agg canvas, not through ``pyplot``: no
global figure state and no display backend, so charts can be drawn from any thread or process.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: Chart size in inches at DPI: 640 x 360 pixels, readable beside text without zooming.
FIGSIZE = (6.4, 3.6)
DPI = 100


@dataclass(frozen=True)
class BarChart:
    """Bars of one or more series over the same categories (grouped when there are several)."""

    title: str
    categories: Sequence[str]
    series: Mapping[str, Sequence[float]]
    ylabel: str = ""
    percent: bool = False

    def __post_init__(self) -> None:
        for name, values in self.series.items():
            if len(values) != len(self.categories):
                raise ValueError(
                    f"Chart {self.title!r}: series {name!r} has {len(values)} values for "
                    f"{len(self.categories)} categories; give one value per category."
                )


def _label(value: float) -> str:
    """A bar's value as people read it: 12,345 rather than 1.23e+04; 0.25 stays 0.25."""
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:.3g}"


def draw(chart: BarChart, out: Path) -> Path:
    """Draw ``chart`` to the PNG file ``out`` (its folder is created)."""
    figure = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    n_series = max(len(chart.series), 1)
    width = 0.8 / n_series
    positions = range(len(chart.categories))
    for index, (name, values) in enumerate(chart.series.items()):
        offset = (index - (n_series - 1) / 2) * width
        scaled = [v * 100 if chart.percent else v for v in values]
        label = name.replace("_", " ")
        bars = axes.bar([x + offset for x in positions], scaled, width, label=label)
        axes.bar_label(bars, fmt="%.0f%%" if chart.percent else _label, fontsize=7, padding=1)
    axes.set_xticks(list(positions), list(chart.categories), fontsize=8)
    axes.set_title(chart.title)
    axes.set_ylabel(f"{chart.ylabel} (%)" if chart.percent and chart.ylabel else chart.ylabel)
    if chart.percent:
        axes.set_ylim(0, 110)
    if len(chart.series) > 1:
        axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out)
    return out
