"""The grammar the offline proposer composes tasks from.

A ``TaskSpec`` is one point in it: a relation (place in, stack, line up, sort by colour, build,
insert, palletize, push a pile), the objects, their counts, colours and sizes, and distractors.
Its ``signature`` (relation + objects + counts) is what makes two tasks "the same task".
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

COLORS = ("red", "green", "blue", "yellow", "orange", "purple", "pink", "cyan", "brown", "gray")
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@dataclass(frozen=True)
class ObjectKind:
    """A movable object the grammar can use: how it is loaded and how big it is."""

    noun: str
    urdf: str
    size: tuple[float, float, float]
    #: A template's fill (``fill_template`` replace dict) or None for a plain URDF.
    template_dim: tuple[float, float, float] | None = None


OBJECTS: dict[str, ObjectKind] = {
    "block": ObjectKind("block", "block/block.urdf", (0.04, 0.04, 0.04)),
    "cylinder": ObjectKind(
        "cylinder", "cylinder/cylinder-template.urdf", (0.04, 0.04, 0.05), (0.02, 0.02, 0.05)
    ),
    "box": ObjectKind("box", "box/box-template.urdf", (0.045, 0.045, 0.03), (0.045, 0.045, 0.03)),
}


class TaskSpec(BaseModel):
    """One composed task. Every field is a plain value, so a spec travels in graph state."""

    relation: str
    object: str = "block"
    n_objects: int = Field(ge=1, le=12)
    colors: list[str] = Field(description="Object colours, one per object.")
    target_color: str = "green"
    n_targets: int = Field(default=1, ge=1, le=6)
    n_distractors: int = Field(default=0, ge=0, le=8)
    spacing: float = Field(default=0.05, description="Gap between neighbouring slots, metres.")
    max_steps: int = Field(default=10, ge=1, le=40)
    room: float = Field(
        default=0.0, description="Extra clearance kept around each object when placing it."
    )

    def signature(self) -> tuple[Any, ...]:
        """Relation + objects + counts: two specs with the same signature are one task."""
        return (self.relation, self.object, self.n_objects, self.n_targets, self.n_distractors)

    @property
    def kind(self) -> ObjectKind:
        return OBJECTS[self.object]


def number(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def plural(noun: str, n: int) -> str:
    if n == 1:
        return noun
    return noun + ("es" if noun.endswith(("x", "s")) else "s")


# Which object kinds and counts each relation may take. Counts are deliberately allowed to be
# ambitious at times: a spec that does not fit is what the reflection loop repairs.
RELATIONS: dict[str, dict[str, Any]] = {
    "place-in-bowls": {"objects": ("block", "cylinder"), "n": (1, 4), "targets": (1, 3)},
    "place-in-zone": {"objects": ("block", "cylinder", "box"), "n": (2, 4), "targets": (1, 1)},
    "stack": {"objects": ("block", "box"), "n": (2, 4), "targets": (1, 1)},
    "line-up": {"objects": ("block", "cylinder"), "n": (2, 5), "targets": (1, 1)},
    "sort-by-color": {"objects": ("block", "cylinder"), "n": (2, 4), "targets": (2, 3)},
    "build-pyramid": {"objects": ("block",), "n": (3, 6), "targets": (1, 1)},
    "insert": {"objects": ("block",), "n": (1, 1), "targets": (1, 1)},
    "palletize": {"objects": ("box",), "n": (4, 8), "targets": (1, 1)},
    "push-pile": {"objects": ("block",), "n": (1, 1), "targets": (1, 1)},
}
RELATION_ORDER = tuple(RELATIONS)


def sample_spec(relation: str, rng: random.Random) -> TaskSpec:
    """A random spec of one relation."""
    rule = RELATIONS[relation]
    obj = rng.choice(rule["objects"])
    low, high = rule["n"]
    n = rng.randint(low, high)
    if relation == "build-pyramid":
        n = rng.choice((3, 6))
    if relation == "palletize":
        n = rng.choice((4, 8))
    n_targets = rng.randint(*rule["targets"])
    if relation == "sort-by-color":
        n = max(n, n_targets)
    palette = list(COLORS)
    rng.shuffle(palette)
    target_color = palette.pop()
    if relation == "sort-by-color":
        groups = palette[:n_targets]
        colors = [groups[i % n_targets] for i in range(n)]
    elif relation in ("stack", "line-up", "build-pyramid"):
        colors = palette[:n]
    else:
        colors = [palette[0]] * n
    distractors = 0 if relation in ("push-pile", "palletize") else rng.randint(0, 3)
    return TaskSpec(
        relation=relation,
        object=obj,
        n_objects=n,
        colors=colors,
        target_color=target_color,
        n_targets=n_targets,
        n_distractors=distractors,
        max_steps=default_steps(relation, n),
    )


def default_steps(relation: str, n_objects: int) -> int:
    """A step budget with a little slack over one pick-and-place per object."""
    if relation == "push-pile":
        return 20
    return n_objects + 2


RELATION_ASSETS: dict[str, tuple[str, ...]] = {
    "place-in-bowls": ("bowl/bowl.urdf",),
    "place-in-zone": ("zone/zone.urdf",),
    "stack": ("stacking/stand.urdf",),
    "line-up": ("line/line-template.urdf",),
    "sort-by-color": ("bowl/bowl.urdf",),
    "build-pyramid": ("stacking/stand.urdf",),
    "insert": ("insertion/ell.urdf", "insertion/fixture.urdf"),
    "palletize": ("pallet/pallet.urdf",),
    "push-pile": ("zone/zone.urdf", "block/small.urdf"),
}


def spec_name(spec: TaskSpec) -> str:
    """A task name that spells out the signature, so equal names mean equal signatures."""
    parts = [spec.relation]
    if spec.relation not in ("insert", "push-pile"):
        parts += [str(spec.n_objects), plural(spec.object, spec.n_objects)]
    if spec.relation in ("place-in-bowls", "sort-by-color"):
        parts += [str(spec.n_targets), plural("bowl", spec.n_targets)]
    if spec.n_distractors:
        parts += ["and", str(spec.n_distractors), plural("distractor", spec.n_distractors)]
    return "-".join(parts)


def spec_assets(spec: TaskSpec) -> list[str]:
    """The asset paths a spec's program loads."""
    assets = list(RELATION_ASSETS[spec.relation])
    if spec.relation not in ("insert", "push-pile") or spec.n_distractors:
        assets.append(spec.kind.urdf)
    return list(dict.fromkeys(assets))
