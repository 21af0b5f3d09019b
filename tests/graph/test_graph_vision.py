"""The vision critic in a run, over real HTTP: a validated candidate's pictures, drawn by the
judge process from the sandbox's scene record, reach the model as image parts; its reject
rejects the candidate; a model that refuses images stops the run unless --vision-optional."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from agents.llm.scripted_server import ScriptedServer, image_parts
from agents.llm.vision import VisionUnsupported
from graph.context import Context
from graph.run import run
from simenv.render import MAX_VIEW_SIDE, VIEW_NAMES
from tests.graph.scripted import REJECT, repairing_model

pytestmark = pytest.mark.integration


def answer(prompt: str) -> str:
    """The scripted model, whose vision critic (its own prompt) rejects what it sees."""
    if "You look at robot manipulation tasks" in prompt:
        return REJECT
    return repairing_model(prompt, right_first_time=True)


def context(workspace: Path, server: ScriptedServer, **options: Any) -> Context:
    return Context(
        workspace=str(workspace),
        model="openai:scripted",
        base_url=server.base_url,
        critics=["assets", "vision"],
        episodes=2,
        max_candidates=1,
        **options,
    )


def png_size(part: dict[str, Any]) -> tuple[int, int]:
    head, _, data = str(part["image_url"]["url"]).partition(",")
    assert head == "data:image/png;base64"
    raw = base64.b64decode(data)
    assert raw.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(raw)).size


def test_the_vision_critic_sees_the_scene_and_rejects(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test")
    with ScriptedServer(answer) as server:
        summary = run(1, context=context(workspace, server))
    looked = [r for r in server.requests if image_parts(r)]
    assert len(looked) == 1
    sizes = [png_size(p) for p in image_parts(looked[0])]
    assert len(sizes) == len(VIEW_NAMES)
    assert all(0 < max(size) <= MAX_VIEW_SIDE for size in sizes)
    assert not summary["accepted"]
    (rejected,) = summary["rejected"]
    assert "vision: Too easy." in rejected["reason"]
    (candidate,) = summary["candidates"]
    (verdict,) = [v for v in candidate["verdicts"] if v["critic"] == "vision"]
    assert [Path(p).name for p in verdict["pictures"]] == [f"{n}.png" for n in VIEW_NAMES]
    assert all(Path(p).is_file() for p in verdict["pictures"])
    assert summary["usage_by_role"]["critic"]["calls"] == 1


def test_a_model_that_refuses_images_stops_the_run(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test")
    refused = pytest.raises(VisionUnsupported, match=r"--critic vision.*openai:scripted")
    with ScriptedServer(answer, refuse_images=True) as server, refused:
        run(1, context=context(workspace, server))


def test_with_vision_optional_the_run_goes_on_without_it(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test")
    with ScriptedServer(answer, refuse_images=True) as server:
        summary = run(1, context=context(workspace, server, vision_optional=True))
    assert len(summary["accepted"]) == 1
    (candidate,) = summary["candidates"]
    assert [v["critic"] for v in candidate["verdicts"]] == ["assets"]
