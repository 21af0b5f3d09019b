"""Pictures of tasks: the initial scene as a PNG, the expert's rollout as an animated GIF."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from simenv import utils
from simenv.cameras import DEFAULT_CAMERAS, FRONT, CameraConfig, render_camera
from simenv.environment import Environment
from simenv.loader import load_task_class
from simenv.validation import reset_episode, resolve_target, run_expert

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


def render_task(
    target: str, out: Path, seed: int = 0, mode: str = "train", gui: bool = False
) -> Path:
    """Render a task (name or file): PNG of the first scene, or GIF of the expert's episode."""
    task_class = load_task_class(resolve_target(target))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with Environment(disp=gui) as env:
        task = reset_episode(env, task_class, seed, mode)
        if out.suffix.lower() == ".gif":
            frames: list[Image.Image] = []

            def grab() -> None:
                if env.sim_steps % STEPS_PER_FRAME == 0:
                    image = front_view()
                    frames.append(_label(image, env.get_lang_goal()))

            env.step_callbacks.append(grab)
            total, _ = run_expert(env, task)
            final = front_view()
            frames.append(_label(final, f"{target}: done, reward {total:.2f}"))
            frames[0].save(
                out, save_all=True, append_images=frames[1:], duration=50, loop=0, optimize=True
            )
        else:
            scene_image(env, f"{target} (seed {seed}): {env.get_lang_goal()}").save(out)
    return out
