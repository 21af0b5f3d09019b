"""Rebuilding a scene record: trusted side, no task code.

``build_world(record, env)`` builds again, in a trusted process, the scene a task's ``reset``
built in the sandbox (``simenv.scene_record`` is the record's schema), and returns a
``RecordedTask`` that scores its goals and drives the expert exactly as the original task would.
Validation episodes (the judge), expert demonstrations and renders of generated tasks replay
records this way. The sandbox side never needs this module (import-linter, ``pyproject.toml``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pybullet as p

from simenv import primitives
from simenv.errors import TaskCodeError
from simenv.grippers import Gripper, Spatula, Suction
from simenv.scene_record import Body, EndEffector, SceneRecord, Shape, asset_path, checked_urdf
from simenv.scratch import sweep_stale_folders_once
from simenv.task import Task

#: The gripper class of each end effector a record may name.
END_EFFECTOR_CLASSES: dict[EndEffector, type[Gripper]] = {"suction": Suction, "spatula": Spatula}


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
    """A folder for one task's rebuilt URDFs, named for this process; stale ones (of dead
    processes) are swept on the first call."""
    sweep_stale_folders_once(Path(tempfile.gettempdir()), RECORD_PREFIX)
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
        self.ee = END_EFFECTOR_CLASSES[settings.ee]
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
