"""Packing shapes: put the named flat shape into the brown box, among other shapes."""

from __future__ import annotations

import os

import numpy as np

from simenv import utils
from simenv.environment import Environment
from simenv.task import Task

SHAPE_SIZE = (0.06, 0.06, 0.02)
#: Kitting shape ids of each split (the task API's kitting set: 0-13 train, 14-19 test).
TRAIN_SHAPES, TEST_SHAPES = list(range(14)), list(range(14, 20))


class PackingShapes(Task):
    """Pack the named flat shape into the brown box and leave the four other shapes outside; shapes come from the 14 training shapes in train mode and the 6 held-out ones otherwise."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 1
        self.lang_template = "pack the {shape} in the brown box"
        self.task_completed_desc = "done packing shapes."
        self.additional_reset()

    def reset(self, env: Environment) -> None:
        super().reset(env)
        n_objects = 5
        pool = TRAIN_SHAPES if self.mode == "train" else TEST_SHAPES
        shapes = np.random.choice(pool, n_objects, replace=False)
        side = self.get_random_size(0.11, 0.15, 0.11, 0.15, 0.05, 0.05)
        container_size = (side[0], side[1], 0.05)
        container_pose = self.get_random_pose(env, container_size)
        half = tuple(s / 2 for s in container_size)
        container = self.fill_template(
            "container/container-template.urdf", {"DIM": container_size, "HALF": half}
        )
        env.add_object(container, container_pose, "fixed", color="brown")

        # Five shapes at free spots; the first is the one to pack.
        names = utils.get_colors_names(self.mode)
        scale = utils.map_kit_scale(SHAPE_SIZE)
        objects = []
        for shape in shapes:
            pose = self.get_random_pose(env, SHAPE_SIZE)
            color = names[np.random.randint(len(names))]
            mesh = os.path.join(self.assets_root, "kitting", f"{shape:02d}.obj")
            replace = {"FNAME": (mesh,), "SCALE": scale, "COLOR": color}
            urdf = self.fill_template("kitting/object-template.urdf", replace)
            objects.append(env.add_object(urdf, pose))

        # The box's floor is 2 mm thick; a shape resting on it has its centre 1 cm above that.
        rest = (0.0, 0.0, -container_size[2] / 2 + 0.002 + SHAPE_SIZE[2] / 2)
        slot = (tuple(utils.apply(container_pose, rest)), tuple(container_pose[1]))
        target = utils.assembling_kit_shapes[int(shapes[0])]
        self.add_goal(
            objs=[objects[0]],
            matches=np.ones((1, 1)),
            targ_poses=[slot],
            replace=False,
            rotations=False,
            metric="zone",
            params=[(container_pose, container_size)],
            step_max_reward=1.0,
            language_goal=self.lang_template.format(shape=target),
        )
