"""``OracleAgent``: the expert's dispatch, and its strategies for pose and zone goals."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pybullet as p
import scipy

from simenv import deformables, primitives, utils
from simenv.expert.picking import pick_place
from simenv.expert.push import push_action
from simenv.expert.rope import RopeExpert
from simenv.goals import Goal


class ExpertTask(Protocol):
    """What the expert reads of a task: its goals, tolerances, motion and scoring."""

    goals: list[Goal]
    primitive: Any
    pos_eps: float
    sixdof: bool

    def placed_objects(self, goal: Goal) -> set[int]: ...

    def match_matrix(self, goal: Goal) -> np.ndarray: ...


class OracleAgent:
    """The scripted expert: solves the current goal one object at a time.

    It needs no camera images: it picks at the point of the object nearest its centre that a
    ray from above hits, and places the object so that it lands on the nearest free target.
    """

    def __init__(self, task: ExpertTask, env: Any) -> None:
        self.task = task
        self.env = env
        self.rope = RopeExpert()

    def act(self, obs: Any = None, info: Any = None) -> dict[str, Any] | None:
        """The next action ``{'pose0', 'pose1'}`` for the current goal, or None when none is left."""
        if not self.task.goals:
            return None
        goal = self.task.goals[0]
        if goal.metric != "pose":
            return self.act_zone(goal)
        if deformables.is_rope(self.env, goal.objs):
            return self.rope.act(goal, self.task.pos_eps)
        return self.act_pose(goal)

    def _pick_place(
        self, obj_id: int, target: utils.Pose, rotations: bool
    ) -> dict[str, Any] | None:
        return pick_place(obj_id, target, rotations, self.task.sixdof)

    def act_zone(self, goal: Goal) -> dict[str, Any] | None:
        """Zone goals: carry each object whose centre is outside the zones to a zone's centre.

        With a spatula (piles) the expert pushes instead; when the goal gives each object a
        slot in the zone (packing, palletizing), it puts objects in their slots, in goal order.
        """
        if self.task.primitive is primitives.push:
            return push_action(goal)
        if goal.targ_poses:
            return self.act_slots(goal)
        for obj_id in goal.objs:
            pose = p.getBasePositionAndOrientation(obj_id)
            if not utils.in_zones(np.reshape(pose[0], (3, 1)), goal.params)[0]:
                zone_pose = goal.params[0][0]
                return self._pick_place(obj_id, (zone_pose[0], pose[1]), rotations=False)
        return None

    def act_slots(self, goal: Goal) -> dict[str, Any] | None:
        """Put the first object (in goal order) that is not wholly inside a zone into its slot.

        Goal order matters (bottom layer before the next). An object may take any allowed slot
        that no wholly-placed object sits in; it takes the nearest such slot.
        """
        inside = [_points_in_zones(goal, obj_id) for obj_id in goal.objs]
        taken: set[int] = set()
        for i, obj_id in enumerate(goal.objs):
            if inside[i]:
                pos = np.asarray(p.getBasePositionAndOrientation(obj_id)[0])
                held = _free_slots(goal, i, taken)
                if held:
                    taken.add(_nearest_slot(goal, held, pos))
        for i, obj_id in enumerate(goal.objs):
            if inside[i]:
                continue
            free = _free_slots(goal, i, taken)
            if not free:
                continue
            pos = np.asarray(p.getBasePositionAndOrientation(obj_id)[0])
            slot = _nearest_slot(goal, free, pos)
            return self._pick_place(obj_id, goal.targ_poses[slot], goal.rotations)
        return None

    def act_pose(self, goal: Goal) -> dict[str, Any] | None:
        """Pose goals: the unplaced object whose nearest free target is farthest, to that target.

        This is CLIPort's oracle rule: each object is measured to its nearest free target (3-D
        distance) and the farthest goes first. An object the cameras cannot see (covered, or
        knocked off the workspace) is passed over for the next; when none is seen, the expert
        gives up the episode (None), as CLIPort's skips the demonstration.
        """
        placed = self.task.placed_objects(goal)
        taken: set[int] = set()
        if not goal.replace:
            match = self.task.match_matrix(goal)
            rows, cols = scipy.optimize.linear_sum_assignment(-match.astype(np.float64))
            taken = {int(j) for i, j in zip(rows, cols, strict=True) if match[i, j]}
        candidates: list[tuple[float, int, int]] = []
        for i, obj_id in enumerate(goal.objs):
            if i in placed:
                continue
            free = _free_slots(goal, i, taken)
            if not free:
                continue
            pos = np.asarray(p.getBasePositionAndOrientation(obj_id)[0])
            nearest = _nearest_slot(goal, free, pos)
            dist = float(np.linalg.norm(np.subtract(goal.targ_poses[nearest][0], pos)))
            candidates.append((dist, i, nearest))
        # Farthest first; on an exact tie, the object listed first (CLIPort's argsort leaves
        # the order of ties unspecified).
        for _, obj_index, target_index in sorted(candidates, key=lambda c: (-c[0], c[1])):
            action = self._pick_place(
                goal.objs[obj_index], goal.targ_poses[target_index], goal.rotations
            )
            if action is not None:
                return action
        return None


def _free_slots(goal: Goal, i: int, taken: set[int]) -> list[int]:
    return [int(k) for k in np.flatnonzero(goal.matches[i]) if int(k) not in taken]


def _nearest_slot(goal: Goal, slots: list[int], pos: np.ndarray) -> int:
    return min(slots, key=lambda k: float(np.linalg.norm(np.subtract(goal.targ_poses[k][0], pos))))


def _points_in_zones(goal: Goal, obj_id: int) -> bool:
    """Whether every sample point of the object lies inside one of the goal's zones."""
    world = utils.apply(p.getBasePositionAndOrientation(obj_id), goal.points[obj_id])
    return bool(utils.in_zones(world, goal.params).all())
