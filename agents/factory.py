"""Building the agents of a run from its settings: LLM-backed where a model is named, offline
otherwise. The graph asks this module for agents and never constructs one itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from agents.critics.registry import GRAPH_CRITICS, make_critic
from agents.llm.agents import LLMCoder, LLMCritic, LLMProposer, LLMReflector
from agents.models import ChatCaller, LLMSettings, ModelFactory, make_chat_model, preflight
from agents.offline.coder import OfflineCoder
from agents.offline.proposer import OfflineProposer
from agents.offline.reflection import OfflineReflector
from agents.protocols import Coder, Critic, Proposer, Reflector

ROLES = ("proposer", "coder", "critic", "reflection")


@dataclass(frozen=True)
class AgentSettings:
    """Which model plays which role (None: the offline agent) and which critics judge."""

    model: str | None = None
    proposer_model: str | None = None
    coder_model: str | None = None
    critic_model: str | None = None
    reflection_model: str | None = None
    critics: tuple[str, ...] = ("novelty", "assets")
    llm: LLMSettings = field(default_factory=LLMSettings)

    def model_for(self, role: str) -> str | None:
        """The role's own model, else the shared one, else None (offline)."""
        own: str | None = getattr(self, f"{role}_model")
        return own or self.model

    def models(self) -> list[str]:
        return sorted({m for role in ROLES if (m := self.model_for(role))})


@dataclass
class AgentSet:
    """The agents of one run."""

    proposer: Proposer
    coder: Coder
    reflector: Reflector
    critics: list[Critic]
    human_critic: bool = False
    models: dict[str, str] = field(default_factory=dict)


def build_agents(
    settings: AgentSettings, model_factory: ModelFactory = make_chat_model, check: bool = True
) -> AgentSet:
    """The agents for these settings. ``check`` runs the pre-flight check of the models (key
    present, server reachable) so a bad set-up fails here, before any work."""
    if check and model_factory is make_chat_model:
        preflight(settings.models(), settings.llm)
    callers: dict[str, ChatCaller] = {}
    for role in ROLES:
        model = settings.model_for(role)
        if model:
            callers[role] = ChatCaller(model_factory(model, settings.llm), model, settings.llm)
    critics: list[Critic] = [make_critic(n) for n in settings.critics if n not in GRAPH_CRITICS]
    if "llm" in settings.critics:
        if "critic" not in callers:
            raise ValueError(
                "The 'llm' critic needs a model: pass --critic-model or --model, or drop "
                "--critic llm."
            )
        critics.append(LLMCritic(callers["critic"]))
    elif "critic" in callers:
        critics.append(LLMCritic(callers["critic"]))
    return AgentSet(
        proposer=LLMProposer(callers["proposer"]) if "proposer" in callers else OfflineProposer(),
        coder=LLMCoder(callers["coder"]) if "coder" in callers else OfflineCoder(),
        reflector=(
            LLMReflector(callers["reflection"]) if "reflection" in callers else OfflineReflector()
        ),
        critics=critics,
        human_critic="human" in settings.critics,
        models={role: c.model_name for role, c in callers.items()},
    )
