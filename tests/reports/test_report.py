"""``simgen report`` on a real run: what the pages say, and that they open in headless
Chromium with every picture loaded and no script error."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from typer.testing import CliRunner

from simgen.cli import app
from tests.graph.scripted import BROKEN_ASSET, DIAGNOSIS
from tests.reports.browser import headless_chromium, open_page

pytestmark = pytest.mark.integration


def write_report(workspace: Path, out: Path) -> Path:
    result = CliRunner().invoke(app, ["report", str(workspace), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = Path(result.stdout.strip().removeprefix("Report: "))
    assert page == (out / "index.html").resolve() and page.is_file()
    return page


def test_report_shows_each_task_and_opens_in_chromium(
    scripted_run: dict[str, Any], tmp_path: Path, artifacts: Path
) -> None:
    (accepted,) = scripted_run["accepted"]
    (rejected,) = scripted_run["rejected"]
    page = write_report(scripted_run["workspace"], tmp_path / "report")
    index = page.read_text()
    assert "1 of 2 candidate tasks accepted" in index
    assert accepted["name"] in index and rejected["stage"] in index

    task_pages = {
        p.read_text().count(BROKEN_ASSET) > 0: p for p in (page.parent / "tasks").glob("*.html")
    }
    detail = task_pages[True].read_text()
    # The repair: the first draft's error, the reflection on it, then the passing draft.
    assert "draft 0</b>: failed at reset" in detail and DIAGNOSIS in detail
    assert "draft 1</b>: passed" in detail
    assert "openai:scripted" in detail and "put the blue block in the yellow bowl" in detail
    assert '<div class="code"><pre>' in detail and "expert success 100%" in detail

    for html in [page, *(page.parent / "tasks").glob("*.html")]:
        text = html.read_text()
        images = re.findall(r"<img [^>]*>", text)
        assert all('loading="lazy"' in tag for tag in images), html
        assert "data:image" not in text
    animation = next((page.parent / "media").glob("*.webp"))
    with Image.open(animation) as image:
        assert image.n_frames > 10

    with headless_chromium() as driver:
        for html in [page, *sorted((page.parent / "tasks").glob("*.html"))]:
            seen = open_page(driver, html)
            assert seen["images"] or html.parent.name == "tasks", html
            assert seen["broken"] == [] and seen["errors"] == [], (html, seen)
        seen = open_page(driver, task_pages[True])
        assert len(seen["images"]) == 2  # the first scene and the rollout
        shots = {
            "report-task.png": tmp_path / "task.png",
            "report-index.png": tmp_path / "index.png",
        }
        assert driver.save_screenshot(str(shots["report-task.png"]))
        open_page(driver, page)
        assert driver.save_screenshot(str(shots["report-index.png"]))
    for name, shot in shots.items():
        with Image.open(shot) as image:
            colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
            assert image.width == 1280 and (colours is None or len(colours) > 50)  # not blank
        shutil.copyfile(shot, artifacts / name)


def test_the_browser_check_catches_broken_pictures_and_script_errors(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><link rel="icon" href="data:,"><img src="missing.png" loading="lazy">'
        "<script>undefinedFunction()</script>"
    )
    with headless_chromium() as driver:
        seen = open_page(driver, page)
    assert seen["broken"] == ["missing.png"]
    assert any("undefinedFunction" in e for e in seen["errors"])


def test_report_of_a_folder_without_runs_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert "is neither a workspace" in " ".join(result.output.split())


def test_the_run_records_what_the_report_reads(scripted_run: dict[str, Any]) -> None:
    accepted, rejected = sorted(scripted_run["candidates"], key=lambda c: not c["accepted"])
    assert accepted["model"] == rejected["model"] == "openai:scripted"
    assert accepted["description"] == "Put the blue block in the yellow bowl."
    assert accepted["assets"] == ["block/block.urdf", "bowl/bowl.urdf"]
    first, second = accepted["drafts"]
    assert first["stage"] == "reset" and first["diagnosis"] == DIAGNOSIS
    assert second["stage"] == "passed" and second["diagnosis"] is None
    for draft in (first, second):
        assert json.loads(Path(draft["report"]).read_text())["stage"] == draft["stage"]
    # The scene record exists only where reset() built a scene: the repaired draft's.
    assert first["scene"] is None and Path(second["scene"]).is_file()
    assert rejected["drafts"] == [] and rejected["stage"] == "review"
