"""Model and training configurations: dataclasses, saved with every checkpoint.

Three presets. ``small`` is sized for a 2-core CPU: the 320 x 160 top-down image is halved to
160 x 80 (6.25 mm pixels, still well inside the 1 cm placing tolerance), the networks are
narrow, and a batch is a handful of samples. ``full`` keeps the task API's resolution and
Transporter-sized networks, for a GPU. ``tiny`` trains a few steps in a second or two: for
tests and for trying a pipeline end to end (``simgen bench policy --config tiny``), not for
figures.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from simenv.constants import HEIGHTMAP_SHAPE


@dataclass(frozen=True)
class ModelConfig:
    """The Transporter network's shape.

    ``downsample`` divides the top-down image; ``crop`` is the side (pixels, after
    downsampling, odd) of the square around the pick point that is matched against the scene
    at ``rotations`` angles. ``color_grounding`` adds, per colour word of the instruction (in
    order, at most two), a map of how close each pixel's colour is to that word's colour in
    the simulator's palette: a fixed prior that links colour words to pixels, standing in for
    the visual-language pretraining (CLIP) this project does not use.
    """

    downsample: int = 2
    channels: int = 8
    depth: int = 2
    key_channels: int = 4
    crop: int = 33
    rotations: int = 36
    language_dim: int = 384
    color_grounding: bool = True
    height_scale: float = 10.0

    def __post_init__(self) -> None:
        rows, cols = HEIGHTMAP_SHAPE
        if self.downsample < 1 or rows % self.downsample or cols % self.downsample:
            raise ValueError(
                f"downsample must divide the {rows} x {cols} image; got {self.downsample}."
            )
        if self.crop % 2 == 0 or self.crop < 3:
            raise ValueError(f"crop must be an odd number of pixels >= 3; got {self.crop}.")
        if self.rotations < 1:
            raise ValueError(f"rotations must be at least 1; got {self.rotations}.")
        if self.depth < 1 or self.channels < 1 or self.key_channels < 1:
            raise ValueError("depth, channels and key_channels must be positive.")

    @property
    def image_shape(self) -> tuple[int, int]:
        rows, cols = HEIGHTMAP_SHAPE
        return rows // self.downsample, cols // self.downsample

    @property
    def grounding_channels(self) -> int:
        return 2 if self.color_grounding else 0

    @property
    def in_channels(self) -> int:
        """Colour (3), height (1) and the colour-word maps."""
        return 4 + self.grounding_channels


@dataclass(frozen=True)
class TrainConfig:
    """How to train: optimiser, batch, augmentation, checkpoints."""

    batch_size: int = 4
    learning_rate: float = 1e-3
    weight_decay: float = 0.0
    augment: bool = True
    #: Largest shift (downsampled pixels) of the SE(2) augmentation; rotations are uniform.
    max_shift: int = 8
    checkpoint_every: int = 200
    #: Rotation bins in each training step's place softmax (the expert's and random others;
    #: None: all). Correlation is ~70% of a CPU step, so 12 of 36 makes steps ~2x cheaper.
    sampled_rotations: int | None = 12
    seed: int = 0
    #: CPU threads torch may use (None: torch's default). One: on a small, shared CPU a second
    #: thread spends more time waiting for the first than it saves (measured: 2.6 s vs 8+ s a
    #: step with other work on both cores).
    threads: int | None = 1


@dataclass(frozen=True)
class PolicyConfig:
    """A named pair of model and training configurations."""

    name: str
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PolicyConfig:
        """Rebuild from ``to_dict``; unknown keys (from a newer version) are an error."""
        model = _build(ModelConfig, data.get("model", {}))
        train = _build(TrainConfig, data.get("train", {}))
        return cls(name=str(data.get("name", "custom")), model=model, train=train)


def _build(kind: type, values: dict[str, Any]) -> Any:
    known = {f.name for f in fields(kind)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"Unknown {kind.__name__} fields {unknown}; known: {sorted(known)}.")
    return kind(**values)


PRESETS: dict[str, PolicyConfig] = {
    "tiny": PolicyConfig(
        "tiny",
        model=ModelConfig(downsample=4, channels=4, depth=1, key_channels=2, crop=9, rotations=8),
        train=TrainConfig(batch_size=2, learning_rate=3e-3, checkpoint_every=2, max_shift=2),
    ),
    "small": PolicyConfig("small"),
    "full": PolicyConfig(
        "full",
        model=ModelConfig(downsample=1, channels=64, depth=3, key_channels=16, crop=65),
        train=TrainConfig(
            batch_size=8, learning_rate=1e-4, max_shift=16, threads=None, sampled_rotations=None
        ),
    ),
}


def preset(name: str) -> PolicyConfig:
    """A preset by name, or an error listing the presets."""
    if name not in PRESETS:
        raise ValueError(f"Unknown configuration '{name}'; choose one of {', '.join(PRESETS)}.")
    return PRESETS[name]
