"""Pictures of tasks: the initial scene as a PNG, the expert's rollout as an animation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from simenv import utils
from simenv.cameras import DEFAULT_CAMERAS, FRONT, CameraConfig, render_camera
from simenv.environment import Environment
from simenv.scene_rebuild import build_world
from simenv.scene_record import SceneRecord
from simenv.settings import ValidationSettings
from simenv.validation import run_episode

#: Camera resolution for pictures: a quarter of the full 640 x 480 keeps rendering fast.
PREVIEW_SIZE = (240, 320)
#: Simulation steps between two GIF frames (240 Hz physics: 12 steps = 20 frames per second).
STEPS_PER_FRAME = 12


def top_down(env: Environment, cameras: tuple[CameraConfig, ...] = DEFAULT_CAMERAS) -> np.ndarray:
    """The fused top-down colour heightmap (320 x 160), as the policy would see it."""
    colors, depths = [], []
    for cam in cameras:
        color, depth, _ = render_camera(cam)
        colors.append(color)
        depths.append(depth)
    colormap, _ = utils.get_fused_heightmap(
        {"color": colors, "depth": depths}, [c.as_dict() for c in cameras], env.bounds, env.pix_size
    )
    return colormap


def front_view() -> Image.Image:
    """The front camera's picture at preview size."""
    return Image.fromarray(render_camera(FRONT.scaled(*PREVIEW_SIZE))[0])


def _label(image: Image.Image, text: str) -> Image.Image:
    canvas = Image.new("RGB", (image.width, image.height + 22), "white")
    canvas.paste(image, (0, 22))
    ImageDraw.Draw(canvas).text((6, 5), text, fill="black")
    return canvas


def scene_image(env: Environment, title: str) -> Image.Image:
    """Top-down heightmap colours beside the front camera view, with the language goal."""
    front = front_view()
    # Heightmap rows run along y and columns along x; turn it so the robot is at the bottom.
    top = Image.fromarray(np.rot90(top_down(env), k=2)).resize((160 * 240 // 320, 240))
    canvas = Image.new("RGB", (top.width + front.width + 10, 240), "white")
    canvas.paste(top, (0, 0))
    canvas.paste(front, (top.width + 10, 0))
    return _label(canvas, title)


#: Animation formats by file suffix: GIF plays everywhere; animated WebP is several times
#: smaller for rendered scenes (no 256-colour palette), which matters in a report of many tasks.
ANIMATION_SUFFIXES = (".gif", ".webp")
#: Milliseconds per animation frame (STEPS_PER_FRAME at 240 Hz is 50 ms of simulated time).
FRAME_MS = 50
#: Lossy WebP quality: frames of a rendered scene look the same at 70 and weigh a third of 95.
WEBP_QUALITY = 70


def save_animation(frames: list[Image.Image], out: Path) -> Path:
    """Write ``frames`` as an animation, in the format ``out``'s suffix names."""
    suffix = out.suffix.lower()
    if suffix not in ANIMATION_SUFFIXES:
        raise ValueError(
            f"An animation is written as {' or '.join(ANIMATION_SUFFIXES)}, not {out.name!r}."
        )
    options: dict[str, Any] = {
        "save_all": True,
        "append_images": frames[1:],
        "duration": FRAME_MS,
        "loop": 0,
    }
    if suffix == ".webp":
        options.update(quality=WEBP_QUALITY, method=4)
    else:
        options["optimize"] = True
    frames[0].save(out, **options)
    return out


def record_frames(env: Environment, frames: list[Image.Image]) -> None:
    """Append a captioned front-view frame to ``frames`` every STEPS_PER_FRAME simulation
    steps of ``env`` from now on (until its next reset)."""

    def grab() -> None:
        if env.sim_steps % STEPS_PER_FRAME == 0:
            frames.append(_label(front_view(), env.get_lang_goal()))

    env.step_callbacks.append(grab)


class RenderError(RuntimeError):
    """A task could not be drawn; the message says why (its scene did not build in the
    sandbox, or the judge process could not rebuild or draw it)."""


def draw_picture(env: Environment, record: SceneRecord, out: Path, name: str) -> Path:
    """Rebuild ``record`` in ``env`` and save its first scene (``scene_image``) to ``out``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    build_world(record, env)
    scene_image(env, f"{name} (seed {record.seed}): {env.get_lang_goal()}").save(out)
    return out


def draw_animation(env: Environment, record: SceneRecord, out: Path, title: str) -> Path:
    """Rebuild ``record`` in ``env`` and save the expert's rollout as an animation."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    frames: list[Image.Image] = []
    episode = run_episode(env, record, on_built=lambda built: record_frames(built, frames))
    verdict = "success" if episode.success else "no success"
    frames.append(_label(front_view(), f"{title}: {verdict}, reward {episode.reward:.2f}"))
    return save_animation(frames, out)


#: The views a vision critic sees, in order: (moment, camera). The first scene shows what the
#: task builds; the scene after the expert's episode shows what its goals amount to.
VIEW_NAMES = ("first-top", "first-front", "after-top", "after-front")
#: The longest side of a view sent to a vision model: small pictures keep its token cost low.
MAX_VIEW_SIDE = 512


def _small(image: Image.Image) -> Image.Image:
    """``image`` scaled down (never up) so that neither side exceeds ``MAX_VIEW_SIDE``."""
    scale = MAX_VIEW_SIDE / max(image.size)
    if scale >= 1:
        return image
    return image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))))


def _views_now(env: Environment) -> tuple[Image.Image, Image.Image]:
    """The scene as it stands: the top-down heightmap colours (robot at the bottom) and the
    front camera."""
    top = Image.fromarray(np.ascontiguousarray(np.rot90(top_down(env), k=2)))
    return _small(top), _small(front_view())


def describe_goals(record: SceneRecord) -> list[str]:
    """The goals a recorded scene checks, one line each, as text a critic can hold the pictures
    against: the language goal, which bodies (by asset) go where, and the metric. Read from
    the record (data), so no task code runs."""
    assets = {
        b.id: b.asset or ("filled URDF" if b.urdf else "primitive shape") for b in record.bodies
    }
    lines = []
    for number, goal in enumerate(record.goals, start=1):
        language = goal.language_goal
        said = " / ".join(language) if isinstance(language, list) else (language or "(none)")
        objects = ", ".join(assets.get(i, f"body {i}") for i in goal.objs) or "(none)"
        targets = "; ".join(
            "({:.2f}, {:.2f}, {:.2f})".format(*pose.position) for pose in goal.targ_poses
        )
        lines.append(
            f'goal {number}: "{said}"; objects: {objects}; targets (x, y, z in metres): '
            f"{targets or '(none)'}; metric: {goal.metric}; reward share "
            f"{goal.step_max_reward:.2f}"
        )
    return lines


def draw_views(env: Environment, record: SceneRecord, folder: Path) -> list[Path]:
    """Rebuild ``record`` in ``env``, run the expert, and save the first scene and the scene
    after the episode, top-down and front, as PNGs in ``folder`` (named by ``VIEW_NAMES``):
    what a vision critic is shown. The episode's outcome does not matter here (validation
    judged it); the pictures show where the expert left the objects."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    first: list[Image.Image] = []
    run_episode(env, record, on_built=lambda built: first.extend(_views_now(built)))
    images = [*first, *_views_now(env)]
    paths = []
    for name, image in zip(VIEW_NAMES, images, strict=True):
        path = folder / f"{name}.png"
        image.save(path)
        paths.append(path)
    return paths


def _in_judge(kind: str, record: SceneRecord, out: Path, title: str) -> Path:
    from simenv.sandbox.judge import draw_record

    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        return draw_record(kind, record, out, title, ValidationSettings())
    except RuntimeError as exc:
        raise RenderError(str(exc)) from exc


def picture_record(record: SceneRecord, out: Path, name: str) -> Path:
    """The first scene of a recorded task (``scene_image``), rebuilt from its record with no
    task code running: how the graph and reports picture generated tasks.

    It is drawn in the judge process (``simenv.sandbox.judge``): what PyBullet prints about
    the record stays off this process's output, and a record that crashes or hangs PyBullet
    raises ``RenderError`` instead of taking this process down.
    """
    return _in_judge("picture", record, out, name)


def animate_record(record: SceneRecord, out: Path, title: str) -> Path:
    """The expert's rollout in a recorded scene, as an animation (GIF or WebP by suffix).

    The scene is rebuilt from the record (``build_world``), so a generated task's own code
    never runs here: this is how reports animate generated tasks outside the sandbox. Drawn
    in the judge process, as ``picture_record``.
    """
    if Path(out).suffix.lower() not in ANIMATION_SUFFIXES:
        raise ValueError(
            f"An animation is written as {' or '.join(ANIMATION_SUFFIXES)}, not {Path(out).name!r}."
        )
    return _in_judge("animation", record, out, title)


def views_record(record: SceneRecord, folder: Path) -> list[Path]:
    """The vision critic's views of a recorded task (``draw_views``), drawn in the judge
    process from the record, as ``picture_record``: no task code runs here."""
    from simenv.sandbox.judge import draw_views_record

    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return draw_views_record(record, folder, ValidationSettings())
    except RuntimeError as exc:
        raise RenderError(str(exc)) from exc


def render_task(
    target: str, out: Path, seed: int = 0, mode: str = "train", gui: bool = False
) -> Path:
    """Render a task (name or file): PNG of the first scene, or an animation (GIF or WebP) of
    the expert's episode.

    Like every path that takes a task file, the task's ``reset`` runs only in the sandbox
    (``record_scenes``); the picture is drawn from the scene record it sends back, in the
    judge process (or, with ``gui``, here in a PyBullet window: still from the record).
    ``RenderError`` when the scene could not be built or drawn.
    """
    from simenv.sandbox.runner import record_scenes

    settings = ValidationSettings(episodes=1, seed=seed, mode=mode, min_success=0.0)
    result = record_scenes(target, settings)
    if not result.records:
        raise RenderError(
            f"{target}: the sandbox built no scene for seed {seed}: {result.report.error}"
        )
    record = result.records[0]
    animated = Path(out).suffix.lower() in ANIMATION_SUFFIXES
    if not gui:
        if animated:
            return animate_record(record, out, target)
        return picture_record(record, out, target)
    with Environment(disp=True) as env:
        if animated:
            return draw_animation(env, record, out, target)
        return draw_picture(env, record, out, target)
