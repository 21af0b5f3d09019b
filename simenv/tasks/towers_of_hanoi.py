"""Towers of Hanoi: move the stack of three rings from the first peg to the last."""

from __future__ import annotations

from simenv.task import Task
from simenv.tasks._hanoi import add_move_goals, set_up


class TowersOfHanoi(Task):
    """Solve the towers of Hanoi with three rings: move the stack from the first peg to the last, one ring at a time, never putting a larger ring on a smaller one."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 14
        self.lang_template = "solve towers of hanoi"
        self.task_completed_desc = "solved towers of hanoi."
        self.additional_reset()

    def reset(self, env) -> None:  # type: ignore[no-untyped-def]
        super().reset(env)
        disks, moves = set_up(self, env)
        add_move_goals(self, disks, moves, [self.lang_template] * len(moves))
