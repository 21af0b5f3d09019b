"""Capturing a scene record: sandbox side, where the task's own code ran.

``capture(env, task, seed)`` reads what a task's ``reset(env)`` built in the PyBullet world
(bodies, constraints, settings, goals) into a ``SceneRecord`` (``simenv.scene_record``) and runs
the trusted side's record checks on it, so the task's author hears of a refusal at reset. Only
the task's half of a validation (``simenv.taskcode``, in the sandbox child or the in-process
debug path) imports this module; the trusted side works from the records it sends back and may
not import it (import-linter, ``pyproject.toml``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import numpy as np
import pybullet as p

from simenv import primitives
from simenv.assets import ASSET_ROOT
from simenv.errors import TaskCodeError
from simenv.record_checks import check_record
from simenv.scene_record import (
    MAX_TEXT,
    MAX_WARNINGS,
    Body,
    Constraint,
    EndEffector,
    GoalRecord,
    Link,
    Pose,
    SceneRecord,
    Shape,
    TaskSettings,
    Zone,
)
from simenv.task import Task

#: PyBullet's primitive geometries, by the names the record uses.
GEOMETRIES = {
    p.GEOM_BOX: "box",
    p.GEOM_SPHERE: "sphere",
    p.GEOM_CYLINDER: "cylinder",
    p.GEOM_CAPSULE: "capsule",
}
#: The constraint types a record may carry (rope links are point-to-point), by their names.
JOINT_TYPES = {p.JOINT_POINT2POINT: "point2point", p.JOINT_FIXED: "fixed"}
#: The end effectors a record may name (``self.ee.tool``).
END_EFFECTORS: tuple[str, ...] = get_args(EndEffector)


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
    if tool not in END_EFFECTORS:
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
