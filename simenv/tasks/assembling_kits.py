"""Assembling kits: put each shape on the outline of the same shape on the kit board."""

from __future__ import annotations

import os

import numpy as np

from simenv import utils
from simenv.environment import Environment
from simenv.task import Task

#: Asset paths this task loads besides those written below (through make_kitting_objects).
ASSETS = ("kitting/object-template.urdf",)
#: Outline centres in the kit's frame: three along the back row, two in front.
SLOTS = ((-0.09, 0.045), (0.0, 0.045), (0.09, 0.045), (-0.045, -0.045), (0.045, -0.045))
KIT_SIZE = (0.28, 0.2, 0.005)
#: Outlines lie on the board (its top is 2.5 mm above its centre); a 2 cm shape resting on
#: the board has its centre 1 cm above that.
OUTLINE_Z = KIT_SIZE[2] / 2 + 0.001
SHAPE_Z = KIT_SIZE[2] / 2 + 0.01


class AssemblingKits(Task):
    """Put each of the five flat shapes on the matching outline of the kit board, turned to fit it; shapes come from the 14 training shapes in train mode and the 6 held-out ones otherwise."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 10
        self.lang_template = "put all the blocks inside the holes they fit in"
        self.task_completed_desc = "done assembling blocks."
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

        # The shapes themselves, at free spots, in the split's colours.
        names = utils.get_colors_names(self.mode)
        colors = [utils.COLORS[names[np.random.randint(len(names))]] for _ in range(n_objects)]
        objects, matches = self.make_kitting_objects(env, targets, shapes, n_objects, colors)
        self.add_goal(
            objs=objects,
            matches=matches,
            targ_poses=targets,
            replace=False,
            rotations=True,
            metric="pose",
            params=None,
            step_max_reward=1.0,
            language_goal=self.lang_template,
        )
