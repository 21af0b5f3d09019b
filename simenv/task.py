"""The task base class: the contract generated task programs are written against.

It follows the Ravens / CLIPort / GenSim ``Task`` (same attribute and method names, same
meanings), so that their task files run here unchanged. What is ours: goals are scored by a
maximum matching of objects to targets, the expert needs no camera images (it finds pick
points by ray casts), and free space for ``get_random_pose`` comes from object footprints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pybullet as p
import scipy

from simenv import deformables, dialect, kitting, piles, primitives, utils
from simenv.assets import ASSET_ROOT
from simenv.constants import (
    BOUNDS,
    DEFAULT_MAX_STEPS,
    PIX_SIZE,
    POS_EPS,
    ROT_EPS,
    SUCCESS_THRESHOLD,
)
from simenv.errors import TaskCodeError
from simenv.expert import OracleAgent
from simenv.goals import Goal, as_pose, fit_matches, zone_slots
from simenv.grippers import Spatula, Suction
from simenv.templates import (
    default_fill,
    fill_text,
    resolve_template,
    write_filled,
)

#: How close to its share a goal's progress counts as complete (Ravens' rule): the reward then
#: moves on to the next goal.
GOAL_COMPLETE_SLACK = 0.01
#: Height given to an object whose size has only two entries (x, y), as GenSim's simulator does.
DEFAULT_HEIGHT = 0.05


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
        #: The asset root, so that os.path.join(self.assets_root, 'block/block.urdf') names a file.
        self.assets_root: str = str(ASSET_ROOT)
        self.homogeneous = False
        #: The size get_random_pose last found no room for (add_object's full-table error names it).
        self.no_space_for: tuple[float, float, float] | None = None

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
        self.goals = []
        self.lang_goals = []
        self.progress = 0.0
        self._rewards = 0.0
        self.no_space_for = None

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
            [as_pose(t) for t in targ_poses]
            if metric == "pose"
            else zone_slots(targ_poses, obj_ids)
        )
        matrix = np.asarray(matches, dtype=np.float64)
        if metric == "pose":
            if matrix.ndim == 0:
                matrix = np.full((len(obj_ids), len(poses)), float(matrix))
            matrix = self._fit_matches(matrix, len(obj_ids), len(poses))
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

    @staticmethod
    def _fit_matches(matrix: np.ndarray, n_objs: int, n_targs: int) -> np.ndarray:
        """A pose goal's ``matches`` as (objects x targets), as CLIPort indexes it (``fit_matches``).

        A shape that CLIPort reads without failing is fitted, with a dialect warning saying how;
        one it would fail on (an object without a row, a target that does not exist) is an error.
        """
        example = f"np.ones(({n_objs}, {n_targs}))"
        if matrix.ndim != 2:
            raise TaskCodeError(
                f"add_goal: matches has shape {matrix.shape}; it must be a 2-D array of shape "
                f"(objects x targets), here ({n_objs}, {n_targs}), e.g. {example}."
            )
        try:
            fitted, note = fit_matches(matrix, n_objs, n_targs)
        except ValueError as exc:
            raise TaskCodeError(
                f"add_goal: {exc}. Pass matches of shape (objects x targets), e.g. {example}."
            ) from exc
        if note is not None:
            dialect.warn(
                f"add_goal: matches has shape {matrix.shape} for {n_objs} object(s) and {n_targs} "
                f"target pose(s); read it as CLIPort does (row i = object i, column j = target "
                f"j): {note}. Pass matches of shape (objects x targets), e.g. {example}."
            )
        return fitted

    def get_box_object_points(self, obj_id: int, step: float = 0.02) -> np.ndarray:
        """A grid of points (3 x N, object frame) filling the object's box."""
        shapes = p.getVisualShapeData(obj_id)
        size = np.array(shapes[0][3][:3]) if shapes else np.full(3, 0.01)
        if shapes and shapes[0][2] == p.GEOM_MESH:
            # A mesh's visual "dimensions" are its scale, not its size: measure its extent.
            size = np.array(utils.measure_size(obj_id))
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

    def match_matrix(self, goal: Goal) -> np.ndarray:
        """match[i, j]: object i is allowed at target j and is there now."""
        result = np.zeros_like(goal.matches, dtype=bool)
        for i, obj_id in enumerate(goal.objs):
            pose = p.getBasePositionAndOrientation(obj_id)
            for j in np.flatnonzero(goal.matches[i]):
                result[i, j] = self.is_match(pose, goal.targ_poses[j], goal.symmetries[i])
        return result

    def placed_objects(self, goal: Goal) -> set[int]:
        """Indices of objects that count as placed (one object per target unless ``replace``)."""
        match = self.match_matrix(goal)
        if goal.replace:
            return {int(i) for i in np.flatnonzero(match.any(axis=1))}
        # scipy loads ``optimize`` on first use: the sandbox, which only builds scenes, never does.
        rows, cols = scipy.optimize.linear_sum_assignment(-match.astype(np.float64))
        return {int(i) for i, j in zip(rows, cols, strict=True) if match[i, j]}

    def _zone_fraction(self, goal: Goal) -> float:
        inside, total = 0, 0
        for obj_id in goal.objs:
            pts = goal.points[obj_id]
            world = utils.apply(p.getBasePositionAndOrientation(obj_id), pts)
            total += world.shape[1]
            inside += int(utils.in_zones(world, goal.params).sum())
        return inside / max(total, 1)

    def goal_progress(self, goal: Goal) -> float:
        """The share of ``goal`` satisfied now, in [0, step_max_reward]."""
        if goal.metric == "zone":
            return goal.step_max_reward * self._zone_fraction(goal)
        if not goal.objs:
            return goal.step_max_reward
        return goal.step_max_reward * len(self.placed_objects(goal)) / len(goal.objs)

    def reward(self) -> tuple[float, dict[str, Any]]:
        """The increase in satisfied share since the last call; advances completed goals."""
        if not self.goals:
            return 0.0, {}
        goal = self.goals[0]
        step_reward = self.goal_progress(goal)
        total = self.progress + step_reward
        delta = total - self._rewards
        self._rewards = total
        if abs(goal.step_max_reward - step_reward) < GOAL_COMPLETE_SLACK:
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
        """Heightmap-sized mask (rows along y, columns along x) of the pixels objects cover.

        CLIPort's free space is the heightmap pixels no object is seen in from above, so an
        object covers the pixels under its footprint as it is turned, not its axis-aligned
        box: a thin line at 45 degrees covers a thin diagonal, not a 0.2 m square. Each
        footprint is a rectangle of the object's size at its yaw, grown by half a pixel (a
        pixel counts when the object covers part of it).
        """
        rows = int(round((self.bounds[1, 1] - self.bounds[1, 0]) / self.pix_size))
        cols = int(round((self.bounds[0, 1] - self.bounds[0, 0]) / self.pix_size))
        occupied = np.zeros((rows, cols), dtype=bool)
        for obj_id in env.all_object_ids():
            pos, rot = p.getBasePositionAndOrientation(obj_id)
            size = env.object_sizes.get(obj_id, (0.0, 0.0, 0.0))
            self._cover_footprint(occupied, pos[:2], utils.get_yaw(rot), size[:2])
        return occupied

    def _cover_footprint(
        self, occupied: np.ndarray, center: Sequence[float], yaw: float, size: Sequence[float]
    ) -> None:
        """Mark the pixels a ``size`` rectangle at ``center``, turned by ``yaw``, covers."""
        half = np.asarray(size, dtype=np.float64) / 2 + self.pix_size / 2
        c, s = np.cos(yaw), np.sin(yaw)
        reach = np.abs(np.array([[c, -s], [s, c]])) @ half  # half extent of its bounding box
        lo = np.floor((np.asarray(center) - reach - self.bounds[:2, 0]) / self.pix_size)
        hi = np.ceil((np.asarray(center) + reach - self.bounds[:2, 0]) / self.pix_size)
        c0, r0 = (max(int(v), 0) for v in lo)
        c1, r1 = min(int(hi[0]), occupied.shape[1]), min(int(hi[1]), occupied.shape[0])
        if c0 >= c1 or r0 >= r1:
            return
        # Pixel centres of the window, in the object's frame.
        xs = self.bounds[0, 0] + (np.arange(c0, c1) + 0.5) * self.pix_size - center[0]
        ys = self.bounds[1, 0] + (np.arange(r0, r1) + 0.5) * self.pix_size - center[1]
        dx, dy = np.meshgrid(xs, ys)
        inside = (np.abs(c * dx + s * dy) <= half[0]) & (np.abs(-s * dx + c * dy) <= half[1])
        occupied[r0:r1, c0:c1] |= inside

    def get_random_pose(self, env: Any, obj_size: Sequence[float]) -> tuple[Any, Any]:
        """A random collision-free table pose for an object of size (sx, sy, sz).

        Returns ``([x, y, z], quaternion)`` with z = sz / 2 and a random yaw; the position is a
        list, because task code edits it in place (``pose[0][2] += h``). On a full table it
        returns ``(None, None)``. A two-entry size gets z = 0.05 m (a dialect warning).
        """
        size = [float(v) for v in obj_size]
        if len(size) == 2:
            dialect.warn(
                f"get_random_pose(env, {tuple(obj_size)}): obj_size has two entries; used a height "
                f"of {DEFAULT_HEIGHT} m. Pass three sizes (sx, sy, sz) in metres."
            )
            size.append(DEFAULT_HEIGHT)
        if len(size) != 3 or not all(np.isfinite(size)) or min(size) < 0:
            raise TaskCodeError(
                f"get_random_pose: obj_size must be three non-negative sizes (sx, sy, sz); got {obj_size!r}."
            )
        occupied = self.occupancy(env)
        occupied[0, :] = occupied[-1, :] = occupied[:, 0] = occupied[:, -1] = True
        erode = max(1, int(np.round(np.hypot(size[0], size[1]) / self.pix_size)))
        blocked = utils.dilate(occupied, erode)
        free = ~blocked
        if not free.any():
            self.no_space_for = (size[0], size[1], size[2])
            return None, None
        pix = utils.sample_distribution(free.astype(np.float32))
        x, y, _ = utils.pix_to_xyz(pix, None, self.bounds, self.pix_size, skip_height=True)
        theta = np.random.rand() * 2 * np.pi
        return [x, y, size[2] / 2], utils.eulerXYZ_to_quatXYZW((0.0, 0.0, theta))

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
        """Fill ``KEY<i>`` tokens of a URDF template; writes a temporary URDF, returns its path.

        ``replace`` maps a key to a tuple (``{'DIM': (0.04, 0.04, 0.04)}``); ``COLOR`` may be a
        name or rgb. Dialect leniencies (warnings): size tokens left unfilled get random
        default sizes, and a ``*-template.urdf`` that does not exist falls back to the same path
        without ``-template``. Other tokens left unfilled (``FNAME``, ``SCALE``) are an error.
        """
        text = resolve_template(template, "fill_template").read_text()
        values = dict(replace)
        if "COLOR" in values:
            values["COLOR"] = utils.color_rgba(values["COLOR"])[:3]
        elif "COLOR0" in text:
            values["COLOR"] = utils.COLORS["gray"]
        text = default_fill(fill_text(text, values), "fill_template", template)
        return str(write_filled(text, template))

    def add_corner_anchor_for_pose(self, env: Any, pose: utils.Pose) -> int:
        """A small fixed L-shaped marker at ``pose``: a visual anchor for build tasks."""
        urdf = self.fill_template(
            "corner/corner-template.urdf", {"DIMX": (0.04, 0.02), "DIMY": (0.04, 0.02)}
        )
        return int(env.add_object(urdf, pose, "fixed"))

    # -- piles, ropes and kits (thin wrappers: the work is in simenv.piles / deformables / kitting)

    def make_piles(self, env: Any, block_color: Any = None, **kwargs: Any) -> list[int]:
        """Spawn ``num_blocks`` 1 cm blocks in a pile at a free spot; returns their ids."""
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
        return deformables.make_ropes(env, corners, radius, n_parts, color_name)

    def make_rope(
        self, *args: Any, **kwargs: Any
    ) -> tuple[list[tuple[int, tuple[float, None]]], list[utils.Pose], np.ndarray]:
        """Same as ``make_ropes`` (both names occur in benchmark task code)."""
        return self.make_ropes(*args, **kwargs)

    def get_kitting_shapes(self, n_objects: int) -> np.ndarray:
        """``n_objects`` kitting shape ids: train shapes (0-13) in train mode, else test (14-19)."""
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
        return kitting.make_kitting_objects(self, env, targets, obj_shapes, n_objects, colors)

    def get_target_sample_surface_points(
        self, model: str, scale: Sequence[float], pose: utils.Pose, num_points: int = 50
    ) -> list[utils.Pose]:
        """Poses of ``num_points`` points filling mesh ``model`` (scaled) placed at ``pose``."""
        return kitting.target_sample_surface_points(model, scale, pose, num_points)

    # -- expert -----------------------------------------------------------------------------

    def oracle(self, env: Any) -> OracleAgent:
        """The scripted expert for this task in ``env`` (see ``simenv.expert``)."""
        return OracleAgent(self, env)
