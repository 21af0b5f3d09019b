from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.ndimage import maximum_filter
from scipy.spatial.transform import Rotation

from simenv import utils
from simenv.constants import BOUNDS, PIX_SIZE
from simenv.errors import UnknownColorError


def test_every_api_colour_is_defined() -> None:
    names = "blue red green orange yellow purple pink cyan brown white gray indigo violet black silver gold"
    assert set(names.split()) <= set(utils.COLORS)
    assert all(0.0 <= v <= 1.0 for rgb in utils.COLORS.values() for v in rgb)


def test_unknown_colour_lists_the_known_ones() -> None:
    with pytest.raises(UnknownColorError) as err:
        utils.color_rgba("mauve")
    message = str(err.value)
    assert "mauve" in message and "blue" in message and "gold" in message


def test_unknown_colour_key_names_the_nearest_colours() -> None:
    """``utils.COLORS['chartreuse']``, the form models write most, is a KeyError that helps."""
    with pytest.raises(KeyError) as err:
        utils.COLORS["chartreuse"]  # noqa: B018
    message = str(err.value)
    nearest = message.split("Nearest known colours: ")[1].split(".")[0].split(", ")
    assert "green" in nearest and "yellow" in nearest
    assert "Known colours: " + ", ".join(utils.COLORS) in message
    assert utils.COLORS.get("chartreuse") is None and "red" in utils.COLORS


def test_get_colors_by_split() -> None:
    colors, names = utils.get_colors("train")
    assert names == utils.TRAIN_COLORS and len(colors) == len(names)
    _, names = utils.get_colors("test", n_colors=3)
    assert len(names) == 3 and set(names) <= set(utils.EVAL_COLORS)


def test_pose_algebra_round_trips() -> None:
    pose = ((0.5, 0.1, 0.02), utils.eulerXYZ_to_quatXYZW((0.0, 0.0, 0.7)))
    identity = utils.multiply(pose, utils.invert(pose))
    assert np.allclose(identity[0], 0, atol=1e-6)
    assert np.allclose(np.abs(identity[1]), (0, 0, 0, 1), atol=1e-6)
    assert np.isclose(utils.quatXYZW_to_eulerXYZ(pose[1])[2], 0.7)
    point = utils.apply(pose, (0.1, 0.0, 0.0))
    assert np.allclose(point, (0.5 + 0.1 * np.cos(0.7), 0.1 + 0.1 * np.sin(0.7), 0.02))


def test_pixel_mapping_covers_the_workspace() -> None:
    assert utils.xyz_to_pix((0.25, -0.5, 0), BOUNDS, PIX_SIZE) == (0, 0)
    assert utils.xyz_to_pix((0.75 - PIX_SIZE, 0.5 - PIX_SIZE, 0), BOUNDS, PIX_SIZE) == (319, 159)
    x, y, _ = utils.pix_to_xyz((160, 80), None, BOUNDS, PIX_SIZE, skip_height=True)
    assert np.isclose(x, 0.5) and np.isclose(y, 0.0)


def test_heightmap_keeps_the_highest_point() -> None:
    points = np.array([[[0.5, 0.0, 0.01], [0.5, 0.0, 0.05], [0.3, 0.2, 0.02]]], dtype=np.float32)
    colors = np.array([[[10, 10, 10], [200, 0, 0], [0, 200, 0]]], dtype=np.uint8)
    hmap, cmap = utils.get_heightmap(points, colors, BOUNDS, PIX_SIZE)
    assert hmap.shape == (320, 160)
    u, v = utils.xyz_to_pix((0.5, 0.0, 0), BOUNDS, PIX_SIZE)
    assert np.isclose(hmap[u, v], 0.05) and tuple(cmap[u, v]) == (200, 0, 0)


@pytest.mark.parametrize("seed", range(10))
def test_split_rectangle_tiles_the_rectangle(seed: int) -> None:
    np.random.seed(seed)
    size = (0.2 + 0.05 * np.random.rand(), 0.15 + 0.1 * np.random.rand())
    slots = utils.split_rectangle(size, n_parts=6)
    assert 2 <= len(slots) <= 6
    assert sum(s.size[0] * s.size[1] for s in slots) == pytest.approx(size[0] * size[1])
    for s in slots:
        assert min(s.size) >= 0.05 - 1e-9
        assert abs(s.center[0]) + s.size[0] / 2 <= size[0] / 2 + 1e-9
        assert abs(s.center[1]) + s.size[1] / 2 <= size[1] / 2 + 1e-9
    for a, b in itertools.combinations(slots, 2):
        overlap_x = min(a.center[0] + a.size[0] / 2, b.center[0] + b.size[0] / 2) - max(
            a.center[0] - a.size[0] / 2, b.center[0] - b.size[0] / 2
        )
        overlap_y = min(a.center[1] + a.size[1] / 2, b.center[1] + b.size[1] / 2) - max(
            a.center[1] - a.size[1] / 2, b.center[1] - b.size[1] / 2
        )
        assert min(overlap_x, overlap_y) <= 1e-9


def test_split_rectangle_stops_when_nothing_can_be_cut() -> None:
    slots = utils.split_rectangle((0.09, 0.09), n_parts=5)
    assert len(slots) == 1 and slots[0].size == pytest.approx((0.09, 0.09))


def test_euler_to_quaternion_equals_scipy() -> None:
    """The numpy closed form gives scipy's quaternion, sign included, over two full turns."""
    rng = np.random.default_rng(0)
    for angles in rng.uniform(-2 * np.pi, 2 * np.pi, size=(500, 3)):
        expected = Rotation.from_euler("xyz", angles).as_quat()
        np.testing.assert_allclose(utils.eulerXYZ_to_quatXYZW(angles), expected, atol=1e-12)


def test_quaternion_to_euler_equals_scipy_away_from_gimbal_lock() -> None:
    rng = np.random.default_rng(1)
    for quaternion in rng.normal(size=(500, 4)) * rng.uniform(0.1, 10.0, size=(500, 1)):
        expected = Rotation.from_quat(quaternion).as_euler("xyz")
        if abs(abs(expected[1]) - np.pi / 2) < 1e-3:
            continue
        np.testing.assert_allclose(utils.quatXYZW_to_eulerXYZ(quaternion), expected, atol=1e-9)
    assert utils.get_yaw(utils.eulerXYZ_to_quatXYZW((0.0, 0.0, 2.5))) == pytest.approx(2.5)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, 12])
def test_dilate_equals_scipy_maximum_filter(size: int) -> None:
    rng = np.random.default_rng(size)
    for density in (0.0, 0.02, 0.3):
        mask = rng.random((37, 23)) < density
        mask[0, 5] = mask[-1, -1] = density > 0  # objects on the border too
        expected = maximum_filter(mask, size=size, mode="constant", cval=False)
        np.testing.assert_array_equal(utils.dilate(mask, size), expected)


def test_dilate_refuses_an_empty_window() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        utils.dilate(np.zeros((3, 3), dtype=bool), 0)
