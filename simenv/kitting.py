"""The kitting shape set: 20 flat shapes, their symmetries and split, and how tasks load them.

Kitting tasks (assembling-kits, packing-shapes and the generated tasks that imitate them) call
``Task.get_kitting_shapes`` and ``Task.make_kitting_objects``; this module is what those thin
wrappers call. The facts about each shape (file, name, rotational symmetry, train or test split)
live in ``kitting/shapes.json``, written by ``assets/generate_kitting_shapes.py``, so that the
meshes and what the tasks believe about them cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from simenv import utils
from simenv.assets import ASSET_ROOT, KIT_CANONICAL_SCALE, resolve_asset

#: Template of a kitting object (collision and visual mesh).
OBJECT_TEMPLATE = "kitting/object-template.urdf"
#: Template of a kit target: the same mesh, visual only (a flat outline on the kit board).
TARGET_TEMPLATE = "kitting/object-template-nocollision.urdf"
#: Size that task code treats a canonical kitting object as having (metres).
OBJECT_SIZE = (0.08, 0.08, 0.02)
#: Mesh scale of kit targets: canonical in x-y, nearly flat (2 mm) in z.
TARGET_SCALE = (KIT_CANONICAL_SCALE[0], KIT_CANONICAL_SCALE[1], 0.0001)


@dataclass(frozen=True)
class KitShape:
    """One kitting shape as ``shapes.json`` describes it."""

    id: int
    file: str
    name: str
    symmetry: float
    split: str

    @property
    def path(self) -> Path:
        """Absolute path of the shape's mesh (templates take absolute mesh paths)."""
        return ASSET_ROOT / "kitting" / self.file


@cache
def kit_shapes() -> tuple[KitShape, ...]:
    """All 20 shapes, in id order."""
    data = json.loads((ASSET_ROOT / "kitting" / "shapes.json").read_text())
    return tuple(
        KitShape(
            int(s["id"]), str(s["file"]), str(s["name"]), float(s["symmetry"]), str(s["split"])
        )
        for s in sorted(data["shapes"], key=lambda s: int(s["id"]))
    )


def train_shape_ids() -> list[int]:
    return [s.id for s in kit_shapes() if s.split == "train"]


def test_shape_ids() -> list[int]:
    return [s.id for s in kit_shapes() if s.split == "test"]


def shape_symmetry(shape_id: int) -> float:
    """The yaw (radians) mapping the shape onto itself; 0 means any yaw (a circle)."""
    return kit_shapes()[int(shape_id)].symmetry


def shape_path(shape_id: int) -> str:
    """Absolute mesh path of a shape id, with a clear error for ids outside 0-19."""
    shapes = kit_shapes()
    if not 0 <= int(shape_id) < len(shapes):
        raise ValueError(
            f"Kitting shape id {shape_id} does not exist; ids are 0-{len(shapes) - 1}."
        )
    return str(shapes[int(shape_id)].path)


def get_kitting_shapes(mode: str, n_objects: int, homogeneous: bool = False) -> np.ndarray:
    """``n_objects`` shape ids drawn (with replacement) from the split of ``mode``.

    Train mode draws from the 14 train shapes; val/test from the 6 held-out shapes, so a policy
    is evaluated on shapes it has never seen. ``homogeneous`` repeats one test shape.
    """
    if mode == "train":
        return np.random.choice(train_shape_ids(), n_objects)
    pool = test_shape_ids()
    if homogeneous:
        return np.array([np.random.choice(pool)] * n_objects)
    return np.random.choice(pool, n_objects)


def make_kitting_objects(
    task: Any,
    env: Any,
    targets: Sequence[Any],
    obj_shapes: Sequence[int] | np.ndarray,
    n_objects: int,
    colors: Sequence[Any],
    scale: Sequence[float] = KIT_CANONICAL_SCALE,
) -> tuple[list[tuple[int, tuple[float, None]]], np.ndarray]:
    """Spawn one object per shape at a free table spot; returns (objects, matches).

    ``objects`` are ``(id, (symmetry, None))`` pairs, the form ``add_goal`` reads symmetries from.
    ``matches[i, j]`` is 1 when target ``j`` has the same shape as object ``i``, so identical
    shapes may go to either of their targets.
    """
    shapes = np.asarray(obj_shapes)
    if len(shapes) < n_objects or len(colors) < n_objects:
        raise ValueError(
            f"make_kitting_objects: need {n_objects} shapes and colours; got {len(shapes)} shapes "
            f"and {len(colors)} colours."
        )
    size = tuple(OBJECT_SIZE[k] * float(scale[k]) / KIT_CANONICAL_SCALE[k] for k in range(3))
    objects: list[tuple[int, tuple[float, None]]] = []
    matches = []
    for i in range(n_objects):
        shape = int(shapes[i])
        pose = task.get_random_pose(env, size)
        if pose[0] is None:
            raise RuntimeError("make_kitting_objects: no free space left on the table.")
        replace = {"FNAME": (shape_path(shape),), "SCALE": tuple(scale), "COLOR": colors[i]}
        urdf = task.fill_template(OBJECT_TEMPLATE, replace)
        obj_id = env.add_object(urdf, pose)
        objects.append((int(obj_id), (shape_symmetry(shape), None)))
        match = np.zeros(len(targets), dtype=np.int32)
        match[np.flatnonzero(shapes[: len(targets)] == shape)] = 1
        matches.append(match)
    return objects, np.array(matches, dtype=np.int32).reshape(n_objects, len(targets))


# -- sampling points of a mesh ------------------------------------------------------------------


@cache
def _read_obj(path: str) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (V x 3) and triangles (F x 3 vertex indices) of a Wavefront OBJ file."""
    vertices: list[list[float]] = []
    faces: list[list[int]] = []
    for line in Path(path).read_text().splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "v":
            vertices.append([float(v) for v in parts[1:4]])
        elif parts[0] == "f":
            idx = [int(tok.split("/")[0]) for tok in parts[1:]]
            idx = [i - 1 if i > 0 else len(vertices) + i for i in idx]
            faces.extend([idx[0], idx[k], idx[k + 1]] for k in range(1, len(idx) - 1))
    return np.asarray(vertices, dtype=np.float64), np.asarray(faces, dtype=np.int64)


def sample_mesh_points(model: str, scale: Sequence[float], n_points: int) -> np.ndarray:
    """``n_points`` random points (3 x N, mesh frame, metres) filling a flat mesh's volume.

    Kitting shapes are prisms: their volume is the footprint (the upward faces) extruded over
    the thickness. So points are drawn on the upward faces in proportion to area, then given a
    uniform height within the mesh's z range. For a mesh without upward faces (not a prism) the
    points are drawn on its whole surface instead.
    """
    vertices, faces = _read_obj(str(resolve_asset(model)))
    vertices = vertices * np.asarray(scale, dtype=np.float64)
    tri = vertices[faces]
    normals = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    areas = 0.5 * np.linalg.norm(normals, axis=1)
    up = normals[:, 2] > 0.99 * 2 * np.maximum(areas, 1e-12)
    prism = bool(up.any())
    weights = areas * up if prism else areas
    chosen = np.random.choice(len(tri), n_points, p=weights / weights.sum())
    r1, r2 = np.random.rand(2, n_points)
    flip = r1 + r2 > 1
    r1[flip], r2[flip] = 1 - r1[flip], 1 - r2[flip]
    t = tri[chosen]
    points = t[:, 0] + r1[:, None] * (t[:, 1] - t[:, 0]) + r2[:, None] * (t[:, 2] - t[:, 0])
    if prism:
        lo, hi = vertices[:, 2].min(), vertices[:, 2].max()
        points[:, 2] = lo + np.random.rand(n_points) * (hi - lo)
    return points.T


def target_sample_surface_points(
    model: str, scale: Sequence[float], pose: utils.Pose, num_points: int = 50
) -> list[utils.Pose]:
    """Poses (identity rotation) of points sampled in a mesh placed at ``pose``.

    Tasks use them as targets for small objects that together draw a shape (blocks forming a
    letter), so the points fill the shape rather than outline it.
    """
    points = utils.apply(pose, sample_mesh_points(model, scale, num_points))
    return [((float(x), float(y), float(z)), (0.0, 0.0, 0.0, 1.0)) for x, y, z in points.T]
