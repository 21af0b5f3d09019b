"""Bar charts as PNG files, for run reports and benchmark results.

Drawn on a bare ``matplotlib.figure.Figure`` with the Agg canvas, not through ``pyplot``: no
global figure state and no display backend, so charts can be drawn from any thread or process.

A value may be None (unknown, e.g. the cost of an unpriced model): it gets no bar, only a label
saying why, because a bar of height 0 would read as the best value. A chart with no categories
says so in the image rather than drawing empty axes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.axes import Axes
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
    series: Mapping[str, Sequence[float | None]]
    ylabel: str = ""
    percent: bool = False
    #: Why a category's values are missing (None), one word per category; default "unknown".
    missing: Sequence[str] = ()
    #: What the image says when there is no category at all.
    empty: str = "nothing to show"

    def __post_init__(self) -> None:
        for name, values in self.series.items():
            if len(values) != len(self.categories):
                raise ValueError(
                    f"Chart {self.title!r}: series {name!r} has {len(values)} values for "
                    f"{len(self.categories)} categories; give one value per category."
                )
        if self.missing and len(self.missing) != len(self.categories):
            raise ValueError(
                f"Chart {self.title!r}: {len(self.missing)} missing-value labels for "
                f"{len(self.categories)} categories; give one per category, or none."
            )

    def missing_label(self, index: int) -> str:
        return self.missing[index] if self.missing else "unknown"


def _label(value: float) -> str:
    """A bar's value as people read it: 12,345 rather than 1.23e+04; 0.25 stays 0.25."""
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:.3g}"


def _draw_empty(chart: BarChart, axes: Axes) -> None:
    """No category: the chart's ``empty`` text in the middle of bare axes."""
    axes.set_xticks([])
    axes.set_yticks([])
    axes.text(0.5, 0.5, chart.empty, transform=axes.transAxes, ha="center", va="center")


def _draw_bars(chart: BarChart, axes: Axes) -> None:
    """Grouped bars; a missing value gets its category's label where its bar would stand."""
    n_series = max(len(chart.series), 1)
    width = 0.8 / n_series
    for index, (name, values) in enumerate(chart.series.items()):
        offset = (index - (n_series - 1) / 2) * width
        known = [(x, v) for x, v in enumerate(values) if v is not None]
        bars = axes.bar(
            [x + offset for x, _ in known],
            [v * 100 if chart.percent else v for _, v in known],
            width,
            label=name.replace("_", " "),
        )
        axes.bar_label(bars, fmt="%.0f%%" if chart.percent else _label, fontsize=7, padding=1)
        for x, value in enumerate(values):
            if value is None:
                axes.text(
                    x + offset, 0, chart.missing_label(x), rotation=90, ha="center",
                    va="bottom", fontsize=7, color="dimgray",
                )  # fmt: skip
    axes.set_xticks(list(range(len(chart.categories))), list(chart.categories), fontsize=8)
    if chart.percent:
        axes.set_ylim(0, 110)
    if len(chart.series) > 1:
        axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def render(chart: BarChart) -> Figure:
    """The chart as a figure (``draw`` saves it; tests read its bars and texts)."""
    figure = Figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    if chart.categories:
        _draw_bars(chart, axes)
    else:
        _draw_empty(chart, axes)
    axes.set_title(chart.title)
    axes.set_ylabel(f"{chart.ylabel} (%)" if chart.percent and chart.ylabel else chart.ylabel)
    return figure


def draw(chart: BarChart, out: Path) -> Path:
    """Draw ``chart`` to the PNG file ``out`` (its folder is created)."""
    figure = render(chart)
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out)
    return out
