"""Fake seed tasks and helpers shared by the task-library tests (imported as
``tests.memory.memory_fakes``)."""

from __future__ import annotations

import re
from pathlib import Path

FAKE_SEEDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "place-red-in-green": (
        "Pick up the red blocks and place them into the green bowls amidst other objects.",
        ("stacking/block.urdf", "bowl/bowl.urdf"),
    ),
    "stack-block-pyramid": (
        "Build a pyramid of colored blocks: three on the bottom row, two in the middle, one on top.",
        ("stacking/block.urdf", "stacking/stand.urdf"),
    ),
    "towers-of-hanoi": (
        "Move the stack of rings from one peg to another, never putting a larger ring on a "
        "smaller one.",
        ("hanoi/stand.urdf", "hanoi/disk0.urdf"),
    ),
    "sweeping-piles": (
        "Push a pile of small blocks into the marked target zone with a spatula.",
        ("zone/zone.urdf", "block/small.urdf"),
    ),
    "align-rope": (
        "Manipulate a deformable rope so that it connects two corners of a three-sided square.",
        ("square/square-template.urdf",),
    ),
}

TASK_TEMPLATE = '''"""{name}: a seed task written for the memory tests."""

from simenv.task import Task


class {cls}(Task):
    """{description}

    Second paragraph: not part of the description.
    """

    def __init__(self):
        super().__init__()
        self.max_steps = 10
        self.assets = {assets!r}
'''


def task_code(name: str, description: str, assets: tuple[str, ...]) -> str:
    cls = "".join(part.title() for part in name.split("-"))
    return TASK_TEMPLATE.format(name=name, cls=cls, description=description, assets=assets)


def fake_asset_finder(code: str) -> list[str]:
    """Stands in for simenv.assets.find_asset_references: quoted .urdf/.obj paths."""
    return list(dict.fromkeys(re.findall(r"['\"]([\w./-]+\.(?:urdf|obj))['\"]", code)))


def write_task(folder: Path, name: str, description: str, assets: tuple[str, ...] = ()) -> Path:
    path = folder / f"{name.replace('-', '_')}.py"
    path.write_text(task_code(name, description, assets))
    return path
