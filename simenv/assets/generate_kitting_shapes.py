"""Generate the 20 flat kitting shapes (``kitting/00.obj`` .. ``19.obj``) and ``shapes.json``.

Unit convention ("kit units"): task code written for the Ravens/CLIPort benchmark loads these
meshes through ``kitting/object-template.urdf`` with ``SCALE = (0.003, 0.003, 0.001)`` and treats
the result as a 0.08 x 0.08 x 0.02 m object (``size = (0.08, 0.08, 0.02)``); kit targets use a
z scale of 0.0001 (flat, 2 mm). So that such code runs unchanged, every mesh spans at most
``NATIVE_SIZE = (80/3, 80/3, 20)`` units: x and y within +-13.333, z within +-10, centred on
the origin (the centre of rotational symmetry), which gives exactly 0.08 x 0.08 x 0.02 m at the
canonical scale. A desired metric size ``s`` maps to ``scale = s / NATIVE_SIZE``.

Each shape is a union of convex polygons, each extruded into a closed prism and written as its
own OBJ object (``o`` line), so PyBullet builds a compound of convex hulls for collision and
letters keep their concave outline. Output is deterministic (fixed formatting, no randomness); a
test regenerates the files and compares them byte for byte. Run::

    python -m simenv.assets.generate_kitting_shapes

Shape ids follow the benchmark's numbering (tasks refer to e.g. shape 17 as the hexagon); ids
0-13 are the train split, 14-19 the test split. ``symmetry`` is the yaw in radians that maps the
shape onto itself (2*pi/n for n-fold symmetry, 2*pi for none, 0 for a circle: any yaw).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

KITTING_DIR = Path(__file__).resolve().parent / "kitting"

HALF_XY = 40.0 / 3.0
"""Half extent in x and y, kit units (0.04 m at scale 0.003)."""
HALF_Z = 10.0
"""Half thickness, kit units (0.01 m at scale 0.001)."""
NATIVE_SIZE = (2.0 * HALF_XY, 2.0 * HALF_XY, 2.0 * HALF_Z)
CANONICAL_SCALE = (0.003, 0.003, 0.001)
TRAIN_IDS = tuple(range(14))
TEST_IDS = tuple(range(14, 20))

Point = tuple[float, float]
Polygon = list[Point]

TAU = 2.0 * math.pi


def rect(x0: float, x1: float, y0: float, y1: float) -> Polygon:
    """Axis-aligned rectangle in normalised units ([-1, 1] spans the shape's extent)."""
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def regular(
    n: int, radius: float, phase: float = math.pi / 2, cx: float = 0.0, cy: float = 0.0
) -> Polygon:
    """Regular ``n``-gon with a vertex at angle ``phase``."""
    return [
        (cx + radius * math.cos(phase + TAU * i / n), cy + radius * math.sin(phase + TAU * i / n))
        for i in range(n)
    ]


def star(points: int, outer: float, inner: float) -> list[Polygon]:
    """A star as its inner polygon plus one triangle per tip (all convex)."""
    inner_pts = regular(points, inner, math.pi / 2 + math.pi / points)
    tips = regular(points, outer)
    pieces: list[Polygon] = [inner_pts]
    for i, tip in enumerate(tips):
        pieces.append([inner_pts[i - 1], inner_pts[i], tip])
    return pieces


def ring(inner: float, outer: float, segments: int) -> list[Polygon]:
    """An annulus as ``segments`` convex quads."""
    pieces = []
    for i in range(segments):
        a0 = TAU * i / segments
        a1 = TAU * (i + 1) / segments
        pieces.append(
            [
                (inner * math.cos(a0), inner * math.sin(a0)),
                (outer * math.cos(a0), outer * math.sin(a0)),
                (outer * math.cos(a1), outer * math.sin(a1)),
                (inner * math.cos(a1), inner * math.sin(a1)),
            ]
        )
    return pieces


@dataclass(frozen=True)
class Shape:
    """One kitting shape: id, name, symmetry and its convex pieces (normalised units)."""

    id: int
    name: str
    symmetry: float
    pieces: list[Polygon]

    @property
    def split(self) -> str:
        """``train`` for ids 0-13, ``test`` for 14-19."""
        return "train" if self.id in TRAIN_IDS else "test"


def shapes() -> list[Shape]:
    """The 20 shapes, in id order. Coordinates are normalised: the shape fits [-1, 1]^2."""
    return [
        Shape(
            0,
            "letter R",
            TAU,
            [
                rect(-0.8, -0.4, -1.0, 1.0),
                rect(-0.4, 0.4, 0.65, 1.0),
                rect(0.35, 0.75, 0.1, 0.9),
                rect(-0.4, 0.4, 0.0, 0.35),
                [(-0.05, 0.0), (0.35, 0.0), (0.85, -1.0), (0.4, -1.0)],
            ],
        ),
        Shape(
            1,
            "letter A",
            TAU,
            [
                [(-0.95, -1.0), (-0.55, -1.0), (0.2, 1.0), (-0.2, 1.0)],
                [(0.55, -1.0), (0.95, -1.0), (0.2, 1.0), (-0.2, 1.0)],
                rect(-0.45, 0.45, -0.4, -0.1),
            ],
        ),
        Shape(2, "triangle", TAU / 3, [regular(3, 1.0)]),
        Shape(3, "square", TAU / 4, [rect(-0.8, 0.8, -0.8, 0.8)]),
        Shape(4, "plus", TAU / 4, [rect(-1.0, 1.0, -0.3, 0.3), rect(-0.3, 0.3, -1.0, 1.0)]),
        Shape(5, "letter T", TAU, [rect(-1.0, 1.0, 0.55, 1.0), rect(-0.22, 0.22, -1.0, 0.55)]),
        Shape(6, "diamond", TAU / 2, [[(0.0, -1.0), (0.6, 0.0), (0.0, 1.0), (-0.6, 0.0)]]),
        Shape(7, "pentagon", TAU / 5, [regular(5, 1.0)]),
        Shape(8, "rectangle", TAU / 2, [rect(-1.0, 1.0, -0.5, 0.5)]),
        Shape(
            9,
            "flower",
            TAU / 4,
            [regular(24, 0.45)]
            + [
                regular(24, 0.4, cx=0.6 * math.cos(a), cy=0.6 * math.sin(a))
                for a in (0.0, TAU / 4, TAU / 2, 3 * TAU / 4)
            ],
        ),
        Shape(10, "star", TAU / 5, star(5, 1.0, 0.42)),
        Shape(11, "circle", 0.0, [regular(48, 0.9)]),
        Shape(
            12,
            "letter G",
            TAU,
            [
                rect(-0.9, -0.5, -1.0, 1.0),
                rect(-0.5, 0.9, 0.6, 1.0),
                rect(-0.5, 0.9, -1.0, -0.6),
                rect(0.5, 0.9, -0.6, 0.0),
                rect(0.05, 0.5, -0.2, 0.15),
            ],
        ),
        Shape(
            13,
            "letter V",
            TAU,
            [
                [(-0.2, -1.0), (0.2, -1.0), (-0.6, 1.0), (-1.0, 1.0)],
                [(-0.2, -1.0), (0.2, -1.0), (1.0, 1.0), (0.6, 1.0)],
            ],
        ),
        Shape(
            14,
            "letter E",
            TAU,
            [
                rect(-0.9, -0.5, -1.0, 1.0),
                rect(-0.5, 0.9, 0.6, 1.0),
                rect(-0.5, 0.6, -0.2, 0.2),
                rect(-0.5, 0.9, -1.0, -0.6),
            ],
        ),
        Shape(15, "letter L", TAU, [rect(-0.8, -0.35, -1.0, 1.0), rect(-0.35, 0.8, -1.0, -0.55)]),
        Shape(16, "ring", 0.0, ring(0.5, 1.0, 32)),
        Shape(17, "hexagon", TAU / 6, [regular(6, 1.0, phase=0.0)]),
        Shape(
            18,
            "heart",
            TAU,
            [
                regular(24, 0.5, cx=-0.45, cy=0.35),
                regular(24, 0.5, cx=0.45, cy=0.35),
                [(-0.92, 0.2), (0.0, -1.0), (0.92, 0.2), (0.0, 0.45)],
            ],
        ),
        Shape(
            19,
            "letter M",
            TAU,
            [
                rect(-1.0, -0.6, -1.0, 1.0),
                rect(0.6, 1.0, -1.0, 1.0),
                [(-1.0, 1.0), (-0.6, 1.0), (0.2, -0.3), (-0.2, -0.3)],
                [(0.6, 1.0), (1.0, 1.0), (0.2, -0.3), (-0.2, -0.3)],
            ],
        ),
    ]


def _signed_area(poly: Polygon) -> float:
    return 0.5 * sum(
        x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(poly, poly[1:] + poly[:1], strict=True)
    )


def _counter_clockwise(poly: Polygon) -> Polygon:
    """The polygon ordered counter-clockwise (seen from +z), checked to be convex."""
    ordered = poly if _signed_area(poly) > 0 else poly[::-1]
    n = len(ordered)
    for i in range(n):
        (ax, ay), (bx, by), (cx, cy) = ordered[i], ordered[(i + 1) % n], ordered[(i + 2) % n]
        cross = (bx - ax) * (cy - by) - (by - ay) * (cx - bx)
        if cross < -1e-9:
            raise ValueError(f"piece is not convex: {poly}")
    return ordered


def _num(value: float) -> str:
    text = f"{value:.4f}"
    return "0.0000" if text == "-0.0000" else text


def obj_text(shape: Shape) -> str:
    """The OBJ file of one shape: one closed prism per convex piece."""
    lines = [
        f"# simgen kitting shape {shape.id:02d}: {shape.name} ({shape.split} split)",
        "# Generated by simenv/assets/generate_kitting_shapes.py; kit units, see its docstring.",
    ]
    offset = 1
    for index, piece in enumerate(shape.pieces):
        poly = _counter_clockwise(piece)
        n = len(poly)
        lines.append(f"o piece{index}")
        for z in (-HALF_Z, HALF_Z):
            for x, y in poly:
                lines.append(f"v {_num(x * HALF_XY)} {_num(y * HALF_XY)} {_num(z)}")
        bottom = list(range(offset, offset + n))
        top = list(range(offset + n, offset + 2 * n))
        for i in range(1, n - 1):
            lines.append(f"f {top[0]} {top[i]} {top[i + 1]}")
            lines.append(f"f {bottom[0]} {bottom[i + 1]} {bottom[i]}")
        for i in range(n):
            j = (i + 1) % n
            lines.append(f"f {bottom[i]} {bottom[j]} {top[j]}")
            lines.append(f"f {bottom[i]} {top[j]} {top[i]}")
        offset += 2 * n
    return "\n".join(lines) + "\n"


def shapes_json() -> str:
    """Machine-readable metadata: units, canonical scale, and per-id name/symmetry/split."""
    data = {
        "units": "kit units: scale (0.003, 0.003, 0.001) gives 0.08 x 0.08 x 0.02 m",
        "native_size": [round(v, 6) for v in NATIVE_SIZE],
        "canonical_scale": list(CANONICAL_SCALE),
        "canonical_size_m": [0.08, 0.08, 0.02],
        "shapes": [
            {
                "id": s.id,
                "file": f"{s.id:02d}.obj",
                "name": s.name,
                "symmetry": round(s.symmetry, 12),
                "split": s.split,
            }
            for s in shapes()
        ],
    }
    return json.dumps(data, indent=2) + "\n"


def render_all() -> dict[str, str]:
    """Map each file name under ``kitting/`` to its text."""
    files = {f"{s.id:02d}.obj": obj_text(s) for s in shapes()}
    files["shapes.json"] = shapes_json()
    return files


def write_all(directory: Path = KITTING_DIR) -> list[Path]:
    """Write the meshes and ``shapes.json`` into ``directory``; returns the written paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_all().items():
        target = directory / name
        target.write_text(text, encoding="utf-8", newline="\n")
        written.append(target)
    return written


if __name__ == "__main__":
    for written_path in write_all():
        print(written_path.name)
