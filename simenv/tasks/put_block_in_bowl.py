"""Put block in bowl: blocks of one colour go into bowls of another colour."""

from __future__ import annotations

from simenv import utils
from simenv.task import Task
from simenv.tasks._bowls import add_blocks_and_bowls, add_distractors


class PutBlockInBowl(Task):
    """Pick up the blocks of the named colour and place them in the bowls of the other named colour, ignoring distractor blocks and bowls."""

    def __init__(self) -> None:
        super().__init__()
        self.max_steps = 10
        self.lang_template = "put the {pick} blocks in a {place} bowl"
        self.task_completed_desc = "done placing blocks in bowls."
        self.additional_reset()

    def reset(self, env) -> None:  # type: ignore[no-untyped-def]
        super().reset(env)
        _, names = utils.get_colors(self.mode, n_colors=2)
        block_color, bowl_color = names
        language = self.lang_template.format(pick=block_color, place=bowl_color)
        add_blocks_and_bowls(self, env, block_color, bowl_color, language)
        others = [c for c in utils.get_colors_names(self.mode) if c not in names]
        add_distractors(self, env, others)
