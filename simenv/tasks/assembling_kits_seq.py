"""Assembling kits seq: put the shapes on the kit's outlines one at a time, in the order asked."""

from __future__ import annotations

import numpy as np

from simenv import utils
from simenv.task import Task
from simenv.tasks._kits import SLOT_NAMES, add_kit

#: Asset paths this task loads (through ``add_kit`` and ``make_kitting_objects``).
ASSETS = (
    "kitting/kit.urdf",
    "kitting/object-template.urdf",
    "kitting/object-template-nocollision.urdf",
)


class AssemblingKitsSeq(Task):
    """Put the five coloured shapes on the kit board one by one, in the order the instructions name them, each on the outline in the named slot, turned to fit it."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 7
        self.lang_template = "put the {color} {shape} in the {slot} {shape} hole"
        self.task_completed_desc = "done assembling kit."
        self.additional_reset()

    def reset(self, env) -> None:  # type: ignore[no-untyped-def]
        super().reset(env)
        n_objects = 5
        kit = add_kit(self, env, n_objects)
        color_names = list(
            np.random.choice(utils.get_colors_names(self.mode), n_objects, replace=False)
        )
        colors = [utils.COLORS[c] for c in color_names]
        objects, _ = self.make_kitting_objects(env, kit.targets, kit.shapes, n_objects, colors)
        for i in np.random.permutation(n_objects):
            shape = utils.assembling_kit_shapes[int(kit.shapes[i])]
            self.add_goal(
                objs=[objects[i]],
                matches=np.ones((1, 1)),
                targ_poses=[kit.targets[i]],
                replace=False,
                rotations=True,
                metric="pose",
                params=None,
                step_max_reward=1.0 / n_objects,
                language_goal=self.lang_template.format(
                    color=color_names[i], shape=shape, slot=SLOT_NAMES[i]
                ),
            )
