"""Task-API utilities: colours, pose algebra, top-down images.

Names and meanings follow the Ravens / CLIPort ``utils`` module so that task files written
for that benchmark run unchanged (`from cliport.utils import utils`).
"""

from __future__ import annotations

import difflib
import json
import random
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import Any, NamedTuple

import numpy as np
import pybullet as p
from PIL import ImageColor

from simenv.assets import ASSET_ROOT, KIT_NATIVE_SIZE
from simenv.constants import BOUNDS, PIX_SIZE
from simenv.errors import UnknownColorError

Pose = tuple[Any, Any]

# ---------------------------------------------------------------------------------------------
# Colours
# ---------------------------------------------------------------------------------------------


class ColorTable(dict[str, list[float]]):
    """``COLORS``: colour name -> rgb list (floats in 0..1; task code writes ``color + [1]``).

    Looking up a name it does not have raises ``UnknownColorError`` (a ``KeyError``) whose
    message names the nearest known colours and lists the rest, instead of a bare KeyError.
    """

    def __missing__(self, key: str) -> list[float]:
        raise UnknownColorError(unknown_color_message(key))


COLORS: ColorTable = ColorTable(
    {
        "blue": [0.22, 0.45, 0.78],
        "red": [0.86, 0.24, 0.22],
        "green": [0.30, 0.66, 0.33],
        "orange": [0.96, 0.56, 0.16],
        "yellow": [0.95, 0.82, 0.25],
        "purple": [0.58, 0.38, 0.70],
        "pink": [0.98, 0.60, 0.70],
        "cyan": [0.35, 0.78, 0.85],
        "brown": [0.58, 0.42, 0.30],
        "white": [0.96, 0.96, 0.96],
        "gray": [0.55, 0.55, 0.55],
        "indigo": [0.29, 0.20, 0.55],
        "violet": [0.56, 0.30, 0.86],
        "black": [0.10, 0.10, 0.10],
        "silver": [0.75, 0.75, 0.78],
        "gold": [0.83, 0.69, 0.22],
    }
)
COLORS_NAMES = list(COLORS)
TRAIN_COLORS = ["blue", "red", "green", "yellow", "brown", "gray", "cyan"]
EVAL_COLORS = ["blue", "red", "green", "orange", "purple", "pink", "white"]


def nearest_colors(name: str, n: int = 3) -> list[str]:
    """The ``n`` known colours nearest ``name``: by rgb when it is a CSS colour name
    ('chartreuse', 'navy'), else by spelling."""
    try:
        rgb = np.array(ImageColor.getrgb(name.strip().lower())[:3], dtype=np.float64) / 255.0
    except ValueError:
        return difflib.get_close_matches(name.strip().lower(), list(COLORS), n=n, cutoff=0.0)
    return sorted(COLORS, key=lambda k: float(np.linalg.norm(np.subtract(COLORS[k], rgb))))[:n]


def unknown_color_message(name: object) -> str:
    nearest = nearest_colors(str(name))
    return (
        f"Unknown colour {name!r}. Nearest known colours: {', '.join(nearest)}. Known colours: "
        f"{', '.join(COLORS)}. Use one of these names (utils.COLORS[name]) or pass an rgb list "
        "of floats in 0..1."
    )


def color_rgba(color: str | Sequence[float]) -> list[float]:
    """An rgba list for a colour name or an rgb(a) sequence, with a clear error otherwise."""
    if isinstance(color, str):
        key = color.strip().lower()
        if key not in COLORS:
            raise UnknownColorError(unknown_color_message(color))
        return [*COLORS[key], 1.0]
    values = [float(v) for v in color]
    if len(values) not in (3, 4) or not all(np.isfinite(values)):
        raise UnknownColorError(
            f"Colour {list(color)!r} must be a name or 3-4 finite floats in 0..1 (rgb or rgba)."
        )
    if max(values) > 1.0:  # 0..255 given by mistake: scale rather than saturate.
        values = [v / 255.0 for v in values[:3]] + values[3:]
    return values if len(values) == 4 else [*values, 1.0]


def get_colors_names(mode: str) -> list[str]:
    """The colour names used in a split: train colours for 'train', eval colours otherwise."""
    return list(TRAIN_COLORS) if mode == "train" else list(EVAL_COLORS)


def get_colors(mode: str, n_colors: int = -1, **_: Any) -> tuple[list[list[float]], list[str]]:
    """Colours of a split (all, or ``n_colors`` sampled without replacement) and their names."""
    names = get_colors_names(mode)
    if n_colors != -1:
        names = random.sample(names, n_colors)
    return [COLORS[n] for n in names], names


def get_random_color() -> tuple[list[float], str]:
    name = random.choice(TRAIN_COLORS)
    return COLORS[name], name


# ---------------------------------------------------------------------------------------------
# Poses: positions (x, y, z), quaternions (x, y, z, w)
# ---------------------------------------------------------------------------------------------


def eulerXYZ_to_quatXYZW(rotation: Sequence[float]) -> tuple[float, ...]:  # noqa: N802
    """Extrinsic XYZ Euler angles (roll, pitch, yaw) to a quaternion: q = q_z q_y q_x.

    The closed form of ``scipy.spatial.transform.Rotation.from_euler("xyz", ...).as_quat()``
    (the tests hold them equal). Written out because every sandbox calls it while building a
    scene, and importing ``scipy.spatial`` would add 0.4 s to each sandbox's start.
    """
    roll, pitch, yaw = (0.5 * float(angle) for angle in rotation)
    cr, sr = np.cos(roll), np.sin(roll)
    cp, sp = np.cos(pitch), np.sin(pitch)
    cy, sy = np.cos(yaw), np.sin(yaw)
    return (
        float(sr * cp * cy - cr * sp * sy),
        float(cr * sp * cy + sr * cp * sy),
        float(cr * cp * sy - sr * sp * cy),
        float(cr * cp * cy + sr * sp * sy),
    )


def quatXYZW_to_eulerXYZ(quaternion_xyzw: Sequence[float]) -> tuple[float, ...]:  # noqa: N802
    """A quaternion (normalised first) to extrinsic XYZ Euler angles (roll, pitch, yaw).

    Equal to ``Rotation.from_quat(q).as_euler("xyz")`` away from gimbal lock (pitch of +-90
    degrees, where roll and yaw are not unique); numpy only, for the reason above.
    """
    x, y, z, w = np.asarray(quaternion_xyzw, dtype=np.float64) / np.linalg.norm(quaternion_xyzw)
    roll = np.arctan2(2.0 * (w * x + y * z), 1.0 - 2.0 * (x * x + y * y))
    pitch = np.arcsin(np.clip(2.0 * (w * y - z * x), -1.0, 1.0))
    yaw = np.arctan2(2.0 * (w * z + x * y), 1.0 - 2.0 * (y * y + z * z))
    return (float(roll), float(pitch), float(yaw))


def invert(pose: Pose) -> Pose:
    return p.invertTransform(pose[0], pose[1])


def multiply(pose0: Pose, pose1: Pose) -> Pose:
    return p.multiplyTransforms(pose0[0], pose0[1], pose1[0], pose1[1])


def apply(pose: Pose, position: Sequence[float] | np.ndarray) -> np.ndarray:
    """Transform a point (or a 3xN array of points) from the pose's frame to the world."""
    pts = np.asarray(position, dtype=np.float64)
    rot = np.array(p.getMatrixFromQuaternion(pose[1])).reshape(3, 3)
    if pts.ndim == 1:
        return rot @ pts + np.asarray(pose[0])
    return rot @ pts + np.asarray(pose[0]).reshape(3, 1)


def get_yaw(quaternion_xyzw: Sequence[float]) -> float:
    return float(quatXYZW_to_eulerXYZ(quaternion_xyzw)[2])


def in_zones(world_points: np.ndarray, zones: Sequence[Any], margin: float = 0.0) -> np.ndarray:
    """Which world points (3 x N) lie in x-y inside any ``(zone_pose, zone_size)``.

    Each zone is shrunk by ``margin`` metres on every side. The zone metric, the expert and the
    pile pushing all decide "inside" with this one function.
    """
    hit = np.zeros(world_points.shape[1], dtype=bool)
    for zone_pose, zone_size in zones:
        local = apply(invert(zone_pose), world_points)
        half_x, half_y = zone_size[0] / 2 - margin, zone_size[1] / 2 - margin
        hit |= (np.abs(local[0]) < half_x) & (np.abs(local[1]) < half_y)
    return hit


def measure_size(obj_id: int) -> tuple[float, float, float]:
    """A body's extent (x, y, z metres) in its own frame: collision boxes, else visual shapes.

    The body is turned to identity for the measurement and put back, so this is its size, not
    its axis-aligned box at its current yaw.
    """
    pos, rot = p.getBasePositionAndOrientation(obj_id)
    p.resetBasePositionAndOrientation(obj_id, pos, (0, 0, 0, 1))
    lo, hi = p.getAABB(obj_id)
    for link in range(p.getNumJoints(obj_id)):
        llo, lhi = p.getAABB(obj_id, link)
        lo, hi = np.minimum(lo, llo), np.maximum(hi, lhi)
    p.resetBasePositionAndOrientation(obj_id, pos, rot)
    size = np.subtract(hi, lo)
    if np.all(size < 1e-3) or not p.getCollisionShapeData(obj_id, -1):
        visual = [v for v in p.getVisualShapeData(obj_id) if v[1] == -1]
        if visual:
            dims = visual[0][3]
            geom = visual[0][2]
            if geom == p.GEOM_BOX:
                size = np.asarray(dims)
            elif geom == p.GEOM_CYLINDER:
                size = np.array([2 * dims[1], 2 * dims[1], dims[0]])
            elif geom == p.GEOM_SPHERE:
                size = np.full(3, 2 * dims[0])
    return float(size[0]), float(size[1]), float(size[2])


class Rect(NamedTuple):
    """An axis-aligned rectangle: centre (x, y) and size (x, y), metres."""

    center: tuple[float, float]
    size: tuple[float, float]


def split_rectangle(size: Sequence[float], n_parts: int, min_dim: float = 0.05) -> list[Rect]:
    """Cut a ``size`` rectangle (centred on the origin) into up to ``n_parts`` rectangles.

    A random k-d split: each cut takes the largest part that can still be cut and cuts across
    its longer side at a uniformly random point that leaves both pieces at least ``min_dim``
    wide. Cutting stops at ``n_parts`` parts or when no part can be cut. The parts tile the
    rectangle, so boxes made from them (each shrunk by a margin) always fit back in; packing
    tasks use it to make boxes that fill a container. Draws from ``np.random``.
    """
    rects = [(-size[0] / 2, -size[1] / 2, size[0] / 2, size[1] / 2)]
    while len(rects) < n_parts:
        cuttable = [r for r in rects if max(r[2] - r[0], r[3] - r[1]) >= 2 * min_dim + 1e-9]
        if not cuttable:
            break
        rect = max(cuttable, key=lambda r: (r[2] - r[0]) * (r[3] - r[1]))
        rects.remove(rect)
        x0, y0, x1, y1 = rect
        axis = 0 if x1 - x0 >= y1 - y0 else 1
        lo, hi = (x0, x1) if axis == 0 else (y0, y1)
        cut = lo + min_dim + np.random.rand() * (hi - lo - 2 * min_dim)
        if axis == 0:
            rects += [(x0, y0, cut, y1), (cut, y0, x1, y1)]
        else:
            rects += [(x0, y0, x1, cut), (x0, cut, x1, y1)]
    return [Rect(((r[0] + r[2]) / 2, (r[1] + r[3]) / 2), (r[2] - r[0], r[3] - r[1])) for r in rects]


# ---------------------------------------------------------------------------------------------
# Top-down images
# ---------------------------------------------------------------------------------------------


def xyz_to_pix(position: Sequence[float], bounds: np.ndarray, pixel_size: float) -> tuple[int, int]:
    """World (x, y) to heightmap pixel (row along y, column along x)."""
    u = int(np.round((position[1] - bounds[1, 0]) / pixel_size))
    v = int(np.round((position[0] - bounds[0, 0]) / pixel_size))
    return u, v


def pix_to_xyz(
    pixel: Sequence[int] | np.ndarray,
    height: np.ndarray | float | None,
    bounds: np.ndarray,
    pixel_size: float,
    skip_height: bool = False,
) -> tuple[float, float, float]:
    """Heightmap pixel (row, column) to a world position; z from the heightmap unless skipped."""
    u, v = int(pixel[0]), int(pixel[1])
    x = bounds[0, 0] + v * pixel_size
    y = bounds[1, 0] + u * pixel_size
    if skip_height or height is None:
        z = 0.0
    elif np.ndim(height) == 0:
        z = bounds[2, 0] + float(height)
    else:
        z = bounds[2, 0] + float(np.asarray(height)[u, v])
    return float(x), float(y), float(z)


def sample_distribution(prob: np.ndarray, n_samples: int = 1) -> np.ndarray:
    """Sample pixel indices in proportion to a non-negative array (uses ``np.random``)."""
    flat = prob.flatten() / np.sum(prob)
    rand_ind = np.random.choice(np.arange(len(flat)), n_samples, p=flat, replace=False)
    coords = np.array(np.unravel_index(rand_ind, prob.shape)).T
    return np.asarray(coords.squeeze(), dtype=np.int32)


def dilate(mask: np.ndarray, size: int) -> np.ndarray:
    """Grow a boolean image by a ``size`` x ``size`` square: True where any pixel of the window
    is True, outside the image counting as False.

    Equal to ``scipy.ndimage.maximum_filter(mask, size, mode="constant", cval=False)`` (same
    window placement for even sizes; the tests hold them equal), computed from a summed-area
    table. Numpy only: ``get_random_pose`` runs it in every sandbox, where importing
    ``scipy.ndimage`` would add 0.4 s to each sandbox's start.
    """
    if size < 1:
        raise ValueError(f"dilate: size must be at least 1, got {size}")
    before, after = size // 2, size - 1 - size // 2
    padded = np.pad(mask.astype(np.int64), ((before, after), (before, after)))
    table = np.pad(padded.cumsum(axis=0).cumsum(axis=1), ((1, 0), (1, 0)))
    rows, cols = mask.shape
    window = (
        table[size : size + rows, size : size + cols]
        - table[:rows, size : size + cols]
        - table[size : size + rows, :cols]
        + table[:rows, :cols]
    )
    return np.asarray(window > 0)


def get_pointcloud(depth: np.ndarray, intrinsics: np.ndarray) -> np.ndarray:
    """Back-project a depth image (H x W, metres) into camera-frame points (H x W x 3)."""
    height, width = depth.shape
    xlin = np.linspace(0, width - 1, width)
    ylin = np.linspace(0, height - 1, height)
    px, py = np.meshgrid(xlin, ylin)
    px = (px - intrinsics[0, 2]) * (depth / intrinsics[0, 0])
    py = (py - intrinsics[1, 2]) * (depth / intrinsics[1, 1])
    return np.stack([px, py, depth], axis=-1).astype(np.float32)


def transform_pointcloud(points: np.ndarray, transform: np.ndarray) -> np.ndarray:
    """Apply a 4x4 rigid transform to an H x W x 3 point image."""
    padded = np.concatenate([points, np.ones(points.shape[:2] + (1,), np.float32)], axis=-1)
    return np.einsum("ij,hwj->hwi", transform[:3, :], padded).astype(np.float32)


def get_heightmap(
    points: np.ndarray, colors: np.ndarray, bounds: np.ndarray, pixel_size: float
) -> tuple[np.ndarray, np.ndarray]:
    """Orthographic top-down heightmap and colormap from world points (highest point wins)."""
    width = int(np.round((bounds[0, 1] - bounds[0, 0]) / pixel_size))
    height = int(np.round((bounds[1, 1] - bounds[1, 0]) / pixel_size))
    heightmap = np.zeros((height, width), dtype=np.float32)
    colormap = np.zeros((height, width, colors.shape[-1]), dtype=np.uint8)
    pts = points.reshape(-1, 3)
    cols = colors.reshape(-1, colors.shape[-1])
    inside = (
        (pts[:, 0] >= bounds[0, 0])
        & (pts[:, 0] < bounds[0, 1])
        & (pts[:, 1] >= bounds[1, 0])
        & (pts[:, 1] < bounds[1, 1])
        & (pts[:, 2] >= bounds[2, 0])
        & (pts[:, 2] < bounds[2, 1])
    )
    pts, cols = pts[inside], cols[inside]
    order = np.argsort(pts[:, 2])  # ascending: later (higher) points overwrite lower ones
    pts, cols = pts[order], cols[order]
    px = np.clip(np.int32(np.floor((pts[:, 0] - bounds[0, 0]) / pixel_size)), 0, width - 1)
    py = np.clip(np.int32(np.floor((pts[:, 1] - bounds[1, 0]) / pixel_size)), 0, height - 1)
    heightmap[py, px] = pts[:, 2] - bounds[2, 0]
    colormap[py, px] = cols
    return heightmap, colormap


def reconstruct_heightmaps(
    color: Sequence[np.ndarray],
    depth: Sequence[np.ndarray],
    configs: Sequence[dict[str, Any]],
    bounds: np.ndarray,
    pixel_size: float,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """One heightmap and colormap per camera image."""
    heightmaps, colormaps = [], []
    for col, dep, config in zip(color, depth, configs, strict=True):
        intrinsics = np.array(config["intrinsics"]).reshape(3, 3)
        xyz = get_pointcloud(dep, intrinsics)
        rot = np.array(p.getMatrixFromQuaternion(config["rotation"])).reshape(3, 3)
        transform = np.eye(4)
        transform[:3, :3] = rot
        transform[:3, 3] = np.asarray(config["position"])
        xyz = transform_pointcloud(xyz, transform)
        hmap, cmap = get_heightmap(xyz, col, bounds, pixel_size)
        heightmaps.append(hmap)
        colormaps.append(cmap)
    return heightmaps, colormaps


def get_fused_heightmap(
    obs: dict[str, Any],
    configs: Sequence[dict[str, Any]],
    bounds: np.ndarray = BOUNDS,
    pix_size: float = PIX_SIZE,
) -> tuple[np.ndarray, np.ndarray]:
    """Fuse the cameras' views into one top-down colormap (H x W x 3) and heightmap (H x W)."""
    heightmaps, colormaps = reconstruct_heightmaps(
        obs["color"], obs["depth"], configs, bounds, pix_size
    )
    hmaps = np.stack(heightmaps, axis=-1)
    cmaps = np.stack(colormaps, axis=-1).astype(np.float32)
    valid = hmaps != 0
    counts = np.maximum(valid.sum(axis=-1), 1)
    heightmap = hmaps.max(axis=-1)
    colormap = np.round((cmaps * valid[:, :, None, :]).sum(axis=-1) / counts[..., None])
    return colormap.astype(np.uint8), heightmap


# ---------------------------------------------------------------------------------------------
# Kitting shapes
# ---------------------------------------------------------------------------------------------


def map_kit_scale(size: Sequence[float]) -> tuple[float, float, float]:
    """The mesh ``SCALE`` that makes a kitting shape ``size`` metres large (x, y, z).

    The kitting meshes are written in kit units (see ``kitting/shapes.json``), so task code
    that wants, say, a 3 cm shape calls ``map_kit_scale((0.03, 0.03, 0.02))`` and passes the
    result as ``SCALE`` to ``kitting/object-template.urdf``.
    """
    values = [float(v) for v in size]
    if len(values) != 3 or not all(np.isfinite(values)) or min(values) <= 0:
        raise ValueError(
            f"map_kit_scale: size must be three positive metres (x, y, z); got {size!r}."
        )
    return (
        values[0] / KIT_NATIVE_SIZE[0],
        values[1] / KIT_NATIVE_SIZE[1],
        values[2] / KIT_NATIVE_SIZE[2],
    )


@cache
def _kit_shape_names() -> dict[int, str]:
    """Shape id -> name, read from ``kitting/shapes.json`` (the one source of shape facts)."""
    data = json.loads((ASSET_ROOT / "kitting" / "shapes.json").read_text())
    return {int(s["id"]): str(s["name"]) for s in data["shapes"]}


class _KitShapeNames(Mapping[int, str]):
    """A read-only ``{shape id: name}`` that reads ``shapes.json`` on first use, not at import."""

    def __getitem__(self, shape_id: int) -> str:
        return _kit_shape_names()[int(shape_id)]

    def __iter__(self) -> Iterator[int]:
        return iter(_kit_shape_names())

    def __len__(self) -> int:
        return len(_kit_shape_names())


#: Kitting shape id -> its name for language goals ("letter R", "hexagon", ...).
assembling_kit_shapes: Mapping[int, str] = _KitShapeNames()
