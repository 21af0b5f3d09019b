"""Metadata filters for search and list, turned into Chroma `where` clauses.

Callers say what they want (origin, assets, minimum success rate, names to leave out) and never
spell Chroma's operator syntax; `to_where` is the only place that knows it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from memory.records import ASSET_SEPARATOR, Origin, asset_key, asset_name_key, asset_names

Where = dict[str, Any]


@dataclass(frozen=True)
class SearchFilter:
    """Restrict a search: all given conditions must hold (assets: the task uses every one)."""

    origin: Origin | None = None
    assets: tuple[str, ...] = ()
    min_success: float | None = None
    exclude_names: tuple[str, ...] = field(default=())

    def to_where(self) -> Where | None:
        """The Chroma `where` clause, or None for no restriction.

        An asset with a '/' is a path and matches only itself; a bare name ('bowl',
        'bowl.urdf') matches every asset with that file name or stem (see `asset_matches`).
        """
        clauses: list[Where] = []
        if self.origin is not None:
            clauses.append({"origin": Origin(self.origin).value})
        for asset in self.assets:
            key = asset_key(asset) if "/" in asset else asset_name_key(asset)
            clauses.append({key: True})
        if self.min_success is not None:
            clauses.append({"success_rate": {"$gte": float(self.min_success)}})
        if self.exclude_names:
            clauses.append({"name": {"$nin": list(self.exclude_names)}})
        return combine(clauses)

    @property
    def is_empty(self) -> bool:
        return self.to_where() is None

    def matches(self, metadata: Mapping[str, Any]) -> bool:
        """The same test as `to_where`, on one record's metadata (for filtering in Python)."""
        if self.origin is not None and metadata.get("origin") != Origin(self.origin).value:
            return False
        if self.min_success is not None:
            rate = metadata.get("success_rate")
            if not isinstance(rate, int | float) or rate < self.min_success:
                return False
        if self.exclude_names and metadata.get("name") in self.exclude_names:
            return False
        paths = [a for a in str(metadata.get("assets", "")).split(ASSET_SEPARATOR) if a]
        return all(any(asset_matches(asset, path) for path in paths) for asset in self.assets)


def combine(clauses: Sequence[Where]) -> Where | None:
    """AND clauses together in the form Chroma accepts (a lone clause must not be wrapped)."""
    clauses = [c for c in clauses if c]
    if not clauses:
        return None
    if len(clauses) == 1:
        return dict(clauses[0])
    return {"$and": list(clauses)}


def asset_matches(asset: str, path: str) -> bool:
    """Whether `asset` (what a user typed) names the asset `path`.

    A path ('stacking/block.urdf') names only itself; a bare name names every path with that
    file name or stem ('bowl' and 'bowl.urdf' both name 'bowl/bowl.urdf').
    """
    if "/" in asset:
        return asset == path
    return asset.lower() in asset_names(path)
