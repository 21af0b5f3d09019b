"""What the policy sees and does, in pixels: the fused top-down image and SE(2) actions.

The observation is the task API's top-down view: a 320 x 160 colour map and height map fused
from the three cameras (rows along y, columns along x, 3.125 mm pixels). An action is a pick
pixel and a place pixel plus the place rotation (the yaw the picked object turns by); these
convert to and from the ``{'pose0', 'pose1'}`` poses the environment steps with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from simenv import utils
from simenv.constants import BOUNDS, HEIGHTMAP_SHAPE, PIX_SIZE


@dataclass(frozen=True)
class TopDown:
    """Fused top-down maps: ``color`` (H x W x 3 uint8), ``height`` (H x W metres)."""

    color: np.ndarray
    height: np.ndarray


@dataclass(frozen=True)
class PixelAction:
    """A pick-and-place in image terms (full-resolution pixels, radians)."""

    pick: tuple[int, int]
    place: tuple[int, int]
    yaw: float


def top_down(obs: dict[str, Any], camera_configs: list[dict[str, Any]]) -> TopDown:
    """Fuse an observation's camera images into the top-down maps."""
    if not obs.get("color"):
        raise ValueError(
            "The observation has no camera images: make the Environment with render=True."
        )
    color, height = utils.get_fused_heightmap(obs, camera_configs, BOUNDS, PIX_SIZE)
    return TopDown(color=color, height=height.astype(np.float32))


def clip_pixel(pixel: tuple[int, int]) -> tuple[int, int]:
    rows, cols = HEIGHTMAP_SHAPE
    return int(np.clip(pixel[0], 0, rows - 1)), int(np.clip(pixel[1], 0, cols - 1))


def action_to_pixels(action: dict[str, Any]) -> PixelAction:
    """The pixels and relative yaw of an expert's ``{'pose0', 'pose1'}``."""
    pose0, pose1 = action["pose0"], action["pose1"]
    pick = clip_pixel(utils.xyz_to_pix(pose0[0], BOUNDS, PIX_SIZE))
    place = clip_pixel(utils.xyz_to_pix(pose1[0], BOUNDS, PIX_SIZE))
    yaw = utils.get_yaw(pose1[1]) - utils.get_yaw(pose0[1])
    return PixelAction(pick, place, float(np.mod(yaw, 2 * np.pi)))


def pixels_to_action(action: PixelAction, height: np.ndarray) -> dict[str, Any]:
    """Poses for the environment: positions from the height map, the place turned by ``yaw``."""
    pick_xyz = utils.pix_to_xyz(action.pick, height, BOUNDS, PIX_SIZE)
    place_xyz = utils.pix_to_xyz(action.place, height, BOUNDS, PIX_SIZE)
    identity = (0.0, 0.0, 0.0, 1.0)
    place_rot = utils.eulerXYZ_to_quatXYZW((0.0, 0.0, action.yaw))
    return {"pose0": (pick_xyz, identity), "pose1": (place_xyz, tuple(place_rot))}
