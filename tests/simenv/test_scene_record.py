"""The scene record: what reset() built, as checked data, rebuilt without the task's code."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pybullet as p
import pytest
from pydantic import ValidationError

from simenv.environment import Environment
from simenv.episodes import reset_episode
from simenv.scene_capture import capture
from simenv.scene_rebuild import build_world
from simenv.scene_record import SceneRecord
from simenv.tasks import get_task, task_names
from simenv.validation import run_expert


def _record(name: str, seed: int = 0) -> SceneRecord:
    with Environment() as env:
        task = reset_episode(env, get_task(name).task_class, seed)
        record = capture(env, task, seed)
        # Through JSON, as it comes out of the sandbox.
        return SceneRecord.model_validate(json.loads(record.model_dump_json()))


def _scene(env: Environment) -> list[tuple[tuple[float, ...], int]]:
    return sorted(
        (tuple(np.round(p.getBasePositionAndOrientation(b)[0], 3)), len(p.getVisualShapeData(b)))
        for b in env.all_object_ids()
    )


@pytest.mark.parametrize("name", task_names())
def test_every_seed_task_rebuilds_from_its_record(name: str) -> None:
    """Same objects in the same places, same goals, and the expert still succeeds."""
    record = _record(name)
    with Environment() as env:
        task = build_world(record, env)
        assert len(task.goals) == len(record.goals) and task.max_steps == record.task.max_steps
        assert sum(len(ids) for ids in env.obj_ids.values()) == sum(
            b.category is not None for b in record.bodies
        )
        again = capture(env, task, record.seed)
        positions = [b.pose.position for b in again.bodies]
        expected = [b.pose.position for b in record.bodies]
        assert np.allclose(positions, expected, atol=0.02)


def test_the_expert_succeeds_on_a_rebuilt_rope() -> None:
    record = _record("align-rope", seed=1)
    assert record.constraints and record.no_collision
    with Environment() as env:
        task = build_world(record, env)
        total, _ = run_expert(env, task)
    assert total > 0.99


def _data(name: str = "place-red-in-green") -> dict[str, Any]:
    return json.loads(_record(name).model_dump_json())


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda d: d["bodies"][0]["pose"].update(position=[float("nan"), 0, 0]), "finite"),
        (lambda d: d["bodies"][0].update(asset="../../../etc/passwd", urdf=None), "asset"),
        (lambda d: d["bodies"][0].update(asset=None, urdf=_urdf("/etc/passwd")), "not an asset"),
        (lambda d: d["bodies"][0].update(asset=None, urdf="<!DOCTYPE x><robot/>"), "DOCTYPE"),
        (lambda d: d["bodies"][0].update(asset=None, urdf="<robot><plugin/></robot>"), "plugin"),
        (lambda d: d["goals"][0].update(objs=[999999]), "do not exist"),
        (lambda d: d["goals"][0].update(step_max_reward=7), "less than or equal"),
        (lambda d: d["task"].update(max_steps=10**9), "less than or equal"),
        (lambda d: d.update(bodies=d["bodies"] * 400), "at most 600"),
        (lambda d: d["bodies"][0].update(size=[1e9, 0, 0]), "less than or equal"),
        (lambda d: d.update(extra="field"), "Extra inputs"),
    ],
)
def test_the_schema_refuses_what_a_hostile_sandbox_could_send(change: Any, says: str) -> None:
    data = _data()
    change(data)
    with pytest.raises(ValidationError) as raised:
        SceneRecord.model_validate(data)
    assert says in str(raised.value)


def _urdf(mesh: str) -> str:
    return (
        '<robot name="x"><link name="base"><visual><geometry>'
        f'<mesh filename="{mesh}"/></geometry></visual></link></robot>'
    )


def test_filled_templates_travel_as_urdf_text_with_asset_meshes() -> None:
    record = _record("assembling-kits")
    texts = [b.urdf for b in record.bodies if b.urdf is not None]
    assert texts and all("<robot" in t for t in texts)
