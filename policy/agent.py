"""Policies that act in the environment: the trained Transporter, and the task's expert.

A policy is told the world and task at the start of an episode (``begin``) and then maps
each observation to an action. The Transporter uses only the camera images and the language
goal; the expert reads the simulator's state, and is there to check the evaluation harness;
the random policy is the baseline a trained policy has to beat (images only, like the
Transporter).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import torch

from policy.config import ModelConfig
from policy.dataset import bin_yaw, model_input
from policy.language import LanguageEncoder
from policy.model import Transporter
from policy.observation import PixelAction, clip_pixel, pixels_to_action, top_down
from simenv.constants import HEIGHTMAP_SHAPE
from simenv.environment import Environment
from simenv.task import Task


class Policy(Protocol):
    name: str

    def begin(self, env: Environment, task: Task) -> None: ...

    def act(self, obs: dict[str, Any], info: dict[Any, Any]) -> dict[str, Any] | None: ...


class ExpertPolicy:
    """The task's scripted expert (``task.oracle(env)``), behind the policy interface."""

    name = "expert"

    def __init__(self) -> None:
        self._oracle: Any = None

    def begin(self, env: Environment, task: Task) -> None:
        self._oracle = task.oracle(env)

    def act(self, obs: dict[str, Any], info: dict[Any, Any]) -> dict[str, Any] | None:
        return self._oracle.act(obs, info)


class TransporterPolicy:
    """The trained network: top-down view + language goal -> pick and place poses."""

    name = "transporter"

    def __init__(self, model: Transporter, encoder: LanguageEncoder | None = None) -> None:
        self.model = model.eval()
        self.cfg: ModelConfig = model.cfg
        self.encoder = encoder or LanguageEncoder()
        self._cameras: list[dict[str, Any]] = []

    def begin(self, env: Environment, task: Task) -> None:
        self._cameras = env.agent_cams

    def act(self, obs: dict[str, Any], info: dict[Any, Any]) -> dict[str, Any] | None:
        view = top_down(obs, self._cameras)
        goal = str(info.get("lang_goal", ""))
        device = next(self.model.parameters()).device
        image = torch.from_numpy(model_input(view.color, view.height, goal, self.cfg))
        language = torch.from_numpy(self.encoder.encode([goal])[0])
        pick, place, rotation = self.model.act(image.to(device), language.to(device))
        action = PixelAction(
            pick=self.full_resolution(pick),
            place=self.full_resolution(place),
            yaw=bin_yaw(rotation, self.cfg.rotations),
        )
        return pixels_to_action(action, view.height)

    def full_resolution(self, pixel: tuple[int, int]) -> tuple[int, int]:
        """The centre of a downsampled pixel in full-resolution pixels."""
        d = self.cfg.downsample
        return clip_pixel((pixel[0] * d + d // 2, pixel[1] * d + d // 2))


class RandomPolicy:
    """A baseline that acts at random from the same images the Transporter sees.

    It picks at a random pixel of something standing on the table (height above
    ``object_height``; anywhere when nothing does) and places at a uniformly random pixel,
    turned by a uniformly random yaw. Picking on objects rather than anywhere makes it a
    stronger baseline than uniform pixels: a random pick on bare table never scores.
    """

    name = "random"

    def __init__(self, seed: int = 0, object_height: float = 0.01) -> None:
        self.rng = np.random.default_rng(seed)
        self.object_height = object_height
        self._cameras: list[dict[str, Any]] = []

    def begin(self, env: Environment, task: Task) -> None:
        self._cameras = env.agent_cams

    def act(self, obs: dict[str, Any], info: dict[Any, Any]) -> dict[str, Any] | None:
        view = top_down(obs, self._cameras)
        rows, cols = np.nonzero(view.height > self.object_height)
        if len(rows):
            k = int(self.rng.integers(len(rows)))
            pick = (int(rows[k]), int(cols[k]))
        else:
            pick = self._anywhere()
        yaw = float(self.rng.uniform(0.0, 2 * np.pi))
        return pixels_to_action(PixelAction(pick, self._anywhere(), yaw), view.height)

    def _anywhere(self) -> tuple[int, int]:
        rows, cols = HEIGHTMAP_SHAPE
        return int(self.rng.integers(rows)), int(self.rng.integers(cols))
