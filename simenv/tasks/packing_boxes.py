"""Packing boxes: fill a container with boxes cut to tile it."""

from __future__ import annotations

import numpy as np

from simenv import utils
from simenv.task import Task
from simenv.tasks._packing import add_packing_goal, tile_container


class PackingBoxes(Task):
    """Pack all the boxes into the brown container: the boxes are cut from the container's floor, so they fill it only when each one lies in its own spot."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 10
        self.lang_template = "pack all the boxes inside the brown box"
        self.task_completed_desc = "done packing boxes."
        self.additional_reset()

    def reset(self, env) -> None:  # type: ignore[no-untyped-def]
        super().reset(env)
        size = self.get_random_size(0.15, 0.25, 0.15, 0.25, 0.05, 0.05)
        n_boxes = np.random.randint(3, 7)
        colors = [utils.COLORS[c] for c in utils.get_colors_names(self.mode)]
        np.random.shuffle(colors)
        layout = tile_container(self, env, size, n_boxes, colors)
        self.max_steps = len(layout.boxes) + 3
        add_packing_goal(self, layout, self.lang_template)
