"""Locate simgen's asset files (URDFs, kitting meshes) that live beside this module.

Task code names assets by paths relative to the asset root, exactly as the task API table lists
them (``'block/block.urdf'``, ``'container/container-template.urdf'``). Generated tasks get those
paths wrong often enough that a miss must produce an error the LLM can act on: it names the path,
the nearest existing ones and how to fix the call. Everything here is read-only and cheap, so the
environment, the task validator and the tests can share it.

The URDFs are written by ``generate_assets.py`` and the kitting meshes by
``generate_kitting_shapes.py`` (both in this folder); see those docstrings for the geometry
conventions (origins, units, template tokens).
"""

from __future__ import annotations

import ast
import difflib
import re
from functools import lru_cache
from pathlib import Path, PurePosixPath

__all__ = [
    "ASSET_ROOT",
    "KIT_CANONICAL_SCALE",
    "KIT_NATIVE_SIZE",
    "UnknownAssetError",
    "find_asset_references",
    "find_urdf_literals",
    "list_assets",
    "resolve_asset",
]

ASSET_ROOT: Path = Path(__file__).resolve().parent
"""The asset root: relative asset paths are resolved against this folder."""

KIT_NATIVE_SIZE: tuple[float, float, float] = (80.0 / 3.0, 80.0 / 3.0, 20.0)
"""Extent of every ``kitting/NN.obj`` mesh in its own units; metric size = scale * this."""

KIT_CANONICAL_SCALE: tuple[float, float, float] = (0.003, 0.003, 0.001)
"""The scale benchmark tasks pass for kitting objects: it yields 0.08 x 0.08 x 0.02 m."""

_URDF_LITERAL = re.compile(r"""['"]([^'"\n]*?\.urdf)['"]""")


class UnknownAssetError(FileNotFoundError):
    """An asset path that does not exist, with the nearest existing paths and how to fix it.

    It subclasses ``FileNotFoundError`` so callers that already handle missing files keep
    working, while its message is written for the LLM that produced the task code.
    """

    def __init__(self, asset: str, nearest: list[str]) -> None:
        self.asset = asset
        self.nearest = nearest
        suggestion = ", ".join(nearest) if nearest else "(none)"
        message = (
            f"Unknown asset {asset!r}. Nearest existing assets: {suggestion}. "
            "Use a path relative to the asset root as listed in the task API "
            "(e.g. 'block/block.urdf'), or a template such as 'box/box-template.urdf' "
            "filled with fill_template()."
        )
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


@lru_cache(maxsize=1)
def _asset_files() -> tuple[str, ...]:
    """Every file under the asset root (posix relative paths), excluding Python sources."""
    return tuple(
        sorted(
            path.relative_to(ASSET_ROOT).as_posix()
            for path in ASSET_ROOT.rglob("*")
            if path.is_file() and path.suffix not in {".py", ".pyc"}
        )
    )


def list_assets() -> list[str]:
    """Every ``.urdf`` path relative to the asset root (posix style), sorted."""
    return [path for path in _asset_files() if path.endswith(".urdf")]


def _strip_to_asset_relative(path: str) -> str:
    """Normalise a path as task code writes it to one relative to the asset root.

    Accepts backslashes, a leading ``./`` and legacy prefixes such as ``assets/`` or
    ``.../simenv/assets/`` (older benchmark code prefixes paths with ``'assets/'``).
    """
    text = path.replace("\\", "/").strip()
    if "assets/" in text:
        text = text.rsplit("assets/", 1)[1]
    while text.startswith("./"):
        text = text[2:]
    return text.lstrip("/")


def nearest_assets(path: str, n: int = 3) -> list[str]:
    """The ``n`` existing asset paths most similar to ``path`` (difflib ratio)."""
    rel = _strip_to_asset_relative(path)
    candidates = list_assets() if rel.endswith(".urdf") or "." not in rel else list(_asset_files())
    return difflib.get_close_matches(rel, candidates, n=n, cutoff=0.0)


def resolve_asset(path: str | Path) -> Path:
    """Resolve an asset path to an existing file.

    Absolute paths that exist are returned as is (filled templates are temporary files
    outside the asset root). Relative paths, and paths with a legacy ``assets/`` prefix, are
    resolved under :data:`ASSET_ROOT`. Anything else raises :class:`UnknownAssetError`.
    """
    text = str(path)
    candidate = Path(text)
    if candidate.is_absolute() and candidate.is_file():
        return candidate
    rel = _strip_to_asset_relative(text)
    if rel:
        resolved = ASSET_ROOT / PurePosixPath(rel)
        if resolved.is_file():
            return resolved
    raise UnknownAssetError(text, nearest_assets(text))


def _string_constants(source: str) -> list[str]:
    """String literals of ``source``; ``os.path.join`` calls also yield their joined literal tail.

    ``os.path.join(self.assets_root, 'block', 'block.urdf')`` yields ``'block/block.urdf'``
    besides the single literals. Falls back to a regex over ``.urdf`` literals when the source
    does not parse (generated code is often broken, and we still want to report its assets).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return _URDF_LITERAL.findall(source)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append(node.value)
        elif isinstance(node, ast.Call) and _is_join(node.func):
            tail: list[str] = []
            for arg in reversed(node.args):
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    tail.insert(0, arg.value)
                else:
                    break
            if len(tail) > 1:
                found.append("/".join(part.strip("/") for part in tail))
    return found


def _is_join(func: ast.expr) -> bool:
    """Whether a call target looks like ``os.path.join`` / ``path.join`` / ``join``."""
    if isinstance(func, ast.Attribute):
        return func.attr == "join" and not (
            isinstance(func.value, ast.Constant) and isinstance(func.value.value, str)
        )
    return isinstance(func, ast.Name) and func.id == "join"


def find_urdf_literals(source: str) -> list[str]:
    """Every string in ``source`` that looks like a URDF path, normalised, sorted, unique.

    Unlike :func:`find_asset_references` this keeps paths that do not exist, so a validator can
    report them (with :func:`resolve_asset`'s suggestions) before running the task.
    """
    return sorted(
        {
            _strip_to_asset_relative(text)
            for text in _string_constants(source)
            if text.strip().endswith(".urdf")
        }
    )


def find_asset_references(source: str) -> list[str]:
    """The existing asset paths a task's Python source names in string literals, sorted, unique.

    A literal counts when, normalised, it equals an asset path or ends with ``/`` + an asset
    path (so ``'assets/block/block.urdf'`` and ``os.path.join(root, 'block/block.urdf')`` count).
    """
    assets = list_assets()
    known = set(assets)
    refs: set[str] = set()
    for text in _string_constants(source):
        rel = _strip_to_asset_relative(text)
        if not rel.endswith(".urdf"):
            continue
        if rel in known:
            refs.add(rel)
            continue
        refs.update(asset for asset in assets if rel.endswith("/" + asset))
    return sorted(refs)
