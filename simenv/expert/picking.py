"""Where the suction cup takes an object, and where the tool must go to put it on a target.

The expert needs no camera images: it finds an object's top surface by ray casts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pybullet as p
import scipy

from simenv import utils
from simenv.constants import BOUNDS
from simenv.goals import IDENTITY

#: Rays per side of the grid the expert casts over an object to find where to pick it.
PICK_GRID = 15


def pick_point(obj_id: int) -> np.ndarray | None:
    """A point on the object's top surface where the suction cup fits, by ray casts.

    Rays on a grid over the object's footprint find its top surface; the point deepest inside
    that surface (farthest from its edges) wins, nearest the centre on ties, so the cup lands
    on a ring's band rather than at its hole, and on an L block's corner. Only what the
    cameras see counts, as for CLIPort's oracle, which picks from the top-down image: points
    covered by another object or outside the workspace's x-y bounds. None when nothing is seen.
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
    outside = (gx < BOUNDS[0, 0]) | (gx > BOUNDS[0, 1]) | (gy < BOUNDS[1, 0]) | (gy > BOUNDS[1, 1])
    heights[outside] = -np.inf
    if not np.isfinite(heights).any():
        return None
    top = heights >= np.max(heights) - 0.005
    depth = scipy.ndimage.distance_transform_edt(np.pad(top, 1))[1:-1, 1:-1]
    off_center = np.hypot(gx - center[0], gy - center[1])
    score = depth - off_center / (np.max(off_center) + 1e-9)  # depth first, then centre
    r, c = np.unravel_index(int(np.argmax(np.where(top, score, -np.inf))), top.shape)
    return np.array([gx[r, c], gy[r, c], heights[r, c]])


def pick_place(
    obj_id: int, target: utils.Pose, rotations: bool, sixdof: bool = False
) -> dict[str, Any] | None:
    """The action ``{'pose0', 'pose1'}`` that carries ``obj_id`` onto ``target``.

    The place pose keeps the grasp: the object lands with its base at the target, turned to the
    target's yaw when ``rotations`` (only yaw unless ``sixdof``), else keeping its own yaw.
    """
    point = pick_point(obj_id)
    if point is None:
        return None
    pick_pose = (tuple(point), IDENTITY)
    obj_pos, obj_rot = p.getBasePositionAndOrientation(obj_id)
    if not sixdof:
        obj_rot = utils.eulerXYZ_to_quatXYZW((0.0, 0.0, utils.get_yaw(obj_rot)))
    goal_rot = target[1] if rotations else obj_rot
    if rotations and not sixdof:
        goal_rot = utils.eulerXYZ_to_quatXYZW((0.0, 0.0, utils.get_yaw(target[1])))
    obj_to_pick = utils.multiply(utils.invert((obj_pos, obj_rot)), pick_pose)
    place_pose = utils.multiply((target[0], goal_rot), obj_to_pick)
    return {"pose0": pick_pose, "pose1": (tuple(place_pose[0]), tuple(place_pose[1]))}
