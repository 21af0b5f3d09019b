"""The report's HTML: Jinja2 templates (``reports/templates``), code highlighted by Pygments.

One index page (run totals, plots, a card per accepted task, a row per rejected candidate)
and one page per candidate, so the index of 500 tasks stays small: the code, drafts and
validation figures of each task load only when its page is opened. Every picture is
``loading="lazy"`` and a file beside the page; nothing large is inlined.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from agents.usage import format_cost
from reports.collect import TaskView
from reports.media import Media

CODE_CSS_CLASS = "code"
TASKS_DIR = "tasks"


@dataclass(frozen=True)
class Card:
    """A task with its pictures and the size of its picture (so the page does not reflow as
    lazy pictures arrive)."""

    task: TaskView
    media: Media
    width: int = 0
    height: int = 0


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def number(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


@cache
def _formatter() -> HtmlFormatter[str]:
    return HtmlFormatter(cssclass=CODE_CSS_CLASS)


def highlight(code: str) -> Markup:
    """Python source as highlighted HTML (Pygments' output is escaped, so it is safe markup)."""
    return Markup(pygments_highlight(code, PythonLexer(), _formatter()))


@cache
def environment() -> Environment:
    """The template environment: autoescaped, failing on any name a template misspells."""
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(percent=percent, number=number, highlight=highlight, cost=format_cost)
    return env


def stylesheet() -> str:
    """The report's CSS: the page styles, then Pygments' colours for highlighted code."""
    base = resources.files("reports").joinpath("templates/style.css").read_text(encoding="utf-8")
    return base + "\n" + _formatter().get_style_defs(f".{CODE_CSS_CLASS}") + "\n"


def write_pages(
    folder: Path,
    common: dict[str, Any],
    cards: Sequence[Card],
    rejected: Sequence[Card],
    index: dict[str, Any],
) -> Path:
    """Write ``style.css``, ``index.html`` and one page per candidate under ``folder``."""
    env = environment()
    (folder / "style.css").write_text(stylesheet(), encoding="utf-8")
    pages = folder / TASKS_DIR
    pages.mkdir(parents=True, exist_ok=True)
    task_page = env.get_template("task.html.j2")
    for card in [*cards, *rejected]:
        html = task_page.render(**common, root="../", task=card.task, media=card.media)
        (pages / f"{card.task.slug}.html").write_text(html, encoding="utf-8")
    page = folder / "index.html"
    page.write_text(
        env.get_template("index.html.j2").render(
            **common,
            root="",
            accepted=cards,
            rejected=[c.task for c in rejected],
            **index,
        ),
        encoding="utf-8",
    )
    return page
