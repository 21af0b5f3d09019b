"""The judge's checks of a scene record (``simenv.record_checks``), attacked as a hostile sandbox would.

Each adversarial record starts from a real record of a seed task and is changed the way a task
built inside the sandbox could change it. Every one of them passes the schema alone (the code
before these checks took it, or crashed on it); ``decode_record`` must refuse it with a message
that says what is wrong.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from simenv import record_checks
from simenv.record_checks import RecordRejected, decode_record
from simenv.scene_record import SceneRecord
from simenv.settings import ValidationSettings
from simenv.taskcode import build_scenes
from simenv.tasks import get_task, task_names
from simenv.validation_report import Stage, StageFailure, ValidationReport

Data = dict[str, Any]
#: The seed tasks the attacks start from: one goal and filled URDFs (align-box-corner), three
#: goals with three blocks in the first (stack-block-pyramid), six goals of 1/6
#: (stack-block-pyramid-seq), a zone (packing-boxes), rope beads (align-rope), kitting meshes
#: (assembling-kits).
BASES = (
    "align-box-corner",
    "stack-block-pyramid",
    "stack-block-pyramid-seq",
    "packing-boxes",
    "align-rope",
    "assembling-kits",
)
SEEDS = 3
ESCAPES = "\x1b[2J\x1b[H\rPASSED\x07"


def _records(name: str, episodes: int = 1) -> list[SceneRecord]:
    return list(build_scenes(get_task(name).path, ValidationSettings(episodes=episodes)))


@pytest.fixture(scope="module")
def bases() -> dict[str, Data]:
    """One real record (seed 0) per base task, as the JSON data the sandbox sends."""
    return {name: json.loads(_records(name)[0].model_dump_json()) for name in BASES}


@pytest.fixture(scope="module")
def seed_records() -> list[SceneRecord]:
    """Every seed task's records for seeds 0..2, captured in this process."""
    return [record for name in task_names() for record in _records(name, SEEDS)]


# -- attacks ---------------------------------------------------------------------------------


def _urdf(
    links: list[str], joints: list[tuple[str, str]], box: str | None = "0.04 0.04 0.04"
) -> str:
    """URDF text with the given link names and (parent, child) joints; each link a box, or
    (``box`` None) bare, to fit hundreds of links in the text."""
    shape = (
        f'<visual><geometry><box size="{box}"/></geometry></visual>'
        f'<collision><geometry><box size="{box}"/></geometry></collision>'
        '<inertial><mass value="0.1"/><inertia ixx="1" ixy="0" ixz="0" iyy="1" iyz="0" izz="1"/>'
        "</inertial>"
        if box is not None
        else ""
    )
    body = "".join(f'<link name="{name}">{shape}</link>' for name in links)
    body += "".join(
        f'<joint name="j{i}" type="fixed"><parent link="{a}"/><child link="{b}"/></joint>'
        for i, (a, b) in enumerate(joints)
    )
    return f'<robot name="attack">{body}</robot>'


def _set_urdf(text: str) -> Callable[[Data], None]:
    def change(d: Data) -> None:
        body = next(b for b in d["bodies"] if b["urdf"] is not None)
        body["urdf"] = text

    return change


def _shares(d: Data) -> None:
    """GenSim's pattern: six goals of 1/6 each, then a final goal worth 1 (sum 2)."""
    final = copy.deepcopy(d["goals"][-1])
    final["step_max_reward"] = 1.0
    d["goals"].append(final)


def _no_objects(d: Data) -> None:
    d["goals"][0].update(objs=[], matches=[], symmetries=[])


def _same_block_thrice(d: Data) -> None:
    goal = d["goals"][0]
    goal["objs"] = [goal["objs"][0]] * len(goal["objs"])


def _target(x: float, y: float, z: float) -> Callable[[Data], None]:
    def change(d: Data) -> None:
        d["goals"][0]["targ_poses"][0]["position"] = [x, y, z]

    return change


def _zone(change: Data) -> Callable[[Data], None]:
    def apply(d: Data) -> None:
        d["goals"][0]["zones"][0].update(change)

    return apply


def _many_bodies(d: Data) -> None:
    """Rope beads copied on one spot until the scene has 250 links."""
    bead = next(b for b in d["bodies"] if b["collision"] is not None)
    d["bodies"] += [dict(bead, id=10_000 + i) for i in range(250 - len(d["bodies"]))]


def _task(**change: Any) -> Callable[[Data], None]:
    def apply(d: Data) -> None:
        d["task"].update(change)

    return apply


def _first_body(**change: Any) -> Callable[[Data], None]:
    def apply(d: Data) -> None:
        d["bodies"][0].update(change)

    return apply


def _mesh_scale(d: Data) -> None:
    body = next(b for b in d["bodies"] if b["urdf"] and "<mesh" in b["urdf"])
    body["urdf"] = re.sub(r'scale="[^"]*"', 'scale="3 3 1"', body["urdf"])


def _goal_object(d: Data) -> Data:
    """The body of the first goal's first object (a block of stack-block-pyramid)."""
    return next(b for b in d["bodies"] if b["id"] == d["goals"][0]["objs"][0])


def _goal_body(**change: Any) -> Callable[[Data], None]:
    def apply(d: Data) -> None:
        _goal_object(d).update(change)

    return apply


def _massless(d: Data) -> None:
    """Bullet keeps a body of mass 0 still, whatever pulls it."""
    for link in _goal_object(d)["links"]:
        link["mass"] = 0.0


def _tied_to_world(d: Data) -> None:
    """A fixed joint from the first goal object to the world: it can never be moved."""
    zero, identity = [0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]
    d["constraints"].append(
        {
            "parent": d["goals"][0]["objs"][0],
            "parent_link": -1,
            "child": None,
            "child_link": -1,
            "joint_type": "fixed",
            "axis": zero,
            "parent_frame": zero,
            "child_frame": zero,
            "parent_orientation": identity,
            "child_orientation": identity,
            "max_force": 1e6,
        }
    )


CHAIN = [f"l{i}" for i in range(300)]
DEEP_URDF = "<robot>" + "<link>" * 2000 + "</link>" * 2000 + "</robot>"

#: (case, base task, change, fragment of the refusal)
ATTACKS: list[tuple[str, str, Callable[[Data], None], str]] = [
    ("shares sum to 2 (GenSim)", "stack-block-pyramid-seq", _shares, "sum to 2, not 1"),
    (
        "first goal worth 1",
        "stack-block-pyramid",
        lambda d: d["goals"][0].update(step_max_reward=1.0),
        "sum to 1.5, not 1",
    ),
    ("huge position tolerance", "align-box-corner", _task(pos_eps=1.0), "pos_eps is 1 m"),
    ("full-turn rotation tolerance", "align-box-corner", _task(rot_eps=2 * math.pi), "rot_eps"),
    ("target far outside", "align-box-corner", _target(5.0, 5.0, 0.02), "outside the workspace"),
    ("target above the table", "align-box-corner", _target(0.5, 0.0, 2.0), "outside the workspace"),
    ("zone the size of the table", "packing-boxes", _zone({"size": [5, 5, 0]}), "5 m across"),
    (
        "tilted zone",
        "packing-boxes",
        _zone({"pose": {"position": [0.5, 0, 0], "orientation": [0.7071, 0, 0, 0.7071]}}),
        "tilted zone",
    ),
    ("one block listed thrice", "stack-block-pyramid", _same_block_thrice, "more than once"),
    ("no goals", "align-box-corner", lambda d: d.update(goals=[], lang_goals=[]), "no goals"),
    ("goal with no objects", "align-box-corner", _no_objects, "names no objects"),
    # Goal objects the expert cannot move: with 100 movable blocks on their targets, a goal
    # is "complete" (100 of 101, within the reward's 0.01) once the expert grabs in vain at a
    # stuck 101st, so a goal can be scored without anything moving.
    ("fixed goal object", "stack-block-pyramid", _goal_body(category="fixed"), "cannot move"),
    ("fixed-base goal object", "stack-block-pyramid", _goal_body(fixed_base=True), "cannot move"),
    ("massless goal object", "stack-block-pyramid", _massless, "cannot move"),
    ("goal object tied to the world", "stack-block-pyramid", _tied_to_world, "cannot move"),
    (
        "link name with control characters",
        "align-box-corner",
        _set_urdf(_urdf(["base&#10;{&quot;passed&quot;: true}&#13;"], [])),
        "control characters",
    ),
    ("over-long link name", "align-box-corner", _set_urdf(_urdf(["n" * 500], [])), "at most 64"),
    (
        "joint cycle",
        "align-box-corner",
        _set_urdf(_urdf(["a", "b"], [("a", "b"), ("b", "a")])),
        "do not form a tree",
    ),
    (
        "two parents",
        "align-box-corner",
        _set_urdf(_urdf(["a", "b", "c"], [("a", "c"), ("b", "c")])),
        "two parents",
    ),
    (
        "hundreds of chained links",
        "align-box-corner",
        _set_urdf(_urdf(CHAIN, list(zip(CHAIN, CHAIN[1:], strict=False)), box=None)),
        "per object",
    ),
    ("hundreds of bodies", "align-rope", _many_bodies, "the scene has 250 links"),
    (
        "enormous URDF box",
        "align-box-corner",
        _set_urdf(_urdf(["a"], [], "50 50 50")),
        "50 m across",
    ),
    ("enormous body size", "align-box-corner", _first_body(size=[4.0, 4.0, 4.0]), "4 m across"),
    ("enormous mesh scale", "assembling-kits", _mesh_scale, "m across"),
    ("deeply nested URDF", "align-box-corner", _set_urdf(DEEP_URDF), "nests elements"),
    ("tiny speed", "align-box-corner", _task(speed=1e-7), "speed is 1e-07"),
    ("lift height of a metre", "align-box-corner", _task(lift_height=1.0), "lift height is 1 m"),
    (
        "zero tolerance and a thousand steps",
        "align-box-corner",
        _task(pos_eps=0.0, max_steps=1000),
        "max_steps is 1000",
    ),
    ("negative seed", "align-box-corner", lambda d: d.update(seed=-1), "not a numpy seed"),
    (
        "over-long asset name",
        "stack-block-pyramid",
        _first_body(asset="block/" + "b" * 290),
        "is not a URDF under the asset root",
    ),
]


@pytest.mark.parametrize(
    ("base", "change", "says"), [a[1:] for a in ATTACKS], ids=[a[0] for a in ATTACKS]
)
def test_decode_record_refuses_an_adversarial_record(
    bases: dict[str, Data], base: str, change: Callable[[Data], None], says: str
) -> None:
    data = copy.deepcopy(bases[base])
    change(data)
    with pytest.raises(RecordRejected) as refused:
        decode_record(json.dumps(data))
    message = str(refused.value)
    assert says in message, message
    assert message.isprintable(), message


def test_a_deeply_nested_line_is_a_refusal_not_a_recursion_error() -> None:
    for line in ("[" * 100_000, '{"seed": ' + "[" * 100_000):
        with pytest.raises(RecordRejected, match="not a valid scene record"):
            decode_record(line)


def test_the_asset_error_does_not_tell_which_host_paths_exist(bases: Data) -> None:
    messages = []
    for path in ("/etc/passwd", "/etc/no-such-file-here"):
        data = copy.deepcopy(bases["stack-block-pyramid"])
        data["bodies"][0]["asset"] = path
        with pytest.raises(RecordRejected) as refused:
            decode_record(data)
        # The suggestions are the assets nearest the name given; the rest must not differ.
        message = re.sub(r"\(nearest: [^)]*\)", "", str(refused.value))
        messages.append(message.replace(path, "PATH"))
    assert messages[0] == messages[1], messages


def test_record_text_reaches_no_terminal_with_control_characters(bases: dict[str, Data]) -> None:
    data = copy.deepcopy(bases["align-box-corner"])
    data["warnings"] = [f"template {ESCAPES}"]
    data["task"]["lang_template"] = f"align {ESCAPES}"
    data["goals"][0]["language_goal"] = f"goal {ESCAPES}"
    record = decode_record(json.dumps(data))
    texts = [*record.warnings, record.task.lang_template, str(record.goals[0].language_goal)]
    assert all(text.isprintable() for text in texts), texts
    report = ValidationReport(
        target="t.py", passed=False, stage=Stage.RESET, error=f"boom {ESCAPES}\nPASSED"
    )
    report.warnings = [f"w {ESCAPES}"]
    summary = report.summary()
    assert "\x1b" not in summary and "\r" not in summary and "\x07" not in summary
    assert all(line.startswith("  ") for line in summary.splitlines()[1:]), summary


def test_the_sandbox_side_refuses_at_reset_with_the_same_words(tmp_path: Path) -> None:
    """``capture`` runs the checks, so the task's author hears of a bad record at reset."""
    path = tmp_path / "half_share.py"
    path.write_text(
        "import numpy as np\nfrom cliport.tasks.task import Task\n"
        "class HalfShare(Task):\n    def reset(self, env):\n        super().reset(env)\n"
        "        pose = self.get_random_pose(env, (0.04, 0.04, 0.04))\n"
        "        b = env.add_object('block/block.urdf', pose)\n"
        "        self.add_goal(objs=[b], matches=np.ones((1, 1)), targ_poses=[((0.5, 0.2, 0.02),"
        " (0, 0, 0, 1))], replace=False, rotations=False, metric='pose', params=None,"
        " step_max_reward=0.5)\n"
    )
    with pytest.raises(StageFailure) as failed:
        list(build_scenes(path, ValidationSettings(episodes=1)))
    assert failed.value.stage == Stage.RESET
    assert "sum to 0.5, not 1" in failed.value.message


# -- what must still pass ------------------------------------------------------------------


def test_every_seed_task_record_is_accepted(seed_records: list[SceneRecord]) -> None:
    assert len(seed_records) == SEEDS * len(task_names())
    for record in seed_records:
        decoded = decode_record(record.model_dump_json())
        assert (decoded.seed, len(decoded.bodies), len(decoded.goals)) == (
            record.seed,
            len(record.bodies),
            len(record.goals),
        )


def test_the_bounds_are_the_seed_tasks_extremes(seed_records: list[SceneRecord]) -> None:
    """The caps come from the seed tasks: each is reached by one of them, none is exceeded."""
    settings = [r.task for r in seed_records]
    picks = [s for s in settings if s.primitive == "pick_place"]
    assert max(s.pos_eps for s in settings) == record_checks.MAX_POS_EPS
    assert min(s.pos_eps for s in settings) == record_checks.MIN_POS_EPS
    assert {s.rot_eps for s in settings} == {record_checks.MAX_ROT_EPS}
    assert min(s.speed for s in picks) == record_checks.MIN_SPEED
    assert max(s.speed for s in picks) == record_checks.MAX_SPEED
    assert min(s.lift_height for s in picks) == record_checks.MIN_LIFT_HEIGHT
    assert max(s.lift_height for s in picks) == record_checks.MAX_LIFT_HEIGHT
    assert max(s.max_steps for s in settings) == record_checks.LARGEST_SEED_MAX_STEPS
    largest = max(max(b.size) for r in seed_records for b in r.bodies)
    assert largest < record_checks.MAX_OBJECT_SIZE
    assert max(len(r.bodies) for r in seed_records) < record_checks.MAX_TOTAL_LINKS
