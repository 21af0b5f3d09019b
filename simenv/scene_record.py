"""The scene record: what a task's ``reset(env)`` built, as data, and how to build it again.

A generated task's own code is ``__init__`` and ``reset(env)``. The sandbox runs only those and
sends back a ``SceneRecord``: every body (its asset path or filled URDF text, pose, colours,
dynamics, joint states, category), every constraint (rope links), the collision pairs switched
off, the task's settings (steps, language, end effector, primitive, tolerances) and its goals.
The schema below checks what comes back (finite numbers, bounded sizes and counts, assets that
exist, URDF text that names only files under the asset root), because the sandbox may have run
hostile code.

``build_world(record, env)`` rebuilds that scene in a trusted process without any task code, so
the expert's episodes, the reward and the verdict never run next to the code they judge. Expert
demonstrations and renders of generated tasks replay the same record.
"""

from __future__ import annotations

import os
import tempfile
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pybullet as p
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from simenv import primitives
from simenv.assets import ASSET_ROOT, list_assets, nearest_assets
from simenv.errors import TaskCodeError
from simenv.grippers import Spatula, Suction
from simenv.safe_text import one_line
from simenv.scratch import sweep_stale_folders
from simenv.task import Task

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
ENDS_EFFECTORS = {"suction": Suction, "spatula": Spatula}
GEOMETRIES = {
    p.GEOM_BOX: "box",
    p.GEOM_SPHERE: "sphere",
    p.GEOM_CYLINDER: "cylinder",
    p.GEOM_CAPSULE: "capsule",
}
JOINT_TYPES = {p.JOINT_POINT2POINT: "point2point", p.JOINT_FIXED: "fixed"}
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
    ee: Literal["suction", "spatula"] = "suction"
    primitive: Literal["pick_place", "push"] = "pick_place"
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


# -- capture: runs where the task's code ran --------------------------------------------------


def _pose(body: int) -> Pose:
    pos, orn = p.getBasePositionAndOrientation(body)
    return Pose(position=tuple(pos), orientation=tuple(orn))


def _links(body: int) -> list[Link]:
    colours: dict[int, tuple[float, float, float, float]] = {}
    for shape in p.getVisualShapeData(body):
        colours.setdefault(int(shape[1]), tuple(float(v) for v in shape[7]))  # type: ignore[arg-type]
    links = []
    for index in range(-1, p.getNumJoints(body)):
        info = p.getDynamicsInfo(body, index)
        links.append(
            Link(
                index=index,
                rgba=colours.get(index),
                mass=info[0],
                lateral_friction=info[1],
                inertia=tuple(info[2]),
                restitution=info[5],
                rolling_friction=info[6],
                spinning_friction=info[7],
            )
        )
    return links


def _shape(geometry: int, dims: Any, what: str) -> Shape:
    if geometry not in GEOMETRIES:
        raise TaskCodeError(
            f"{what} has a mesh shape made with p.createMultiBody; load meshes from URDF assets "
            "with env.add_object (or self.fill_template) instead."
        )
    return Shape(geometry=GEOMETRIES[geometry], dims=tuple(float(v) for v in dims))  # type: ignore[arg-type]


def _source(env: Any, body: int) -> dict[str, Any]:
    """Where a body came from: an asset, a filled URDF, or (made in code) its primitive shapes."""
    path = getattr(env, "body_sources", {}).get(body)
    if path is not None:
        resolved = Path(path).resolve()
        if resolved.is_relative_to(ASSET_ROOT):
            return {"asset": resolved.relative_to(ASSET_ROOT).as_posix()}
        return {"urdf": resolved.read_text()}
    what = f"Body {body}"
    if p.getNumJoints(body) > 0:
        raise TaskCodeError(
            f"{what} has joints but was not loaded with env.add_object; load URDF files with "
            "env.add_object(urdf, pose, category)."
        )
    collision = p.getCollisionShapeData(body, -1)
    if len(collision) != 1:
        raise TaskCodeError(
            f"{what} was not loaded with env.add_object and is not one primitive shape; "
            "load it with env.add_object(urdf, pose, category)."
        )
    source: dict[str, Any] = {"collision": _shape(collision[0][2], collision[0][3], what)}
    visual = [v for v in p.getVisualShapeData(body) if v[1] == -1]
    if visual:
        source["visual"] = _shape(visual[0][2], visual[0][3], what)
    return source


def _category(env: Any, body: int) -> str | None:
    for category, ids in env.obj_ids.items():
        if body in ids:
            return str(category)
    return None


def _bodies(env: Any) -> list[Body]:
    first = int(getattr(env, "first_task_body", 0))
    bodies = []
    for index in range(p.getNumBodies()):
        body = p.getBodyUniqueId(index)
        if body < first:
            continue
        size = env.object_sizes.get(body, (0.0, 0.0, 0.0))
        category = _category(env, body)
        bodies.append(
            Body(
                id=body,
                category=category,  # type: ignore[arg-type]
                fixed_base=category == "fixed",
                pose=_pose(body),
                size=tuple(float(v) for v in size),  # type: ignore[arg-type]
                joints=[float(p.getJointState(body, j)[0]) for j in range(p.getNumJoints(body))],
                links=_links(body),
                **_source(env, body),
            )
        )
    return bodies


def _constraints(first_body: int) -> list[Constraint]:
    constraints = []
    for index in range(p.getNumConstraints()):
        info = p.getConstraintInfo(p.getConstraintUniqueId(index))
        parent, parent_link, child, child_link, kind = info[:5]
        if parent < first_body or (child >= 0 and child < first_body):
            continue  # the arm's own constraints (a suction grip) are not the task's
        if kind not in JOINT_TYPES:
            raise TaskCodeError(
                "Constraints between objects may be point-to-point or fixed "
                f"(p.JOINT_POINT2POINT, p.JOINT_FIXED); got joint type {kind}."
            )
        constraints.append(
            Constraint(
                parent=parent,
                parent_link=parent_link,
                child=child if child >= 0 else None,
                child_link=child_link,
                joint_type=JOINT_TYPES[kind],  # type: ignore[arg-type]
                axis=tuple(info[5]),
                parent_frame=tuple(info[6]),
                child_frame=tuple(info[7]),
                parent_orientation=tuple(info[8]),
                child_orientation=tuple(info[9]),
                max_force=info[10],
            )
        )
    return constraints


def _text(value: Any) -> str | list[str] | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return [str(v)[:MAX_TEXT] for v in value]
    return str(value)[:MAX_TEXT]


def _task_settings(task: Task) -> TaskSettings:
    tool = getattr(task.ee, "tool", None)
    if tool not in ENDS_EFFECTORS:
        raise TaskCodeError(f"self.ee must be Suction or Spatula (the class); got {task.ee!r}.")
    primitive = task.primitive
    if primitive is primitives.push:
        kind, height, speed = "push", 0.32, 0.01
    elif isinstance(primitive, primitives.PickPlace):
        kind, height, speed = "pick_place", primitive.height, primitive.speed
    else:
        raise TaskCodeError(
            "self.primitive must be primitives.PickPlace(...) or primitives.push; "
            f"got {primitive!r}."
        )
    return TaskSettings(
        max_steps=int(task.max_steps),
        lang_template=str(task.lang_template or "")[:MAX_TEXT],
        task_completed_desc=str(task.task_completed_desc)[:MAX_TEXT],
        ee=tool,
        primitive=kind,  # type: ignore[arg-type]
        lift_height=float(height),
        speed=float(speed),
        pos_eps=float(task.pos_eps),
        rot_eps=float(task.rot_eps),
        sixdof=bool(task.sixdof),
        mode=task.mode,  # type: ignore[arg-type]
    )


def _pose_of(value: Any) -> Pose:
    pos, orn = value
    return Pose.model_validate(
        {"position": [float(v) for v in pos], "orientation": [float(v) for v in orn]}
    )


def _goals(task: Task) -> list[GoalRecord]:
    goals = []
    for goal in task.goals:
        zones = []
        if goal.metric == "zone":
            zones = [
                Zone(pose=_pose_of(zone_pose), size=tuple(float(v) for v in zone_size))  # type: ignore[arg-type]
                for zone_pose, zone_size in goal.params
            ]
        goals.append(
            GoalRecord(
                objs=list(goal.objs),
                matches=np.atleast_2d(np.asarray(goal.matches, dtype=np.float64)).tolist(),
                targ_poses=[_pose_of(t) for t in goal.targ_poses],
                replace=goal.replace,
                rotations=goal.rotations,
                metric=goal.metric,  # type: ignore[arg-type]
                zones=zones,
                step_max_reward=goal.step_max_reward,
                symmetries=list(goal.symmetries),
                language_goal=_text(goal.language_goal),
            )
        )
    return goals


def capture(env: Any, task: Task, seed: int, warnings: list[str] | None = None) -> SceneRecord:
    """The record of the scene ``task.reset(env)`` built in ``env`` (after ``env.reset()``).

    Raises ``TaskCodeError`` for a scene the record cannot carry (what to change is in the
    message), pydantic's ``ValidationError`` for values outside the schema, and
    ``RecordRejected`` (a ``ValueError``) for a scene the judge would refuse: the task's author
    hears of it here, at reset, with the same words the trusted side would use.
    """
    # The record checks build on this module's schema, so they are imported when first used.
    from simenv.record_checks import check_record

    first = int(getattr(env, "first_task_body", 0))
    record = SceneRecord(
        seed=seed,
        task=_task_settings(task),
        bodies=_bodies(env),
        constraints=_constraints(first),
        no_collision=list(getattr(env, "no_collision", [])),
        goals=_goals(task),
        lang_goals=[_text(g) for g in task.lang_goals],  # type: ignore[misc]
        warnings=[str(w)[:MAX_TEXT] for w in (warnings or [])][:MAX_WARNINGS],
    )
    check_record(record)
    return record


# -- rebuild: trusted, no task code ------------------------------------------------------------


def _create_shape(shape: Shape, visual: bool, rgba: Any = None) -> int:
    d = shape.dims
    if shape.geometry == "box":
        half = [v / 2 for v in d]
        if visual:
            return int(p.createVisualShape(p.GEOM_BOX, halfExtents=half, rgbaColor=rgba))
        return int(p.createCollisionShape(p.GEOM_BOX, halfExtents=half))
    if shape.geometry == "sphere":
        if visual:
            return int(p.createVisualShape(p.GEOM_SPHERE, radius=d[0], rgbaColor=rgba))
        return int(p.createCollisionShape(p.GEOM_SPHERE, radius=d[0]))
    kind = p.GEOM_CYLINDER if shape.geometry == "cylinder" else p.GEOM_CAPSULE
    if visual:
        return int(p.createVisualShape(kind, radius=d[1], length=d[0], rgbaColor=rgba))
    return int(p.createCollisionShape(kind, radius=d[1], height=d[0]))


def _urdf_file(body: Body, folder: str) -> str | None:
    """The URDF a body loads from: its asset, or its checked text written to ``folder``."""
    if body.asset is not None:
        return str(asset_path(body.asset))
    if body.urdf is None:
        return None
    fd, name = tempfile.mkstemp(prefix="record-", suffix=".urdf", dir=folder)
    with os.fdopen(fd, "w") as f:
        f.write(checked_urdf(body.urdf))
    return name


def _create_body(body: Body, urdf: str | None) -> int:
    pose = body.pose.as_tuple()
    if urdf is not None:
        return int(p.loadURDF(urdf, *pose, useFixedBase=body.fixed_base))
    assert body.collision is not None  # the schema allows exactly one source
    base = body.links[0] if body.links else None
    rgba = base.rgba if base is not None and base.rgba is not None else (1, 1, 1, 1)
    visual = _create_shape(body.visual, True, rgba) if body.visual is not None else -1
    mass = base.mass if base is not None else 0.0
    return int(
        p.createMultiBody(mass, _create_shape(body.collision, False), visual, pose[0], pose[1])
    )


def _apply_state(new_id: int, body: Body) -> None:
    """Pose (the centre-of-mass frame, as captured), joints, colours and dynamics."""
    p.resetBasePositionAndOrientation(new_id, *body.pose.as_tuple())
    for joint, value in enumerate(body.joints[: p.getNumJoints(new_id)]):
        p.resetJointState(new_id, joint, value)
    for link in body.links:
        if link.index >= p.getNumJoints(new_id):
            continue
        if link.rgba is not None:
            p.changeVisualShape(new_id, link.index, rgbaColor=link.rgba)
        current_mass = p.getDynamicsInfo(new_id, link.index)[0]
        extra = {"mass": link.mass} if abs(current_mass - link.mass) > 1e-9 else {}
        p.changeDynamics(
            new_id,
            link.index,
            lateralFriction=link.lateral_friction,
            restitution=link.restitution,
            rollingFriction=link.rolling_friction,
            spinningFriction=link.spinning_friction,
            localInertiaDiagonal=list(link.inertia),
            **extra,
        )


#: Rebuilt URDFs go to ``<tmp>/simgen-record-<pid>-<random>``: the owner's id in the name
#: lets a later process remove what a killed one left behind.
RECORD_PREFIX = "simgen-record-"


def record_folder() -> tempfile.TemporaryDirectory[str]:
    """A folder for one task's rebuilt URDFs, named for this process; stale ones are swept."""
    sweep_stale_folders(Path(tempfile.gettempdir()), RECORD_PREFIX)
    return tempfile.TemporaryDirectory(prefix=f"{RECORD_PREFIX}{os.getpid()}-")


class RecordedTask(Task):
    """A task whose ``reset`` rebuilds a recorded scene: trusted code only."""

    def __init__(self, record: SceneRecord) -> None:
        super().__init__()
        settings = record.task
        self.record = record
        self.max_steps = settings.max_steps
        self.lang_template = settings.lang_template
        self.task_completed_desc = settings.task_completed_desc
        self.ee = ENDS_EFFECTORS[settings.ee]
        self.primitive = (
            primitives.push
            if settings.primitive == "push"
            else primitives.PickPlace(height=settings.lift_height, speed=settings.speed)
        )
        self.pos_eps = settings.pos_eps
        self.rot_eps = settings.rot_eps
        self.sixdof = settings.sixdof
        self.mode = settings.mode
        self.ids: dict[int, int] = {}
        #: Filled URDFs written back from the record; they live as long as this task.
        self.files: tempfile.TemporaryDirectory[str] | None = None

    def reset(self, env: Any) -> None:
        super().reset(env)
        record = self.record
        self.ids = {}
        if self.files is None:
            self.files = record_folder()
        for body in record.bodies:
            urdf = _urdf_file(body, self.files.name)
            try:
                new_id = _create_body(body, urdf)
            except p.error as exc:
                raise TaskCodeError(f"Body {body.id} could not be rebuilt: {exc}.") from exc
            self.ids[body.id] = new_id
            if urdf is not None:
                env.body_sources[new_id] = urdf
            _apply_state(new_id, body)
            if body.category is not None:
                env.obj_ids[body.category].append(new_id)
            env.object_sizes[new_id] = tuple(body.size)
        ids = self.ids
        for c in record.constraints:
            link = p.createConstraint(
                ids[c.parent],
                c.parent_link,
                ids[c.child] if c.child is not None else -1,
                c.child_link,
                p.JOINT_POINT2POINT if c.joint_type == "point2point" else p.JOINT_FIXED,
                c.axis,
                c.parent_frame,
                c.child_frame,
                c.parent_orientation,
                c.child_orientation,
            )
            p.changeConstraint(link, maxForce=c.max_force)
        for a, b in record.no_collision:
            env.disable_collision(ids[a], ids[b])
        for goal in record.goals:
            self.add_goal(
                objs=[ids[i] for i in goal.objs],
                matches=np.asarray(goal.matches, dtype=np.float64),
                targ_poses=[t.as_tuple() for t in goal.targ_poses],
                replace=goal.replace,
                rotations=goal.rotations,
                metric=goal.metric,
                params=[(z.pose.as_tuple(), tuple(z.size)) for z in goal.zones] or None,
                step_max_reward=goal.step_max_reward,
                symmetries=list(goal.symmetries),
                language_goal=goal.language_goal,
            )
        self.lang_goals = list(record.lang_goals)


def build_world(record: SceneRecord, env: Any) -> Task:
    """Rebuild ``record`` in ``env`` (arm, table, bodies, goals) and return its task.

    The returned task scores goals and provides the expert (``task.oracle(env)``) exactly as
    the original task would, without running any of the original task's code: use it for
    validation episodes, demonstrations and renders of generated tasks.
    """
    task = RecordedTask(record)
    env.set_task(task)
    env.reset()
    return task
