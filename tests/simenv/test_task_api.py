from __future__ import annotations

from pathlib import Path

import numpy as np
import pybullet as p
import pytest

from simenv import utils
from simenv.dialect import collect_warnings
from simenv.environment import Environment
from simenv.errors import TaskCodeError
from simenv.grippers import Spatula
from simenv.loader import load_task_class
from simenv.settings import ValidationSettings
from simenv.task import Task
from simenv.taskcode import validate

DATA = Path(__file__).parent / "data"


class _TwoBlocks(Task):
    """Two blocks, two targets."""

    def __init__(self) -> None:
        super().__init__()
        self.lang_template = "put the blocks on the targets"
        self.additional_reset()

    def reset(self, env) -> None:  # type: ignore[no-untyped-def]
        super().reset(env)
        self.blocks = [
            env.add_object("block/block.urdf", ((0.4, -0.2, 0.02), (0, 0, 0, 1))),
            env.add_object("block/block.urdf", ((0.4, 0.2, 0.02), (0, 0, 0, 1))),
        ]
        self.targets = [((0.6, -0.2, 0.02), (0, 0, 0, 1)), ((0.6, 0.2, 0.02), (0, 0, 0, 1))]
        self.add_goal(
            objs=self.blocks,
            matches=np.ones((2, 2)),
            targ_poses=self.targets,
            replace=False,
            rotations=False,
            metric="pose",
            params=None,
            step_max_reward=1.0,
            language_goal="put the blocks on the targets",
        )


@pytest.fixture
def two_blocks(env: Environment) -> tuple[Environment, _TwoBlocks]:
    task = _TwoBlocks()
    env.set_task(task)
    env.reset()
    return env, task


def test_keyword_rules_of_the_language_template() -> None:
    task = Task()
    task.lang_template = "sweep the piles into the zone"
    task.additional_reset()
    assert task.ee is Spatula
    task = Task()
    task.lang_template = "put the block in the bowl"
    task.additional_reset()
    assert task.pos_eps == 0.05


def test_reward_is_dense_and_needs_one_object_per_target(
    two_blocks: tuple[Environment, _TwoBlocks],
) -> None:
    _, task = two_blocks
    assert task.reward()[0] == 0.0
    p.resetBasePositionAndOrientation(task.blocks[0], task.targets[0][0], (0, 0, 0, 1))
    assert task.reward()[0] == pytest.approx(0.5)
    # Both blocks on the same target count once: replace=False means one object per target.
    p.resetBasePositionAndOrientation(task.blocks[1], task.targets[0][0], (0, 0, 0, 1))
    assert task.reward()[0] == pytest.approx(0.0)
    p.resetBasePositionAndOrientation(task.blocks[1], task.targets[1][0], (0, 0, 0, 1))
    assert task.reward()[0] == pytest.approx(0.5)
    assert task.done() and task.get_lang_goal() == task.task_completed_desc


def test_is_match_respects_symmetry() -> None:
    task = Task()
    quarter = utils.eulerXYZ_to_quatXYZW((0, 0, np.pi / 2))
    origin = ((0.5, 0, 0), (0, 0, 0, 1))
    assert task.is_match(((0.5, 0, 0), quarter), origin, np.pi / 2)
    assert not task.is_match(((0.5, 0, 0), quarter), origin, np.pi)
    assert not task.is_match(((0.52, 0, 0), (0, 0, 0, 1)), origin, 0)


def test_expert_solves_the_goal(two_blocks: tuple[Environment, _TwoBlocks]) -> None:
    env, task = two_blocks
    agent = task.oracle(env)
    total = 0.0
    for _ in range(4):
        action = agent.act()
        if action is None:
            break
        _, reward, done, _ = env.step(action)
        total += reward
        if done:
            break
    assert total > 0.99


def test_add_goal_rejects_mismatched_matches(two_blocks: tuple[Environment, _TwoBlocks]) -> None:
    _, task = two_blocks
    with pytest.raises(TaskCodeError, match=r"np.ones\(\(2, 1\)\)"):
        task.add_goal(
            objs=task.blocks,
            matches=np.ones((1, 2)),
            targ_poses=task.targets[:1],
            replace=False,
            rotations=False,
            metric="pose",
            params=None,
            step_max_reward=1.0,
        )


def test_fill_template_fills_tokens_and_reports_missing_ones(env: Environment) -> None:
    """Missing size tokens get defaults with a dialect warning; strict mode refuses them."""
    task = Task()
    path = task.fill_template("box/box-template.urdf", {"DIM": (0.1, 0.05, 0.02), "COLOR": "red"})
    text = Path(path).read_text()
    assert "DIM0" not in text and 'size="0.1 0.05 0.02"' in text
    with collect_warnings() as log:
        text = Path(task.fill_template("box/box-template.urdf", {})).read_text()
    assert "DIM0" not in text and "left tokens unfilled" in log.messages[0]
    with collect_warnings(strict=True), pytest.raises(TaskCodeError, match="DIM"):
        task.fill_template("box/box-template.urdf", {})


def test_get_random_pose_avoids_objects(two_blocks: tuple[Environment, _TwoBlocks]) -> None:
    env, task = two_blocks
    np.random.seed(0)
    for _ in range(20):
        pos, _ = task.get_random_pose(env, (0.04, 0.04, 0.04))
        for block in task.blocks:
            other = p.getBasePositionAndOrientation(block)[0]
            assert np.hypot(pos[0] - other[0], pos[1] - other[1]) > 0.04
        assert 0.25 < pos[0] < 0.75 and -0.5 < pos[1] < 0.5 and pos[2] == pytest.approx(0.02)


def test_get_random_pose_returns_none_when_full(env: Environment) -> None:
    env.set_task(Task())
    env.reset()
    assert Task().get_random_pose(env, (0.9, 1.5, 0.01)) == (None, None)


def test_cliport_task_file_runs_unchanged() -> None:
    task_class = load_task_class(DATA / "cliport_style_task.py")
    assert issubclass(task_class, Task)
    report = validate(str(DATA / "cliport_style_task.py"), ValidationSettings(episodes=3))
    assert report.passed, report.error
    assert report.success_rate == 1.0
