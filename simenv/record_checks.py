"""The trusted side's checks of a scene record: untrusted input, checked in one place.

A scene record comes back from the sandbox, where hostile code may have written it. The
schema (``simenv.scene_record``) checks types, finiteness and sizes; this module checks what a
record must mean before any trusted code rebuilds or judges it, and is the one entry point that
turns untrusted data into a ``SceneRecord``: ``decode_record``.

- goals: reward shares that sum to 1, tolerances no looser than the seed tasks', targets and
  zones inside the workspace, distinct objects, and at least one goal with at least one object
  (otherwise the verdict can be forged: a goal worth 1 ends the episode before the others count,
  a metre of tolerance makes an untouched object "placed", a goal with no objects is met at once);
- URDFs: short printable names (PyBullet prints them on the report stream), a tree of links
  (one parent each, one root: a joint cycle crashes PyBullet), and bounded link counts and sizes
  (an enormous box makes goal sampling allocate gigabytes);
- motion settings (speed, lift height, steps) within the seed tasks' ranges (a tiny speed makes
  an endless move loop).

The sandbox side runs the same checks when it captures a record (``scene_capture.capture``), so a
task's author hears of a refusal at reset, in the same words. Every message says what was wrong
and how to fix it. Text from a record goes through ``printable`` before any human-readable output.
"""

from __future__ import annotations

import math
import os
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import cache

import numpy as np
from pydantic import ValidationError

from simenv.assets import ASSET_ROOT
from simenv.constants import BOUNDS, DEFAULT_LIFT_HEIGHT, POS_EPS, ROT_EPS, SUCCESS_THRESHOLD
from simenv.environment import POSE_MARGIN
from simenv.safe_text import one_line, printable
from simenv.scene_record import (
    Body,
    GoalRecord,
    Pose,
    SceneRecord,
    Shape,
    TaskSettings,
    asset_path,
    checked_urdf,
)

__all__ = ["RecordRejected", "check_record", "decode_record", "printable"]

# -- bounds, and where each comes from ---------------------------------------------------------

#: How far the goals' ``step_max_reward`` shares may sum from 1 (float rounding of 1/3 and such).
SHARE_TOLERANCE = 1e-3
#: Position tolerance (m): the tightest is the default (``constants.POS_EPS``), the loosest the
#: 0.05 ``Task.additional_reset`` gives tasks about bowls (put-block-in-bowl).
MIN_POS_EPS = POS_EPS
MAX_POS_EPS = 0.05
#: Rotation tolerance (rad): every seed task keeps the default, 15 degrees (``constants.ROT_EPS``).
MIN_ROT_EPS = ROT_EPS
MAX_ROT_EPS = ROT_EPS
#: Float slack when comparing a recorded tolerance with the bounds above.
EPS_SLACK = 1e-9
#: Joint speed of the pick-and-place primitive (rad per physics step): the slowest is the rope
#: tasks' 0.001 (``Task.additional_reset``), the fastest ``PickPlace``'s default 0.01.
MIN_SPEED = 0.001
MAX_SPEED = 0.01
#: Lift height of the pick-and-place primitive (m): the rope tasks' 0.02 to the default 0.32.
MIN_LIFT_HEIGHT = 0.02
MAX_LIFT_HEIGHT = DEFAULT_LIFT_HEIGHT
#: Steps per episode: the seed tasks use at most 20 (the pile tasks); twice that leaves room for
#: a longer generated task while keeping a never-solved one (zero progress every step) short.
LARGEST_SEED_MAX_STEPS = 20
MAX_STEPS = 2 * LARGEST_SEED_MAX_STEPS
#: Where a target (or a zone's centre) may be: x and y as far outside the workspace as an action
#: may go (``environment.POSE_MARGIN``); z from just below the table (as for actions) up to the
#: workspace's height. The metrics score x-y only, so a target above that is no real task.
BELOW_TABLE = 0.05
TARGET_LOW = (BOUNDS[0, 0] - POSE_MARGIN, BOUNDS[1, 0] - POSE_MARGIN, BOUNDS[2, 0] - BELOW_TABLE)
TARGET_HIGH = (BOUNDS[0, 1] + POSE_MARGIN, BOUNDS[1, 1] + POSE_MARGIN, BOUNDS[2, 1])
#: Largest extent of one object or zone (m): the workspace's depth (x span, 0.5 m). The seed
#: tasks' largest object is 0.36 m (the Hanoi stand), their largest zone 0.25 m (a container).
MAX_OBJECT_SIZE = float(BOUNDS[0, 1] - BOUNDS[0, 0])
#: A zone is level: the metric tests x-y in the zone's own frame, so a tilted zone stretches
#: across the table.
MAX_ZONE_TILT = math.radians(1.0)
#: Links of one body: every asset and template in ``simenv/assets`` has one; a few more leave
#: room for a small articulated object.
MAX_LINKS_PER_BODY = 8
#: Links of a whole scene: the largest seed scene has 52 (a pile of 50 blocks); GenSim's pile
#: and rope helpers make 50 blocks or 20 beads, so a few of them fit.
MAX_TOTAL_LINKS = 200
#: URDF names (robot, link, joint, material): PyBullet prints them verbatim to stdout.
MAX_NAME = 64
#: Seeds are numpy seeds.
MAX_SEED = 2**32 - 1
#: Problems listed in one refusal, and characters of untrusted text quoted in a message.
MAX_PROBLEMS = 8
MAX_QUOTE = 60

#: Body categories the expert can move: a goal's objects must be of one of them.
MOVABLE = frozenset({"rigid", "deformable"})
#: URDF elements that must carry a name; links and joints also sit directly in ``<robot>``.
NAMED = frozenset({"robot", "link", "joint"})


class RecordRejected(ValueError):
    """A scene record the trusted side refuses; the message is written for the task's author."""


# -- the entry points ------------------------------------------------------------------------


def decode_record(data: object) -> SceneRecord:
    """A checked ``SceneRecord`` from untrusted data (a dict or JSON text), or ``RecordRejected``.

    Any exception while decoding or checking becomes ``RecordRejected``: never a traceback.
    """
    try:
        if isinstance(data, str | bytes):
            record = SceneRecord.model_validate_json(data)
        else:
            record = SceneRecord.model_validate(data)
        check_record(record)
    except RecordRejected:
        raise
    except ValidationError as exc:
        raise RecordRejected(_schema_message(exc)) from None
    except Exception as exc:  # noqa: BLE001 - untrusted input: every failure is a refusal
        detail = _quote(f"{type(exc).__name__}: {exc}", 200)
        raise RecordRejected(f"not a valid scene record ({detail})") from None
    return record


def check_record(record: SceneRecord) -> None:
    """Raise ``RecordRejected`` when a schema-valid record is not a real task.

    Lists every problem found (up to ``MAX_PROBLEMS``), so one repair can fix them all.
    """
    problems = [
        *_seed_problems(record.seed),
        *_settings_problems(record.task),
        *_goal_problems(record),
        *_body_problems(record.bodies),
    ]
    if problems:
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        tail = f" (and {more} more)" if more else ""
        raise RecordRejected(printable("; ".join(shown) + tail, newlines=False))


# -- messages --------------------------------------------------------------------------------


def _quote(text: str, limit: int = MAX_QUOTE) -> str:
    """Untrusted text for a message: one printable line, cut to ``limit`` characters."""
    line = one_line(text)
    return line if len(line) <= limit else f"{line[:limit]}..."


def _schema_message(exc: ValidationError) -> str:
    """A schema failure as ``where: what`` lines, without the input values pydantic would echo."""
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    parts = [
        f"{'.'.join(str(x) for x in e['loc']) or 'record'}: {_quote(str(e['msg']), 300)}"
        for e in errors[:MAX_PROBLEMS]
    ]
    more = f" (and {len(errors) - MAX_PROBLEMS} more)" if len(errors) > MAX_PROBLEMS else ""
    return f"not a valid scene record: {'; '.join(parts)}{more}"


def _within(value: float, low: float, high: float) -> bool:
    return low - EPS_SLACK <= value <= high + EPS_SLACK


def _range(low: float, high: float) -> str:
    return f"{low:g}" if math.isclose(low, high) else f"between {low:g} and {high:g}"


# -- seed and settings -------------------------------------------------------------------------


def _seed_problems(seed: int) -> Iterator[str]:
    if not 0 <= seed <= MAX_SEED:
        yield f"seed {seed} is not a numpy seed (0 to {MAX_SEED})"


def _settings_problems(task: TaskSettings) -> Iterator[str]:
    """Tolerances and motion settings the seed tasks use; looser is a forged verdict, slower a hang."""
    if task.max_steps > MAX_STEPS:
        yield (
            f"max_steps is {task.max_steps}; at most {MAX_STEPS} steps (the seed tasks use up to "
            f"{LARGEST_SEED_MAX_STEPS}): give the expert the steps the task needs, about one per "
            "object to move plus a few"
        )
    if not _within(task.pos_eps, MIN_POS_EPS, MAX_POS_EPS):
        yield (
            f"pos_eps is {task.pos_eps:g} m; it must be {_range(MIN_POS_EPS, MAX_POS_EPS)} m "
            "(a looser tolerance counts objects that were never moved as placed, a tighter one "
            "cannot be met): leave self.pos_eps at its default"
        )
    if not _within(task.rot_eps, MIN_ROT_EPS, MAX_ROT_EPS):
        yield (
            f"rot_eps is {task.rot_eps:g} rad; it must be {_range(MIN_ROT_EPS, MAX_ROT_EPS)} rad "
            f"({math.degrees(MAX_ROT_EPS):g} degrees): leave self.rot_eps at its default"
        )
    if task.primitive == "pick_place":
        if not _within(task.speed, MIN_SPEED, MAX_SPEED):
            yield (
                f"the pick-and-place speed is {task.speed:g}; it must be "
                f"{_range(MIN_SPEED, MAX_SPEED)} (a slower arm never arrives): use "
                "primitives.PickPlace() or PickPlace(height=0.02, speed=0.001) for ropes"
            )
        if not _within(task.lift_height, MIN_LIFT_HEIGHT, MAX_LIFT_HEIGHT):
            yield (
                f"the pick-and-place lift height is {task.lift_height:g} m; it must be "
                f"{_range(MIN_LIFT_HEIGHT, MAX_LIFT_HEIGHT)} m"
            )


# -- goals -----------------------------------------------------------------------------------


def _goal_problems(record: SceneRecord) -> Iterator[str]:
    goals = record.goals
    if not goals:
        yield (
            "the task adds no goals, so there is nothing to score and no expert to run: call "
            "self.add_goal(objs=..., matches=..., targ_poses=..., ...) in reset(env) for each "
            "step of the task"
        )
        return
    total = sum(g.step_max_reward for g in goals)
    if abs(total - 1.0) > SHARE_TOLERANCE:
        shares = ", ".join(f"{g.step_max_reward:.4g}" for g in goals[:10])
        yield (
            f"the step_max_reward shares of the {len(goals)} goals sum to {total:.4g}, not 1 "
            f"({shares}): {_share_consequence([g.step_max_reward for g in goals])}. Give each "
            f"goal its share of the whole task, so that the shares sum to 1, e.g. "
            f"1 / {len(goals)} each"
        )
    stuck = _immovable(record)
    for index, goal in enumerate(goals):
        what = f"goal {index + 1} of {len(goals)}"
        yield from _one_goal_problems(goal, what)
        held = sorted({i for i in goal.objs if i in stuck})
        if held:
            yield (
                f"{what} lists object id(s) {held[:5]} that cannot move (category 'fixed', a "
                "fixed base, no mass, or tied by a constraint to the world or by a fixed joint to "
                "such a body), "
                "so the goal is met from the start or never, whatever the expert does: list in "
                "a goal only objects added with category 'rigid' (the default) or 'deformable', "
                "and give fixed things (bowls, zones, stands) as targets instead"
            )


def _share_consequence(shares: Sequence[float]) -> str:
    """What shares that do not sum to 1 do to an episode, in words (the reason for the check).

    An episode ends as soon as the reward scored passes ``SUCCESS_THRESHOLD`` (``Task.done``),
    as CLIPort's does: shares summing to more than 1 end it before the last goals are scored
    (so a task can "pass" without them, as GenSim's six goals of 1/6 and a final goal worth 1
    did); shares summing to less can never reach it.
    """
    scored = np.cumsum(shares)
    if scored[-1] <= SUCCESS_THRESHOLD:
        return (
            f"even with every goal met the reward reaches only {scored[-1]:.4g}, so no episode "
            f"could succeed (success needs more than {SUCCESS_THRESHOLD})"
        )
    last = int(np.argmax(scored > SUCCESS_THRESHOLD)) + 1
    if last == len(shares):
        return "the reward would not say how much of the task is done (each share is off)"
    unscored = f"goal {last + 1}" if last + 1 == len(shares) else f"goals {last + 1}-{len(shares)}"
    return (
        f"an episode ends as soon as the reward scored passes {SUCCESS_THRESHOLD}, which happens "
        f"after goal {last} of {len(shares)}, so it would end before {unscored} "
        f"{'is' if last + 1 == len(shares) else 'are'} scored: the task would pass without "
        f"{'it' if last + 1 == len(shares) else 'them'}"
    )


def _immovable(record: SceneRecord) -> set[int]:
    """Bodies the expert cannot move: fixed ones (category, fixed base), ones without a
    recorded base mass above zero (Bullet keeps a massless body still), bodies a constraint
    ties to the world, and, transitively, bodies a fixed joint ties to one of those (a
    point-to-point link to a stuck body still lets a rope's other beads move)."""
    stuck = {
        body.id
        for body in record.bodies
        if body.category not in MOVABLE
        or body.fixed_base
        or not any(link.index == -1 and link.mass > 0 for link in body.links)
    }
    stuck |= {c.parent for c in record.constraints if c.child is None}
    pairs = [
        (c.parent, c.child)
        for c in record.constraints
        if c.child is not None and c.joint_type == "fixed"
    ]
    grown = True
    while grown:
        grown = False
        for a, b in pairs:
            if (a in stuck) != (b in stuck):
                stuck |= {a, b}
                grown = True
    return stuck


def _one_goal_problems(goal: GoalRecord, what: str) -> Iterator[str]:
    if not goal.objs:
        yield (
            f"{what} names no objects, so it would count as met without any action: pass the "
            "ids env.add_object returned as objs"
        )
    repeated = sorted(i for i, n in Counter(goal.objs).items() if n > 1)
    if repeated:
        yield (
            f"{what} lists object id(s) {repeated[:5]} more than once; one object cannot fill "
            "several targets: add one object per target and list each once"
        )
    if goal.metric == "pose" and not goal.targ_poses:
        yield f"{what} is a pose goal with no target poses: give one target per place to fill"
    for pose in goal.targ_poses:
        if not _target_inside(pose):
            yield _outside(what, "a target", pose)
            break
    for zone in goal.zones:
        if not _target_inside(zone.pose):
            yield _outside(what, "a zone", zone.pose)
        side = max(zone.size[:2])
        if side > MAX_OBJECT_SIZE:
            yield (
                f"{what} has a zone {side:g} m across; at most {MAX_OBJECT_SIZE:g} m (a zone the "
                "size of the table holds every object from the start)"
            )
        if _tilt(zone.pose) > MAX_ZONE_TILT:
            yield (
                f"{what} has a tilted zone; a zone lies flat on the table: give it a rotation "
                "about z only (e.g. from self.get_random_pose)"
            )


def _target_inside(pose: Pose) -> bool:
    return all(
        lo <= v <= hi for v, lo, hi in zip(pose.position, TARGET_LOW, TARGET_HIGH, strict=True)
    )


def _outside(what: str, kind: str, pose: Pose) -> str:
    where = tuple(round(v, 3) for v in pose.position)
    low = tuple(round(float(v), 3) for v in TARGET_LOW)
    high = tuple(round(float(v), 3) for v in TARGET_HIGH)
    return (
        f"{what} has {kind} at {where}, outside the workspace (x, y, z from {low} to {high} m; "
        "the score ignores height, so a target above the table is met by an object below "
        "it): put targets on or near the table, e.g. from self.get_random_pose(env, size)"
    )


def _tilt(pose: Pose) -> float:
    """Angle between a pose's z axis and the world's (rad)."""
    x, y, _, _ = pose.orientation
    # z component of the rotated z axis: 1 - 2 (x^2 + y^2) for a unit quaternion.
    cos = float(np.clip(1.0 - 2.0 * (x * x + y * y), -1.0, 1.0))
    return math.acos(cos)


# -- bodies and URDFs --------------------------------------------------------------------------


def _body_problems(bodies: Sequence[Body]) -> Iterator[str]:
    total = 0
    for body in bodies:
        what = f"body {body.id}"
        urdf = ET.fromstring(checked_urdf(body.urdf)) if body.urdf is not None else None
        links = _links_of(body, urdf)
        total += links
        if max(links, len(body.links), len(body.joints) + 1) > MAX_LINKS_PER_BODY:
            yield (
                f"{what} has {max(links, len(body.links))} links; at most {MAX_LINKS_PER_BODY} "
                "per object: build a chain of parts as separate objects"
            )
        if max(body.size) > MAX_OBJECT_SIZE:
            yield _too_big(what, max(body.size))
        for shape in (body.collision, body.visual):
            if shape is not None and max(_shape_extent(shape)) > MAX_OBJECT_SIZE:
                yield _too_big(what, max(_shape_extent(shape)))
        if urdf is not None:
            yield from _urdf_problems(urdf, what)
    if total > MAX_TOTAL_LINKS:
        yield (
            f"the scene has {total} links (bodies and their parts); at most {MAX_TOTAL_LINKS}: "
            "use fewer objects"
        )


def _too_big(what: str, size: float) -> str:
    return (
        f"{what} is {size:g} m across; at most {MAX_OBJECT_SIZE:g} m (the workspace's depth): "
        "give objects tabletop sizes, e.g. 0.04 m blocks"
    )


def _links_of(body: Body, urdf: ET.Element | None) -> int:
    """How many links a body has: its URDF's (recorded text or asset file), else one."""
    if urdf is not None:
        return len(urdf.findall("link"))
    if body.asset is not None:
        return _asset_links(body.asset)
    return 1


@cache
def _asset_links(asset: str) -> int:
    """Links of an asset URDF (a trusted file, so read once)."""
    return len(ET.parse(asset_path(asset)).getroot().findall("link"))


def _shape_extent(shape: Shape) -> tuple[float, float, float]:
    """Extent (m) of a primitive shape, from PyBullet's shape data (as the schema records it)."""
    a, b, c = shape.dims
    if shape.geometry == "box":
        return a, b, c
    if shape.geometry == "sphere":
        return 2 * a, 2 * a, 2 * a
    return 2 * b, 2 * b, a  # cylinder and capsule: (length, radius)


def _urdf_problems(root: ET.Element, what: str) -> Iterator[str]:
    """Names, tree structure and sizes of URDF text (already through the schema's check)."""
    yield from _name_problems(root, what)
    yield from _nesting_problems(root, what)
    yield from _tree_problems(root, what)
    yield from _size_problems(root, what)


def _name_problems(root: ET.Element, what: str) -> Iterator[str]:
    for element in root.iter():
        for key, value in element.attrib.items():
            if not value.isprintable():
                yield (
                    f"{what}'s URDF has control characters in {key}={_quote(value)!r} of "
                    f"<{element.tag}>: use letters, digits and underscores"
                )
                return
        for key in ("name", "link"):
            named = element.get(key)
            if named is not None and len(named) > MAX_NAME:
                yield (
                    f"{what}'s URDF has a {key} of {len(named)} characters in <{element.tag}>; "
                    f"at most {MAX_NAME}: use short names such as 'base_link'"
                )
                return
        if element.tag in NAMED and not element.get("name"):
            yield f"{what}'s URDF has a <{element.tag}> without a name: name every {element.tag}"
            return


def _nesting_problems(root: ET.Element, what: str) -> Iterator[str]:
    """Links and joints sit directly in ``<robot>`` (PyBullet reads them only there)."""
    for outer in root.iter():
        for inner in outer:
            if inner.tag in NAMED and (outer is not root or inner.tag == "robot"):
                yield (
                    f"{what}'s URDF has a <{inner.tag}> inside <{outer.tag}>: links and joints "
                    "belong directly in <robot>"
                )
                return


def _tree_problems(root: ET.Element, what: str) -> Iterator[str]:
    """A URDF's links form a tree: unique names, one parent joint each, one root, no cycle."""
    links = [link.get("name", "") for link in root.findall("link")]
    if not links:
        yield f"{what}'s URDF has no <link>: an object has at least one link"
        return
    repeated = sorted(n for n, count in Counter(links).items() if count > 1)
    if repeated:
        yield f"{what}'s URDF names more than one link {_quote(repeated[0])!r}: link names are unique"
        return
    parent_of: dict[str, str] = {}
    for joint in root.findall("joint"):
        name = _quote(joint.get("name", ""))
        ends = joint.findall("parent"), joint.findall("child")
        if any(len(end) != 1 for end in ends):
            yield f"{what}'s URDF joint {name!r} needs exactly one <parent> and one <child>"
            return
        parent, child = (end[0].get("link", "") for end in ends)
        if parent not in links or child not in links:
            yield f"{what}'s URDF joint {name!r} joins a link that does not exist"
            return
        if child in parent_of:
            yield (
                f"{what}'s URDF gives link {_quote(child)!r} two parents: each link hangs from "
                "exactly one joint, and the links form a tree"
            )
            return
        parent_of[child] = parent
    roots = [link for link in links if link not in parent_of]
    reached = _reachable(roots[0], parent_of) if len(roots) == 1 else set()
    if len(roots) != 1 or len(reached) != len(links):
        yield (
            f"{what}'s URDF links do not form a tree with one root ({len(roots)} links have no "
            "parent; a joint cycle has none): join every link to the base link, each through "
            "one joint, without loops"
        )


def _reachable(root: str, parent_of: dict[str, str]) -> set[str]:
    """Links reachable from ``root`` through child joints (iteratively: the input is untrusted)."""
    children: dict[str, list[str]] = {}
    for child, parent in parent_of.items():
        children.setdefault(parent, []).append(child)
    seen, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def _numbers(text: str | None, count: int) -> list[float] | None:
    """``count`` finite numbers from a URDF attribute, or None."""
    if text is None:
        return None
    try:
        values = [float(v) for v in text.split()]
    except ValueError:
        return None
    if len(values) != count or not all(math.isfinite(v) for v in values):
        return None
    return values


#: Per geometry, the attributes that size it, how many numbers each holds, and how each number
#: relates to the shape's extent (a radius is half of it).
SIZE_ATTRIBUTES: dict[str, tuple[tuple[str, int, float], ...]] = {
    "box": (("size", 3, 1.0),),
    "sphere": (("radius", 1, 2.0),),
    "cylinder": (("radius", 1, 2.0), ("length", 1, 1.0)),
    "capsule": (("radius", 1, 2.0), ("length", 1, 1.0)),
}


def _size_problems(root: ET.Element, what: str) -> Iterator[str]:
    """Shape sizes, mesh scales and link offsets of a URDF, bounded by ``MAX_OBJECT_SIZE``."""
    for element in root.iter():
        for key, count, factor in SIZE_ATTRIBUTES.get(element.tag, ()):
            values = _numbers(element.get(key), count)
            if values is None or min(values) < 0:
                yield f"{what}'s URDF <{element.tag}> needs {key} as {count} non-negative number(s)"
                return
            if max(values) * factor > MAX_OBJECT_SIZE:
                yield _too_big(what, max(values) * factor)
                return
        if element.tag == "mesh":
            yield from _mesh_problems(element, what)
        if element.tag == "origin" and "xyz" in element.attrib:
            offset = _numbers(element.get("xyz"), 3)
            if offset is None or max(abs(v) for v in offset) > MAX_OBJECT_SIZE:
                yield (
                    f"{what}'s URDF has an <origin> offset beyond {MAX_OBJECT_SIZE:g} m: keep "
                    "an object's parts together"
                )
                return


def _mesh_problems(mesh: ET.Element, what: str) -> Iterator[str]:
    scale = _numbers(mesh.get("scale", "1 1 1"), 3)
    if scale is None or min(scale) <= 0:
        yield f"{what}'s URDF <mesh> needs scale as 3 positive numbers"
        return
    filename = mesh.get("filename")
    extent = _mesh_extent(os.path.relpath(filename, ASSET_ROOT)) if filename else None
    if extent is None:
        yield f"{what}'s URDF <mesh> must name an .obj mesh of the assets (e.g. a kitting shape)"
        return
    size = max(s * e for s, e in zip(scale, extent, strict=True))
    if size > MAX_OBJECT_SIZE:
        yield _too_big(what, size)


@cache
def _mesh_extent(relative: str) -> tuple[float, float, float] | None:
    """Extent of an asset's .obj mesh in its own units (a trusted file, so read once)."""
    path = ASSET_ROOT / relative
    if path.suffix != ".obj" or not path.resolve().is_relative_to(ASSET_ROOT) or not path.is_file():
        return None
    vertices = [
        [float(v) for v in line.split()[1:4]]
        for line in path.read_text().splitlines()
        if line.startswith("v ")
    ]
    if not vertices:
        return None
    span = np.ptp(np.asarray(vertices), axis=0)
    return float(span[0]), float(span[1]), float(span[2])
