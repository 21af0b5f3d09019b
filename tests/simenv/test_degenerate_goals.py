"""Goals that need no motion: the trusted judge scores the goals before the expert acts.

The reward counts a goal as complete within 0.01 of its share (Ravens' rule), so a goal of 101
objects is complete with 100 in place. The attacks below are task files as a model could write
them (they pass the static check): 100 blocks already on their targets and one block elsewhere.
Before the judge scored the goals at reset, the expert's single move of that one block was a
"success" for a task that claims to be about 101 blocks, and a second goal of that kind was
scored without the expert working on it at all. A task met only in part at reset still runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simenv.environment import Environment
from simenv.scene_rebuild import build_world
from simenv.scene_record import SceneRecord
from simenv.settings import ValidationSettings
from simenv.taskcode import build_scenes
from simenv.tasks import get_task
from simenv.validation import goals_met_at_reset, refuse_complete, run_episode
from simenv.validation_report import Stage, StageFailure

HEADER = """\
import numpy as np
from cliport.tasks.task import Task


def in_place(env, n):
    '''n blocks on a grid, each already on its own target.'''
    objs, targets = [], []
    for i in range(n):
        pose = ((0.28 + 0.045 * (i % 10), -0.45 + 0.045 * (i // 10), 0.02), (0, 0, 0, 1))
        objs.append(env.add_object('block/block.urdf', pose))
        targets.append(pose)
    return objs, targets


def goal(task, objs, targets, share):
    task.add_goal(objs=objs, matches=np.eye(len(objs)), targ_poses=targets, replace=False,
                  rotations=False, metric='pose', params=None, step_max_reward=share,
                  language_goal='put the blocks on their marks')


class Attack(Task):
    def __init__(self):
        super().__init__()
        self.max_steps = 4
        self.lang_template = 'put the blocks on their marks'

    def reset(self, env):
        super().reset(env)
"""
AWAY = "((0.6, 0.3, 0.02), (0, 0, 0, 1))"
TARGET = "((0.6, 0.1, 0.02), (0, 0, 0, 1))"

#: (case, body of reset, what the failure says); every block is rigid, so the record checks
#: (which refuse goal objects that cannot move) have nothing to say.
ATTACKS = {
    "complete at reset (100 of 101 in place)": (
        f"""\
        objs, targets = in_place(env, 100)
        objs.append(env.add_object('block/block.urdf', {AWAY}))
        targets.append({TARGET})
        goal(self, objs, targets, 1.0)
""",
        "every goal of the task (1 in all) is already met",
    ),
    "a second goal that needs no motion": (
        f"""\
        mover = env.add_object('block/block.urdf', ((0.35, 0.25, 0.02), (0, 0, 0, 1)))
        goal(self, [mover], [((0.6, 0.2, 0.02), (0, 0, 0, 1))], 0.5)
        objs, targets = in_place(env, 100)
        objs.append(env.add_object('block/block.urdf', {AWAY}))
        targets.append({TARGET})
        goal(self, objs, targets, 0.5)
""",
        "goal(s) 2 of the task (2 in all) are already met",
    ),
    "three blocks on their targets": (
        """\
        objs, targets = in_place(env, 3)
        goal(self, objs, targets, 1.0)
""",
        "every goal of the task (1 in all) is already met",
    ),
}


def _record(tmp_path: Path, reset_body: str) -> SceneRecord:
    """The scene the task builds (the sandbox's half, run here: the file is this test's own)."""
    path = tmp_path / "attack.py"
    path.write_text(HEADER + reset_body)
    (record,) = build_scenes(path, ValidationSettings(episodes=1))
    return record


@pytest.mark.parametrize(("body", "says"), list(ATTACKS.values()), ids=list(ATTACKS))
def test_a_goal_met_before_the_expert_acts_fails_the_episode(
    tmp_path: Path, body: str, says: str
) -> None:
    record = _record(tmp_path, body)
    with Environment() as env, pytest.raises(StageFailure) as failed:
        run_episode(env, record)
    assert failed.value.stage == Stage.EPISODES
    assert says in failed.value.message, failed.value.message
    assert "away from its targets" in failed.value.message


def test_a_task_met_in_part_at_reset_still_runs(tmp_path: Path) -> None:
    """One block of two starts on its target (as one may by chance): a real task."""
    record = _record(
        tmp_path,
        f"""\
        objs, targets = in_place(env, 1)
        objs.append(env.add_object('block/block.urdf', {AWAY}))
        targets.append({TARGET})
        goal(self, objs, targets, 1.0)
""",
    )
    with Environment() as env:
        episode = run_episode(env, record)
    assert episode.success and episode.steps == 1, episode


def test_a_later_goal_met_at_reset_counts_when_an_earlier_goal_moves_its_objects() -> None:
    """The towers of Hanoi's fifth move puts the smallest disk back on its starting peg: that
    goal stands met at reset, but the first move takes the disk away, so it needs motion."""
    (record,) = build_scenes(get_task("towers-of-hanoi").path, ValidationSettings(episodes=1))
    with Environment() as env:
        task = build_world(record, env)
        assert goals_met_at_reset(task) == []
        refuse_complete(task, record.seed)  # no failure
