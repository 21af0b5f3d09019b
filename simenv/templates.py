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

from simenv import dialect
from simenv.assets import UnknownAssetError, nearest_assets, resolve_asset
from simenv.errors import TaskCodeError
from simenv.scratch import write_scratch_file

#: A template token: upper-case key, then one digit (``DIM0``, ``HALF2``, ``COLOR1``).
TOKEN = re.compile(r"\b([A-Z][A-Z_]*?)(\d)\b")


def template_keys(text: str) -> set[str]:
    """The keys (``DIM``, ``HALF``...) whose tokens occur in a template's text."""
    return {m.group(1) for m in TOKEN.finditer(text)}


def fill_text(text: str, replace: Mapping[str, Any]) -> str:
    """Replace every ``KEY<i>`` of ``text`` by ``replace[KEY][i]`` (a scalar counts as one value)."""
    for key, values in replace.items():
        seq = values if isinstance(values, list | tuple | np.ndarray) else (values,)
        for i in reversed(range(len(seq))):
            text = re.sub(rf"\b{re.escape(key)}{i}\b", str(seq[i]), text)
    return text


#: Filled URDF path -> the template it was filled from, so messages name what task code wrote.
_FILLED_FROM: dict[str, str] = {}


def write_filled(text: str, template: str) -> Path:
    """Write a filled template into the process's scratch folder; returns the new URDF's path."""
    path = write_scratch_file(text, prefix="filled-", suffix=".urdf")
    _FILLED_FROM[str(path)] = template
    return path


def describe_urdf(urdf: str) -> str:
    """How to name a URDF in a message: a filled template by its template, anything else as is."""
    template = _FILLED_FROM.get(str(urdf))
    return f"{template} (filled)" if template else str(urdf)


#: Keys a template passed unfilled gets random values for (metres), as GenSim's simulator does.
DEFAULT_SIZE_KEYS = ("DIM", "DIMX", "DIMY", "DIMH", "DIMR")
DEFAULT_SIZE_RANGE = (0.03, 0.05)
DEFAULT_HALF_RANGE = (0.01, 0.03)
TEMPLATE_SUFFIX = "-template.urdf"


def is_template(path: str | Path) -> bool:
    return str(path).endswith(TEMPLATE_SUFFIX)


def resolve_template(path: str | Path, caller: str) -> Path:
    """Resolve an asset path; a ``*-template.urdf`` that does not exist falls back (with a
    dialect warning) to the same path without ``-template``, when that one exists."""
    try:
        return resolve_asset(path)
    except UnknownAssetError:
        text = str(path)
        if not is_template(text):
            raise
        plain = text[: -len(TEMPLATE_SUFFIX)] + ".urdf"
        try:
            resolved = resolve_asset(plain)
        except UnknownAssetError:
            raise UnknownAssetError(text, nearest_assets(text)) from None
        dialect.warn(
            f"{caller}('{text}'): that template does not exist; used '{plain}' (fixed size) "
            f"instead. Name an existing asset: '{plain}', or a template from the task API's "
            "asset table filled with self.fill_template."
        )
        return resolved


def default_fill(text: str, caller: str, urdf: str) -> str:
    """Fill the size tokens a template still has (passed unfilled to ``add_object``, or only
    partly filled by ``fill_template``), with a dialect warning.

    ``DIM``-like tokens get uniform random sizes in ``DEFAULT_SIZE_RANGE``, ``HALF`` tokens in
    ``DEFAULT_HALF_RANGE``, ``COLOR`` gray. Tokens of other keys (a kitting shape's ``FNAME``,
    ``SCALE``) have no sensible default: an error says to fill them.
    """
    keys = template_keys(text)
    if not keys:
        return text
    no_default = sorted(k for k in keys if k not in (*DEFAULT_SIZE_KEYS, "HALF", "COLOR"))
    if no_default:
        example = ", ".join(f"'{k}': (...)" for k in no_default)
        raise TaskCodeError(
            f"{caller}('{urdf}'): the template's {', '.join(no_default)} tokens have no default; "
            f"fill them: urdf = self.fill_template('{urdf}', {{{example}}}) and pass urdf."
        )
    values: dict[str, list[float]] = {}
    for key in sorted(keys):
        count = 1 + max(int(m.group(2)) for m in TOKEN.finditer(text) if m.group(1) == key)
        if key == "COLOR":
            values[key] = [0.55, 0.55, 0.55][:count]
            continue
        lo, hi = DEFAULT_HALF_RANGE if key == "HALF" else DEFAULT_SIZE_RANGE
        values[key] = [round(float(lo + np.random.rand() * (hi - lo)), 4) for _ in range(count)]
    sizes = sorted(k for k in values if k != "COLOR")
    example = ", ".join(f"'{k}': (...)" for k in sizes)
    what = (
        "left tokens unfilled"
        if caller == "fill_template"
        else "a template was passed without fill_template"
    )
    dialect.warn(
        f"{caller}('{urdf}'): {what}; filled its "
        f"{', '.join(sizes)} tokens with random sizes ({DEFAULT_SIZE_RANGE[0]}-"
        f"{DEFAULT_SIZE_RANGE[1]} m, HALF {DEFAULT_HALF_RANGE[0]}-{DEFAULT_HALF_RANGE[1]} m). "
        f"Write urdf = self.fill_template('{urdf}', {{{example}}}) with the sizes you want "
        "(metres), and pass urdf."
    )
    return fill_text(text, values)
