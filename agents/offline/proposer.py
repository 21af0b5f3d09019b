"""The offline proposer: picks a relation and samples a spec the library does not hold yet."""

from __future__ import annotations

import random
import re

from agents.offline.grammar import (
    RELATION_ORDER,
    RELATIONS,
    TaskSpec,
    default_steps,
    sample_spec,
    spec_assets,
    spec_name,
)
from agents.offline.writer import description
from agents.protocols import NoNewProposal, ProposalRequest
from agents.schemas import TaskProposal

#: Words in a target that point at a relation (goal-directed mode).
TARGET_KEYWORDS: dict[str, tuple[str, ...]] = {
    "build-pyramid": ("pyramid", "build", "structure", "tower of"),
    "stack": ("stack", "tower", "on top"),
    "sort-by-color": ("sort", "colour", "color", "match"),
    "line-up": ("line", "row", "align"),
    "palletize": ("pallet", "box"),
    "push-pile": ("pile", "push", "sweep"),
    "insert": ("insert", "hole", "fixture"),
    "place-in-zone": ("zone", "square", "area"),
    "place-in-bowls": ("bowl", "put", "place"),
}
#: How many times a random spec is drawn before the proposer gives up on a relation.
TRIES_PER_RELATION = 40
#: Push-pile episodes are 20x slower than the rest; explore them less often.
RELATION_WEIGHTS = {relation: (0.3 if relation == "push-pile" else 1.0) for relation in RELATIONS}


class NoNewTaskError(NoNewProposal):
    """Every spec the grammar could draw is already in the library."""


def target_relations(target: str) -> list[str]:
    """Relations named by a goal-directed target, best first (all of them when none is)."""
    words = target.lower()
    scored = [
        (sum(bool(re.search(rf"\b{k}", words)) for k in keys), relation)
        for relation, keys in TARGET_KEYWORDS.items()
    ]
    hits = [relation for score, relation in sorted(scored, key=lambda s: -s[0]) if score > 0]
    return hits or list(RELATION_ORDER)


class OfflineProposer:
    """Composes a new task from the grammar: relation + objects + counts + colours.

    In explore mode parallel candidates start from different relations (by slot), so siblings
    rarely collide. In target mode it keeps to the relations the target names and climbs a
    curriculum: the more tasks of that relation the library holds, the more objects it asks for.
    """

    name = "offline"

    def propose(self, request: ProposalRequest) -> TaskProposal:
        rng = random.Random(request.seed)
        known = set(request.known_names)
        for relation in self._relation_order(request, rng):
            for attempt in range(TRIES_PER_RELATION):
                spec = sample_spec(relation, rng)
                if request.mode == "target":
                    spec = self._curriculum(spec, known, attempt)
                if spec_name(spec) not in known:
                    return proposal_for(spec)
        raise NoNewTaskError(
            "The offline grammar has no task left that the library does not already hold; "
            "use a language model (--model) or a new workspace."
        )

    def _relation_order(self, request: ProposalRequest, rng: random.Random) -> list[str]:
        if request.mode == "target" and request.target:
            return target_relations(request.target)
        start = (request.slot + request.seed) % len(RELATION_ORDER)
        rotated = list(RELATION_ORDER[start:] + RELATION_ORDER[:start])
        first, rest = rotated[0], rotated[1:]
        rng.shuffle(rest)
        if rng.random() > RELATION_WEIGHTS[first]:
            return [*rest, first]
        return [first, *rest]

    @staticmethod
    def _curriculum(spec: TaskSpec, known: set[str], attempt: int) -> TaskSpec:
        """Stepping stones: start with the fewest objects the relation takes, then more."""
        low, high = RELATIONS[spec.relation]["n"]
        made = sum(name.startswith(spec.relation) for name in known)
        n = min(high, low + made + attempt // 4)
        if spec.relation in ("build-pyramid", "palletize", "insert", "push-pile"):
            return spec
        colors = (spec.colors * n)[:n] if spec.relation != "stack" else spec.colors[:n]
        if len(colors) < n:
            colors = (colors + spec.colors)[:n]
        return spec.model_copy(
            update={"n_objects": n, "colors": colors, "max_steps": default_steps(spec.relation, n)}
        )


def proposal_for(spec: TaskSpec) -> TaskProposal:
    """The GenSim-format proposal of a spec, with the spec attached for the offline coder."""
    return TaskProposal.model_validate(
        {
            "task-name": spec_name(spec),
            "task-description": description(spec),
            "assets-used": spec_assets(spec),
            "spec": spec.model_dump(),
        }
    )
