"""Packing boxes pairs: pack the boxes of two named colours; boxes of other colours stay out."""

from __future__ import annotations

import numpy as np

from simenv import utils
from simenv.environment import Environment
from simenv.task import Task

#: Container walls are 4 mm thick, centred on the nominal faces.
WALL = 0.004
#: Gap left around each box inside its slot (so that a box placed a few mm off still drops in).
MARGIN = 0.01


class PackingBoxesPairs(Task):
    """Pack all the boxes of two named colours into the brown container, which they exactly tile, and leave the distractor boxes of other colours on the table."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 10
        self.lang_template = "pack all the {colors} blocks into the brown box"
        self.task_completed_desc = "done packing blocks."
        self.additional_reset()

    def reset(self, env: Environment) -> None:
        super().reset(env)
        names = [c for c in utils.get_colors_names(self.mode) if c != "brown"]
        picked = list(np.random.choice(names, 4, replace=False))
        pair, distractor_colors = picked[:2], picked[2:]

        size = self.get_random_size(0.15, 0.22, 0.15, 0.22, 0.05, 0.05)
        n_boxes = np.random.randint(2, 6)
        container_pose = self.get_random_pose(env, size)
        half = tuple(s / 2 for s in size)
        container = self.fill_template(
            "container/container-template.urdf", {"DIM": size, "HALF": half}
        )
        env.add_object(container, container_pose, "fixed", color="brown")

        # Boxes cut from the container's floor, alternating the pair's colours.
        floor = -size[2] / 2 + WALL / 2
        boxes, box_sizes, slots, colors = [], [], [], []
        for i, part in enumerate(utils.split_rectangle((size[0] - WALL, size[1] - WALL), n_boxes)):
            height = float(0.03 + np.random.rand() * 0.015)
            box_size = (part.size[0] - MARGIN, part.size[1] - MARGIN, height)
            center = (part.center[0], part.center[1], floor + height / 2)
            slots.append((tuple(utils.apply(container_pose, center)), tuple(container_pose[1])))
            pose = self.get_random_pose(env, box_size)
            box = self.fill_template("box/box-template.urdf", {"DIM": box_size})
            colors.append(pair[i % 2])
            boxes.append(env.add_object(box, pose, color=colors[-1]))
            box_sizes.append(box_size)
        self.max_steps = len(boxes) + 3

        # Distractors: boxes like the packed ones, in colours that must stay out.
        for i in range(np.random.randint(1, 4)):
            dims = box_sizes[np.random.randint(len(box_sizes))]
            pose = self.get_random_pose(env, dims)
            if pose[0] is None:
                break
            urdf = self.fill_template("box/box-template.urdf", {"DIM": dims})
            env.add_object(urdf, pose, color=distractor_colors[i % 2])

        # A square top maps onto itself every quarter turn, any other every half turn.
        symmetries = [np.pi / 2 if abs(s[0] - s[1]) < 1e-3 else np.pi for s in box_sizes]
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
            language_goal=self.lang_template.format(colors=" and ".join(sorted(set(colors)))),
        )
