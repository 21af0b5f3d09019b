"""The task base class: the contract generated task programs are written against.

It follows the Ravens / CLIPort / GenSim ``Task`` (same attribute and method names, same
meanings), so that their task files run here unchanged. What is ours: goals are scored by a
maximum matching of objects to targets, the expert needs no camera images (it finds pick
points by ray casts), and free space for ``get_random_pose`` comes from object footprints.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pybullet as p
from scipy.ndimage import distance_transform_edt, maximum_filter
from scipy.optimize import linear_sum_assignment

from simenv import primitives, utils
from simenv.assets import resolve_asset
from simenv.constants import (
    BOUNDS,
    DEFAULT_MAX_STEPS,
    PIX_SIZE,
    POS_EPS,
    ROT_EPS,
    SUCCESS_THRESHOLD,
)
from simenv.errors import TaskCodeError
from simenv.grippers import Spatula, Suction

IDENTITY = (0.0, 0.0, 0.0, 1.0)
#: Rays per side of the grid the expert casts over an object to find where to pick it.
PICK_GRID = 15
_TOKEN = re.compile(r"\b([A-Z][A-Z_]*?)(\d)\b")
_FILLED = tempfile.TemporaryDirectory(prefix="simgen-urdf-")


@dataclass
class Goal:
    """One sub-goal: which objects go to which targets, and how it is scored."""

    objs: list[int]
    matches: np.ndarray
    targ_poses: list[utils.Pose]
    replace: bool
    rotations: bool
    metric: str
    params: Any
    step_max_reward: float
    symmetries: list[float]
    language_goal: Any = None
    #: Sample points of each object (object frame), for the zone metric.
    points: dict[int, np.ndarray] = field(default_factory=dict)


def in_zones(world_points: np.ndarray, zones: Sequence[Any], margin: float = 0.0) -> np.ndarray:
    """Which world points (3 x N) lie in x-y inside any ``(zone_pose, zone_size)``, each zone
    shrunk by ``margin`` on every side."""
    hit = np.zeros(world_points.shape[1], dtype=bool)
    for zone_pose, zone_size in zones:
        local = utils.apply(utils.invert(zone_pose), world_points)
        half_x, half_y = zone_size[0] / 2 - margin, zone_size[1] / 2 - margin
        hit |= (np.abs(local[0]) < half_x) & (np.abs(local[1]) < half_y)
    return hit


def _as_pose(target: Any) -> utils.Pose:
    if len(target) == 3 and np.ndim(target[0]) == 0:
        return (tuple(float(v) for v in target), IDENTITY)
    return (tuple(float(v) for v in target[0]), tuple(float(v) for v in target[1]))


class Task:
    """Base class of every task: goals, reward, language and an expert (``oracle``)."""

    def __init__(self) -> None:
        self.ee: type = Suction
        self.mode = "train"
        self.sixdof = False
        self.primitive: Any = primitives.PickPlace()
        self.pos_eps = POS_EPS
        self.rot_eps = ROT_EPS
        self.pix_size = PIX_SIZE
        self.bounds = np.array(BOUNDS)
        self.zone_bounds = np.copy(self.bounds)
        self.goals: list[Goal] = []
        self.lang_goals: list[Any] = []
        self.lang_template = ""
        self.task_completed_desc = "task completed."
        self.max_steps = DEFAULT_MAX_STEPS
        self.num_blocks = 50
        self.progress = 0.0
        self._rewards = 0.0
        self.assets_root: str | None = None
        self.homogeneous = False

    # -- set-up -----------------------------------------------------------------------------

    def additional_reset(self) -> None:
        """Apply keyword rules of the language template (bowls, piles, ropes)."""
        template = self.lang_template or ""
        if "bowl" in template:
            self.pos_eps = 0.05
        if "piles" in template:
            self.ee = Spatula
            self.primitive = primitives.push
        if "rope" in template:
            self.primitive = primitives.PickPlace(height=0.02, speed=0.001)
            self.pos_eps = 0.02

    def set_assets_root(self, assets_root: str) -> None:
        self.assets_root = assets_root

    def reset(self, env: Any) -> None:
        """Clear goals, language goals and progress; subclasses then add objects and goals."""
        if self.assets_root is None:
            self.assets_root = getattr(env, "assets_root", None)
        self.goals = []
        self.lang_goals = []
        self.progress = 0.0
        self._rewards = 0.0

    # -- goals ------------------------------------------------------------------------------

    def add_goal(
        self,
        objs: Sequence[Any],
        matches: Any,
        targ_poses: Sequence[Any],
        replace: bool,
        rotations: bool,
        metric: str,
        params: Any,
        step_max_reward: float,
        symmetries: Sequence[float] | None = None,
        language_goal: Any = None,
        **_: Any,
    ) -> None:
        """Append one sub-goal; goals are solved in the order they are added."""
        obj_ids = [int(o[0]) if isinstance(o, tuple | list) else int(o) for o in objs]
        if symmetries is None:
            symmetries = [
                float(o[1][0]) if isinstance(o, tuple | list) and o[1] is not None else 0.0
                for o in objs
            ]
        if metric not in ("pose", "zone"):
            raise TaskCodeError(f"Unknown metric '{metric}'; use 'pose' or 'zone'.")
        poses = (
            [_as_pose(t) for t in targ_poses]
            if metric == "pose"
            else _zone_slots(targ_poses, obj_ids)
        )
        matrix = np.asarray(matches, dtype=np.float64)
        if metric == "pose":
            if matrix.ndim == 0:
                matrix = np.full((len(obj_ids), len(poses)), float(matrix))
            if matrix.shape != (len(obj_ids), len(poses)):
                raise TaskCodeError(
                    f"add_goal: matches has shape {matrix.shape} but there are {len(obj_ids)} objects "
                    f"and {len(poses)} target poses; it must be (objects x targets), e.g. "
                    f"np.ones(({len(obj_ids)}, {len(poses)}))."
                )
        if len(symmetries) != len(obj_ids):
            raise TaskCodeError(
                f"add_goal: {len(symmetries)} symmetries for {len(obj_ids)} objects; give one per object."
            )
        if not 0 < float(step_max_reward) <= 1.0 + 1e-6:
            raise TaskCodeError(
                f"add_goal: step_max_reward {step_max_reward} must be in (0, 1]; the shares of all "
                "goals add up to 1."
            )
        goal = Goal(
            obj_ids,
            matrix,
            poses,
            bool(replace),
            bool(rotations),
            metric,
            params,
            float(step_max_reward),
            [float(s) for s in symmetries],
            language_goal,
        )
        if metric == "zone":
            goal.points = {i: self.get_box_object_points(i) for i in obj_ids}
        self.goals.append(goal)
        if language_goal is not None:
            self.lang_goals.append(language_goal)

    def get_box_object_points(self, obj_id: int, step: float = 0.02) -> np.ndarray:
        """A grid of points (3 x N, object frame) filling the object's box."""
        shapes = p.getVisualShapeData(obj_id)
        size = np.array(shapes[0][3][:3]) if shapes else np.full(3, 0.01)
        if shapes and shapes[0][2] == p.GEOM_MESH:
            # A mesh's visual "dimensions" are its scale, not its size: measure its extent.
            from simenv.environment import Environment

            size = np.array(Environment._measure_size(obj_id))
        axes = [np.arange(-s / 2, s / 2 + 1e-9, step) if s > step else np.zeros(1) for s in size]
        xv, yv, zv = np.meshgrid(*axes, indexing="ij")
        return np.vstack([xv.ravel(), yv.ravel(), zv.ravel()])

    # -- scoring ----------------------------------------------------------------------------

    def is_match(self, pose0: utils.Pose, pose1: utils.Pose, symmetry: float) -> bool:
        """Within ``pos_eps`` in x-y, and within ``rot_eps`` in yaw modulo a non-zero symmetry."""
        dist = float(np.linalg.norm(np.subtract(pose0[0][:2], pose1[0][:2])))
        diff_rot = 0.0
        if symmetry > 0:
            diff_rot = abs(utils.get_yaw(pose0[1]) - utils.get_yaw(pose1[1])) % symmetry
            diff_rot = min(diff_rot, symmetry - diff_rot)
        return dist < self.pos_eps and diff_rot < self.rot_eps

    def _match_matrix(self, goal: Goal) -> np.ndarray:
        """match[i, j]: object i is allowed at target j and is there now."""
        result = np.zeros_like(goal.matches, dtype=bool)
        for i, obj_id in enumerate(goal.objs):
            pose = p.getBasePositionAndOrientation(obj_id)
            for j in np.flatnonzero(goal.matches[i]):
                result[i, j] = self.is_match(pose, goal.targ_poses[j], goal.symmetries[i])
        return result

    def _placed(self, goal: Goal) -> set[int]:
        """Indices of objects that count as placed (one object per target unless ``replace``)."""
        match = self._match_matrix(goal)
        if goal.replace:
            return {int(i) for i in np.flatnonzero(match.any(axis=1))}
        rows, cols = linear_sum_assignment(-match.astype(np.float64))
        return {int(i) for i, j in zip(rows, cols, strict=True) if match[i, j]}

    def _zone_fraction(self, goal: Goal) -> float:
        inside, total = 0, 0
        for obj_id in goal.objs:
            pts = goal.points[obj_id]
            world = utils.apply(p.getBasePositionAndOrientation(obj_id), pts)
            total += world.shape[1]
            inside += int(in_zones(world, goal.params).sum())
        return inside / max(total, 1)

    def goal_progress(self, goal: Goal) -> float:
        """The share of ``goal`` satisfied now, in [0, step_max_reward]."""
        if goal.metric == "zone":
            return goal.step_max_reward * self._zone_fraction(goal)
        if not goal.objs:
            return goal.step_max_reward
        return goal.step_max_reward * len(self._placed(goal)) / len(goal.objs)

    def reward(self) -> tuple[float, dict[str, Any]]:
        """The increase in satisfied share since the last call; advances completed goals."""
        if not self.goals:
            return 0.0, {}
        goal = self.goals[0]
        step_reward = self.goal_progress(goal)
        total = self.progress + step_reward
        delta = total - self._rewards
        self._rewards = total
        if abs(goal.step_max_reward - step_reward) < 0.01:
            self.progress += goal.step_max_reward
            self.goals.pop(0)
            if self.lang_goals:
                self.lang_goals.pop(0)
        return delta, {}

    def done(self) -> bool:
        return len(self.goals) == 0 or self._rewards > SUCCESS_THRESHOLD

    def get_lang_goal(self) -> str:
        if not self.lang_goals:
            return self.task_completed_desc
        goal = self.lang_goals[0]
        return str(goal[0] if isinstance(goal, list | tuple) and goal else goal)

    # -- helpers for task code --------------------------------------------------------------

    def occupancy(self, env: Any) -> np.ndarray:
        """Heightmap-sized mask (rows along y, columns along x) of what objects cover."""
        rows = int(round((self.bounds[1, 1] - self.bounds[1, 0]) / self.pix_size))
        cols = int(round((self.bounds[0, 1] - self.bounds[0, 0]) / self.pix_size))
        occupied = np.zeros((rows, cols), dtype=bool)
        for obj_id in env.all_object_ids():
            pos, rot = p.getBasePositionAndOrientation(obj_id)
            sx, sy, _ = env.object_sizes.get(obj_id, (0.0, 0.0, 0.0))
            corners = np.array([[sx, sy], [sx, -sy], [-sx, sy], [-sx, -sy]]) / 2
            yaw = utils.get_yaw(rot)
            c, s = np.cos(yaw), np.sin(yaw)
            world = corners @ np.array([[c, s], [-s, c]]) + np.asarray(pos[:2])
            (x0, y0), (x1, y1) = world.min(axis=0), world.max(axis=0)
            c0 = int(np.floor((x0 - self.bounds[0, 0]) / self.pix_size))
            c1 = int(np.ceil((x1 - self.bounds[0, 0]) / self.pix_size))
            r0 = int(np.floor((y0 - self.bounds[1, 0]) / self.pix_size))
            r1 = int(np.ceil((y1 - self.bounds[1, 0]) / self.pix_size))
            occupied[max(r0, 0) : max(r1, 0), max(c0, 0) : max(c1, 0)] = True
        return occupied

    def get_random_pose(self, env: Any, obj_size: Sequence[float]) -> tuple[Any, Any]:
        """A random collision-free table pose for an object of size (sx, sy, sz), or (None, None)."""
        size = [float(v) for v in obj_size]
        if len(size) != 3 or not all(np.isfinite(size)) or min(size) < 0:
            raise TaskCodeError(
                f"get_random_pose: obj_size must be three non-negative sizes (sx, sy, sz); got {obj_size!r}."
            )
        occupied = self.occupancy(env)
        occupied[0, :] = occupied[-1, :] = occupied[:, 0] = occupied[:, -1] = True
        erode = max(1, int(np.round(np.hypot(size[0], size[1]) / self.pix_size)))
        blocked = maximum_filter(occupied, size=erode, mode="constant", cval=False)
        free = ~blocked
        if not free.any():
            return None, None
        pix = utils.sample_distribution(free.astype(np.float32))
        x, y, _ = utils.pix_to_xyz(pix, None, self.bounds, self.pix_size, skip_height=True)
        theta = np.random.rand() * 2 * np.pi
        return (x, y, size[2] / 2), utils.eulerXYZ_to_quatXYZW((0.0, 0.0, theta))

    def get_random_size(
        self, min_x: float, max_x: float, min_y: float, max_y: float, min_z: float, max_z: float
    ) -> tuple[float, float, float]:
        size = np.random.rand(3)
        return (
            float(size[0] * (max_x - min_x) + min_x),
            float(size[1] * (max_y - min_y) + min_y),
            float(size[2] * (max_z - min_z) + min_z),
        )

    def fill_template(self, template: str, replace: dict[str, Any]) -> str:
        """Fill ``KEY<i>`` tokens of a URDF template; writes a temporary URDF, returns its path."""
        text = resolve_asset(template).read_text()
        values = dict(replace)
        if "COLOR" in values:
            color = values["COLOR"]
            values["COLOR"] = utils.color_rgba(color)[:3]
        elif "COLOR0" in text:
            values["COLOR"] = utils.COLORS["gray"]
        for key, seq in values.items():
            seq = seq if isinstance(seq, list | tuple | np.ndarray) else (seq,)
            for i in reversed(range(len(seq))):
                text = re.sub(rf"\b{re.escape(key)}{i}\b", str(seq[i]), text)
        missing = sorted(
            {m.group(0) for m in _TOKEN.finditer(text) if m.group(1) in _template_keys(template)}
        )
        if missing:
            raise TaskCodeError(
                f"fill_template('{template}'): tokens {', '.join(missing)} were not filled; pass "
                f"replace with keys {', '.join(sorted(_template_keys(template)))} (tuples of values)."
            )
        fd, name = tempfile.mkstemp(prefix="filled-", suffix=".urdf", dir=_FILLED.name)
        with open(fd, "w") as f:
            f.write(text)
        return name

    def add_corner_anchor_for_pose(self, env: Any, pose: utils.Pose) -> int:
        """A small fixed L-shaped marker at ``pose``: a visual anchor for build tasks."""
        urdf = self.fill_template(
            "corner/corner-template.urdf", {"DIMX": (0.04, 0.02), "DIMY": (0.04, 0.02)}
        )
        return int(env.add_object(urdf, pose, "fixed"))

    # -- piles, ropes and kits (thin wrappers: the work is in simenv.piles / deformables / kitting)

    def make_piles(self, env: Any, block_color: Any = None, **kwargs: Any) -> list[int]:
        """Spawn ``num_blocks`` 1 cm blocks in a pile at a free spot; returns their ids."""
        from simenv import piles

        return piles.make_piles(self, env, block_color, **kwargs)

    def make_ropes(
        self,
        env: Any,
        corners: Sequence[Any],
        radius: float = 0.005,
        n_parts: int = 20,
        color_name: Any = "red",
    ) -> tuple[list[tuple[int, tuple[float, None]]], list[utils.Pose], np.ndarray]:
        """A rope of ``n_parts`` linked beads whose straight layout joins the two corners.

        Returns ``(objects, targets, matches)`` ready for ``add_goal`` (either end may go to
        either corner). The rope starts as a random curve elsewhere on the table.
        """
        from simenv import deformables

        return deformables.make_ropes(env, corners, radius, n_parts, color_name)

    def make_rope(
        self, *args: Any, **kwargs: Any
    ) -> tuple[list[tuple[int, tuple[float, None]]], list[utils.Pose], np.ndarray]:
        """Same as ``make_ropes`` (both names occur in benchmark task code)."""
        return self.make_ropes(*args, **kwargs)

    def get_kitting_shapes(self, n_objects: int) -> np.ndarray:
        """``n_objects`` kitting shape ids: train shapes (0-13) in train mode, else test (14-19)."""
        from simenv import kitting

        return kitting.get_kitting_shapes(self.mode, n_objects, self.homogeneous)

    def make_kitting_objects(
        self,
        env: Any,
        targets: Sequence[Any],
        obj_shapes: Sequence[int] | np.ndarray,
        n_objects: int,
        colors: Sequence[Any],
    ) -> tuple[list[tuple[int, tuple[float, None]]], np.ndarray]:
        """One kitting object per shape at free spots; returns (objects with symmetries, matches)."""
        from simenv import kitting

        return kitting.make_kitting_objects(self, env, targets, obj_shapes, n_objects, colors)

    def get_target_sample_surface_points(
        self, model: str, scale: Sequence[float], pose: utils.Pose, num_points: int = 50
    ) -> list[utils.Pose]:
        """Poses of ``num_points`` points filling mesh ``model`` (scaled) placed at ``pose``."""
        from simenv import kitting

        return kitting.target_sample_surface_points(model, scale, pose, num_points)

    # -- expert -----------------------------------------------------------------------------

    def oracle(self, env: Any) -> OracleAgent:
        return OracleAgent(self, env)


def _zone_slots(targ_poses: Any, obj_ids: list[int]) -> list[utils.Pose]:
    """Target poses of a zone goal, kept when there is one per object, else none.

    The zone metric does not read them, but the expert does: packing and palletizing tasks give
    each object its slot inside the zone (as Ravens does), and the expert puts it there.
    """
    try:
        poses = [_as_pose(t) for t in targ_poses] if targ_poses is not None else []
    except (TypeError, ValueError, IndexError):
        return []
    return poses if len(poses) == len(obj_ids) else []


def _template_keys(template: str) -> set[str]:
    text = resolve_asset(template).read_text()
    return {m.group(1) for m in _TOKEN.finditer(text)}


class OracleAgent:
    """The scripted expert: solves the current goal one object at a time.

    It needs no camera images: it picks at the point of the object nearest its centre that a
    ray from above hits, and places the object so that it lands on the nearest free target.
    """

    def __init__(self, task: Task, env: Any) -> None:
        self.task = task
        self.env = env
        # Rope expert memory: beads that did not move when last moved, and the last move.
        self._rope_skip: set[int] = set()
        self._rope_last: tuple[int, np.ndarray] | None = None

    def act(self, obs: Any = None, info: Any = None) -> dict[str, Any] | None:
        task = self.task
        if not task.goals:
            return None
        goal = task.goals[0]
        if goal.metric != "pose":
            return self.act_zone(goal)
        return self.act_pose(goal)

    def act_zone(self, goal: Goal) -> dict[str, Any] | None:
        """Zone goals: carry each object whose centre is outside the zones to a zone's centre.

        With a spatula (piles) the expert pushes instead; when the goal gives each object a
        slot in the zone (packing, palletizing), it puts objects in their slots, in goal order.
        """
        if self.task.primitive is primitives.push:
            from simenv import piles

            return piles.push_action(self.task, goal)
        if goal.targ_poses:
            return self.act_slots(goal)
        for obj_id in goal.objs:
            pose = p.getBasePositionAndOrientation(obj_id)
            if not in_zones(np.reshape(pose[0], (3, 1)), goal.params)[0]:
                zone_pose = goal.params[0][0]
                return self._pick_place(obj_id, (zone_pose[0], pose[1]), rotations=False)
        return None

    def act_rope(self, goal: Goal) -> dict[str, Any] | None:
        """Rope goals: lay both ends on their targets, then fix the bead farthest off."""
        from simenv import deformables

        positions = np.array([p.getBasePositionAndOrientation(i)[0] for i in goal.objs])
        targets = np.array([t[0] for t in goal.targ_poses], dtype=np.float64)
        # A bead that did not move when last moved (wedged on another bead) is passed over.
        skip, last = self._rope_skip, self._rope_last
        if last is not None and np.linalg.norm(positions[last[0], :2] - last[1][:2]) < 0.003:
            skip.add(last[0])
        step = deformables.rope_step(
            positions, targets, goal.matches, self.task.pos_eps, frozenset(skip)
        )
        if step is None:
            return None
        bead, target = step
        self._rope_last = (bead, positions[bead])
        return self._pick_place(goal.objs[bead], goal.targ_poses[target], rotations=False)

    def act_slots(self, goal: Goal) -> dict[str, Any] | None:
        """Put the first object (in goal order) that is not wholly inside a zone into its slot.

        Goal order matters (bottom layer before the next). An object may take any allowed slot
        that no wholly-placed object sits in; it takes the nearest such slot.
        """
        inside = [self._points_in_zones(goal, obj_id) for obj_id in goal.objs]
        taken: set[int] = set()
        for i, obj_id in enumerate(goal.objs):
            if inside[i]:
                pos = np.asarray(p.getBasePositionAndOrientation(obj_id)[0])
                held = self._free_slots(goal, i, taken)
                if held:
                    taken.add(self._nearest_slot(goal, held, pos))
        for i, obj_id in enumerate(goal.objs):
            if inside[i]:
                continue
            free = self._free_slots(goal, i, taken)
            if not free:
                continue
            pos = np.asarray(p.getBasePositionAndOrientation(obj_id)[0])
            slot = self._nearest_slot(goal, free, pos)
            return self._pick_place(obj_id, goal.targ_poses[slot], goal.rotations)
        return None

    @staticmethod
    def _free_slots(goal: Goal, i: int, taken: set[int]) -> list[int]:
        return [int(k) for k in np.flatnonzero(goal.matches[i]) if int(k) not in taken]

    @staticmethod
    def _nearest_slot(goal: Goal, slots: list[int], pos: np.ndarray) -> int:
        return min(
            slots, key=lambda k: float(np.linalg.norm(np.subtract(goal.targ_poses[k][0], pos)))
        )

    @staticmethod
    def _points_in_zones(goal: Goal, obj_id: int) -> bool:
        """Whether every sample point of the object lies inside one of the goal's zones."""
        world = utils.apply(p.getBasePositionAndOrientation(obj_id), goal.points[obj_id])
        return bool(in_zones(world, goal.params).all())

    def act_pose(self, goal: Goal) -> dict[str, Any] | None:
        task = self.task
        from simenv import deformables

        if deformables.is_rope(self.env, goal.objs):
            return self.act_rope(goal)
        placed = task._placed(goal)
        match = task._match_matrix(goal)
        taken: set[int] = set()
        if not goal.replace:
            rows, cols = linear_sum_assignment(-match.astype(np.float64))
            taken = {int(j) for i, j in zip(rows, cols, strict=True) if match[i, j]}
        best: tuple[float, int, int] | None = None
        for i, obj_id in enumerate(goal.objs):
            if i in placed:
                continue
            pos = np.asarray(p.getBasePositionAndOrientation(obj_id)[0])
            for j in np.flatnonzero(goal.matches[i]):
                if j in taken:
                    continue
                dist = float(np.linalg.norm(np.asarray(goal.targ_poses[j][0]) - pos))
                # Farthest object first, each to its nearest free target.
                if (
                    best is None
                    or (i != best[1] and dist > best[0])
                    or (i == best[1] and dist < best[0])
                ):
                    best = (dist, i, int(j))
        if best is None:
            return None
        _, obj_index, target_index = best
        return self._pick_place(goal.objs[obj_index], goal.targ_poses[target_index], goal.rotations)

    def pick_point(self, obj_id: int) -> np.ndarray | None:
        """A point on the object's top surface where the suction cup fits, by ray casts.

        Rays on a grid over the object's footprint find its top surface; the point deepest
        inside that surface (farthest from its edges) wins, nearest the centre on ties, so the
        cup lands on a ring's band rather than at its hole, and on an L block's corner.
        """
        lo, hi = p.getAABB(obj_id)
        center = np.asarray(p.getBasePositionAndOrientation(obj_id)[0])
        n = PICK_GRID
        gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n))
        starts = np.stack([gx.ravel(), gy.ravel(), np.full(n * n, hi[2] + 0.005)], axis=1)
        ends = starts.copy()
        ends[:, 2] = lo[2] - 0.005
        hits = p.rayTestBatch(starts.tolist(), ends.tolist())
        heights = np.array([h[3][2] if h[0] == obj_id else -np.inf for h in hits]).reshape(n, n)
        if not np.isfinite(heights).any():
            return None
        top = heights >= np.max(heights) - 0.005
        depth = distance_transform_edt(np.pad(top, 1))[1:-1, 1:-1]
        off_center = np.hypot(gx - center[0], gy - center[1])
        score = depth - off_center / (np.max(off_center) + 1e-9)  # depth first, then centre
        r, c = np.unravel_index(int(np.argmax(np.where(top, score, -np.inf))), top.shape)
        return np.array([gx[r, c], gy[r, c], heights[r, c]])

    def _pick_place(
        self, obj_id: int, target: utils.Pose, rotations: bool
    ) -> dict[str, Any] | None:
        point = self.pick_point(obj_id)
        if point is None:
            return None
        pick_pose = (tuple(point), IDENTITY)
        obj_pos, obj_rot = p.getBasePositionAndOrientation(obj_id)
        if not self.task.sixdof:
            obj_rot = utils.eulerXYZ_to_quatXYZW((0.0, 0.0, utils.get_yaw(obj_rot)))
        goal_rot = target[1] if rotations else obj_rot
        if rotations and not self.task.sixdof:
            goal_rot = utils.eulerXYZ_to_quatXYZW((0.0, 0.0, utils.get_yaw(target[1])))
        obj_to_pick = utils.multiply(utils.invert((obj_pos, obj_rot)), pick_pose)
        place_pose = utils.multiply((target[0], goal_rot), obj_to_pick)
        return {"pose0": pick_pose, "pose1": (tuple(place_pose[0]), tuple(place_pose[1]))}
