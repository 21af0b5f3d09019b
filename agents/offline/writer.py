"""Turn a ``TaskSpec`` into a task program, written the way the seed tasks are written.

Each relation has one function that returns the body of ``reset``; the file around it (imports,
class, ``__init__``) is shared. The output is deterministic: the same spec gives the same bytes,
so the library's content hash sees a repeated task as the same task.
"""

from __future__ import annotations

from collections.abc import Callable

from agents.offline.grammar import COLORS, TaskSpec, number, plural

Body = Callable[[TaskSpec], str]

BOWL_SIZE = (0.12, 0.12, 0.0)
ZONE_SIZE = (0.12, 0.12, 0.0)
STAND_THICKNESS = 0.005


def class_name(task_name: str) -> str:
    return "".join(word.capitalize() for word in task_name.split("-"))


def _tuple(values: tuple[float, ...] | list[float]) -> str:
    return "(" + ", ".join(f"{v:g}" for v in values) + ("," if len(values) == 1 else "") + ")"


def _object_setup(spec: TaskSpec) -> str:
    """Lines that define ``urdf`` and ``object_size`` for the spec's movable objects."""
    kind = spec.kind
    pad = spec.room
    size = (kind.size[0] + pad, kind.size[1] + pad, kind.size[2])
    lines = [f"        object_size = {_tuple(kind.size)}"]
    lines.append(f"        free_size = {_tuple(size)}  # footprint kept free around each object")
    if kind.template_dim is None:
        lines.append(f'        urdf = "{kind.urdf}"')
    else:
        lines.append(
            f'        urdf = self.fill_template("{kind.urdf}", {{"DIM": {_tuple(kind.template_dim)}}})'
        )
    return "\n".join(lines)


def _add_objects(spec: TaskSpec) -> str:
    return f"""        objects = []
        for color in {spec.colors!r}:
            pose = self.get_random_pose(env, free_size)
            objects.append(env.add_object(urdf, pose, color=color))"""


def _distractors(spec: TaskSpec) -> str:
    if spec.n_distractors == 0:
        return ""
    used = set(spec.colors) | {spec.target_color}
    colors = [c for c in COLORS if c not in used][: spec.n_distractors]
    return f"""
        # Distractors: objects of other colours that no goal mentions, where there is room.
        for color in {colors!r}:
            pose = self.get_random_pose(env, free_size)
            if pose[0] is None:
                break
            env.add_object(urdf, pose, color=color)"""


def _place_in_bowls(spec: TaskSpec) -> str:
    return f"""        bowl_poses = []
        for _ in range({spec.n_targets}):
            bowl_pose = self.get_random_pose(env, {_tuple(BOWL_SIZE)})
            env.add_object("bowl/bowl.urdf", bowl_pose, "fixed", color="{spec.target_color}")
            bowl_poses.append(bowl_pose)
{_object_setup(spec)}
{_add_objects(spec)}
        self.add_goal(
            objs=objects,
            matches=np.ones((len(objects), len(bowl_poses))),
            targ_poses=bowl_poses,
            replace=True,
            rotations=False,
            metric="pose",
            params=None,
            step_max_reward=1.0,
            language_goal=self.lang_template,
        ){_distractors(spec)}"""


def _place_in_zone(spec: TaskSpec) -> str:
    return f"""        zone_size = {_tuple(ZONE_SIZE)}
        zone_pose = self.get_random_pose(env, zone_size)
        env.add_object("zone/zone.urdf", zone_pose, "fixed", color="{spec.target_color}")
{_object_setup(spec)}
{_add_objects(spec)}
        # One slot per object on a 2 x 2 grid inside the zone, so that they do not pile up.
        offsets = [(-0.03, -0.03), (0.03, 0.03), (-0.03, 0.03), (0.03, -0.03)]
        slots = [
            (utils.apply(zone_pose, (dx, dy, object_size[2] / 2)), zone_pose[1])
            for dx, dy in offsets[: len(objects)]
        ]
        self.add_goal(
            objs=objects,
            matches=np.ones((len(objects), len(slots))),
            targ_poses=slots,
            replace=False,
            rotations=False,
            metric="zone",
            params=[(zone_pose, zone_size)],
            step_max_reward=1.0,
            language_goal=self.lang_template,
        ){_distractors(spec)}"""


def _stack(spec: TaskSpec) -> str:
    return f"""        stand_pose = self.get_random_pose(env, (0.05, 0.15, {STAND_THICKNESS:g}))
        env.add_object("stacking/stand.urdf", stand_pose, "fixed")
{_object_setup(spec)}
{_add_objects(spec)}
        # One goal per level, bottom first: each object has its own level.
        for level, obj in enumerate(objects):
            z = {STAND_THICKNESS / 2:g} + object_size[2] * (level + 0.5)
            target = (utils.apply(stand_pose, (0, 0, z)), stand_pose[1])
            self.add_goal(
                objs=[obj],
                matches=np.ones((1, 1)),
                targ_poses=[target],
                replace=False,
                rotations=True,
                metric="pose",
                params=None,
                step_max_reward=1 / len(objects),
                symmetries=[np.pi / 2],
                language_goal=self.lang_template,
            ){_distractors(spec)}"""


def _line_up(spec: TaskSpec) -> str:
    length = spec.n_objects * (spec.kind.size[0] + spec.spacing)
    return f"""        spacing = {spec.kind.size[0] + spec.spacing:g}
        line_length = {length:g}
        line_pose = self.get_random_pose(env, (line_length, 0.06, 0.001))
        line_urdf = self.fill_template(
            "line/line-template.urdf", {{"DIM": (line_length,), "COLOR": "{spec.target_color}"}}
        )
        env.add_object(line_urdf, line_pose, "fixed")
{_object_setup(spec)}
{_add_objects(spec)}
        # Slots along the line, evenly spaced, centred on it.
        slots = []
        for i in range(len(objects)):
            offset = (i - (len(objects) - 1) / 2) * spacing
            slots.append((utils.apply(line_pose, (offset, 0, object_size[2] / 2)), line_pose[1]))
        self.add_goal(
            objs=objects,
            matches=np.ones((len(objects), len(slots))),
            targ_poses=slots,
            replace=False,
            rotations=False,
            metric="pose",
            params=None,
            step_max_reward=1.0,
            language_goal=self.lang_template,
        ){_distractors(spec)}"""


def _sort_by_color(spec: TaskSpec) -> str:
    groups = list(dict.fromkeys(spec.colors))
    return f"""{_object_setup(spec)}
        colors = {groups!r}
        bowl_poses = {{}}
        for color in colors:
            bowl_poses[color] = self.get_random_pose(env, {_tuple(BOWL_SIZE)})
            env.add_object("bowl/bowl.urdf", bowl_poses[color], "fixed", color=color)
{_add_objects(spec)}
        # One goal per colour: every object of that colour in the bowl of the same colour.
        for color in colors:
            group = [obj for obj, c in zip(objects, {spec.colors!r}) if c == color]
            self.add_goal(
                objs=group,
                matches=np.ones((len(group), 1)),
                targ_poses=[bowl_poses[color]],
                replace=True,
                rotations=False,
                metric="pose",
                params=None,
                step_max_reward=len(group) / len(objects),
                language_goal=self.lang_template,
            ){_distractors(spec)}"""


def _build_pyramid(spec: TaskSpec) -> str:
    rows = [2, 1] if spec.n_objects == 3 else [3, 2, 1]
    return f"""        stand_pose = self.get_random_pose(env, (0.05, 0.15, {STAND_THICKNESS:g}))
        env.add_object("stacking/stand.urdf", stand_pose, "fixed")
{_object_setup(spec)}
{_add_objects(spec)}
        # Rows of the pyramid along the stand, bottom row first; each row is one goal.
        rows = {rows!r}
        start = 0
        for level, width in enumerate(rows):
            z = {STAND_THICKNESS / 2:g} + object_size[2] * (level + 0.5)
            slots = [
                (utils.apply(stand_pose, (0, (j - (width - 1) / 2) * 0.05, z)), stand_pose[1])
                for j in range(width)
            ]
            row_objects = objects[start : start + width]
            start += width
            self.add_goal(
                objs=row_objects,
                matches=np.ones((width, width)),
                targ_poses=slots,
                replace=False,
                rotations=True,
                metric="pose",
                params=None,
                step_max_reward=width / len(objects),
                symmetries=[np.pi / 2] * width,
                language_goal=self.lang_template,
            ){_distractors(spec)}"""


def _insert(spec: TaskSpec) -> str:
    return f"""        ell_pose = self.get_random_pose(env, (0.1, 0.1, 0.04))
        ell = env.add_object("insertion/ell.urdf", ell_pose, color="{spec.colors[0]}")
        fixture_pose = self.get_random_pose(env, (0.12, 0.12, 0.04))
        env.add_object("insertion/fixture.urdf", fixture_pose, "fixed", color="{spec.target_color}")
        self.add_goal(
            objs=[ell],
            matches=np.ones((1, 1)),
            targ_poses=[fixture_pose],
            replace=False,
            rotations=True,
            metric="pose",
            params=None,
            step_max_reward=1.0,
            symmetries=[2 * np.pi],
            language_goal=self.lang_template,
        )
{_object_setup(spec)}{_distractors(spec)}"""


def _palletize(spec: TaskSpec) -> str:
    layers = max(1, spec.n_objects // 4)
    return f"""        pallet_pose = self.get_random_pose(env, (0.3, 0.25, 0.0375))
        env.add_object("pallet/pallet.urdf", pallet_pose, "fixed")
{_object_setup(spec)}
        zone = [(pallet_pose, (0.17, 0.17, 0))]
        offset = (object_size[0] + 0.006) / 2
        for layer in range({layers}):
            z = 0.01875 + object_size[2] * (layer + 0.5)
            slots = [
                (utils.apply(pallet_pose, (sx * offset, sy * offset, z)), pallet_pose[1])
                for sx in (-1, 1)
                for sy in (-1, 1)
            ]
            boxes = []
            for color in {spec.colors!r}[layer * 4 : layer * 4 + 4]:
                pose = self.get_random_pose(env, free_size)
                boxes.append(env.add_object(urdf, pose, color=color))
            self.add_goal(
                objs=boxes,
                matches=np.ones((len(boxes), len(slots))),
                targ_poses=slots,
                replace=False,
                rotations=True,
                metric="zone",
                params=zone,
                step_max_reward=1 / {layers},
                symmetries=[np.pi / 2] * len(boxes),
                language_goal=self.lang_template,
            )"""


def _push_pile(spec: TaskSpec) -> str:
    return f"""        zone_size = {_tuple(ZONE_SIZE)}
        zone_pose = self.get_random_pose(env, zone_size)
        env.add_object("zone/zone.urdf", zone_pose, "fixed", color="{spec.target_color}")
        blocks = self.make_piles(env, block_color="{spec.colors[0]}")
        self.add_goal(
            objs=blocks,
            matches=np.ones((len(blocks), 1)),
            targ_poses=[zone_pose],
            replace=True,
            rotations=False,
            metric="zone",
            params=[(zone_pose, zone_size)],
            step_max_reward=1.0,
            language_goal=self.lang_template,
        )"""


BODIES: dict[str, Body] = {
    "place-in-bowls": _place_in_bowls,
    "place-in-zone": _place_in_zone,
    "stack": _stack,
    "line-up": _line_up,
    "sort-by-color": _sort_by_color,
    "build-pyramid": _build_pyramid,
    "insert": _insert,
    "palletize": _palletize,
    "push-pile": _push_pile,
}


def language(spec: TaskSpec) -> str:
    """The language instruction (``lang_template``) of a spec."""
    noun = spec.kind.noun
    n = spec.n_objects
    things = f"{number(n)} {plural(noun, n)}"
    same = spec.colors[0]
    match spec.relation:
        case "place-in-bowls":
            bowls = plural("bowl", spec.n_targets)
            return f"put the {same} {plural(noun, n)} in the {spec.target_color} {bowls}"
        case "place-in-zone":
            return f"put the {same} {plural(noun, n)} in the {spec.target_color} zone"
        case "stack":
            order = ", ".join(spec.colors)
            return f"stack the {plural(noun, n)} on the stand in the order {order}, bottom first"
        case "line-up":
            return f"line up the {things} along the {spec.target_color} line"
        case "sort-by-color":
            return f"put each {noun} in the bowl of the same color"
        case "build-pyramid":
            return f"build a pyramid of {things} on the stand"
        case "insert":
            return "put the L shape block in the L shape hole"
        case "palletize":
            return f"stack the {things} on the pallet"
        case "push-pile":
            return f"push the pile of {same} blocks into the {spec.target_color} square"
    raise ValueError(f"unknown relation {spec.relation!r}")


def description(spec: TaskSpec) -> str:
    """A one-sentence description of what the robot must do (the class docstring)."""
    text = language(spec).capitalize()
    extras = []
    if spec.n_distractors:
        extras.append(
            f"{number(spec.n_distractors)} distractor {plural(spec.kind.noun, spec.n_distractors)}"
        )
    if spec.relation == "sort-by-color":
        extras.append(f"{number(spec.n_objects)} {plural(spec.kind.noun, spec.n_objects)}")
        extras.append(f"{number(spec.n_targets)} colors")
    if spec.relation == "palletize":
        extras.append(f"{number(max(1, spec.n_objects // 4))} layers of two by two")
    suffix = f" ({', '.join(extras)})" if extras else ""
    return f"{text}{suffix}."


def write_task(name: str, spec: TaskSpec) -> str:
    """The whole task program for a spec, as a file's text."""
    body = BODIES[spec.relation](spec)
    extra_imports = ""
    tools = ""
    if spec.relation == "push-pile":
        extra_imports = "from simenv import primitives\nfrom simenv.grippers import Spatula\n"
        tools = "\n        self.ee = Spatula\n        self.primitive = primitives.push"
    return f'''"""{class_name(name)}: {language(spec)}."""

import numpy as np

{extra_imports}from simenv import utils
from simenv.task import Task


class {class_name(name)}(Task):
    """{description(spec)}"""

    def __init__(self):
        super().__init__()
        self.max_steps = {spec.max_steps}
        self.lang_template = "{language(spec)}"
        self.task_completed_desc = "done."
        self.additional_reset(){tools}

    def reset(self, env):
        super().reset(env)
{body}
'''
