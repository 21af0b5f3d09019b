"""Camera set-ups: three RGB-D cameras around the table (front, left, right).

Positions and angles look at the workspace from 0.75 m up, as in the Ravens benchmark set-up;
the intrinsics are those of a 640 x 480 depth camera with a ~70 degree field of view.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pybullet as p

WIDTH, HEIGHT = 640, 480
FOCAL = 450.0


@dataclass(frozen=True)
class CameraConfig:
    """One camera: where it is, where it looks and what it sees."""

    name: str
    position: tuple[float, float, float]
    rotation: tuple[float, float, float, float]  # camera frame: z forward, y down (image rows)
    image_size: tuple[int, int] = (HEIGHT, WIDTH)
    focal: float = FOCAL
    zrange: tuple[float, float] = (0.01, 10.0)
    noise: bool = False

    @property
    def intrinsics(self) -> tuple[float, ...]:
        h, w = self.image_size
        scale = w / WIDTH
        return (self.focal * scale, 0, w / 2, 0, self.focal * scale, h / 2, 0, 0, 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "image_size": self.image_size,
            "intrinsics": self.intrinsics,
            "position": self.position,
            "rotation": self.rotation,
            "zrange": self.zrange,
            "noise": self.noise,
        }

    def scaled(self, height: int, width: int) -> CameraConfig:
        return replace(self, image_size=(height, width))


def _looking_down(roll: float, yaw: float) -> tuple[float, float, float, float]:
    return tuple(p.getQuaternionFromEuler((roll, math.pi, yaw)))


FRONT = CameraConfig("front", (1.0, 0.0, 0.75), _looking_down(math.pi / 4, -math.pi / 2))
LEFT = CameraConfig("left", (0.0, 0.5, 0.75), _looking_down(math.pi / 4.5, math.pi / 4))
RIGHT = CameraConfig("right", (0.0, -0.5, 0.75), _looking_down(math.pi / 4.5, 3 * math.pi / 4))
DEFAULT_CAMERAS: tuple[CameraConfig, ...] = (FRONT, LEFT, RIGHT)


def render_camera(config: CameraConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Colour (H x W x 3 uint8), depth (H x W metres) and segmentation of one camera."""
    lookdir = np.array([0.0, 0.0, 1.0])
    updir = np.array([0.0, -1.0, 0.0])
    rot = np.array(p.getMatrixFromQuaternion(config.rotation)).reshape(3, 3)
    lookdir = rot @ lookdir
    updir = rot @ updir
    lookat = np.asarray(config.position) + lookdir
    h, w = config.image_size
    focal = config.intrinsics[0]
    fovh = math.degrees(2 * math.atan((h / 2) / focal))
    znear, zfar = config.zrange
    view = p.computeViewMatrix(config.position, lookat, updir)
    proj = p.computeProjectionMatrixFOV(fovh, w / h, znear, zfar)
    _, _, color, depth, segm = p.getCameraImage(
        width=w,
        height=h,
        viewMatrix=view,
        projectionMatrix=proj,
        shadow=1,
        flags=p.ER_SEGMENTATION_MASK_OBJECT_AND_LINKINDEX,
        renderer=p.ER_TINY_RENDERER,
    )
    color = np.asarray(color, dtype=np.uint8).reshape(h, w, 4)[..., :3]
    zbuffer = np.asarray(depth, dtype=np.float64).reshape(h, w)
    depth_m = zfar * znear / (zfar - (zfar - znear) * zbuffer)
    segm = np.asarray(segm, dtype=np.int64).reshape(h, w)
    return color, depth_m.astype(np.float32), segm
