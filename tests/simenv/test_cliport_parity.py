"""CLIPort parity (issue 23): the places where simenv reads the task API as CLIPort's ``Task``.

Each has a task file in the dialect corpus (``tests/simenv/dialect/corpus``) that runs end to
end; these are the fast unit checks of the same rules, and of where parity stops.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simenv import dialect
from simenv.environment import Environment
from simenv.errors import TaskCodeError
from simenv.expert.agent import OracleAgent
from simenv.goals import fit_matches
from simenv.record_checks import _share_consequence
from simenv.sandbox.pool import validate_many
from simenv.settings import GIB, ValidationSettings
from simenv.task import Task

TARGET = ((0.5, 0.0, 0.02), (0.0, 0.0, 0.0, 1.0))
CORPUS = Path(__file__).parent / "dialect" / "corpus"


def _block(env: Environment, x: float, y: float) -> int:
    return int(env.add_object("block/block.urdf", ((x, y, 0.02), (0.0, 0.0, 0.0, 1.0))))


# -- matches shaped differently from the targets ------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "n_objs", "n_targs"),
    [((2, 2), 2, 4), ((1, 1), 1, 2)],
)
def test_fewer_columns_than_targets_leave_the_rest_untaken(
    shape: tuple[int, int], n_objs: int, n_targs: int
) -> None:
    fitted, note = fit_matches(np.ones(shape), n_objs, n_targs)
    assert fitted.shape == (n_objs, n_targs)
    assert fitted[:, : shape[1]].all() and not fitted[:, shape[1] :].any()
    assert note is not None and "no object may take" in note


def test_rows_and_zero_columns_past_the_goal_are_dropped() -> None:
    fitted, note = fit_matches(np.eye(4), 1, 1)
    assert fitted.tolist() == [[1.0]]
    assert note is not None and "dropped rows 1..3" in note and "dropped columns 1..3" in note


def test_a_target_that_does_not_exist_is_refused() -> None:
    """CLIPort's expert would index ``targs[1]`` of a one-target list and fail."""
    with pytest.raises(ValueError, match=r"matches\[0, 1\] allows object 0 target 1"):
        fit_matches(np.ones((4, 4)), 1, 1)


def test_an_object_without_a_row_is_refused() -> None:
    with pytest.raises(ValueError, match="no row for objects 2..3"):
        fit_matches(np.ones((2, 2)), 4, 2)


def test_add_goal_warns_what_it_assumed(env: Environment) -> None:
    task: Task = env.task
    block = _block(env, 0.4, 0.2)
    other = (TARGET[0], TARGET[1])
    with dialect.collect_warnings() as log:
        task.add_goal([block], np.ones((1, 1)), [TARGET, other], False, True, "pose", None, 1)
    assert task.goals[-1].matches.tolist() == [[1.0, 0.0]]
    assert len(log.messages) == 1
    assert "read it as CLIPort does" in log.messages[0] and "np.ones((1, 2))" in log.messages[0]
    with dialect.collect_warnings(strict=True), pytest.raises(dialect.DialectError):
        task.add_goal([block], np.ones((1, 1)), [TARGET, other], False, True, "pose", None, 1)


def test_add_goal_refuses_what_cliport_would_fail_on(env: Environment) -> None:
    task: Task = env.task
    blocks = [_block(env, 0.4, -0.2), _block(env, 0.4, 0.2)]
    with pytest.raises(TaskCodeError, match="target 1, which does not exist.*np.ones"):
        task.add_goal(blocks, np.ones((2, 2)), [TARGET], False, True, "pose", None, 1)
    with pytest.raises(TaskCodeError, match="2-D array"):
        task.add_goal(blocks, np.ones(2), [TARGET, TARGET], False, True, "pose", None, 1)


# -- free space: what objects cover, as turned ------------------------------------------------


def test_a_thin_line_at_a_slant_covers_a_thin_diagonal() -> None:
    """Not its axis-aligned box (a 0.21 m square at 45 degrees, about 4,700 pixels)."""
    task = Task()
    mask = np.zeros((320, 160), dtype=bool)
    task._cover_footprint(mask, (0.5, 0.0), np.pi / 4, (0.3, 0.01))
    area = 0.3 * 0.01 / task.pix_size**2
    assert area < mask.sum() < 1.3 * area
    aligned = np.zeros_like(mask)
    task._cover_footprint(aligned, (0.5, 0.0), 0.0, (0.04, 0.04))
    rows, cols = np.nonzero(aligned)
    assert np.ptp(rows) + 1 in (13, 14) and np.ptp(cols) + 1 in (13, 14)


def test_a_slanted_line_leaves_room_beside_it(env: Environment) -> None:
    task: Task = env.task
    line = task.fill_template("line/line-template.urdf", {"DIM": (0.3, 0.01, 0.01)})
    yaw45 = (0.0, 0.0, np.sin(np.pi / 8), np.cos(np.pi / 8))
    env.add_object(line, ((0.5, 0.0, 0.0), yaw45), "fixed")
    occupied = task.occupancy(env)
    # A point 6 cm off the line's middle, inside its axis-aligned box, is free.
    col, row = int((0.5 + 0.042 - 0.25) / task.pix_size), int((0.0 - 0.042 + 0.5) / task.pix_size)
    assert not occupied[row, col]
    col, row = int((0.5 - 0.25) / task.pix_size), int((0.0 + 0.5) / task.pix_size)
    assert occupied[row, col]


# -- the expert on the same scenes: which object goes first -------------------------------------


def test_the_object_whose_nearest_target_is_farthest_goes_first(env: Environment) -> None:
    """CLIPort's oracle: each object to its nearest free target; the farthest such pair first.

    Block A's nearest target is 0.20 m away, block B's 0.10 m: A goes first, to its nearest.
    (The rule before this took B, because one of B's other targets was farther than 0.20 m,
    and sent it to a target that is not its nearest: a different order of placements in
    multi-object builds such as a house of blocks.)
    """
    task: Task = env.task
    block_a, block_b = _block(env, 0.5, -0.2), _block(env, 0.5, 0.1)
    targets = [
        ((x, y, 0.02), (0.0, 0.0, 0.0, 1.0)) for x, y in ((0.5, 0.0), (0.25, -0.3), (0.7, 0.3))
    ]
    task.add_goal([block_a, block_b], np.ones((2, 3)), targets, False, False, "pose", None, 1)
    action = OracleAgent(task, env).act()
    assert action is not None
    picked_xy, placed_xy = np.asarray(action["pose0"][0][:2]), np.asarray(action["pose1"][0][:2])
    assert np.linalg.norm(picked_xy - (0.5, -0.2)) < 0.02
    assert np.linalg.norm(placed_xy - (0.5, 0.0)) < 0.02


def test_an_object_off_the_workspace_is_passed_over(env: Environment) -> None:
    """CLIPort's oracle picks from the top-down image: a block knocked off the workspace is
    not in it, so the next object goes instead, and with none left the demonstration ends.

    The off-table block is the farthest from its targets, so the rule would take it first.
    (The expert used to reach for it, and the episode failed with an InvalidPoseError.)
    """
    task: Task = env.task
    off_table, on_table = _block(env, 0.9, 0.0), _block(env, 0.5, 0.2)
    targets = [((0.45, 0.1, 0.02), (0.0, 0.0, 0.0, 1.0)), ((0.6, 0.1, 0.02), (0.0, 0.0, 0.0, 1.0))]
    task.add_goal([off_table, on_table], np.ones((2, 2)), targets, False, False, "pose", None, 1)
    agent = OracleAgent(task, env)
    action = agent.act()
    assert action is not None
    assert np.linalg.norm(np.asarray(action["pose0"][0][:2]) - (0.5, 0.2)) < 0.02
    env.step(action)
    assert agent.act() is None


# -- the expert on the same scenes: blocks into fixtures ---------------------------------------


@pytest.mark.integration
def test_blocks_stacked_in_a_fixture_cell_stand_on_every_seed() -> None:
    """Four blocks stacked in one fixture cell: the first must reach the table, as in CLIPort.

    With a fixture sized to the ell alone (3.8 cm slots) the first block rested on the rims
    and the stack fell on 3 of these 8 seeds; the corpus test runs only 2.
    """
    settings = ValidationSettings(episodes=8, timeout=120, memory_bytes=2 * GIB)
    (report,) = validate_many([str(CORPUS / "blocks_into_fixtures.py")], settings, workers=1)
    assert report.passed, report.summary()
    assert [e.seed for e in report.episodes if not e.success] == [], report.summary()


# -- the judge's shares check stays -----------------------------------------------------------


def test_shares_summing_to_two_say_the_last_goal_is_never_scored() -> None:
    message = _share_consequence([1 / 6] * 6 + [1.0])
    assert "after goal 6 of 7, so it would end before goal 7 is scored" in message
    assert "would pass without it" in message


def test_shares_summing_to_less_than_one_say_no_episode_succeeds() -> None:
    assert "no episode could succeed" in _share_consequence([0.5])
