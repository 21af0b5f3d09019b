"""Palletizing boxes: stack boxes on a pallet, layer by layer."""

from __future__ import annotations

import numpy as np

from simenv import utils
from simenv.environment import Environment
from simenv.task import Task

#: ``pallet/pallet.urdf``: CLIPort's pallet size.
PALLET_SIZE = (0.30, 0.25, 0.0375)
#: The zone the boxes must end up in: the middle of the pallet, where the 2 x 2 layers stand
#: (at most 0.142 m across) with about a centimetre to spare on each side.
ZONE_SIZE = (0.17, 0.17, 0.0)
#: Gap between neighbouring boxes of a layer.
GAP = 0.006


class PalletizingBoxes(Task):
    """Stack all the boxes on the pallet in layers of two by two: the bottom layer first, then each next layer on top of the one below."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 14
        self.lang_template = "stack all the boxes on the pallet"
        self.task_completed_desc = "done stacking boxes."
        self.additional_reset()

    def reset(self, env: Environment) -> None:
        super().reset(env)
        pallet_pose = self.get_random_pose(env, PALLET_SIZE)
        env.add_object("pallet/pallet.urdf", pallet_pose, "fixed")

        n_layers = np.random.randint(2, 4)
        side = float(0.06 + np.random.rand() * 0.008)
        height = float(0.035 + np.random.rand() * 0.01)
        box_size = (side, side, height)
        offset = (side + GAP) / 2
        urdf = self.fill_template("box/box-template.urdf", {"DIM": box_size})
        colors = utils.get_colors_names(self.mode)

        layers: list[tuple[list[int], list[utils.Pose]]] = []
        for layer in range(n_layers):
            z = PALLET_SIZE[2] / 2 + height * (layer + 0.5)
            slots = [
                (
                    tuple(utils.apply(pallet_pose, (sx * offset, sy * offset, z))),
                    tuple(pallet_pose[1]),
                )
                for sx in (-1, 1)
                for sy in (-1, 1)
            ]
            boxes = []
            for _ in slots:
                pose = self.get_random_pose(env, box_size)
                if pose[0] is None:
                    raise RuntimeError("No free space on the table for another box.")
                color = colors[np.random.randint(len(colors))]
                boxes.append(env.add_object(urdf, pose, color=color))
            layers.append((boxes, slots))

        self.max_steps = 4 * n_layers + 2
        zone = [(pallet_pose, ZONE_SIZE)]
        for boxes, slots in layers:
            self.add_goal(
                objs=boxes,
                matches=np.ones((len(boxes), len(slots))),
                targ_poses=slots,
                replace=False,
                rotations=True,
                metric="zone",
                params=zone,
                step_max_reward=1.0 / n_layers,
                symmetries=[np.pi / 2] * len(boxes),
                language_goal=self.lang_template,
            )
