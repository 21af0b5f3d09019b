from __future__ import annotations

import math

import numpy as np
import pybullet as p
import pytest

from simenv import utils
from simenv.assets import UnknownAssetError
from simenv.cameras import DEFAULT_CAMERAS
from simenv.environment import Environment
from simenv.errors import InvalidPoseError, UnknownColorError
from simenv.task import Task


class _Empty(Task):
    """A task with one block and no goals, for poking at the world."""

    def reset(self, env) -> None:  # type: ignore[no-untyped-def]
        super().reset(env)
        env.add_object("block/block.urdf", ((0.5, 0.0, 0.02), (0, 0, 0, 1)))


@pytest.fixture
def world(env: Environment) -> Environment:
    env.set_task(_Empty())
    env.reset()
    return env


def test_add_object_returns_ids_by_category(world: Environment) -> None:
    block = world.obj_ids["rigid"][0]
    bowl = world.add_object("bowl/bowl.urdf", (0.4, 0.2, 0.0), "fixed", color="green")
    assert bowl in world.obj_ids["fixed"]
    assert world.info[block][2] == pytest.approx((0.04, 0.04, 0.04), abs=2e-3)
    rgba = p.getVisualShapeData(bowl)[0][7]
    assert np.allclose(rgba[:3], utils.COLORS["green"])


def test_unknown_asset_names_the_nearest_ones(world: Environment) -> None:
    with pytest.raises(UnknownAssetError) as err:
        world.add_object("blocks/block.urdf", ((0.5, 0.1, 0.02), (0, 0, 0, 1)))
    assert "blocks/block.urdf" in str(err.value) and "block/block.urdf" in str(err.value)


def test_unknown_colour_is_reported(world: Environment) -> None:
    with pytest.raises(UnknownColorError, match="Known colours"):
        world.add_object("block/block.urdf", ((0.5, 0.1, 0.02), (0, 0, 0, 1)), color="mauve")


@pytest.mark.parametrize(
    ("pose", "fragment"),
    [
        (((0.5, math.nan, 0.02), (0, 0, 0, 1)), "NaN"),
        (((2.0, 0.0, 0.02), (0, 0, 0, 1)), "outside the workspace"),
        ((None, None), "the table is full"),
    ],
)
def test_bad_poses_say_which_object_and_value(
    world: Environment, pose: object, fragment: str
) -> None:
    with pytest.raises(InvalidPoseError) as err:
        world.add_object("block/block.urdf", pose)
    assert fragment in str(err.value) and "block/block.urdf" in str(err.value)


def test_arm_reaches_workspace_corners(world: Environment) -> None:
    for x, y in [(0.25, -0.5), (0.75, 0.5), (0.75, -0.5), (0.25, 0.5), (0.5, 0.0)]:
        target = ((x, y, 0.05), utils.eulerXYZ_to_quatXYZW((0, 0, 0.5)))
        assert not world.movep(target)
        tip = p.getLinkState(world.arm, world.tip_link)[4]
        assert np.linalg.norm(np.subtract(tip, target[0])) < 0.01


def _touch_the_block_from_above(world: Environment) -> None:
    """Bring the suction cup down onto the block at (0.5, 0.0) until it touches."""
    assert world.ee is not None
    world.movep(((0.5, 0.0, 0.2), (0, 0, 0, 1)))
    world.movep(
        ((0.5, 0.0, 0.0), (0, 0, 0, 1)), speed=0.002, stop=world.ee.detect_contact, straight=True
    )


def test_suction_picks_and_releases_a_block(world: Environment) -> None:
    block = world.obj_ids["rigid"][0]
    _touch_the_block_from_above(world)
    world.ee.activate()
    assert world.ee.check_grasp()
    world.movep(((0.5, 0.0, 0.2), (0, 0, 0, 1)), straight=True)
    assert p.getBasePositionAndOrientation(block)[0][2] > 0.1
    world.ee.release()
    world.settle()
    assert p.getBasePositionAndOrientation(block)[0][2] < 0.03


def test_observation_has_three_cameras_when_rendering() -> None:
    with Environment(render=True, cameras=[c.scaled(48, 64) for c in DEFAULT_CAMERAS]) as env:
        env.set_task(_Empty())
        obs = env.reset()
        assert len(obs["color"]) == 3 and obs["color"][0].shape == (48, 64, 3)
        assert obs["depth"][0].dtype == np.float32
        assert 0.3 < float(np.median(obs["depth"][0])) < 3.0


def test_no_images_when_rendering_is_off(world: Environment) -> None:
    obs, reward, done, info = world.step()
    assert obs == {"color": (), "depth": ()} and reward == 0.0
    assert "lang_goal" in info


def test_images_off_renders_nothing_until_observe_is_called() -> None:
    """A recorder steps with the cameras off and renders only the observations it keeps."""
    with Environment(render=True, cameras=[c.scaled(48, 64) for c in DEFAULT_CAMERAS]) as env:
        env.set_task(_Empty())
        with env.images_off():
            assert env.reset() == {"color": (), "depth": ()}
            assert env.step()[0] == {"color": (), "depth": ()}
            obs = env.observe()
        assert len(obs["color"]) == 3 and obs["color"][0].shape == (48, 64, 3)
        assert len(env.step()[0]["color"]) == 3  # rendering is back on after the block


def test_a_spinning_object_in_place_counts_as_static(world: Environment) -> None:
    """Pile particles spin about their vertical axis long after they stop: ``is_static``
    (CLIPort's rule) looks at linear speed only, so a settle does not wait out its timeout."""
    block = world.obj_ids["rigid"][0]
    world.settle()
    p.resetBaseVelocity(block, (0, 0, 0), (0, 0, 3.0))
    assert world.is_static()
    p.resetBaseVelocity(block, (0.1, 0, 0), (0, 0, 0))
    assert not world.is_static()


def _slides_sideways(env: Environment, block: int, steps: int = 120) -> float:
    """How far ``block`` goes in ``steps`` steps with gravity tilted towards +y."""
    start = np.array(p.getBasePositionAndOrientation(block)[0])
    p.setGravity(0, 15.0, -9.8)
    try:
        for _ in range(steps):
            env.step_simulation()
    finally:
        p.setGravity(0, 0, -9.8)
    return float(np.linalg.norm(np.array(p.getBasePositionAndOrientation(block)[0]) - start))


def test_objects_at_rest_sleep_until_something_touches_them(world: Environment) -> None:
    """After a step the resting block sleeps (Bullet skips it); a block dropped on it wakes it."""
    block = world.obj_ids["rigid"][0]
    assert _slides_sideways(world, block) < 1e-3  # awake, it slides ~6 cm
    world.add_object("block/block.urdf", ((0.5, 0.0, 0.08), (0, 0, 0, 1)))
    for _ in range(60):
        world.step_simulation()
    assert _slides_sideways(world, block) > 0.01


def test_a_tipping_object_is_not_put_to_sleep(world: Environment) -> None:
    block = world.obj_ids["rigid"][0]
    p.changeDynamics(block, -1, activationState=p.ACTIVATION_STATE_WAKE_UP)
    p.resetBaseVelocity(block, (0, 0, 0), (0.3, 0, 0))  # tipping: its far edge at 12 mm/s
    world.sleep_resting_objects()
    assert _slides_sideways(world, block, steps=30) > 0.01


def test_a_descent_wakes_the_sleeping_objects_near_its_target(world: Environment) -> None:
    """What a descent may press on is awake before it starts; objects far from it sleep on."""
    near = world.obj_ids["rigid"][0]  # at (0.5, 0.0)
    far = world.add_object("block/block.urdf", ((0.35, -0.3, 0.02), (0, 0, 0, 1)))
    world.step()
    world.movep(((0.55, 0.0, 0.2), (0, 0, 0, 1)), stop=lambda: False)
    assert _slides_sideways(world, near) > 0.01
    assert _slides_sideways(world, far) < 1e-3


def test_a_grasp_wakes_the_sleeping_object_it_takes(world: Environment) -> None:
    block = world.obj_ids["rigid"][0]
    _touch_the_block_from_above(world)
    world.sleep_resting_objects()  # the cup's touch did not wake it; the grasp must
    world.ee.activate()
    world.movep(((0.5, 0.0, 0.2), (0, 0, 0, 1)), straight=True)
    assert p.getBasePositionAndOrientation(block)[0][2] > 0.1


def test_second_world_in_one_process_is_refused(world: Environment) -> None:
    with pytest.raises(Exception, match="already connected"):
        Environment()


def test_fused_heightmap_places_objects_where_they_are() -> None:
    from simenv.render import top_down

    with Environment() as env:
        env.set_task(_Empty())
        env.reset()
        env.add_object("block/block.urdf", ((0.6, 0.25, 0.02), (0, 0, 0, 1)))
        colormap = top_down(env)
        _, heightmap = utils.get_fused_heightmap(
            {"color": [], "depth": []} | _images(env), env.agent_cams
        )
    assert heightmap.shape == (320, 160) and colormap.shape == (320, 160, 3)
    for x, y in [(0.5, 0.0), (0.6, 0.25)]:
        u, v = utils.xyz_to_pix((x, y, 0), env.bounds, env.pix_size)
        assert heightmap[u, v] == pytest.approx(0.04, abs=0.006)
    u, v = utils.xyz_to_pix((0.35, -0.3, 0), env.bounds, env.pix_size)
    assert heightmap[u, v] < 0.005


def _images(env: Environment) -> dict[str, list[np.ndarray]]:
    from simenv.cameras import render_camera

    shots = [render_camera(c) for c in env.cameras]
    return {"color": [s[0] for s in shots], "depth": [s[1] for s in shots]}
