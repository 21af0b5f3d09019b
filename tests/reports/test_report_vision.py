"""The candidate page of a task the vision critic judged shows the pictures it saw (files
copied into the report, referenced by the page) beside its verdict."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.context import Context
from graph.draft_validation import shutdown_pools
from graph.resources import clear_resources
from graph.run import run
from reports.build import ReportConfig, build_report
from tests.graph.openai_server import ScriptedServer
from tests.graph.scripted import ACCEPT, repairing_model

pytestmark = pytest.mark.integration


def answer(prompt: str) -> str:
    if "You look at robot manipulation tasks" in prompt:
        return ACCEPT
    return repairing_model(prompt, right_first_time=True)


def test_the_candidate_page_shows_what_the_vision_critic_saw(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test")
    workspace = tmp_path / "ws"
    clear_resources()
    try:
        with ScriptedServer(answer) as server:
            context = Context(
                workspace=str(workspace),
                model="openai:scripted",
                base_url=server.base_url,
                critics=["vision"],
                episodes=2,
                max_candidates=1,
            )
            summary = run(1, context=context)
    finally:
        clear_resources()
        shutdown_pools()
    assert len(summary["accepted"]) == 1
    page = build_report(ReportConfig(source=workspace, out=tmp_path / "report", animations=False))
    (task_page,) = (page.parent / "tasks").glob("*.html")
    html = task_page.read_text()
    assert "What the vision critic saw" in html and "<b>vision</b>: accept" in html
    shown = re.findall(
        r'<img src="\.\./(media/[0-9a-f]+\.png)" alt="(first|after) (?:top|front) of ', html
    )
    assert len(shown) == 4
    assert all((page.parent / path).is_file() for path, _ in shown)
    for label in ("first top", "first front", "after top", "after front"):
        assert f"<figcaption>{label}</figcaption>" in html
