"""End effectors: a suction cup and a spatula, each the last link of our arm.

A task names the class (``self.ee = Suction``); the environment loads the arm variant that
carries that tool and makes one instance per episode.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pybullet as p

from simenv import utils


class Gripper:
    """Base end effector: the tip link of the arm and the objects it may touch."""

    tool: ClassVar[str] = ""

    def __init__(self, arm_id: int, tip_link: int, obj_ids: dict[str, list[int]]) -> None:
        self.arm_id = arm_id
        self.tip_link = tip_link
        self.obj_ids = obj_ids
        self.activated = False

    def activate(self) -> None:
        """Spatulas do nothing on activation."""

    def release(self) -> None:
        """Spatulas hold nothing to release."""

    def detect_contact(self) -> bool:
        points = p.getContactPoints(bodyA=self.arm_id, linkIndexA=self.tip_link)
        return any(pt[2] != self.arm_id for pt in points)

    def check_grasp(self) -> bool:
        return False


class Spatula(Gripper):
    """A flat blade for pushing (piles); it never holds anything."""

    tool = "spatula"


class Suction(Gripper):
    """A suction cup: on activation it holds the rigid object its tip touches.

    The hold is a fixed constraint between the tip and the object, made at the relative pose
    they have at the moment of contact, so the object does not jump.
    """

    tool = "suction"

    def __init__(self, arm_id: int, tip_link: int, obj_ids: dict[str, list[int]]) -> None:
        super().__init__(arm_id, tip_link, obj_ids)
        self.contact_constraint: int | None = None
        self.held_id: int | None = None

    def _touched_object(self) -> int | None:
        # Rope beads are 'deformable' objects and are held like rigid ones.
        graspable = set(self.obj_ids.get("rigid", [])) | set(self.obj_ids.get("deformable", []))
        for pt in p.getContactPoints(bodyA=self.arm_id, linkIndexA=self.tip_link):
            if pt[2] in graspable:
                return int(pt[2])
        return None

    def activate(self) -> None:
        if self.activated:
            return
        obj_id = self._touched_object()
        self.activated = True
        if obj_id is None:
            return
        # An object at rest may be asleep (``Environment.sleep_resting_objects``), and a new
        # constraint does not wake it: it would stay put while the cup rose.
        p.changeDynamics(obj_id, -1, activationState=p.ACTIVATION_STATE_WAKE_UP)
        tip_state = p.getLinkState(self.arm_id, self.tip_link)
        tip_pose = (tip_state[4], tip_state[5])
        obj_pose = p.getBasePositionAndOrientation(obj_id)
        tip_to_obj = utils.multiply(utils.invert(tip_pose), obj_pose)
        self.contact_constraint = p.createConstraint(
            parentBodyUniqueId=self.arm_id,
            parentLinkIndex=self.tip_link,
            childBodyUniqueId=obj_id,
            childLinkIndex=-1,
            jointType=p.JOINT_FIXED,
            jointAxis=(0, 0, 0),
            parentFramePosition=tip_to_obj[0],
            parentFrameOrientation=tip_to_obj[1],
            childFramePosition=(0, 0, 0),
            childFrameOrientation=(0, 0, 0, 1),
        )
        p.changeConstraint(self.contact_constraint, maxForce=200)
        self.held_id = obj_id

    def release(self) -> None:
        if self.contact_constraint is not None:
            p.removeConstraint(self.contact_constraint)
        self.contact_constraint = None
        self.held_id = None
        self.activated = False

    def detect_contact(self) -> bool:
        """Contact of the tip, or of the held object with anything but the arm."""
        if self.held_id is None:
            return super().detect_contact()
        return any(pt[2] != self.arm_id for pt in p.getContactPoints(bodyA=self.held_id))

    def check_grasp(self) -> bool:
        return self.held_id is not None

    def holding(self) -> Any:
        return self.held_id
