"""The scene record's schema: what a task's ``reset(env)`` built, as data. Both sides import it.

A generated task's own code is ``__init__`` and ``reset(env)``. The sandbox runs only those and
sends back a ``SceneRecord``: every body (its asset path or filled URDF text, pose, colours,
dynamics, joint states, category), every constraint (rope links), the collision pairs switched
off, the task's settings (steps, language, end effector, primitive, tolerances) and its goals.
The schema below checks what comes back (finite numbers, bounded sizes and counts, assets that
exist, URDF text that names only files under the asset root), because the sandbox may have run
hostile code.

The record is pure data, so it is the one module both sides of the trust boundary share:

- ``simenv.scene_capture`` (sandbox side) writes a record from the world a task's ``reset``
  built; only the task's half of a validation (``simenv.taskcode``) imports it;
- ``simenv.record_checks`` (``decode_record``) turns untrusted JSON into a checked record;
- ``simenv.scene_rebuild`` (trusted side) builds the scene again without any task code, so the
  expert's episodes, the reward and the verdict never run next to the code they judge.

``pyproject.toml`` holds the two halves apart (import-linter contracts).
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from simenv.assets import ASSET_ROOT, list_assets, nearest_assets
from simenv.safe_text import one_line

MAX_BODIES = 600
MAX_CONSTRAINTS = 600
MAX_GOALS = 100
MAX_GOAL_OBJECTS = 600
MAX_MATCH_ENTRIES = 60_000
MAX_LINKS = 64
MAX_TEXT = 2000
MAX_URDF_CHARS = 64_000
MAX_WARNINGS = 50
#: Longest asset path a record may name; every asset's path is far shorter.
MAX_ASSET_NAME = 120
#: Deepest element nesting of recorded URDF text (robot > link > visual > geometry > box is 5).
MAX_URDF_DEPTH = 8
#: Positions further than this from the origin (metres) are not a tabletop scene.
MAX_COORD = 10.0
#: The URDF elements a filled template may contain (what PyBullet's URDF reader knows of
#: links, joints and contacts); anything else in recorded URDF text is refused.
URDF_ELEMENTS = frozenset(
    {
        "robot", "link", "joint", "parent", "child", "origin", "axis", "limit", "dynamics",
        "visual", "collision", "inertial", "mass", "inertia", "geometry", "box", "sphere",
        "cylinder", "capsule", "mesh", "material", "color", "texture", "contact",
        "lateral_friction", "rolling_friction", "spinning_friction", "restitution",
        "stiffness", "damping", "friction_anchor", "inertia_scaling",
    }
)  # fmt: skip

Coord = Annotated[float, Field(ge=-MAX_COORD, le=MAX_COORD)]
Vec3 = tuple[Coord, Coord, Coord]
Quat = tuple[Coord, Coord, Coord, Coord]
#: Text of a record (goals, templates, warnings) reaches terminals and prompts: it is kept to
#: printable characters on one line, so a record cannot carry terminal escapes.
Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(one_line)]
#: The end effectors and motion primitives a record may name (``self.ee``, ``self.primitive``).
EndEffector = Literal["suction", "spatula"]
PrimitiveName = Literal["pick_place", "push"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class Pose(_Strict):
    position: Vec3
    orientation: Quat

    @field_validator("orientation")
    @classmethod
    def _unit(cls, q: Quat) -> Quat:
        norm = float(np.linalg.norm(q))
        if norm < 1e-6:
            raise ValueError("quaternion is all zeros")
        return tuple(v / norm for v in q)  # type: ignore[return-value]

    def as_tuple(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        return tuple(self.position), tuple(self.orientation)


class Shape(_Strict):
    """A primitive shape, in PyBullet's shape-data convention (``dims`` as it reports them)."""

    geometry: Literal["box", "sphere", "cylinder", "capsule"]
    dims: tuple[
        Annotated[float, Field(ge=0, le=2)],
        Annotated[float, Field(ge=0, le=2)],
        Annotated[float, Field(ge=0, le=2)],
    ]


class Link(_Strict):
    """One link's colour and dynamics (``index`` -1 is the base)."""

    index: int = Field(ge=-1, lt=MAX_LINKS)
    rgba: tuple[float, float, float, float] | None = None
    mass: float = Field(ge=0, le=1000)
    lateral_friction: float = Field(ge=0, le=100)
    restitution: float = Field(ge=0, le=10)
    rolling_friction: float = Field(ge=0, le=100)
    spinning_friction: float = Field(ge=0, le=100)
    inertia: tuple[float, float, float]


class Body(_Strict):
    """One body of the scene: from an asset, from filled URDF text, or a primitive shape."""

    id: int = Field(ge=0)
    category: Literal["fixed", "rigid", "deformable"] | None
    asset: Annotated[str, Field(max_length=300)] | None = None
    urdf: Annotated[str, Field(max_length=MAX_URDF_CHARS)] | None = None
    collision: Shape | None = None
    visual: Shape | None = None
    fixed_base: bool = False
    pose: Pose
    size: tuple[
        Annotated[float, Field(ge=0, le=5)],
        Annotated[float, Field(ge=0, le=5)],
        Annotated[float, Field(ge=0, le=5)],
    ]
    joints: list[Coord] = Field(default_factory=list, max_length=MAX_LINKS)
    links: list[Link] = Field(default_factory=list, max_length=MAX_LINKS + 1)

    @model_validator(mode="after")
    def _one_source(self) -> Body:
        sources = [self.asset is not None, self.urdf is not None, self.collision is not None]
        if sum(sources) != 1:
            raise ValueError("a body needs exactly one of asset, urdf or collision")
        if self.asset is not None:
            asset_path(self.asset)
        if self.urdf is not None:
            checked_urdf(self.urdf)
        return self


class Constraint(_Strict):
    """A constraint between two bodies (or a body and the world, ``child`` None)."""

    parent: int = Field(ge=0)
    parent_link: int = Field(ge=-1, lt=MAX_LINKS)
    child: int | None = Field(default=None, ge=0)
    child_link: int = Field(ge=-1, lt=MAX_LINKS)
    joint_type: Literal["point2point", "fixed"]
    axis: Vec3
    parent_frame: Vec3
    child_frame: Vec3
    parent_orientation: Quat
    child_orientation: Quat
    max_force: float = Field(ge=0, le=1e6)


class Zone(_Strict):
    pose: Pose
    size: tuple[
        Annotated[float, Field(ge=0, le=5)],
        Annotated[float, Field(ge=0, le=5)],
        Annotated[float, Field(ge=0, le=5)],
    ]


class GoalRecord(_Strict):
    """One ``add_goal`` call, as the reward and the expert need it."""

    objs: list[Annotated[int, Field(ge=0)]] = Field(max_length=MAX_GOAL_OBJECTS)
    matches: list[list[float]]
    targ_poses: list[Pose] = Field(max_length=MAX_GOAL_OBJECTS)
    replace: bool
    rotations: bool
    metric: Literal["pose", "zone"]
    zones: list[Zone] = Field(default_factory=list, max_length=50)
    step_max_reward: float = Field(gt=0, le=1.0 + 1e-6)
    symmetries: list[Annotated[float, Field(ge=0, le=2 * np.pi + 1e-6)]]
    language_goal: Text | list[Text] | None = None

    @model_validator(mode="after")
    def _shapes(self) -> GoalRecord:
        if sum(len(row) for row in self.matches) > MAX_MATCH_ENTRIES:
            raise ValueError(f"matches has more than {MAX_MATCH_ENTRIES} entries")
        if len(self.symmetries) != len(self.objs):
            raise ValueError("one symmetry per object")
        if self.metric == "pose" and (
            len(self.matches) != len(self.objs)
            or any(len(row) != len(self.targ_poses) for row in self.matches)
        ):
            raise ValueError("matches must be (objects x targets)")
        if self.metric == "zone" and not self.zones:
            raise ValueError("a zone goal needs at least one zone")
        return self


class TaskSettings(_Strict):
    """The task attributes the reward and the expert read."""

    max_steps: int = Field(ge=1, le=1000)
    lang_template: Text = ""
    task_completed_desc: Text = "task completed."
    ee: EndEffector = "suction"
    primitive: PrimitiveName = "pick_place"
    lift_height: float = Field(default=0.32, ge=0, le=1)
    speed: float = Field(default=0.01, gt=0, le=1)
    pos_eps: float = Field(ge=0, le=1)
    rot_eps: float = Field(ge=0, le=2 * np.pi)
    sixdof: bool = False
    mode: Literal["train", "val", "test"] = "train"


class SceneRecord(_Strict):
    """Everything one ``reset(env)`` of a task built, for one seed."""

    version: Literal[1] = 1
    seed: int
    task: TaskSettings
    bodies: list[Body] = Field(max_length=MAX_BODIES)
    constraints: list[Constraint] = Field(default_factory=list, max_length=MAX_CONSTRAINTS)
    no_collision: list[tuple[int, int]] = Field(default_factory=list, max_length=MAX_CONSTRAINTS)
    goals: list[GoalRecord] = Field(max_length=MAX_GOALS)
    lang_goals: list[Text | list[Text]] = Field(default_factory=list, max_length=MAX_GOALS)
    warnings: list[Text] = Field(
        default_factory=list,
        max_length=MAX_WARNINGS,
        description="Dialect leniencies applied while the task built this scene.",
    )

    @model_validator(mode="after")
    def _references(self) -> SceneRecord:
        ids = {b.id for b in self.bodies}
        if len(ids) != len(self.bodies):
            raise ValueError("body ids must be unique")
        used = [i for g in self.goals for i in g.objs]
        used += [c.parent for c in self.constraints]
        used += [c.child for c in self.constraints if c.child is not None]
        used += [i for pair in self.no_collision for i in pair]
        missing = sorted(set(used) - ids)
        if missing:
            raise ValueError(f"goals or constraints name bodies that do not exist: {missing[:10]}")
        return self


# -- checks shared by the schema ---------------------------------------------------------------


@cache
def _known_assets() -> frozenset[str]:
    """Every file under the asset root, as a posix path relative to it (trusted, read once)."""
    return frozenset(
        path.relative_to(ASSET_ROOT).as_posix()
        for path in ASSET_ROOT.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"}
    )


def _under_root(name: str) -> str | None:
    """``name`` (absolute or relative to the asset root) as a known asset's relative path.

    Decided on the text alone, never by asking the file system about a path a record names: the
    answer must not depend on (and so cannot reveal) which host paths exist, and odd or
    over-long names cannot raise ``OSError``.
    """
    if len(name) > MAX_ASSET_NAME or not name.isprintable():
        return None
    full = os.path.normpath(name if os.path.isabs(name) else os.path.join(ASSET_ROOT, name))
    relative = os.path.relpath(full, ASSET_ROOT)
    return relative if relative in _known_assets() else None


def asset_path(asset: str) -> Path:
    """The file of an asset path, which must name a URDF under the asset root."""
    relative = _under_root(asset)
    if relative is None or relative not in set(list_assets()):
        shown = one_line(asset[:MAX_ASSET_NAME])
        nearest = ", ".join(nearest_assets(shown)) or "(none)"
        raise ValueError(
            f"asset {shown!r} is not a URDF under the asset root; name one by its path relative "
            f"to the asset root, as the task API lists them (nearest: {nearest})"
        )
    return ASSET_ROOT / relative


def _asset_file(name: str) -> str:
    """A file a URDF names (mesh, texture): it must be a file under the asset root."""
    relative = _under_root(name)
    if relative is None:
        shown = one_line(name[:MAX_ASSET_NAME])
        raise ValueError(f"URDF names the file {shown!r}, which is not an asset")
    return str(ASSET_ROOT / relative)


def checked_urdf(text: str) -> str:
    """URDF text with every file it names resolved under the asset root, or ValueError."""
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise ValueError("URDF text must not declare a DOCTYPE or entities")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ValueError(f"URDF text is not well-formed XML: {exc}") from exc
    if root.tag != "robot":
        raise ValueError("URDF text must have a <robot> root element")
    if _depth(root) > MAX_URDF_DEPTH:
        raise ValueError(
            f"URDF text nests elements more than {MAX_URDF_DEPTH} deep; a URDF is "
            "robot > link or joint > visual/collision/inertial > geometry > shape"
        )
    unknown = sorted({e.tag for e in root.iter()} - URDF_ELEMENTS)
    if unknown:
        raise ValueError(f"URDF text has elements a task object does not use: {unknown[:5]}")
    for element in root.iter():
        if "filename" in element.attrib:
            element.attrib["filename"] = _asset_file(element.attrib["filename"])
    return ET.tostring(root, encoding="unicode")


def _depth(root: ET.Element) -> int:
    """How deeply ``root``'s elements nest, counted without recursion (the text is untrusted)."""
    deepest, level = 0, [root]
    while level:
        deepest += 1
        level = [child for element in level for child in element]
    return deepest
