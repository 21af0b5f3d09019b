"""Tests for ``simenv.assets``: the asset files exist, load, have the documented sizes, behave
physically as tasks expect (bowl holds a block, rings drop over pegs, the ell inserts), and the
lookup helpers give actionable errors."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pybullet as p
import pytest

from simenv.assets import (
    ASSET_ROOT,
    KIT_CANONICAL_SCALE,
    UnknownAssetError,
    find_asset_references,
    find_urdf_literals,
    generate_assets,
    generate_kitting_shapes,
    list_assets,
    resolve_asset,
)
from simenv.dialect import collect_warnings
from simenv.task import Task

TABLE_PATHS = [
    "block/block.urdf",
    "block/small.urdf",
    "block/block-template.urdf",
    "box/box-template.urdf",
    "block/block_for_anchors.urdf",
    "stacking/block.urdf",
    "stacking/stand.urdf",
    "container/container-template.urdf",
    "cylinder/cylinder-template.urdf",
    "ball/ball-template.urdf",
    "sphere/sphere-template.urdf",
    "ball/ball.urdf",
    "sphere/sphere.urdf",
    "bowl/bowl.urdf",
    "zone/zone.urdf",
    "pallet/pallet.urdf",
    "corner/corner-template.urdf",
    "insertion/ell.urdf",
    "insertion/fixture.urdf",
    "line/line-template.urdf",
    "line/single-green-line-template.urdf",
    "square/square-template.urdf",
    "kitting/kit.urdf",
    "kitting/object-template.urdf",
    "kitting/object-template-nocollision.urdf",
    "hanoi/stand.urdf",
    "hanoi/disk0.urdf",
    "hanoi/disk1.urdf",
    "hanoi/disk2.urdf",
    "plane/plane.urdf",
    "workspace/workspace.urdf",
]

# Token values used to fill each template in these tests.
TEMPLATE_FILLS: dict[str, dict[str, Sequence[object]]] = {
    "block/block-template.urdf": {"DIM": (0.05, 0.03, 0.02)},
    "box/box-template.urdf": {"DIM": (0.05, 0.03, 0.02)},
    "container/container-template.urdf": {"DIM": (0.2, 0.15, 0.05), "HALF": (0.1, 0.075, 0.025)},
    "cylinder/cylinder-template.urdf": {"DIM": (0.02, 0.02, 0.08)},
    "ball/ball-template.urdf": {"DIM": (0.03, 0.03, 0.03)},
    "sphere/sphere-template.urdf": {"DIM": (0.03, 0.03, 0.03)},
    "corner/corner-template.urdf": {"DIMX": (0.04, 0.02), "DIMY": (0.06, 0.03)},
    "line/line-template.urdf": {"DIM": (0.3, 0.01, 0.01)},
    "line/single-green-line-template.urdf": {"DIM": (0.3, 0.01, 0.01)},
    "square/square-template.urdf": {"DIM": (0.2,), "HALF": (0.095,)},
    "kitting/object-template.urdf": {
        "FNAME": (str(ASSET_ROOT / "kitting" / "17.obj"),),
        "SCALE": KIT_CANONICAL_SCALE,
    },
    "kitting/object-template-nocollision.urdf": {
        "FNAME": (str(ASSET_ROOT / "kitting" / "04.obj"),),
        "SCALE": KIT_CANONICAL_SCALE,
    },
}

TOKEN = re.compile(r"\b[A-Z]{3,}[0-9]*\b")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def fill(template: str, replace: Mapping[str, Sequence[object]], tmp_path: Path) -> str:
    """The real ``Task.fill_template`` (``tmp_path`` is kept for the call sites' symmetry)."""
    return Task().fill_template(template, {"COLOR": (0.2, 0.4, 0.6), **replace})


@pytest.fixture
def sim() -> Iterator[int]:
    """A DIRECT PyBullet client with gravity and our ground plane."""
    client = p.connect(p.DIRECT)
    p.setGravity(0, 0, -9.8, physicsClientId=client)
    p.loadURDF(str(resolve_asset("plane/plane.urdf")), physicsClientId=client)
    yield client
    p.disconnect(client)


def load(
    client: int, path: str, pos: Sequence[float] = (0, 0, 0), yaw: float = 0.0, fixed: bool = False
) -> int:
    orn = p.getQuaternionFromEuler((0, 0, yaw))
    return int(
        p.loadURDF(str(resolve_asset(path)), pos, orn, useFixedBase=fixed, physicsClientId=client)
    )


def extent(client: int, body: int) -> tuple[list[float], list[float]]:
    lo, hi = p.getAABB(body, -1, physicsClientId=client)
    return list(lo), list(hi)


def size(client: int, body: int) -> list[float]:
    lo, hi = extent(client, body)
    return [h - lo_ for lo_, h in zip(lo, hi, strict=True)]


def settle(client: int, seconds: float = 1.0) -> None:
    for _ in range(int(seconds * 240)):
        p.stepSimulation(physicsClientId=client)


def position(client: int, body: int) -> tuple[float, float, float]:
    pos, _ = p.getBasePositionAndOrientation(body, physicsClientId=client)
    return pos


# --- files and lookup ------------------------------------------------------------------


@pytest.mark.parametrize("path", TABLE_PATHS)
def test_table_paths_exist(path: str) -> None:
    assert resolve_asset(path).is_file()
    assert path in list_assets()


def test_list_assets_sorted_posix() -> None:
    assets = list_assets()
    assert assets == sorted(assets)
    assert all("\\" not in a and a.endswith(".urdf") for a in assets)


def test_templates_use_color_tokens() -> None:
    for path in list_assets():
        text = (ASSET_ROOT / path).read_text()
        if "-template" in path and "single-green" not in path:
            assert '<color rgba="COLOR0 COLOR1 COLOR2 1"/>' in text or "corner" in path, path


@pytest.mark.parametrize("path", [a for a in TABLE_PATHS if "template" not in a])
def test_plain_urdf_loads(sim: int, path: str) -> None:
    assert load(sim, path) >= 0


@pytest.mark.parametrize("template", sorted(TEMPLATE_FILLS))
def test_template_loads_after_fill(sim: int, tmp_path: Path, template: str) -> None:
    urdf = fill(template, TEMPLATE_FILLS[template], tmp_path)
    leftover = TOKEN.findall(COMMENT.sub("", Path(urdf).read_text()))
    assert not leftover, leftover
    body = p.loadURDF(urdf, (0.5, 0, 0.1), physicsClientId=sim)
    assert body >= 0


#: CLIPort's lateral friction for each colliding asset, read from its asset files (Ravens /
#: GenSim). Every one also scales its inertia by 3. Masses stay ours (see generate_assets).
CLIPORT_FRICTION: dict[str, float] = {
    "block/block.urdf": 1.0,
    "block/small.urdf": 0.5,
    "block/block-template.urdf": 1.0,
    "box/box-template.urdf": 1.0,
    "block/block_for_anchors.urdf": 1.0,
    "stacking/block.urdf": 1.0,
    "stacking/stand.urdf": 1.0,
    "container/container-template.urdf": 0.3,
    "cylinder/cylinder-template.urdf": 1.0,
    "ball/ball-template.urdf": 1.0,
    "sphere/sphere-template.urdf": 1.0,
    "ball/ball.urdf": 1.0,
    "sphere/sphere.urdf": 1.0,
    "bowl/bowl.urdf": 1.0,
    "pallet/pallet.urdf": 1.0,
    "insertion/ell.urdf": 0.3,
    "insertion/fixture.urdf": 0.3,
    "kitting/kit.urdf": 1.0,
    "kitting/object-template.urdf": 1.0,
    "hanoi/stand.urdf": 0.5,
    "hanoi/disk0.urdf": 1.0,
    "hanoi/disk1.urdf": 1.0,
    "hanoi/disk2.urdf": 1.0,
}


def test_the_friction_table_covers_every_colliding_asset() -> None:
    """A new colliding asset must say what CLIPort's counterpart uses (the ground excepted)."""
    colliding = {a for a in TABLE_PATHS if "<collision>" in resolve_asset(a).read_text()}
    assert colliding - {"plane/plane.urdf"} == set(CLIPORT_FRICTION)


@pytest.mark.parametrize("path", sorted(CLIPORT_FRICTION))
def test_contact_values_are_cliports(sim: int, tmp_path: Path, path: str) -> None:
    """Friction and inertia scaling as CLIPort's assets set them (issue 23).

    They decide how a box set down across an edge tips: a GenSim-style car of blocks, whose
    body straddles two supports, succeeded on 62% of 340 episodes with friction 0.8 and no
    inertia scaling, and on 82% with CLIPort's values (``docs/results/cliport-parity.md``).
    """
    urdf = fill(path, TEMPLATE_FILLS[path], tmp_path) if path in TEMPLATE_FILLS else path
    body = p.loadURDF(str(resolve_asset(urdf)), physicsClientId=sim)
    friction, inertia = p.getDynamicsInfo(body, -1, physicsClientId=sim)[1:3]
    assert friction == pytest.approx(CLIPORT_FRICTION[path])
    unscaled = tmp_path / "unscaled.urdf"
    unscaled.write_text(re.sub(r"<inertia_scaling [^>]*/>", "", resolve_asset(urdf).read_text()))
    plain = p.loadURDF(str(unscaled), physicsClientId=sim)
    plain_inertia = p.getDynamicsInfo(plain, -1, physicsClientId=sim)[2]
    assert min(plain_inertia) > 0.0
    assert inertia == pytest.approx([3.0 * i for i in plain_inertia])


def test_corner_template_with_benchmark_tokens(sim: int, tmp_path: Path) -> None:
    """Benchmark code fills only DIMX0/DIMY0: the offsets get default sizes, with a warning."""
    with collect_warnings() as log:
        urdf = fill("corner/corner-template.urdf", {"DIMX": (0.04,), "DIMY": (0.04,)}, tmp_path)
    assert len(log.messages) == 1 and "left tokens unfilled" in log.messages[0]
    body = p.loadURDF(urdf, (0.5, 0, 0), useFixedBase=True, physicsClientId=sim)
    shapes = p.getVisualShapeData(body, physicsClientId=sim)
    assert sorted(round(max(s[3][:2]), 4) for s in shapes) == [0.04, 0.04]


def test_resolve_absolute_and_legacy_prefix(tmp_path: Path) -> None:
    f = tmp_path / "filled.urdf"
    f.write_text("<robot/>")
    assert resolve_asset(str(f)) == f
    assert resolve_asset("assets/block/block.urdf") == ASSET_ROOT / "block" / "block.urdf"


def test_unknown_asset_names_nearest() -> None:
    with pytest.raises(UnknownAssetError) as info:
        resolve_asset("blocks/block.urdf")
    message = str(info.value)
    assert "'blocks/block.urdf'" in message
    assert "block/block.urdf" in message
    assert "task API" in message
    assert len(info.value.nearest) == 3
    assert isinstance(info.value, FileNotFoundError)


def test_find_asset_references() -> None:
    source = """
import os
class T:
    def reset(self, env):
        a = 'block/block.urdf'
        b = os.path.join(self.assets_root, 'bowl/bowl.urdf')
        c = os.path.join(self.assets_root, 'hanoi', 'disk0.urdf')
        d = self.fill_template('box/box-template.urdf', {})
        e = 'assets/zone/zone.urdf'
        f = 'not/an/asset.urdf'
        g = 'block/block.urdf'
"""
    assert find_asset_references(source) == [
        "block/block.urdf",
        "bowl/bowl.urdf",
        "box/box-template.urdf",
        "hanoi/disk0.urdf",
        "zone/zone.urdf",
    ]
    assert "not/an/asset.urdf" in find_urdf_literals(source)
    broken = "def f(:\n    x = 'block/block.urdf'\n    y = 'nope.urdf'"
    assert find_asset_references(broken) == ["block/block.urdf"]


# --- generated files are in sync -------------------------------------------------------


def test_urdfs_match_generator() -> None:
    for rel, text in generate_assets.render_all().items():
        assert (ASSET_ROOT / rel).read_text() == text, f"{rel} is stale: rerun generate_assets"


def test_kitting_meshes_match_generator(tmp_path: Path) -> None:
    written = generate_kitting_shapes.write_all(tmp_path)
    assert len(written) == 21
    for path in written:
        committed = ASSET_ROOT / "kitting" / path.name
        assert committed.read_bytes() == path.read_bytes(), f"{path.name} differs"


def test_kitting_shapes_json() -> None:
    data = json.loads((ASSET_ROOT / "kitting" / "shapes.json").read_text())
    shapes = data["shapes"]
    assert [s["id"] for s in shapes] == list(range(20))
    assert all(s["split"] == ("train" if s["id"] < 14 else "test") for s in shapes)
    assert shapes[11]["symmetry"] == 0.0  # circle
    assert math.isclose(shapes[17]["symmetry"], 2 * math.pi / 6)
    for s in shapes:
        assert (ASSET_ROOT / "kitting" / s["file"]).is_file()


# --- sizes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("block/block.urdf", (0.04, 0.04, 0.04)),
        ("block/small.urdf", (0.01, 0.01, 0.01)),
        ("block/block_for_anchors.urdf", (0.04, 0.04, 0.04)),
        ("stacking/block.urdf", (0.04, 0.04, 0.04)),
        ("stacking/stand.urdf", (0.05, 0.15, 0.005)),
        # 16-gon rim: corners stick out ~1 mm past the 0.06 radius, plus compound margins.
        ("bowl/bowl.urdf", (0.123, 0.123, 0.037)),
        ("pallet/pallet.urdf", (0.30, 0.25, 0.0375)),
        ("kitting/kit.urdf", (0.28, 0.20, 0.005)),
        ("insertion/ell.urdf", (0.08, 0.08, 0.04)),
        ("hanoi/stand.urdf", (0.12, 0.36, 0.08)),
        ("hanoi/disk2.urdf", (0.10, 0.10, 0.015)),
    ],
)
def test_sizes(sim: int, path: str, expected: tuple[float, float, float]) -> None:
    body = load(sim, path, (0.5, 0.0, 0.3), fixed=True)
    # PyBullet pads compound AABBs by about 1 mm per side; allow a few mm.
    for got, want in zip(size(sim, body), expected, strict=True):
        assert abs(got - want) < 0.004, (path, size(sim, body), expected)


def test_ell_arms(sim: int) -> None:
    """Each arm is 0.08 x 0.03 x 0.04: probe the shape with rays along and across the arms."""
    load(sim, "insertion/ell.urdf", (0.0, 0.0, 0.5), fixed=True)

    def solid(x: float, y: float) -> bool:
        hit = p.rayTest((x, y, 1.0), (x, y, 0.45), physicsClientId=sim)[0]
        return hit[0] >= 1 and abs(hit[3][2] - 0.52) < 1e-3

    assert solid(0.0, 0.0)  # the origin is on the part (corner square)
    assert solid(0.063, 0.0) and not solid(0.067, 0.0)  # x arm reaches 0.065
    assert solid(0.0, 0.063) and not solid(0.0, 0.067)  # y arm reaches 0.065
    assert solid(-0.013, 0.0) and not solid(-0.017, 0.0)  # back edges at -0.015
    assert solid(0.03, 0.013) and not solid(0.03, 0.017)  # arm width 0.03
    assert not solid(0.04, 0.04)  # the inside of the L is empty


def test_kitting_object_canonical_size(sim: int, tmp_path: Path) -> None:
    """At the benchmark's scale (0.003, 0.003, 0.001) a shape is 0.08 across and 0.02 thick."""
    urdf = fill(
        "kitting/object-template.urdf", TEMPLATE_FILLS["kitting/object-template.urdf"], tmp_path
    )
    body = p.loadURDF(urdf, (0.5, 0, 0.3), useFixedBase=True, physicsClientId=sim)
    sx, sy, sz = size(sim, body)  # convex hulls pad their AABB by about 3 mm per side
    assert abs(max(sx, sy) - 0.086) < 0.004 and abs(sz - 0.026) < 0.003


def test_kitting_letter_keeps_concave_collision(sim: int, tmp_path: Path) -> None:
    """Each OBJ piece becomes its own convex hull: the inside corner of the L stays empty."""
    replace = {"FNAME": (str(ASSET_ROOT / "kitting" / "15.obj"),), "SCALE": KIT_CANONICAL_SCALE}
    urdf = fill("kitting/object-template.urdf", replace, tmp_path)
    body = p.loadURDF(urdf, (0.5, 0, 0.05), physicsClientId=sim)
    settle(sim, 1.0)
    x, y, z = position(sim, body)
    assert abs(z - 0.01) < 0.002  # rests on the table at half its thickness
    notch = p.rayTest(
        (x + 0.015, y + 0.015, 0.2), (x + 0.015, y + 0.015, 0.005), physicsClientId=sim
    )
    spine = p.rayTest((x - 0.02, y, 0.2), (x - 0.02, y, 0.005), physicsClientId=sim)
    assert notch[0][0] == -1 and spine[0][0] == body


# --- physical behaviour ----------------------------------------------------------------


def test_block_rests_inside_bowl(sim: int) -> None:
    bowl = load(sim, "bowl/bowl.urdf", (0.5, 0.0, 0.0))
    block = load(sim, "block/block.urdf", (0.51, 0.01, 0.08), yaw=0.3)
    settle(sim, 1.0)
    bx, by, bz = position(sim, block)
    cx, cy, cz = position(sim, bowl)
    assert abs(cz) < 0.005  # the bowl sits on the table
    assert math.hypot(bx - cx, by - cy) < 0.055 - 0.02  # inside the wall
    assert bz < 0.035  # below the rim
    assert abs(bz - (0.005 + 0.02)) < 0.005  # resting on the bowl floor


def test_hanoi_ring_drops_over_peg(sim: int) -> None:
    stand = load(sim, "hanoi/stand.urdf", (0.5, 0.0, 0.0), fixed=True)
    sz = position(sim, stand)[2]
    rings = []
    for index, peg_y in enumerate((-0.12, 0.0, 0.12)):
        rings.append(load(sim, f"hanoi/disk{index}.urdf", (0.5, peg_y, 0.12)))
    settle(sim, 1.5)
    for ring, peg_y in zip(rings, (-0.12, 0.0, 0.12), strict=True):
        x, y, z = position(sim, ring)
        assert z - sz < 0.03
        assert abs(z - sz - 0.0175) < 0.004
        assert math.hypot(x - 0.5, y - peg_y) < 0.01


def test_hanoi_rings_stack(sim: int) -> None:
    stand = load(sim, "hanoi/stand.urdf", (0.5, 0.0, 0.0), fixed=True)
    sz = position(sim, stand)[2]
    rings = [load(sim, f"hanoi/disk{i}.urdf", (0.5, 0.0, 0.1 + 0.03 * (2 - i))) for i in (2, 1, 0)]
    settle(sim, 2.0)
    heights = [position(sim, r)[2] - sz for r in rings]
    for got, want in zip(heights, (0.0175, 0.0325, 0.0475), strict=True):
        assert abs(got - want) < 0.004, heights


def test_ell_inserts_into_fixture(sim: int) -> None:
    pose_xy, yaw = (0.5, 0.1), 0.7
    fixture = load(sim, "insertion/fixture.urdf", (*pose_xy, 0.02), yaw=yaw, fixed=True)
    assert fixture >= 0
    ell = load(sim, "insertion/ell.urdf", (*pose_xy, 0.03), yaw=yaw)
    settle(sim, 1.0)
    x, y, z = position(sim, ell)
    assert abs(z - 0.02) < 0.003  # on the table, inside the hole
    assert math.hypot(x - pose_xy[0], y - pose_xy[1]) < 0.006
    _, orn = p.getBasePositionAndOrientation(ell, physicsClientId=sim)
    got_yaw = p.getEulerFromQuaternion(orn)[2]
    assert abs(math.remainder(got_yaw - yaw, 2 * math.pi)) < 0.15


def test_ell_rotated_does_not_fit(sim: int) -> None:
    """The ell turned by 180 degrees does not go in: it ends caught on the walls, tilted.

    (Turned by 90 degrees it drops into one 4.8 cm arm of CLIPort's generous channel, on its
    side, so only the half turn is a clean check of the L.)
    """
    load(sim, "insertion/fixture.urdf", (0.5, 0.0, 0.02), fixed=True)
    ell = load(sim, "insertion/ell.urdf", (0.5, 0.0, 0.065), yaw=math.pi)
    settle(sim, 1.0)
    _, orn = p.getBasePositionAndOrientation(ell, physicsClientId=sim)
    roll, pitch, _ = p.getEulerFromQuaternion(orn)
    assert max(abs(roll), abs(pitch)) > 0.3


@pytest.mark.parametrize("cell", [(0.0, 0.0), (0.05, 0.0), (0.0, 0.05)])
def test_a_block_fits_each_fixture_cell(sim: int, cell: tuple[float, float]) -> None:
    """CLIPort's fixture takes a 4 cm cube in any of its three cells, down to the table.

    LLM-written tasks insert blocks into fixtures (issue 23); a fixture sized to the ell alone
    left the cube on its rims, where a second block or a nudge tips it out.
    """
    yaw = 0.4
    load(sim, "insertion/fixture.urdf", (0.5, 0.0, 0.02), yaw=yaw, fixed=True)
    c, s = math.cos(yaw), math.sin(yaw)
    xy = (0.5 + c * cell[0] - s * cell[1], s * cell[0] + c * cell[1])
    block = load(sim, "block/block.urdf", (*xy, 0.03), yaw=yaw)
    settle(sim, 1.0)
    x, y, z = position(sim, block)
    assert abs(z - 0.02) < 0.002  # on the table
    assert math.hypot(x - xy[0], y - xy[1]) < 0.006


def test_block_stays_on_pallet_and_in_container(sim: int, tmp_path: Path) -> None:
    load(sim, "pallet/pallet.urdf", (0.5, 0.2, 0.01875), fixed=True)
    on_pallet = load(sim, "block/block.urdf", (0.5, 0.2, 0.06))
    urdf = fill(
        "container/container-template.urdf",
        TEMPLATE_FILLS["container/container-template.urdf"],
        tmp_path,
    )
    p.loadURDF(urdf, (0.5, -0.2, 0.025), useFixedBase=True, physicsClientId=sim)
    in_box = load(sim, "block/block.urdf", (0.5, -0.2, 0.06))
    settle(sim, 1.0)
    assert abs(position(sim, on_pallet)[2] - (0.0375 + 0.02)) < 0.004
    assert abs(position(sim, in_box)[2] - (0.002 + 0.02)) < 0.004
