"""A task's sub-goals as data: what ``Task.add_goal`` records, and the expert and scoring read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simenv import utils

IDENTITY = (0.0, 0.0, 0.0, 1.0)


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


def as_pose(target: Any) -> utils.Pose:
    """A target as ``(position, quaternion)`` tuples; a bare ``(x, y, z)`` gets identity rotation."""
    if len(target) == 3 and np.ndim(target[0]) == 0:
        return (tuple(float(v) for v in target), IDENTITY)
    return (tuple(float(v) for v in target[0]), tuple(float(v) for v in target[1]))


def zone_slots(targ_poses: Any, obj_ids: list[int]) -> list[utils.Pose]:
    """Target poses of a zone goal, kept when there is one per object, else none.

    The zone metric does not read them, but the expert does: packing and palletizing tasks give
    each object its slot inside the zone (as Ravens does), and the expert puts it there.
    """
    try:
        poses = [as_pose(t) for t in targ_poses] if targ_poses is not None else []
    except (TypeError, ValueError, IndexError):
        return []
    return poses if len(poses) == len(obj_ids) else []


def fit_matches(matches: np.ndarray, n_objs: int, n_targs: int) -> tuple[np.ndarray, str | None]:
    """``matches`` as an (objects x targets) array, read the way CLIPort's reward and expert do.

    CLIPort never checks the shape: for object ``i`` it takes ``np.argwhere(matches[i, :])`` as
    indices into the targets. So rows past the objects are never read, columns past the targets
    are harmless while they hold zeros, and targets past the columns simply take no object. A
    goal shaped differently is therefore fitted (and the returned note says how, for a dialect
    warning). Where CLIPort itself would fail, this raises ``ValueError``: a missing row (an
    object with no row) or a non-zero entry naming a target that does not exist.
    """
    rows, cols = matches.shape
    if (rows, cols) == (n_objs, n_targs):
        return matches, None
    if rows < n_objs:
        raise ValueError(
            f"matches has shape {matches.shape} but there are {n_objs} objects: row i says which "
            f"targets object i may take, and there is no row for {_span('object', rows, n_objs)}"
        )
    beyond = np.argwhere(matches[:n_objs, n_targs:] != 0)
    if beyond.size:
        i, j = (int(v) for v in beyond[0])
        raise ValueError(
            f"matches has shape {matches.shape} but there are {n_targs} target poses: "
            f"matches[{i}, {j + n_targs}] allows object {i} target {j + n_targs}, which does not "
            "exist"
        )
    fitted = np.zeros((n_objs, n_targs), dtype=matches.dtype)
    keep = min(cols, n_targs)
    fitted[:, :keep] = matches[:n_objs, :keep]
    done = [f"used its first {n_objs} row(s) and {keep} column(s)"]
    if rows > n_objs:
        done.append(f"dropped {_span('row', n_objs, rows)} (no such object)")
    if cols > n_targs:
        done.append(f"dropped {_span('column', n_targs, cols)} (all 0; no such target)")
    if cols < n_targs:
        done.append(f"no object may take {_span('target', cols, n_targs)} (no column)")
    return fitted, "; ".join(done)


def _span(noun: str, start: int, stop: int) -> str:
    """``'target 3'`` or ``'targets 2..3'``: the indices ``start`` to ``stop - 1``."""
    return f"{noun} {start}" if stop - start == 1 else f"{noun}s {start}..{stop - 1}"
