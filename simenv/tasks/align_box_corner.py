"""Align box corner: a box of random size is aligned with an L-shaped corner marker."""

from __future__ import annotations

import numpy as np

from simenv import utils
from simenv.environment import Environment
from simenv.task import Task


class AlignBoxCorner(Task):
    """Pick up the randomly sized box and align one of its corners with the L-shaped marker on the tabletop, its edges along the marker's arms."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 3
        self.lang_template = "align one corner of the box with the L-shaped marker"
        self.task_completed_desc = "done with alignment."
        self.additional_reset()

    def reset(self, env: Environment) -> None:
        super().reset(env)
        sx, sy, sz = self.get_random_size(0.05, 0.15, 0.05, 0.15, 0.01, 0.06)

        # The marker's corner is its origin; its arms run along its +x and +y axes, so the
        # quadrant it opens into must be free for the box.
        reach = 2 * max(sx, sy) + 0.02
        corner_pos, corner_rot = self.get_random_pose(env, (reach, reach, 0.0))
        marker = self.fill_template(
            "corner/corner-template.urdf",
            {"DIMX": (sx + 0.01, (sx + 0.01) / 2), "DIMY": (sy + 0.01, (sy + 0.01) / 2)},
        )
        corner_pose = ((corner_pos[0], corner_pos[1], 0.0), corner_rot)
        env.add_object(marker, corner_pose, "fixed")

        # The box fits the corner lying along the arms, or turned a quarter turn.
        yaw = utils.get_yaw(corner_rot)
        targets = [
            (utils.apply(corner_pose, (sx / 2, sy / 2, sz / 2)), (0.0, 0.0, yaw)),
            (utils.apply(corner_pose, (sy / 2, sx / 2, sz / 2)), (0.0, 0.0, yaw + np.pi / 2)),
        ]
        targ_poses = [(tuple(pos), utils.eulerXYZ_to_quatXYZW(rpy)) for pos, rpy in targets]

        box_urdf = self.fill_template(
            "box/box-template.urdf", {"DIM": (sx, sy, sz), "COLOR": "orange"}
        )
        box = env.add_object(box_urdf, self.get_random_pose(env, (sx, sy, sz)))
        self.add_goal(
            objs=[box],
            matches=np.ones((1, 2)),
            targ_poses=targ_poses,
            replace=False,
            rotations=True,
            metric="pose",
            params=None,
            step_max_reward=1.0,
            symmetries=[np.pi],
            language_goal=self.lang_template,
        )
