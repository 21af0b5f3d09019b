"""Assembling kits seq: put the shapes on the kit's outlines one at a time, in the order asked."""

from __future__ import annotations

import os

import numpy as np

from simenv import utils
from simenv.environment import Environment
from simenv.task import Task

#: Asset paths this task loads besides those written below (through make_kitting_objects).
ASSETS = ("kitting/object-template.urdf",)
#: Outline centres in the kit's frame (three along the back row, two in front), and their names.
SLOTS = ((-0.09, 0.045), (0.0, 0.045), (0.09, 0.045), (-0.045, -0.045), (0.045, -0.045))
SLOT_NAMES = ("back left", "back middle", "back right", "front left", "front right")
KIT_SIZE = (0.28, 0.2, 0.005)
#: Outlines lie on the board (its top is 2.5 mm above its centre); a 2 cm shape resting on
#: the board has its centre 1 cm above that.
OUTLINE_Z = KIT_SIZE[2] / 2 + 0.001
SHAPE_Z = KIT_SIZE[2] / 2 + 0.01


class AssemblingKitsSeq(Task):
    """Put the five coloured shapes on the kit board one by one, in the order the instructions name them, each on the outline in the named slot, turned to fit it."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 7
        self.lang_template = "put the {color} {shape} in the {slot} {shape} hole"
        self.task_completed_desc = "done assembling kit."
        self.additional_reset()

    def reset(self, env: Environment) -> None:
        super().reset(env)
        n_objects = 5
        kit_pose = self.get_random_pose(env, KIT_SIZE)
        env.add_object("kitting/kit.urdf", kit_pose, "fixed")

        # One flat, visual-only outline per slot, of a random shape turned to a random yaw.
        shapes = self.get_kitting_shapes(n_objects)
        targets = []
        for i in range(n_objects):
            x, y = SLOTS[i]
            yaw = utils.eulerXYZ_to_quatXYZW((0.0, 0.0, float(np.random.rand() * 2 * np.pi)))
            rot = tuple(utils.multiply(kit_pose, ((0, 0, 0), yaw))[1])
            outline = self.fill_template(
                "kitting/object-template-nocollision.urdf",
                {
                    "FNAME": (os.path.join(self.assets_root, "kitting", f"{shapes[i]:02d}.obj"),),
                    "SCALE": (0.003, 0.003, 0.0001),
                    "COLOR": (0.2, 0.2, 0.2),
                },
            )
            env.add_object(outline, (tuple(utils.apply(kit_pose, (x, y, OUTLINE_Z))), rot), "fixed")
            targets.append((tuple(utils.apply(kit_pose, (x, y, SHAPE_Z))), rot))

        # The shapes in distinct colours; one goal per shape, in a random order.
        color_names = list(
            np.random.choice(utils.get_colors_names(self.mode), n_objects, replace=False)
        )
        colors = [utils.COLORS[c] for c in color_names]
        objects, _ = self.make_kitting_objects(env, targets, shapes, n_objects, colors)
        for i in np.random.permutation(n_objects):
            shape = utils.assembling_kit_shapes[int(shapes[i])]
            self.add_goal(
                objs=[objects[i]],
                matches=np.ones((1, 1)),
                targ_poses=[targets[i]],
                replace=False,
                rotations=True,
                metric="pose",
                params=None,
                step_max_reward=1.0 / n_objects,
                language_goal=self.lang_template.format(
                    color=color_names[i], shape=shape, slot=SLOT_NAMES[i]
                ),
            )
