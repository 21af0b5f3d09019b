"""Shared layout of the kit assembly tasks (assembling-kits and its -seq variant).

The kit is a flat board with five shape outlines on it (visual-only, 2 mm flat copies of the
shapes); each loose shape must be put on the outline of the same shape, turned to match it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from simenv import kitting, utils

KIT_URDF = "kitting/kit.urdf"
KIT_SIZE = (0.28, 0.2, 0.005)
#: Outline centres in the kit's frame: three along the back row, two in front.
SLOTS = ((-0.09, 0.045), (0.0, 0.045), (0.09, 0.045), (-0.045, -0.045), (0.045, -0.045))
#: Outlines lie on the board (its top is 2.5 mm above its centre).
OUTLINE_Z = KIT_SIZE[2] / 2 + 0.001
#: A shape resting on the board has its centre half its 2 cm thickness above the board.
SHAPE_Z = KIT_SIZE[2] / 2 + kitting.OBJECT_SIZE[2] / 2
#: How the -seq variant names the outline slots.
SLOT_NAMES = ("back left", "back middle", "back right", "front left", "front right")


@dataclass
class Kit:
    """A kit on the table: its pose, the shape of each outline and where a shape must rest."""

    pose: utils.Pose
    shapes: np.ndarray
    targets: list[utils.Pose]


def add_kit(task: Any, env: Any, n_objects: int = len(SLOTS)) -> Kit:
    """The kit board at a random free pose and one outline per slot (random shape and yaw)."""
    kit_pose = task.get_random_pose(env, KIT_SIZE)
    if kit_pose[0] is None:
        raise RuntimeError("No free space on the table for the kit.")
    env.add_object(KIT_URDF, kit_pose, "fixed")
    shapes = task.get_kitting_shapes(n_objects)
    targets = []
    for i in range(n_objects):
        x, y = SLOTS[i]
        yaw = float(np.random.rand() * 2 * np.pi)
        rot = utils.multiply(kit_pose, ((0, 0, 0), utils.eulerXYZ_to_quatXYZW((0.0, 0.0, yaw))))[1]
        outline = (tuple(utils.apply(kit_pose, (x, y, OUTLINE_Z))), tuple(rot))
        replace = {
            "FNAME": (kitting.shape_path(int(shapes[i])),),
            "SCALE": kitting.TARGET_SCALE,
            "COLOR": (0.2, 0.2, 0.2),
        }
        urdf = task.fill_template(kitting.TARGET_TEMPLATE, replace)
        env.add_object(urdf, outline, "fixed")
        targets.append((tuple(utils.apply(kit_pose, (x, y, SHAPE_Z))), tuple(rot)))
    return Kit(kit_pose, np.asarray(shapes), targets)
