"""Finding critics by name: the built-ins, plug-ins registered in code, and plug-ins installed
as packages that declare an entry point in the group ``simgen.critics``.

A plug-in is a class (or any callable) that, called with no arguments, returns an object with
``name`` and ``review(submission) -> Verdict``; an optional ``stages`` tuple says whether it
reviews proposals (``"proposal"``), finished tasks (``"task"``, the default), or both.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points

from agents.critics.builtin import AssetsCritic, NoveltyCritic
from agents.protocols import Critic, CriticUnavailable, Submission
from agents.schemas import CriticStage, Verdict

ENTRY_POINT_GROUP = "simgen.critics"
#: Critics that need a model (``--critic-model`` or ``--model``): built by the agent factory,
#: which holds the models. ``llm`` reads the task and its code; ``vision`` looks at pictures of
#: the scene the task builds (a multimodal model).
MODEL_CRITICS = ("llm", "vision")
#: Critics the graph itself plays: ``human`` pauses the run for a person's verdict, and the
#: model critics are built by the agent factory because they need a model.
GRAPH_CRITICS = ("human", *MODEL_CRITICS)
#: The critics of a run that names none: cheap, deterministic and model-free, so an offline run
#: and an LLM run are judged alike. An LLM critic judges only when ``llm`` is named.
DEFAULT_CRITICS: tuple[str, ...] = ("novelty", "assets")

CriticFactory = Callable[[], Critic]

BUILTIN_CRITICS: dict[str, CriticFactory] = {
    "novelty": NoveltyCritic,
    "assets": AssetsCritic,
}
_registered: dict[str, CriticFactory] = {}


class UnknownCriticError(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


def register_critic(name: str, factory: CriticFactory) -> None:
    """Make a critic available by name in this process (the in-code way to plug one in)."""
    _registered[name] = factory


def unregister_critic(name: str) -> None:
    _registered.pop(name, None)


def installed_critics() -> dict[str, CriticFactory]:
    """Critics installed as packages (entry points), by name."""
    return {ep.name: ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)}


def available_critics() -> dict[str, CriticFactory]:
    """Every critic that can be named: built-ins, then installed, then registered in code."""
    return {**BUILTIN_CRITICS, **installed_critics(), **_registered}


def critic_names() -> list[str]:
    return sorted({*available_critics(), *GRAPH_CRITICS})


def make_critic(name: str) -> Critic:
    """Build a critic by name, checking that it has the shape the graph needs."""
    factories = available_critics()
    if name not in factories:
        known = sorted({*factories, *GRAPH_CRITICS})
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownCriticError(
            f"No critic named '{name}'.{hint} Known critics: {', '.join(known)}. A plug-in "
            f"critic is found through the entry-point group '{ENTRY_POINT_GROUP}' or "
            "agents.critics.registry.register_critic()."
        )
    critic = factories[name]()
    if not isinstance(critic, Critic):
        raise TypeError(
            f"Critic '{name}' ({type(critic).__name__}) needs a `name` attribute and a "
            "`review(submission)` method returning a Verdict."
        )
    return critic


def critic_stages(critic: Critic) -> tuple[CriticStage, ...]:
    return tuple(getattr(critic, "stages", ("task",)))


def review_all(critics: Sequence[Critic], submission: Submission) -> list[Verdict]:
    """The verdicts of the critics that review the submission's stage, in order; a critic
    that is unavailable in this run (``CriticUnavailable``, which the user agreed to) gives
    none."""
    verdicts = []
    for critic in critics:
        if submission.stage not in critic_stages(critic):
            continue
        try:
            verdicts.append(critic.review(submission))
        except CriticUnavailable:
            continue
    return verdicts
