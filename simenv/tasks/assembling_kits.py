"""Assembling kits: put each shape on the outline of the same shape on the kit board."""

from __future__ import annotations

import numpy as np

from simenv import utils
from simenv.task import Task
from simenv.tasks._kits import add_kit

#: Asset paths this task loads (through ``add_kit`` and ``make_kitting_objects``).
ASSETS = (
    "kitting/kit.urdf",
    "kitting/object-template.urdf",
    "kitting/object-template-nocollision.urdf",
)


class AssemblingKits(Task):
    """Put each of the five flat shapes on the matching outline of the kit board, turned to fit it; shapes come from the 14 training shapes in train mode and the 6 held-out ones otherwise."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 10
        self.lang_template = "put all the blocks inside the holes they fit in"
        self.task_completed_desc = "done assembling blocks."
        self.additional_reset()

    def reset(self, env) -> None:  # type: ignore[no-untyped-def]
        super().reset(env)
        n_objects = 5
        kit = add_kit(self, env, n_objects)
        names = utils.get_colors_names(self.mode)
        colors = [utils.COLORS[names[np.random.randint(len(names))]] for _ in range(n_objects)]
        objects, matches = self.make_kitting_objects(
            env, kit.targets, kit.shapes, n_objects, colors
        )
        self.add_goal(
            objs=objects,
            matches=matches,
            targ_poses=kit.targets,
            replace=False,
            rotations=True,
            metric="pose",
            params=None,
            step_max_reward=1.0,
            language_goal=self.lang_template,
        )
