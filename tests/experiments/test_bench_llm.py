"""``simgen bench llm`` end to end: two scripted models served over real HTTP on 127.0.0.1.

``steady`` writes a working task at once; ``sloppy`` names a missing asset and fixes it only
when the validator's error reaches its prompt. So with repair rounds on both complete the
task, and with them off ``sloppy`` compiles but fails at run time: the rows must say so.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner, Result

from experiments.output import CHARTS
from simgen.cli import app
from tests.graph.openai_server import ScriptedServer
from tests.graph.scripted import REJECT, repairing_model

pytestmark = pytest.mark.integration


def answer(model: str, prompt: str) -> str:
    return repairing_model(prompt, right_first_time=model == "steady")


def run_bench(
    out: Path, models: str, *options: str, model: Callable[[str, str], str] = answer
) -> tuple[Result, int]:
    """``simgen bench llm`` on one task per row against the scripted ``model`` (``answer``
    unless given), served on 127.0.0.1; returns the command's result and how many requests
    the server answered."""
    with ScriptedServer(model, by_model=True) as server:
        result = CliRunner().invoke(
            app,
            [
                "bench", "llm", "--models", models, "-n", "1", "--base-url", server.base_url,
                "--episodes", "2", "--max-candidates", "1", "--out", str(out), "--json",
                *options,
            ],
        )  # fmt: skip
        served = len(server.requests)
    assert result.exit_code == 0, result.output
    return result, served


def test_two_models_with_and_without_repairs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test")
    out = tmp_path / "bench"
    result, _ = run_bench(out, "openai:steady,openai:sloppy", "--max-repairs", "1")
    rows = {(r["model"], r["max_repairs"]): r for r in json.loads(result.stdout)["results"]}
    assert set(rows) == {(m, r) for m in ("openai:steady", "openai:sloppy") for r in (1, 0)}

    sloppy, sloppy_off = rows["openai:sloppy", 1], rows["openai:sloppy", 0]
    assert (sloppy["syntax_pass_rate"], sloppy["runtime_pass_rate"]) == (1.0, 1.0)
    assert sloppy["completion_rate"] == sloppy["acceptance_rate"] == 1.0
    assert sloppy["repairs_per_accepted"] == 1.0
    # proposer, coder, reflection, coder again (no LLM critic: none was asked for)
    assert sloppy["llm_calls"] == sloppy["calls_per_accepted"] == 4
    assert sloppy["tokens_per_accepted"] == sloppy["tokens"] > 0
    assert sloppy_off["syntax_pass_rate"] == 1.0 and sloppy_off["runtime_pass_rate"] == 0.0
    assert sloppy_off["completion_rate"] == sloppy_off["acceptance_rate"] == 0.0
    assert sloppy_off["seconds_per_accepted"] is None and sloppy_off["accepted"] == 0
    for steady in (rows["openai:steady", 1], rows["openai:steady", 0]):
        assert steady["completion_rate"] == 1.0 and steady["repairs_per_accepted"] == 0.0
        assert steady["llm_calls"] == 2

    with (out / "bench.csv").open() as handle:
        table = list(csv.DictReader(handle))
    assert [(r["model"], r["max_repairs"]) for r in table] == [
        ("openai:steady", "1"), ("openai:steady", "0"),
        ("openai:sloppy", "1"), ("openai:sloppy", "0"),
    ]  # fmt: skip
    assert json.loads((out / "bench.json").read_text())["config"]["models"][1] == "openai:sloppy"
    for stem, *_ in CHARTS:
        with Image.open(out / f"{stem}.png") as chart:
            assert chart.size == (640, 360)


def test_offline_and_llm_rows_are_judged_by_the_same_critics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test")
    out = tmp_path / "bench"
    _, served = run_bench(out, "offline,openai:steady", "--no-without-repairs")
    offline, llm = json.loads((out / "bench.json").read_text())["results"]
    assert (offline["model"], llm["model"]) == ("offline", "openai:steady")
    assert offline["critics"] == llm["critics"] == ["novelty", "assets"]
    # The LLM row's calls are its proposer's and coder's: no critic of its own was added.
    assert llm["llm_calls"] == served == 2 and offline["llm_calls"] == 0
    with (out / "bench.csv").open() as handle:
        assert [r["critics"] for r in csv.DictReader(handle)] == ["novelty assets"] * 2


def usage_error(*args: str) -> str:
    """The message of a refused command line, unwrapped from the terminal's box."""
    result = CliRunner().invoke(app, ["bench", "llm", *args])
    assert result.exit_code == 2, result.output
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.output).split())


def test_bad_options_are_clear_errors(tmp_path: Path) -> None:
    assert "--mode target needs --targets FILE" in usage_error(
        "--models", "offline", "--mode", "target"
    )
    missing = tmp_path / "targets.txt"
    assert "does not exist" in usage_error(
        "--models", "offline", "--mode", "target", "--targets", str(missing)
    )
    assert "named twice" in usage_error("--models", "offline,offline")
    assert "explore or target" in usage_error("--models", "offline", "--mode", "sideways")
    assert "--critic llm needs a model in every row" in usage_error(
        "--models", "offline,openai:gpt-4o", "--critic", "llm"
    )
    assert "No critic named 'novelt'" in usage_error("--models", "offline", "--critic", "novelt")


def looks_and_rejects(model: str, prompt: str) -> str:
    """``steady``, whose vision critic rejects every scene it is shown."""
    if "You look at robot manipulation tasks" in prompt:
        return REJECT
    return repairing_model(prompt, right_first_time=True)


def test_vision_rows_report_how_often_the_look_overruled_validation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test")
    out = tmp_path / "bench"
    run_bench(
        out, "openai:steady", "--max-repairs", "0", "--critic", "vision", model=looks_and_rejects
    )
    (row,) = json.loads((out / "bench.json").read_text())["results"]
    assert row["critics"] == ["vision"] and row["completion_rate"] == 1.0
    assert row["vision_rejected_after_validation_rate"] == 1.0 and row["accepted"] == 0
    with (out / "bench.csv").open() as handle:
        assert next(csv.DictReader(handle))["vision_rejected_after_validation_rate"] == "1.0"
