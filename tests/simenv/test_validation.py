from __future__ import annotations

from pathlib import Path

import pytest

from simenv.settings import ValidationSettings
from simenv.taskcode import validate
from simenv.validation_report import Stage

BROKEN = {
    "syntax.py": ("class T(Task\n", Stage.PARSE, "Syntax error"),
    "no_task.py": ("import numpy as np\n", Stage.IMPORT, "defines no Task subclass"),
    "bad_import.py": ("import does_not_exist\n", Stage.IMPORT, "does_not_exist"),
    "bad_init.py": (
        "from cliport.tasks.task import Task\n"
        "class T(Task):\n    def __init__(self):\n        super().__init__()\n        1 / 0\n",
        Stage.BUILD,
        "ZeroDivisionError",
    ),
    "bad_asset.py": (
        "from cliport.tasks.task import Task\n"
        "class T(Task):\n    def reset(self, env):\n        super().reset(env)\n"
        "        env.add_object('bowl/bowls.urdf', ((0.5, 0, 0), (0, 0, 0, 1)))\n",
        Stage.RESET,
        "bowl/bowl.urdf",
    ),
    "overrides_oracle.py": (
        "from cliport.tasks.task import Task\n"
        "class T(Task):\n    def reset(self, env):\n        super().reset(env)\n"
        "    def oracle(self, env):\n        return None\n",
        Stage.PARSE,
        "redefines T.oracle (line 5)",
    ),
    "assigns_reward.py": (
        "from cliport.tasks.task import Task\n"
        "class T(Task):\n    reward = lambda self: (1.0, {})\n",
        Stage.PARSE,
        "redefines T.reward",
    ),
    "unreachable.py": (
        "import numpy as np\nfrom cliport.tasks.task import Task\n"
        "class T(Task):\n    def reset(self, env):\n        super().reset(env)\n"
        "        b = env.add_object('block/block.urdf', ((0.5, 0, 0.02), (0, 0, 0, 1)))\n"
        # No target is allowed for the block (a fixed block is refused before the expert runs).
        "        self.add_goal(objs=[b], matches=np.zeros((1, 1)), targ_poses=[((0.3, 0.3, 0.02), (0, 0, 0, 1))],"
        " replace=False, rotations=False, metric='pose', params=None, step_max_reward=1)\n",
        Stage.SUCCESS,
        "succeeded in 0 of 2",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_task_fails_at_its_stage(tmp_path: Path, name: str) -> None:
    source, stage, fragment = BROKEN[name]
    path = tmp_path / name
    path.write_text(source)
    report = validate(str(path), ValidationSettings(episodes=2))
    assert not report.passed
    assert report.stage == stage
    assert fragment in (report.error or ""), report.error


def test_traceback_is_trimmed_to_the_task_file(tmp_path: Path) -> None:
    source, _, _ = BROKEN["bad_init.py"]
    path = tmp_path / "bad_init.py"
    path.write_text(source)
    report = validate(str(path), ValidationSettings(episodes=1))
    assert report.traceback is not None and "bad_init.py" in report.traceback
    assert "simenv/validation.py" not in report.traceback


def test_seed_task_report_has_distinct_seeds() -> None:
    report = validate("place-red-in-green", ValidationSettings(episodes=3, seed=7))
    assert report.passed and report.stage == Stage.PASSED
    assert [e.seed for e in report.episodes] == [7, 8, 9]
    assert all(e.steps >= 1 and e.seconds > 0 for e in report.episodes)


def test_unknown_name_fails_at_parse_with_suggestions() -> None:
    report = validate("place-red-in-gren", ValidationSettings(episodes=1))
    assert report.stage == Stage.PARSE and "place-red-in-green" in (report.error or "")


def test_validation_renders_no_camera_images(monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation needs no pictures: rendering a camera would cost more than an episode."""

    def refuse(*args: object) -> None:
        raise AssertionError("validation rendered a camera image")

    monkeypatch.setattr("simenv.environment.render_camera", refuse)
    report = validate("place-red-in-green", ValidationSettings(episodes=1))
    assert report.passed, report.error
