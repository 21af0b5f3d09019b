"""End to end over real HTTP: the graph against an OpenAI-compatible server on 127.0.0.1.

The server's first draft fails validation; it writes the repaired draft only when the coder's
prompt carries the validator's error, so the task passes only because the error got through.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agents.chat_models import ModelConfigError
from graph.context import Context
from graph.run import run
from simgen.cli import app
from tests.graph.openai_server import ScriptedServer
from tests.graph.scripted import repairing_model

pytestmark = pytest.mark.integration


def test_cli_generate_against_a_loopback_server(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test")
    with ScriptedServer(repairing_model) as server:
        result = CliRunner().invoke(
            app,
            [
                "generate",
                "-n",
                "1",
                "--workspace",
                str(workspace),
                "--model",
                "openai:scripted",
                "--base-url",
                server.base_url,
                "--critic",
                "assets",
                "--critic",
                "llm",
                "--episodes",
                "2",
                "--max-candidates",
                "1",
                "--json",
            ],
        )
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout)
        chat_calls = len(server.requests)
    (task,) = summary["accepted"]
    assert task["name"] == "put-blue-block-in-yellow-bowl" and task["repairs"] == 1
    assert Path(task["path"]).is_file()
    # proposer, coder, reflection, coder again, critic: five chat calls, all with usage.
    assert chat_calls == 5 == summary["usage"]["calls"]
    assert summary["usage"]["input_tokens"] > 0 and summary["usage"]["output_tokens"] > 0
    assert set(summary) >= {"accepted", "rejected", "usage", "seconds", "thread"}


def test_missing_key_fails_before_any_work(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ModelConfigError, match="OPENAI_API_KEY is not set"):
        run(1, context=Context(workspace=str(workspace), model="openai:gpt-4o"))


def test_unreachable_server_is_a_clear_cli_error(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test")
    result = CliRunner().invoke(
        app,
        [
            "generate",
            "-n",
            "1",
            "--workspace",
            str(workspace),
            "--model",
            "openai:x",
            "--base-url",
            "http://127.0.0.1:9/v1",
        ],
    )
    assert result.exit_code == 2
    assert "Cannot reach the model server at http://127.0.0.1:9/v1" in result.output
