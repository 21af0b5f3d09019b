"""Tests for ``simenv.kitting`` and the kitting helpers of ``utils`` and ``Task``."""

from __future__ import annotations

import numpy as np
import pytest

from simenv import kitting, utils
from simenv.assets import KIT_CANONICAL_SCALE, KIT_NATIVE_SIZE
from simenv.environment import Environment
from simenv.task import Task


def test_map_kit_scale_inverts_native_size() -> None:
    assert np.allclose(utils.map_kit_scale((0.08, 0.08, 0.02)), KIT_CANONICAL_SCALE)
    scale = utils.map_kit_scale((0.03, 0.03, 0.02))
    assert np.allclose(np.multiply(scale, KIT_NATIVE_SIZE), (0.03, 0.03, 0.02))
    with pytest.raises(ValueError, match="three positive"):
        utils.map_kit_scale((0.03, 0.03))


def test_assembling_kit_shapes_names_every_shape() -> None:
    assert len(utils.assembling_kit_shapes) == 20
    assert utils.assembling_kit_shapes[17] == "hexagon"
    assert all(isinstance(name, str) and name for name in utils.assembling_kit_shapes.values())


def test_splits_and_symmetries() -> None:
    assert kitting.train_shape_ids() == list(range(14))
    assert kitting.test_shape_ids() == list(range(14, 20))
    assert kitting.shape_symmetry(3) == pytest.approx(np.pi / 2)  # square
    assert kitting.shape_symmetry(11) == 0.0  # circle: any yaw
    with pytest.raises(ValueError, match="ids are 0-19"):
        kitting.shape_path(20)


def test_get_kitting_shapes_draws_from_the_mode_split() -> None:
    np.random.seed(0)
    train = kitting.get_kitting_shapes("train", 50)
    test = kitting.get_kitting_shapes("test", 50)
    assert set(train) <= set(range(14)) and set(test) <= set(range(14, 20))
    same = kitting.get_kitting_shapes("test", 5, homogeneous=True)
    assert len(set(same)) == 1


def test_sample_mesh_points_fill_the_shape() -> None:
    np.random.seed(0)
    points = kitting.sample_mesh_points(kitting.shape_path(3), KIT_CANONICAL_SCALE, 200)
    assert points.shape == (3, 200)
    # The square spans +-0.8 of the 4 cm half extent, and 2 cm in z.
    assert np.abs(points[:2]).max() <= 0.032 + 1e-6
    assert np.abs(points[2]).max() <= 0.01 + 1e-6
    assert points[0].std() > 0.01  # spread over the face, not on the outline only


def test_target_sample_surface_points_are_poses_in_the_world() -> None:
    np.random.seed(0)
    pose = ((0.5, 0.1, 0.0), utils.eulerXYZ_to_quatXYZW((0, 0, 0.3)))
    poses = Task().get_target_sample_surface_points("kitting/03.obj", KIT_CANONICAL_SCALE, pose, 20)
    assert len(poses) == 20
    xy = np.array([p[0][:2] for p in poses])
    assert np.linalg.norm(xy - (0.5, 0.1), axis=1).max() < 0.046


def test_make_kitting_objects_matches_same_shapes(env: Environment) -> None:
    np.random.seed(1)
    task = env.task
    shapes = np.array([2, 5, 2])
    targets = [((0.5, 0.0, 0.01), (0, 0, 0, 1))] * 3
    colors = [utils.COLORS["red"], "blue", utils.COLORS["green"]]
    objects, matches = task.make_kitting_objects(env, targets, shapes, 3, colors)
    assert matches.tolist() == [[1, 0, 1], [0, 1, 0], [1, 0, 1]]
    assert [sym for _, (sym, _) in objects] == pytest.approx(
        [2 * np.pi / 3, 2 * np.pi, 2 * np.pi / 3]
    )
    assert all(i in env.obj_ids["rigid"] for i, _ in objects)


def test_zone_points_of_a_mesh_cover_its_extent(env: Environment) -> None:
    """A mesh's visual dimensions are its scale; zone points must span its real size."""
    task = env.task
    replace = {"FNAME": (kitting.shape_path(3),), "SCALE": KIT_CANONICAL_SCALE, "COLOR": "red"}
    obj = env.add_object(task.fill_template(kitting.OBJECT_TEMPLATE, replace), (0.5, 0.0, 0.01))
    points = task.get_box_object_points(obj)
    assert np.ptp(points[0]) > 0.05
