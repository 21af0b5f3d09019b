"""Place red in green: every red block goes into a green bowl."""

from __future__ import annotations

from simenv import utils
from simenv.task import Task
from simenv.tasks._bowls import add_blocks_and_bowls, add_distractors


class PlaceRedInGreen(Task):
    """Pick up the red blocks and place them in the green bowls, among distractor blocks and bowls of other colours."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 10
        self.lang_template = "put the red blocks in a green bowl"
        self.task_completed_desc = "done placing blocks in bowls."
        self.additional_reset()

    def reset(self, env) -> None:  # type: ignore[no-untyped-def]
        super().reset(env)
        add_blocks_and_bowls(self, env, "red", "green", self.lang_template)
        add_distractors(self, env, [c for c in utils.COLORS if c not in ("red", "green")])
