"""The vision critic against a scripted OpenAI-compatible server on 127.0.0.1: the pictures go
as image content parts (base64 PNG data URLs), the verdict is read by the LLM critic's parser,
and a model that refuses images gives an error naming --critic vision and the model."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from agents.chat_models import ChatCaller, LLMSettings, make_chat_model
from agents.critics.registry import review_all
from agents.factory import AgentSettings, build_agents
from agents.llm.scripted_server import ScriptedServer, image_parts
from agents.llm.vision import VisionCritic, VisionUnsupported
from agents.protocols import Submission
from agents.schemas import TaskProposal
from agents.usage import metering
from simenv.render import MAX_VIEW_SIDE, VIEW_NAMES
from tests.graph.scripted import ACCEPT, REJECT

MODEL = "openai:scripted-vlm"
PROPOSAL = TaskProposal.model_validate(
    {
        "task-name": "stack-blocks",
        "task-description": "Stack the red block on the blue block.",
        "assets-used": ["block/block.urdf"],
    }
)


def decode_png(part: dict[str, Any]) -> Image.Image:
    """The picture of an ``image_url`` part, checked to be a base64 PNG data URL."""
    url = part["image_url"]["url"]
    head, _, data = str(url).partition(",")
    assert head == "data:image/png;base64"
    raw = base64.b64decode(data)
    assert raw.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(raw))


def views(folder: Path) -> list[str]:
    paths = []
    for name in VIEW_NAMES:
        path = folder / f"{name}.png"
        Image.new("RGB", (320, 240), "grey").save(path)
        paths.append(str(path))
    return paths


def critic_for(server: ScriptedServer, optional: bool = False) -> VisionCritic:
    settings = LLMSettings(base_url=server.base_url, max_retries=0)
    caller = ChatCaller(make_chat_model(MODEL, settings), MODEL, settings)
    return VisionCritic(caller, optional=optional)


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test")


def submission(tmp_path: Path) -> Submission:
    return Submission(
        proposal=PROPOSAL,
        code="...",
        goals=['goal 1: "stack the red block on the blue block"; metric: pose'],
        pictures=views(tmp_path),
    )


def test_the_pictures_go_as_image_parts_and_a_reject_rejects(tmp_path: Path) -> None:
    with ScriptedServer(lambda prompt: REJECT) as server, metering() as meter:
        verdict = critic_for(server).review(submission(tmp_path))
    (request,) = server.requests
    parts = image_parts(request)
    assert len(parts) == len(VIEW_NAMES)
    for part in parts:
        image = decode_png(part)
        assert max(image.size) <= MAX_VIEW_SIDE
    text = request["messages"][0]["content"][0]["text"]
    assert "Stack the red block on the blue block." in text and "goal 1:" in text
    assert not verdict.accept and verdict.critic == "vision" and verdict.reasons == "Too easy."
    assert verdict.pictures == submission(tmp_path).pictures
    assert meter.total.calls == 1 and meter.total.input_tokens > 0


def test_an_accept_accepts(tmp_path: Path) -> None:
    with ScriptedServer(lambda prompt: ACCEPT) as server:
        assert critic_for(server).review(submission(tmp_path)).accept


def test_a_model_that_refuses_images_is_a_clear_error(tmp_path: Path) -> None:
    refused = pytest.raises(VisionUnsupported, match=r"--critic vision.*scripted-vlm")
    with ScriptedServer(lambda prompt: ACCEPT, refuse_images=True) as server, refused as error:
        critic_for(server).review(submission(tmp_path))
    assert "--vision-optional" in str(error.value)


def test_with_vision_optional_the_critic_steps_aside(tmp_path: Path) -> None:
    with ScriptedServer(lambda prompt: ACCEPT, refuse_images=True) as server:
        critic = critic_for(server, optional=True)
        assert review_all([critic], submission(tmp_path)) == []
        assert review_all([critic], submission(tmp_path)) == []
    assert len(server.requests) == 1  # the model is not asked again once it refused


def test_no_pictures_is_a_reject_with_the_reason(tmp_path: Path) -> None:
    with ScriptedServer(lambda prompt: ACCEPT) as server:
        verdict = critic_for(server).review(Submission(proposal=PROPOSAL, code="..."))
    assert not verdict.accept and "No pictures" in verdict.reasons
    assert not server.requests


def test_vision_needs_a_model_and_is_built_by_the_factory() -> None:
    with pytest.raises(ValueError, match="'vision' critic needs a model"):
        AgentSettings(critics=("vision",))
    settings = AgentSettings(critic_model=MODEL, critics=("assets", "vision"))
    assert settings.roles() == ("proposer", "coder", "critic", "reflection")
    agents = build_agents(settings, model_factory=lambda model, llm: make_chat_model(model, llm))
    assert agents.critic_names == ["assets", "vision"]
