"""Towers of Hanoi, step by step: each instruction names one ring and its peg."""

from __future__ import annotations

from simenv import utils
from simenv.task import Task
from simenv.tasks._hanoi import N_DISKS, PEG_NAMES, add_move_goals, set_up


class TowersOfHanoiSeq(Task):
    """Solve the towers of Hanoi with three coloured rings by following one instruction per move that names the ring's colour and the peg to put it on."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 14
        self.lang_template = "move the {obj} ring to {loc}"
        self.task_completed_desc = "solved towers of hanoi."
        self.additional_reset()

    def reset(self, env) -> None:  # type: ignore[no-untyped-def]
        super().reset(env)
        _, colors = utils.get_colors(self.mode, n_colors=N_DISKS)
        disks, moves = set_up(self, env, colors)
        language = [
            self.lang_template.format(obj=colors[disk], loc=PEG_NAMES[peg])
            for disk, _, peg in moves
        ]
        add_move_goals(self, disks, moves, language)
