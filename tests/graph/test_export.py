"""``simgen memory export``: the seeded library as fine-tuning lines, every program re-validated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agents.parsing import parse_python_block
from agents.prompting import coder_prompt
from graph.export import DEFAULT_SYSTEM, output_paths, proposal_of, split_names
from graph.nodes.retrieve import few_shot_examples
from memory.library import TaskMemory
from simenv.sandbox.pool import validate_many
from simenv.settings import ValidationSettings
from simgen.cli import app

runner = CliRunner()


def export(workspace: Path, out: Path, *args: str) -> dict[str, Any]:
    result = runner.invoke(
        app, ["memory", "export", "-w", str(workspace), "--out", str(out), "--json", *args]
    )
    assert result.exit_code == 0, result.output
    summary: dict[str, Any] = json.loads(result.stdout)
    return summary


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, seeded_template: Path) -> dict[str, Any]:
    """The seeded library exported once in both formats (read-only for the tests)."""
    out = tmp_path_factory.mktemp("export")
    return {
        "chat": export(seeded_template, out / "chat.jsonl"),
        "gensim": export(seeded_template, out / "gensim.jsonl", "--format", "gensim"),
        "memory": TaskMemory.open(seeded_template),
    }


def chat_lines(exported: dict[str, Any]) -> list[dict[str, Any]]:
    summary = exported["chat"]
    return read_lines(Path(summary["train"]["path"])) + read_lines(Path(summary["val"]["path"]))


def test_split_sizes_cover_the_library(exported: dict[str, Any]) -> None:
    total = exported["memory"].count()
    for fmt in ("chat", "gensim"):
        summary = exported[fmt]
        train = read_lines(Path(summary["train"]["path"]))
        val = read_lines(Path(summary["val"]["path"]))
        assert (len(train), len(val)) == (round(total * 0.9), total - round(total * 0.9))
        assert summary["train"]["tasks"] == len(train) and summary["val"]["tasks"] == len(val)


def test_chat_lines_are_system_user_assistant(exported: dict[str, Any]) -> None:
    for line in chat_lines(exported):
        assert list(line) == ["messages"]
        roles = [m["role"] for m in line["messages"]]
        assert roles == ["system", "user", "assistant"]
        assert line["messages"][0]["content"] == DEFAULT_SYSTEM


def test_user_message_is_the_coder_prompt_without_the_task(exported: dict[str, Any]) -> None:
    memory: TaskMemory = exported["memory"]
    by_code = {r.code.rstrip(): r for r in memory.list()}
    for line in chat_lines(exported):
        _, user, assistant = (m["content"] for m in line["messages"])
        record = by_code[parse_python_block(assistant).rstrip()]
        proposal = proposal_of(record)
        shots = few_shot_examples(memory, proposal.description, 3, (record.name,))
        assert user == coder_prompt(proposal, shots)
        assert len(shots) == 3 and record.name not in {s.name for s in shots}
        assert f"### {record.name}\n" not in user
        assert record.code.rstrip() not in user


def test_gensim_lines_pair_the_same_prompt_with_the_program(exported: dict[str, Any]) -> None:
    chat = {
        line["messages"][1]["content"]: parse_python_block(line["messages"][2]["content"])
        for line in chat_lines(exported)
    }
    summary = exported["gensim"]
    lines = read_lines(Path(summary["train"]["path"])) + read_lines(Path(summary["val"]["path"]))
    assert len(lines) == len(chat)
    for line in lines:
        assert list(line) == ["prompt", "completion"]
        assert chat[line["prompt"]].rstrip() == line["completion"].rstrip()


def test_split_is_by_name_and_checked() -> None:
    names = [f"task-{i}" for i in range(20)]
    train, val = split_names(names, 0.9)
    assert (len(train), len(val)) == (18, 2)
    assert split_names(list(reversed(names)), 0.9) == (train, val)
    assert output_paths(Path("d/tasks.jsonl")) == (
        Path("d/tasks.train.jsonl"),
        Path("d/tasks.val.jsonl"),
    )
    with pytest.raises(ValueError, match="--split"):
        split_names(names, 0.0)


def test_every_exported_program_validates(exported: dict[str, Any], tmp_path: Path) -> None:
    """The assistant program of every line, written to a file and validated in the sandbox
    (one expert episode each)."""
    paths = []
    for i, line in enumerate(chat_lines(exported)):
        path = tmp_path / f"exported_{i}.py"
        path.write_text(parse_python_block(line["messages"][2]["content"]), encoding="utf-8")
        paths.append(path)
    settings = ValidationSettings(episodes=1)
    reports = list(validate_many(paths, settings, workers=2, ordered=True))
    failed = [(r.target, r.summary()) for r in reports if not r.passed]
    assert not failed
    assert len(reports) == len(paths) > 0
