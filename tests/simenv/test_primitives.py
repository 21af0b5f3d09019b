"""The pick-and-place primitive's phases: which speed each motion runs at."""

from __future__ import annotations

from typing import Any

import pytest

from simenv.constants import ARM_SPEED
from simenv.primitives import FEEL_SPEED, PickPlace

SURFACE_Z = 0.02
PICK = ((0.4, -0.1, SURFACE_Z), (0.0, 0.0, 0.0, 1.0))
PLACE = ((0.6, 0.1, SURFACE_Z), (0.0, 0.0, 0.0, 1.0))


class _Cup:
    """A suction cup that touches the surface when a descent goes below it, and holds what
    it takes."""

    def __init__(self) -> None:
        self.held = False
        self.touching = False

    def detect_contact(self) -> bool:
        return self.touching

    def activate(self) -> None:
        self.held = True

    def release(self) -> None:
        self.held = False

    def check_grasp(self) -> bool:
        return self.held


def _phases(primitive: PickPlace) -> list[tuple[float, bool, bool]]:
    """(speed, holding, feeling for contact) of each motion the primitive makes."""
    cup = _Cup()
    moves: list[tuple[float, bool, bool]] = []

    def movep(pose: Any, speed: float, stop: Any = None, straight: bool = False) -> bool:
        moves.append((speed, cup.held, stop is not None))
        # The fast part of a descent ends above the surface; the slow part aims below it.
        cup.touching = stop is not None and pose[0][2] < SURFACE_Z
        return False

    def movej(*_: Any) -> bool:
        raise AssertionError("pick-and-place moves the tool tip, not the joints")

    assert primitive(movej, movep, cup, PICK, PLACE) is False
    return moves


def test_default_primitive_moves_at_arm_speed_and_feels_slowly() -> None:
    moves = _phases(PickPlace())
    assert {speed for speed, _, feeling in moves if not feeling} == {ARM_SPEED}
    assert [speed for speed, _, feeling in moves if feeling] == [
        ARM_SPEED,
        FEEL_SPEED,
        ARM_SPEED,
        FEEL_SPEED,
    ]


@pytest.mark.parametrize("speed", [0.001, 0.004])
def test_a_slow_primitive_is_slow_only_while_it_holds(speed: float) -> None:
    """CLIPort's rope primitive (speed 0.001) goes to the rope and back up at the arm's speed;
    only the lift, the carry and the descent to the place surface are slow."""
    moves = _phases(PickPlace(height=0.02, speed=speed))
    empty = [s for s, held, _ in moves if not held]
    holding = [s for s, held, _ in moves if held]
    assert max(empty) == ARM_SPEED and all(s in (ARM_SPEED, FEEL_SPEED) for s in empty)
    assert holding and all(s <= speed for s in holding)
    assert min(FEEL_SPEED, speed) in holding  # the place descent feels at the slower speed
