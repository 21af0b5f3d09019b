"""`simgen memory ...` commands, against an in-memory Chroma and a fake validator."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from memory import cli
from memory.library import TaskMemory
from simenv.validation_report import EpisodeResult, Stage, ValidationReport
from tests.memory.memory_fakes import FAKE_SEEDS, fake_asset_finder, write_task

runner = CliRunner()


def fake_validate(
    target: str, *, episodes: int = 5, seed: int = 0, min_success: float = 0.5
) -> ValidationReport:
    """Passes unless the file says FAIL; never runs the code."""
    failing = "FAIL" in Path(target).read_text()
    results = [
        EpisodeResult(
            seed=seed + i,
            reward=0.0 if failing else 1.0,
            success=not failing,
            steps=2,
            seconds=0.01,
        )
        for i in range(episodes)
    ]
    return ValidationReport(
        target=target,
        passed=not failing,
        stage=Stage.SUCCESS if failing else Stage.PASSED,
        error="the expert never reached the goal" if failing else None,
        traceback="Traceback: in reward()" if failing else None,
        episodes=results,
        success_rate=0.0 if failing else 1.0,
        min_success=min_success,
        seconds=0.05 * episodes,
    )


@pytest.fixture
def deps(memory: TaskMemory, monkeypatch: pytest.MonkeyPatch) -> TaskMemory:
    def open_memory(workspace: Path, chroma_url: str | None, **_: Any) -> TaskMemory:
        return memory

    monkeypatch.setattr(cli.DEPS, "open_memory", open_memory)
    monkeypatch.setattr(cli.DEPS, "validator", lambda: fake_validate)
    monkeypatch.setattr(cli.DEPS, "asset_finder", lambda: fake_asset_finder)
    return memory


def run(*args: str) -> Any:
    return runner.invoke(cli.memory_app, list(args))


def test_list_json_and_table(deps: TaskMemory) -> None:
    result = run("list", "--json")
    assert result.exit_code == 0, result.output
    names = [r["name"] for r in json.loads(result.stdout)["results"]]
    assert names == sorted(FAKE_SEEDS)
    assert run("list", "--origin", "generated", "--json").stdout.count('"name"') == 0
    table = run("list")
    assert table.exit_code == 0 and "towers-of-hanoi" in table.stdout


def test_show(deps: TaskMemory) -> None:
    result = run("show", "align-rope", "--json", "--code")
    payload = json.loads(result.stdout)
    assert payload["origin"] == "seed" and "class AlignRope(Task)" in payload["code"]
    assert "deformable rope" in run("show", "align-rope").stdout
    missing = run("show", "align-ropes")
    assert missing.exit_code == 1
    assert "Did you mean: align-rope" in missing.stderr


def test_search_json_has_distances(deps: TaskMemory) -> None:
    result = run("search", "push the pile into the zone", "-k", "2", "--json")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)["results"]
    assert len(hits) == 2 and hits[0]["name"] == "sweeping-piles"
    assert {"name", "description", "origin", "distance"} <= set(hits[0])
    filtered = run("search", "blocks", "--asset", "bowl", "--min-success", "0", "--json")
    assert json.loads(filtered.stdout)["results"] == []  # seeds carry no validation rate
    assert "sweeping-piles" in run("search", "sweep", "--origin", "seed").stdout


def test_add_validates_then_stores(deps: TaskMemory, tmp_path: Path) -> None:
    path = write_task(tmp_path, "stack-cups", "Stack the cups.", ("cup/cup.urdf",))
    result = run("add", str(path), "--model", "fake-model", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["added"] and payload["outcome"] == "added"
    stored = deps.get("stack-cups")
    assert stored.validation is not None and stored.validation.seeds == (0, 1, 2, 3, 4)
    assert stored.assets == ("cup/cup.urdf",) and stored.model == "fake-model"
    assert "unchanged" in run("add", str(path)).stdout


def test_add_refuses_a_failing_task_with_its_report(deps: TaskMemory, tmp_path: Path) -> None:
    path = write_task(tmp_path, "broken-task", "FAIL: the goal is unreachable.")
    result = run("add", str(path))
    assert result.exit_code == 1
    assert "refused" in result.stderr and "FAILED at success" in result.stderr
    assert "the expert never reached the goal" in result.stderr
    assert deps.find("broken-task") is None
    as_json = json.loads(run("add", str(path), "--json").stdout)
    assert as_json["added"] is False and as_json["report"]["stage"] == "success"


def test_add_reports_unreadable_files(deps: TaskMemory, tmp_path: Path) -> None:
    bad = tmp_path / "no_doc.py"
    bad.write_text("class NoDoc(Task):\n    pass\n")
    result = run("add", str(bad))
    assert result.exit_code == 1 and "has no docstring" in result.stderr


def test_remove_and_check(deps: TaskMemory) -> None:
    assert run("remove", "towers-of-hanoi").exit_code == 0
    assert deps.find("towers-of-hanoi") is None
    drift = run("check", "--json")
    assert drift.exit_code == 1
    assert json.loads(drift.stdout)["drift"][0]["kind"] == "unseeded"
    fixed = run("check", "--repair")
    assert fixed.exit_code == 0 and "repaired" in fixed.stdout
    assert run("check").exit_code == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_dead_server_url_says_how_to_start_one(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = run("list", "--workspace", str(tmp_path), "--chroma-url", url)
    assert result.exit_code == 1
    assert f"No Chroma server answered at {url}" in result.stderr
    assert "chroma run --host" in result.stderr
