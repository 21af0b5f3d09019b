"""The agent factory builds exactly the critics asked for: a model adds no critic of its own, so
an LLM run and an offline run are judged alike; a critic model with no 'llm' critic is refused."""

from __future__ import annotations

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from agents.chat_models import LLMSettings
from agents.critics.registry import DEFAULT_CRITICS
from agents.factory import AgentSettings, build_agents


def fake_model(model: str, settings: LLMSettings) -> BaseChatModel:
    """A chat model that is never called: the factory only wires it to its role."""
    return FakeListChatModel(responses=[])


@pytest.mark.parametrize("model", [None, "openai:gpt-4o"])
def test_a_model_adds_no_critic(model: str | None) -> None:
    agents = build_agents(AgentSettings(model=model), fake_model, check=False)
    assert agents.critic_names == list(DEFAULT_CRITICS)
    assert "critic" not in agents.models


def test_the_llm_critic_judges_only_when_named() -> None:
    settings = AgentSettings(model="openai:gpt-4o", critics=("assets", "llm"))
    agents = build_agents(settings, fake_model, check=False)
    assert agents.critic_names == ["assets", "llm"]
    assert agents.models["critic"] == "openai:gpt-4o"
    assert settings.models() == ["openai:gpt-4o"]


def test_a_critic_model_without_a_model_critic_is_refused() -> None:
    with pytest.raises(ValueError, match="add --critic llm or --critic vision, or drop --critic"):
        AgentSettings(critic_model="openai:gpt-4o", critics=("novelty",))


def test_the_vision_critic_without_a_model_is_refused() -> None:
    with pytest.raises(ValueError, match="The 'vision' critic needs a model: pass --critic-mod"):
        AgentSettings(critics=("novelty", "vision"))


def test_the_llm_critic_without_a_model_is_refused() -> None:
    with pytest.raises(ValueError, match="The 'llm' critic needs a model"):
        AgentSettings(critics=("llm",))
