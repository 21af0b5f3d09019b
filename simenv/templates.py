"""URDF templates: ``KEY<i>`` tokens in the text, filled with values and written to scratch.

A template such as ``box/box-template.urdf`` names its sizes ``DIM0 DIM1 DIM2``; filling it with
``{'DIM': (0.1, 0.05, 0.03)}`` replaces ``DIM<i>`` by the ``i``-th value. ``Task.fill_template``
(what task code calls) and ``Environment.add_object`` (which fills a template passed unfilled,
a dialect leniency) both work through here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from simenv.scratch import write_scratch_file

#: A template token: upper-case key, then one digit (``DIM0``, ``HALF2``, ``COLOR1``).
TOKEN = re.compile(r"\b([A-Z][A-Z_]*?)(\d)\b")


def template_keys(text: str) -> set[str]:
    """The keys (``DIM``, ``HALF``...) whose tokens occur in a template's text."""
    return {m.group(1) for m in TOKEN.finditer(text)}


def unfilled_tokens(text: str, keys: set[str]) -> list[str]:
    """Tokens of ``keys`` still present in ``text``, sorted (empty when fully filled)."""
    return sorted({m.group(0) for m in TOKEN.finditer(text) if m.group(1) in keys})


def fill_text(text: str, replace: Mapping[str, Any]) -> str:
    """Replace every ``KEY<i>`` of ``text`` by ``replace[KEY][i]`` (a scalar counts as one value)."""
    for key, values in replace.items():
        seq = values if isinstance(values, list | tuple | np.ndarray) else (values,)
        for i in reversed(range(len(seq))):
            text = re.sub(rf"\b{re.escape(key)}{i}\b", str(seq[i]), text)
    return text


def write_filled(text: str) -> Path:
    """Write a filled template into the process's scratch folder; returns the new URDF's path."""
    return write_scratch_file(text, prefix="filled-", suffix=".urdf")
