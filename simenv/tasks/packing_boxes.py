"""Packing boxes: fill a container with boxes cut to tile it."""

from __future__ import annotations

import numpy as np

from simenv import utils
from simenv.environment import Environment
from simenv.task import Task

#: Container walls are 4 mm thick, centred on the nominal faces.
WALL = 0.004
#: Gap left around each box inside its slot (so that a box placed a few mm off still drops in).
MARGIN = 0.01


class PackingBoxes(Task):
    """Pack all the boxes into the brown container: the boxes are cut from the container's floor, so they fill it only when each one lies in its own spot."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 10
        self.lang_template = "pack all the boxes inside the brown box"
        self.task_completed_desc = "done packing boxes."
        self.additional_reset()

    def reset(self, env: Environment) -> None:
        super().reset(env)
        size = self.get_random_size(0.15, 0.25, 0.15, 0.25, 0.05, 0.05)
        n_boxes = np.random.randint(3, 7)
        colors = [utils.COLORS[c] for c in utils.get_colors_names(self.mode)]
        np.random.shuffle(colors)

        # The open container.
        container_pose = self.get_random_pose(env, size)
        half = tuple(s / 2 for s in size)
        container = self.fill_template(
            "container/container-template.urdf", {"DIM": size, "HALF": half}
        )
        env.add_object(container, container_pose, "fixed", color="brown")

        # Boxes cut from the container's floor, so that they tile it; each has its own slot.
        floor = -size[2] / 2 + WALL / 2
        boxes, slots, symmetries = [], [], []
        for i, part in enumerate(utils.split_rectangle((size[0] - WALL, size[1] - WALL), n_boxes)):
            height = float(0.03 + np.random.rand() * 0.015)
            box_size = (part.size[0] - MARGIN, part.size[1] - MARGIN, height)
            center = (part.center[0], part.center[1], floor + height / 2)
            slots.append((tuple(utils.apply(container_pose, center)), tuple(container_pose[1])))
            pose = self.get_random_pose(env, box_size)
            box = self.fill_template("box/box-template.urdf", {"DIM": box_size})
            boxes.append(env.add_object(box, pose, color=colors[i % len(colors)]))
            # A square top maps onto itself every quarter turn, any other every half turn.
            symmetries.append(np.pi / 2 if abs(box_size[0] - box_size[1]) < 1e-3 else np.pi)

        self.max_steps = len(boxes) + 3
        self.add_goal(
            objs=boxes,
            matches=np.eye(len(boxes)),
            targ_poses=slots,
            replace=False,
            rotations=True,
            metric="zone",
            params=[(container_pose, size)],
            step_max_reward=1.0,
            symmetries=symmetries,
            language_goal=self.lang_template,
        )
