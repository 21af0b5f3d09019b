"""The design pages live in the repository: every relative link of the README and of
``docs/`` names a file of this checkout (a link out of it, like the old ``../shared/docs``,
breaks in a clone)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
#: ``[text](target)``, the target up to an optional ``#anchor``.
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def relative_links(page: Path) -> list[str]:
    """The link targets of a Markdown page that are paths, not URLs."""
    return [t for t in LINK.findall(page.read_text("utf-8")) if "://" not in t]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_name_files_of_the_checkout(page: Path) -> None:
    for target in relative_links(page):
        resolved = (page.parent / target).resolve()
        assert resolved.is_relative_to(REPO), f"{target} leaves the repository"
        assert resolved.exists(), f"{target} does not exist"


def test_the_readme_links_the_design_and_the_task_api() -> None:
    links = relative_links(REPO / "README.md")
    assert "docs/architecture.md" in links
    assert "simenv/docs/task-api.md" in links
