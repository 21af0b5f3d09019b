"""Packing boxes pairs: pack the boxes of two named colours; boxes of other colours stay out."""

from __future__ import annotations

import numpy as np

from simenv import utils
from simenv.task import Task
from simenv.tasks._packing import BOX_TEMPLATE, add_packing_goal, tile_container


class PackingBoxesPairs(Task):
    """Pack all the boxes of two named colours into the brown container, which they exactly tile, and leave the distractor boxes of other colours on the table."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 10
        self.lang_template = "pack all the {colors} blocks into the brown box"
        self.task_completed_desc = "done packing blocks."
        self.additional_reset()

    def reset(self, env) -> None:  # type: ignore[no-untyped-def]
        super().reset(env)
        names = [c for c in utils.get_colors_names(self.mode) if c != "brown"]
        picked = list(np.random.choice(names, 4, replace=False))
        pair, distractor_colors = picked[:2], picked[2:]

        size = self.get_random_size(0.15, 0.22, 0.15, 0.22, 0.05, 0.05)
        n_boxes = np.random.randint(2, 6)
        # Both colours of the pair appear: alternate them, starting with a random one.
        colors = [pair[i % 2] for i in range(n_boxes)]
        layout = tile_container(self, env, size, n_boxes, colors)
        self.max_steps = len(layout.boxes) + 3

        # Distractors: boxes like the packed ones, in colours that must stay out.
        for i in range(np.random.randint(1, 4)):
            dims = layout.box_sizes[np.random.randint(len(layout.box_sizes))]
            pose = self.get_random_pose(env, dims)
            if pose[0] is None:
                break
            urdf = self.fill_template(BOX_TEMPLATE, {"DIM": dims})
            env.add_object(urdf, pose, color=distractor_colors[i % 2])

        described = " and ".join(sorted(set(colors[: len(layout.boxes)])))
        add_packing_goal(self, layout, self.lang_template.format(colors=described))
