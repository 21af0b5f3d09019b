"""Motion primitives: pick-and-place with suction, and pushing with the spatula.

A primitive is called as ``primitive(movej, movep, ee, pose0, pose1)`` and returns True on a
timeout, the Ravens convention, so task files that set ``self.primitive`` run unchanged.
``movep(pose, speed, stop=None, straight=False)`` moves the tool tip; ``stop`` ends the motion
early when it returns True (contact), which is how descents find the surface.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from simenv import utils
from simenv.constants import ARM_SPEED, DEFAULT_LIFT_HEIGHT

MoveJ = Callable[..., bool]
MoveP = Callable[..., bool]

#: How far below the expected surface a descent may go before it gives up looking for contact.
DESCENT_OVERSHOOT = 0.03
#: Height above the expected surface where a descent slows down to feel for contact.
APPROACH_CLEARANCE = 0.05
#: The fastest a descent feels for contact: a fifth of ``ARM_SPEED``.
FEEL_SPEED = ARM_SPEED / 5
#: Tip height used while pushing.
PUSH_HEIGHT = 0.005
IDENTITY = (0.0, 0.0, 0.0, 1.0)


def _offset_z(pose: utils.Pose, dz: float) -> utils.Pose:
    return utils.multiply(pose, ((0.0, 0.0, dz), IDENTITY))


class PickPlace:
    """Pick at ``pose0`` and place at ``pose1``, approaching both from ``height`` above.

    ``speed`` (radians per physics step) is how fast the arm moves while it holds the object:
    the lift, the carry and the descent to the place surface, as in CLIPort, where a rope is
    carried at 0.001. With nothing held the arm moves at ``ARM_SPEED`` (CLIPort's default),
    and the last part of each descent feels for contact at ``FEEL_SPEED`` or ``speed``,
    whichever is slower, stopping on contact.
    """

    def __init__(self, height: float = DEFAULT_LIFT_HEIGHT, speed: float = ARM_SPEED) -> None:
        self.height = height
        self.speed = speed

    def __call__(
        self, movej: MoveJ, movep: MoveP, ee: Any, pose0: utils.Pose, pose1: utils.Pose
    ) -> bool:
        prepick = _offset_z(pose0, self.height)
        timeout = movep(prepick, ARM_SPEED)
        timeout |= self._descend(movep, ee, pose0, ARM_SPEED)
        if timeout:
            return True
        ee.activate()
        timeout |= movep(prepick, self.speed, straight=True)
        if not ee.check_grasp():
            ee.release()
            return timeout
        preplace = _offset_z(pose1, self.height)
        timeout |= movep(preplace, self.speed)
        timeout |= self._descend(movep, ee, pose1, self.speed)
        ee.release()
        timeout |= movep(preplace, ARM_SPEED, straight=True)
        return timeout

    def _descend(self, movep: MoveP, ee: Any, pose: utils.Pose, speed: float) -> bool:
        """Go down at ``speed`` to just above ``pose``, then slowly until contact (or overshoot)."""
        approach = _offset_z(pose, min(APPROACH_CLEARANCE, self.height))
        timeout = movep(approach, speed, stop=ee.detect_contact, straight=True)
        if ee.detect_contact():
            return timeout
        bottom = _offset_z(pose, -DESCENT_OVERSHOOT)
        feel = min(FEEL_SPEED, speed)
        return timeout | movep(bottom, feel, stop=ee.detect_contact, straight=True)


def push(movej: MoveJ, movep: MoveP, ee: Any, pose0: utils.Pose, pose1: utils.Pose) -> bool:
    """Push along the table from ``pose0`` to ``pose1`` with the blade across the motion."""
    pos0 = np.array([pose0[0][0], pose0[0][1], PUSH_HEIGHT], dtype=np.float64)
    pos1 = np.array([pose1[0][0], pose1[0][1], PUSH_HEIGHT], dtype=np.float64)
    vec = pos1 - pos0
    length = float(np.linalg.norm(vec))
    if length < 1e-6:
        return False
    vec /= length
    pos0 -= vec * 0.02  # start just behind the material
    pos1 -= vec * 0.05  # stop short so the pile is left on the target
    rot = utils.eulerXYZ_to_quatXYZW((0.0, 0.0, float(np.arctan2(vec[1], vec[0]))))
    over0 = ((pos0[0], pos0[1], 0.31), rot)
    over1 = ((pos1[0], pos1[1], 0.31), rot)
    timeout = movep(over0, ARM_SPEED)
    timeout |= movep((tuple(pos0), rot), ARM_SPEED, straight=True)
    timeout |= movep((tuple(pos1), rot), 0.003, straight=True)
    timeout |= movep(over1, ARM_SPEED, straight=True)
    return timeout
