"""Building the agents of a run from its settings: LLM-backed where a model is named, offline
otherwise. The graph asks this module for agents and never constructs one itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from agents.chat_models import ChatCaller, LLMSettings, ModelFactory, make_chat_model, preflight
from agents.critics.registry import DEFAULT_CRITICS, GRAPH_CRITICS, MODEL_CRITICS, make_critic
from agents.llm.agents import LLMCoder, LLMCritic, LLMProposer, LLMReflector
from agents.llm.vision import VisionCritic
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
    critics: tuple[str, ...] = DEFAULT_CRITICS
    llm: LLMSettings = field(default_factory=LLMSettings)
    #: When the vision critic's model refuses pictures: go on without that critic (True) or
    #: stop the run with an error (False).
    vision_optional: bool = False

    def __post_init__(self) -> None:
        for name in self.model_critics():
            if not self.model_for("critic"):
                raise ValueError(
                    f"The '{name}' critic needs a model: pass --critic-model or --model, or "
                    f"drop --critic {name}."
                )
        if self.critic_model and not self.model_critics():
            raise ValueError(
                f"--critic-model {self.critic_model} is set, but the critics asked for "
                f"({', '.join(self.critics) or 'none'}) include no model critic "
                f"({' or '.join(MODEL_CRITICS)}), so that model would judge nothing: add "
                "--critic llm or --critic vision, or drop --critic-model."
            )

    def model_critics(self) -> tuple[str, ...]:
        """The critics asked for that need a model (``llm``, ``vision``), in order."""
        return tuple(c for c in self.critics if c in MODEL_CRITICS)

    def roles(self) -> tuple[str, ...]:
        """The roles this run plays. The critic role is played only when a model critic
        (``llm`` or ``vision``) is asked for: a model set for every role (``--model``) adds no
        critic of its own, so an LLM run is judged by exactly the critics an offline run is."""
        return tuple(r for r in ROLES if r != "critic" or self.model_critics())

    def model_for(self, role: str) -> str | None:
        """The role's own model, else the shared one, else None (offline)."""
        own: str | None = getattr(self, f"{role}_model")
        return own or self.model

    def models(self) -> list[str]:
        """The models the run calls (checked before any work, priced for ``--max-cost``)."""
        return sorted({m for role in self.roles() if (m := self.model_for(role))})


@dataclass
class AgentSet:
    """The agents of one run."""

    proposer: Proposer
    coder: Coder
    reflector: Reflector
    critics: list[Critic]
    human_critic: bool = False
    models: dict[str, str] = field(default_factory=dict)

    @property
    def critic_names(self) -> list[str]:
        """The names of the critics that judge, in order, the person last (run summaries and
        benchmark rows record them, so two runs can be checked to be judged alike)."""
        return [c.name for c in self.critics] + (["human"] if self.human_critic else [])


def build_agents(
    settings: AgentSettings, model_factory: ModelFactory = make_chat_model, check: bool = True
) -> AgentSet:
    """The agents for these settings. ``check`` runs the pre-flight check of the models (key
    present, server reachable) so a bad set-up fails here, before any work."""
    if check and model_factory is make_chat_model:
        preflight(settings.models(), settings.llm)
    callers: dict[str, ChatCaller] = {}
    for role in settings.roles():
        model = settings.model_for(role)
        if model:
            callers[role] = ChatCaller(model_factory(model, settings.llm), model, settings.llm)
    critics: list[Critic] = [make_critic(n) for n in settings.critics if n not in GRAPH_CRITICS]
    if "llm" in settings.critics:
        critics.append(LLMCritic(callers["critic"]))
    if "vision" in settings.critics:
        critics.append(VisionCritic(callers["critic"], optional=settings.vision_optional))
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
