"""Packing shapes: put the named flat shape into the brown box, among other shapes."""

from __future__ import annotations

import numpy as np

from simenv import kitting, utils
from simenv.task import Task
from simenv.tasks._packing import add_container

SHAPE_SIZE = (0.06, 0.06, 0.02)


class PackingShapes(Task):
    """Pack the named flat shape into the brown box and leave the four other shapes outside; shapes come from the 14 training shapes in train mode and the 6 held-out ones otherwise."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 1
        self.lang_template = "pack the {shape} in the brown box"
        self.task_completed_desc = "done packing shapes."
        self.additional_reset()

    def reset(self, env) -> None:  # type: ignore[no-untyped-def]
        super().reset(env)
        n_objects = 5
        pool = kitting.train_shape_ids() if self.mode == "train" else kitting.test_shape_ids()
        shapes = np.random.choice(pool, n_objects, replace=False)
        side = self.get_random_size(0.11, 0.15, 0.11, 0.15, 0.05, 0.05)
        container_size = (side[0], side[1], 0.05)
        container_pose = add_container(self, env, container_size)

        names = utils.get_colors_names(self.mode)
        scale = utils.map_kit_scale(SHAPE_SIZE)
        objects = []
        for shape in shapes:
            pose = self.get_random_pose(env, SHAPE_SIZE)
            if pose[0] is None:
                raise RuntimeError("No free space on the table for another shape.")
            color = names[np.random.randint(len(names))]
            replace = {"FNAME": (kitting.shape_path(int(shape)),), "SCALE": scale, "COLOR": color}
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
