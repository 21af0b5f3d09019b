"""The PyBullet tabletop world: an arm with a tool, the table, cameras and a task.

It follows the gym-style Ravens environment contract (``reset``, ``step``, ``add_object``,
``obj_ids``, ``info``) because task files and experts are written against it.
Task code calls ``pybullet`` directly without a client id, so the world is the process's
default PyBullet client; one Environment is live per process at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pybullet as p
from numpy.typing import ArrayLike

from simenv import utils
from simenv.assets import ASSET_ROOT, resolve_asset
from simenv.cameras import DEFAULT_CAMERAS, CameraConfig, render_camera
from simenv.constants import ARM_SPEED, BOUNDS, PIX_SIZE, SIM_HZ
from simenv.errors import InvalidPoseError, TaskCodeError
from simenv.grippers import Gripper, Suction
from simenv.robot_model import arm_urdf_path
from simenv.templates import (
    default_fill,
    describe_urdf,
    is_template,
    resolve_template,
    write_filled,
)

CATEGORIES = ("fixed", "rigid", "deformable")
#: Objects may be placed a little outside the workspace (bowls near an edge, rope ends).
POSE_MARGIN = 0.15
HOME_TIP_POSE = ((0.5, 0.0, 0.35), (0.0, 0.0, 0.0, 1.0))
#: Joint-space start for IK: elbow up, tool down, in front of the robot.
REST_JOINTS = (0.0, 0.3, 1.6, 1.24, 0.0, 0.0)
JOINT_FORCE = 500.0
POSITION_GAIN = 0.3
#: Joint error (radians) at which a motion counts as arrived.
ARRIVED = 2e-3
MOVE_TIMEOUT_S = 8.0
SETTLE_TIMEOUT_S = 2.0
#: How far (m) beyond the tool, and what it holds, a descent wakes sleeping objects
#: (``wake_near``).
WAKE_MARGIN = 0.05
#: Linear speed (m/s) under which a rigid object counts as at rest (``is_static``).
STATIC_SPEED = 5e-3
#: Constraint-solver iterations per step: PyBullet's default of 50 makes stacks of compound
#: objects (Hanoi rings) ~3x slower to simulate with no gain in what the experts achieve.
SOLVER_ITERATIONS = 20


class ArmKinematics:
    """Inverse kinematics on a private copy of the arm in its own physics client.

    Solving on a copy lets the solver iterate from any joint state without disturbing the
    physical arm.
    """

    def __init__(self, tool: str) -> None:
        self.client = p.connect(p.DIRECT)
        self.arm = p.loadURDF(
            str(arm_urdf_path(tool)), useFixedBase=True, physicsClientId=self.client
        )
        self.joints = list(range(6))
        self.tip = p.getNumJoints(self.arm, physicsClientId=self.client) - 1
        self.limits = [
            p.getJointInfo(self.arm, j, physicsClientId=self.client)[8:10] for j in self.joints
        ]

    def close(self) -> None:
        if p.isConnected(self.client):
            p.disconnect(self.client)

    def _set(self, joints: ArrayLike) -> None:
        for j, v in zip(self.joints, np.asarray(joints), strict=True):
            p.resetJointState(self.arm, j, v, physicsClientId=self.client)

    def tip_pose(self, joints: ArrayLike) -> utils.Pose:
        self._set(joints)
        state = p.getLinkState(
            self.arm, self.tip, computeForwardKinematics=True, physicsClientId=self.client
        )
        return state[4], state[5]

    def solve(self, pose: utils.Pose, start: ArrayLike, tolerance: float = 5e-4) -> np.ndarray:
        """Joint angles that put the tip at ``pose``, starting from ``start``."""
        # Seed the base joint facing the target: from a pan angle far from the target's bearing
        # the solver can settle on reaching back over the shoulder, which folds the arm down
        # onto the table and the objects (palletizing carries boxes across the whole table).
        seed = np.array(start, dtype=np.float64)
        seed[0] = float(np.arctan2(pose[0][1], pose[0][0]))
        self._set(seed.tolist())
        solution = np.asarray(start, dtype=np.float64)
        for _ in range(4):
            solution = np.asarray(
                p.calculateInverseKinematics(
                    self.arm,
                    self.tip,
                    pose[0],
                    pose[1],
                    maxNumIterations=100,
                    residualThreshold=1e-6,
                    physicsClientId=self.client,
                )
            )
            tip, _ = self.tip_pose(solution)
            if np.linalg.norm(np.subtract(tip, pose[0])) < tolerance:
                break
        return self.nearest_equivalent(solution, np.asarray(start))

    def nearest_equivalent(self, joints: np.ndarray, start: np.ndarray) -> np.ndarray:
        """Angles 2*pi apart are the same pose: take, per joint, the one within the joint's
        limits that is nearest ``start``, so the arm never winds up against a limit."""
        result = np.array(joints, dtype=np.float64)
        for j, (lo, hi) in enumerate(self.limits):
            candidates = joints[j] + 2 * np.pi * np.arange(-2, 3)
            allowed = candidates[(candidates >= lo) & (candidates <= hi)]
            if allowed.size:
                result[j] = allowed[np.argmin(np.abs(allowed - start[j]))]
        return result


def check_pose(pose: Any, what: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """A pose as (xyz, quaternion), or an error naming the object and the bad value."""
    try:
        if len(pose) == 3 and np.ndim(pose[0]) == 0:
            pose = (pose, (0.0, 0.0, 0.0, 1.0))
        pos = tuple(float(v) for v in pose[0])
        rot = tuple(float(v) for v in pose[1])
    except (TypeError, ValueError, IndexError) as exc:
        raise InvalidPoseError(
            f"Pose of {what} must be (position (x, y, z), quaternion (x, y, z, w)); got {pose!r}. "
            "get_random_pose returns (None, None) when the table is full: check for None."
        ) from exc
    if len(pos) != 3 or len(rot) != 4:
        raise InvalidPoseError(
            f"Pose of {what} must have a 3-element position and a 4-element quaternion; got {pose!r}."
        )
    if not all(np.isfinite(pos + rot)):
        raise InvalidPoseError(f"Pose of {what} has a NaN or infinite value: {pose!r}.")
    lo, hi = BOUNDS[:, 0] - POSE_MARGIN, BOUNDS[:, 1] + POSE_MARGIN
    hi[2] = BOUNDS[2, 1] + 0.5
    lo[2] = -0.05
    if any(v < a or v > b for v, a, b in zip(pos, lo, hi, strict=True)):
        raise InvalidPoseError(
            f"Position of {what} {tuple(round(v, 3) for v in pos)} is outside the workspace "
            f"(x in [0.25, 0.75], y in [-0.5, 0.5], z in [0, 0.3] m). Use self.get_random_pose(env, size) "
            "or compute targets inside those bounds."
        )
    norm = float(np.linalg.norm(rot))
    if norm < 1e-6:
        raise InvalidPoseError(
            f"Quaternion of {what} is all zeros: {rot!r}; identity is (0, 0, 0, 1)."
        )
    return pos, tuple(v / norm for v in rot)


class Environment:
    """The tabletop world.

    Args:
        assets_root: kept for Ravens compatibility; assets resolve under ``simenv/assets``.
        task: the task to run (or ``set_task`` later).
        disp: open a PyBullet GUI window.
        render: produce camera images in observations (off for fast validation).
        cameras: camera set-ups for observations.
    """

    def __init__(
        self,
        assets_root: str | None = None,
        task: Any = None,
        disp: bool = False,
        render: bool = False,
        cameras: Sequence[CameraConfig] = DEFAULT_CAMERAS,
        hz: int = SIM_HZ,
    ) -> None:
        if p.isConnected(0):
            raise TaskCodeError(
                "Another simulation is already connected in this process; close it with env.close() "
                "before making a new Environment."
            )
        self.client = p.connect(p.GUI if disp else p.DIRECT)
        if self.client != 0:
            p.disconnect(self.client)
            raise RuntimeError("The Environment must own PyBullet's default client (id 0).")
        self.assets_root = assets_root or str(ASSET_ROOT)
        self.render_enabled = render
        self.agent_cams = [c.as_dict() for c in cameras]
        self.cameras = tuple(cameras)
        self.hz = hz
        self.pix_size = PIX_SIZE
        self.bounds = BOUNDS
        self.obj_ids: dict[str, list[int]] = {c: [] for c in CATEGORIES}
        self.object_sizes: dict[int, tuple[float, float, float]] = {}
        #: The URDF file each ``add_object`` body came from (a scene record names it).
        self.body_sources: dict[int, str] = {}
        #: Body pairs whose collisions were switched off (PyBullet cannot report them).
        self.no_collision: list[tuple[int, int]] = []
        #: Bodies with ids from here on are the task's (below: plane, workspace, arm).
        self.first_task_body = 0
        self.task: Any = None
        self.ee: Gripper | None = None
        self.arm: int = -1
        self.tip_link: int = -1
        self.sim_steps = 0
        self.step_callbacks: list[Callable[[], None]] = []
        self._kinematics: dict[str, ArmKinematics] = {}
        self._joints = list(range(6))
        self._cmd = np.zeros(6)
        self._random = np.random.RandomState()
        if task is not None:
            self.set_task(task)

    # -- lifecycle --------------------------------------------------------------------------

    def close(self) -> None:
        for kin in self._kinematics.values():
            kin.close()
        self._kinematics.clear()
        if p.isConnected(self.client):
            p.disconnect(self.client)

    def __enter__(self) -> Environment:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def seed(self, seed: int | None = None) -> int | None:
        self._random = np.random.RandomState(seed)
        return seed

    def set_task(self, task: Any) -> None:
        if hasattr(task, "set_assets_root"):
            task.set_assets_root(self.assets_root)
        self.task = task

    # -- objects ----------------------------------------------------------------------------

    def add_object(
        self, urdf: str, pose: Any, category: str = "rigid", color: Any = None, **kwargs: Any
    ) -> int:
        """Load a URDF at ``pose``; returns its body id (added to ``obj_ids[category]``).

        Dialect leniencies (each a warning, see ``simenv.dialect``): a template passed unfilled
        gets random default sizes; a ``*-template.urdf`` that does not exist falls back to the
        same path without ``-template``.
        """
        if category not in CATEGORIES:
            raise TaskCodeError(
                f"Unknown object category '{category}'; use one of {', '.join(CATEGORIES)}."
            )
        self._check_not_full(urdf, pose)
        path = resolve_template(str(urdf), "add_object")
        if is_template(path):
            path = write_filled(default_fill(path.read_text(), "add_object", str(urdf)), str(urdf))
        pos, rot = check_pose(pose, f"object '{describe_urdf(urdf)}'")
        rgba = utils.color_rgba(color) if color is not None else None
        try:
            obj_id = p.loadURDF(str(path), pos, rot, useFixedBase=category == "fixed")
        except p.error as exc:
            raise TaskCodeError(
                f"PyBullet could not load '{urdf}' ({path}): {exc}. If it is a template, fill every "
                "token with self.fill_template(template, replace)."
            ) from exc
        if rgba is not None:
            for link in range(-1, p.getNumJoints(obj_id)):
                p.changeVisualShape(obj_id, link, rgbaColor=rgba)
        self.obj_ids[category].append(obj_id)
        self.object_sizes[obj_id] = utils.measure_size(obj_id)
        self.body_sources[obj_id] = str(path)
        return obj_id

    def disable_collision(self, body_a: int, body_b: int) -> None:
        """Stop two bodies' bases colliding (rope neighbours), and remember it for the record."""
        p.setCollisionFilterPair(body_a, body_b, -1, -1, 0)
        self.no_collision.append((int(body_a), int(body_b)))

    def _check_not_full(self, urdf: str, pose: Any) -> None:
        """``get_random_pose`` returns ``(None, None)`` on a full table: say so, and what to do."""
        if pose is None or (isinstance(pose, list | tuple) and len(pose) == 2 and pose[0] is None):
            size = getattr(self.task, "no_space_for", None)
            what = f"an object of size {tuple(round(v, 3) for v in size)} m" if size else "it"
            raise InvalidPoseError(
                f"add_object('{describe_urdf(urdf)}'): the table is full: get_random_pose found no free space for "
                f"{what} and returned (None, None). Use fewer or smaller objects, or check "
                "`if pose[0] is None:` and skip this object."
            )

    def all_object_ids(self) -> list[int]:
        return [i for c in CATEGORIES for i in self.obj_ids[c]]

    @property
    def info(self) -> dict[Any, Any]:
        """Each object's (position, orientation, size) and the current language goal."""
        info: dict[Any, Any] = {}
        for obj_id in self.all_object_ids():
            pos, rot = p.getBasePositionAndOrientation(obj_id)
            info[obj_id] = (pos, rot, self.object_sizes.get(obj_id, (0.0, 0.0, 0.0)))
        info["lang_goal"] = self.get_lang_goal()
        return info

    def get_lang_goal(self) -> str:
        return self.task.get_lang_goal() if self.task is not None else ""

    # -- simulation -------------------------------------------------------------------------

    def reset(self) -> dict[str, Any]:
        """Rebuild the world for the task and return the first observation."""
        if self.task is None:
            raise TaskCodeError("env.reset() needs a task: call env.set_task(task) first.")
        self.obj_ids = {c: [] for c in CATEGORIES}
        self.object_sizes = {}
        self.body_sources = {}
        self.no_collision = []
        self.step_callbacks = []
        p.resetSimulation()
        p.setGravity(0, 0, -9.8)
        p.setTimeStep(1.0 / self.hz)
        p.setPhysicsEngineParameter(numSolverIterations=SOLVER_ITERATIONS)
        p.configureDebugVisualizer(p.COV_ENABLE_RENDERING, 0)
        p.loadURDF(str(resolve_asset("plane/plane.urdf")), (0, 0, -0.001))
        p.loadURDF(str(resolve_asset("workspace/workspace.urdf")), (0.5, 0, 0))
        ee_class = getattr(self.task, "ee", Suction)
        tool = getattr(ee_class, "tool", "suction")
        self.arm = p.loadURDF(str(arm_urdf_path(tool)), useFixedBase=True)
        self.tip_link = p.getNumJoints(self.arm) - 1
        self.first_task_body = p.getNumBodies()
        if tool not in self._kinematics:
            self._kinematics[tool] = ArmKinematics(tool)
        self.kinematics = self._kinematics[tool]
        home = self.kinematics.solve(HOME_TIP_POSE, REST_JOINTS)
        self.homej = home
        for j, v in zip(self._joints, home, strict=True):
            p.resetJointState(self.arm, j, v)
        self._cmd = np.array(home)
        self._hold(self._cmd)
        self.ee = ee_class(self.arm, self.tip_link, self.obj_ids)
        self.task.reset(self)
        p.configureDebugVisualizer(p.COV_ENABLE_RENDERING, 1)
        obs, _, _, _ = self.step()
        return obs

    def _hold(self, joints: np.ndarray) -> None:
        p.setJointMotorControlArray(
            self.arm,
            self._joints,
            p.POSITION_CONTROL,
            targetPositions=list(joints),
            forces=[JOINT_FORCE] * 6,
            positionGains=[POSITION_GAIN] * 6,
        )

    def step_simulation(self) -> None:
        p.stepSimulation()
        self.sim_steps += 1
        for callback in self.step_callbacks:
            callback()

    def joint_positions(self) -> np.ndarray:
        return np.array([s[0] for s in p.getJointStates(self.arm, self._joints)])

    def movej(
        self,
        targj: ArrayLike,
        speed: float = ARM_SPEED,
        timeout: float = MOVE_TIMEOUT_S,
        stop: Callable[[], bool] | None = None,
    ) -> bool:
        """Move the joints to ``targj`` at ``speed`` radians per step; True on timeout."""
        target = np.asarray(targj, dtype=np.float64)
        # Slow motions (a rope dragged at 0.001 rad per step) get the steps their distance needs.
        travel_steps = int(np.linalg.norm(target - self._cmd) / max(speed, 1e-6))
        for step in range(int(timeout * self.hz) + travel_steps):
            diff = target - self._cmd
            norm = float(np.linalg.norm(diff))
            if norm > speed:
                self._cmd = self._cmd + diff / norm * speed
            else:
                self._cmd = target.copy()
                if np.all(np.abs(target - self.joint_positions()) < ARRIVED):
                    return False
            self._hold(self._cmd)
            self.step_simulation()
            if stop is not None and step % 2 == 0 and stop():
                self._cmd = self.joint_positions()
                self._hold(self._cmd)
                return False
        return True

    def movep(
        self,
        pose: utils.Pose,
        speed: float = ARM_SPEED,
        stop: Callable[[], bool] | None = None,
        straight: bool = False,
        timeout: float = MOVE_TIMEOUT_S,
    ) -> bool:
        """Move the tool tip to ``pose``; ``straight`` follows a line in space (1 cm steps)."""
        pose = check_pose(pose, "the end effector target")
        if stop is not None:
            self.wake_near(pose[0][:2])
        if not straight:
            return self.movej(self.kinematics.solve(pose, self._cmd), speed, timeout, stop)
        start, _ = self.kinematics.tip_pose(self._cmd)
        distance = float(np.linalg.norm(np.subtract(pose[0], start)))
        n = max(1, int(np.ceil(distance / 0.01)))
        joints = self._cmd
        waypoints = []
        for i in range(1, n + 1):
            pos = tuple(np.asarray(start) + (np.asarray(pose[0]) - np.asarray(start)) * i / n)
            joints = self.kinematics.solve((pos, pose[1]), joints)
            waypoints.append(joints)
        for joints in waypoints:
            if self._move_through(joints, speed, stop):
                return not (stop is not None and stop())
        return self.movej(waypoints[-1], speed, timeout, stop)

    def _move_through(
        self, targj: np.ndarray, speed: float, stop: Callable[[], bool] | None
    ) -> bool:
        """Advance the commanded joints to a waypoint without waiting; True if stopped."""
        while True:
            diff = targj - self._cmd
            norm = float(np.linalg.norm(diff))
            if norm <= speed:
                self._cmd = targj.copy()
                return False
            self._cmd = self._cmd + diff / norm * speed
            self._hold(self._cmd)
            self.step_simulation()
            if stop is not None and stop():
                self._cmd = self.joint_positions()
                self._hold(self._cmd)
                return True

    def is_static(self) -> bool:
        """No rigid object moves faster than ``STATIC_SPEED`` (CLIPort's rule: linear speed).

        A turning object that stays in place counts as still: the particles of a pile spin
        about their vertical axis for long after they stop (nothing damps that spin), so a
        rule on the angular speed too made every settle after a push wait its full
        ``SETTLE_TIMEOUT_S`` (480 physics steps), with nothing moving that a goal measures.
        """
        for obj_id in self.obj_ids["rigid"]:
            lin, _ = p.getBaseVelocity(obj_id)
            if np.linalg.norm(lin) > STATIC_SPEED:
                return False
        return True

    def settle(self, max_seconds: float = SETTLE_TIMEOUT_S) -> None:
        for _ in range(int(max_seconds * self.hz)):
            self.step_simulation()
            if self.is_static():
                return

    def sleep_resting_objects(self) -> None:
        """Put the rigid objects that are at rest to sleep until something touches them.

        Bullet then skips them while the arm travels: a pile's 50 resting particles cost
        1.1-1.5 ms of every 1/240 s step, and about 0.04 ms asleep. Contact with the arm, the
        blade or anything moving wakes a sleeper and what touches it (Bullet wakes whole
        islands), and a suction grasp wakes what it takes (``Suction.activate``), so every
        motion is still simulated. Only objects wholly at rest sleep (``_wholly_at_rest``).
        """
        for obj_id in self.obj_ids["rigid"]:
            if self._wholly_at_rest(obj_id):
                p.changeDynamics(obj_id, -1, activationState=p.ACTIVATION_STATE_ENABLE_SLEEPING)
                p.changeDynamics(obj_id, -1, activationState=p.ACTIVATION_STATE_SLEEP)

    def wake_near(self, xy: Sequence[float]) -> None:
        """Wake the objects a descent to ``xy`` may touch, before it starts.

        A descent presses the tool, or what it holds, onto what lies below, and on sleeping
        objects that came out differently: a car of blocks built by the expert, its body set
        across two sleeping base blocks, succeeded in 61% of 180 episodes against 71% with
        nothing asleep and 76% with every object woken first (docs/results/episode-speed.md,
        "Knife-edge files"; measured before the assets took CLIPort's contact values). Woken here are the objects within ``WAKE_MARGIN`` of the tool's
        path down, widened by what it holds.
        """
        reach = WAKE_MARGIN
        held = getattr(self.ee, "held_id", None)
        if held is not None:
            lo, hi = p.getAABB(held)
            reach += 0.5 * float(np.hypot(hi[0] - lo[0], hi[1] - lo[1]))
        for obj_id in self.obj_ids["rigid"]:
            lo, hi = p.getAABB(obj_id)
            dx = max(lo[0] - xy[0], 0.0, xy[0] - hi[0])
            dy = max(lo[1] - xy[1], 0.0, xy[1] - hi[1])
            if np.hypot(dx, dy) <= reach:
                p.changeDynamics(obj_id, -1, activationState=p.ACTIVATION_STATE_WAKE_UP)

    def _wholly_at_rest(self, obj_id: int) -> bool:
        """No point of the object moves faster than ``STATIC_SPEED``, spin about the vertical
        aside (a pile particle spins in place for long after it stops).

        ``is_static`` looks at the centre only, as CLIPort does; an object that is still
        tipping (turning about a horizontal axis) moves its far edge faster than its centre,
        and stays awake to finish its fall. (A body whose joints still turn wakes itself:
        Bullet counts joint speeds in its own test for sleep.)
        """
        lin, ang = p.getBaseVelocity(obj_id)
        reach = max(self.object_sizes.get(obj_id, (0.0, 0.0, 0.0)), default=0.0)
        tipping = float(np.hypot(ang[0], ang[1])) * reach
        return bool(np.linalg.norm(lin) <= STATIC_SPEED and tipping <= STATIC_SPEED)

    def step(
        self, action: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], float, bool, dict[Any, Any]]:
        """Run one primitive (``{'pose0', 'pose1'}``), wait for objects to settle, score it."""
        if action is not None:
            pose0 = check_pose(action["pose0"], "the action's pose0")
            pose1 = check_pose(action["pose1"], "the action's pose1")
            timeout = self.task.primitive(self.movej, self.movep, self.ee, pose0, pose1)
            if timeout:
                return self._get_obs(), 0.0, True, self.info
        self.settle()
        self.sleep_resting_objects()
        reward, info = self.task.reward() if action is not None else (0.0, {})
        done = self.task.done()
        info.update(self.info)
        return self._get_obs(), reward, done, info

    # -- observation ------------------------------------------------------------------------

    @contextmanager
    def images_off(self) -> Iterator[Environment]:
        """Inside, ``reset`` and ``step`` render no camera images (their observations are
        empty), whatever ``render`` says: for callers that render with ``observe`` only the
        observations they keep. The physics is the same either way."""
        rendering, self.render_enabled = self.render_enabled, False
        try:
            yield self
        finally:
            self.render_enabled = rendering

    def _get_obs(self) -> dict[str, Any]:
        if not self.render_enabled:
            return {"color": (), "depth": ()}
        return self.observe()

    def observe(self) -> dict[str, Any]:
        """The cameras' images of the world as it stands now, rendered whatever ``render`` says.

        Rendering three 640 x 480 cameras takes most of a recorded demonstration's time, and
        ``step`` renders after every action, wanted or not (``reset``'s observation and the
        one after the last action are never used). A recorder steps with ``images_off`` and
        calls this once per observation it keeps.
        """
        colors, depths = [], []
        for cam in self.cameras:
            color, depth, _ = render_camera(cam)
            colors.append(color)
            depths.append(depth)
        return {"color": tuple(colors), "depth": tuple(depths)}
