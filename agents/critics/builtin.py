"""The built-in critics: novelty against the library, and assets that exist."""

from __future__ import annotations

from agents.protocols import Submission
from agents.schemas import Verdict
from simenv.assets import UnknownAssetError, find_asset_references, resolve_asset

#: Cosine distance under which a task counts as a near-duplicate of a library task. Measured on
#: the offline grammar's descriptions: tasks that differ only in colours are ~0.02-0.05 apart,
#: tasks that differ in counts or relation 0.06 and more.
DEFAULT_MIN_NOVELTY = 0.04


class NoveltyCritic:
    """Rejects a task whose nearest library task is closer than ``min_distance``."""

    name = "novelty"
    stages = ("proposal", "task")

    def __init__(self, min_distance: float = DEFAULT_MIN_NOVELTY) -> None:
        self.min_distance = min_distance

    def review(self, submission: Submission) -> Verdict:
        nearest = submission.nearest
        if nearest is None or nearest.distance is None:
            return Verdict(critic=self.name, accept=True, reasons="The library is empty.")
        distance = nearest.distance
        if nearest.name == submission.proposal.name:
            return Verdict(
                critic=self.name,
                accept=False,
                reasons=f"The library already has a task named '{nearest.name}'.",
                score=distance,
            )
        if distance < self.min_distance:
            return Verdict(
                critic=self.name,
                accept=False,
                reasons=f"Too close to '{nearest.name}' (distance {distance:.3f} < "
                f"{self.min_distance}): {nearest.description}",
                score=distance,
            )
        return Verdict(
            critic=self.name,
            accept=True,
            reasons=f"Nearest is '{nearest.name}' at distance {distance:.3f}.",
            score=distance,
        )


class AssetsCritic:
    """Rejects a task that names an asset that does not exist (in its proposal or its code)."""

    name = "assets"
    stages = ("proposal", "task")

    def review(self, submission: Submission) -> Verdict:
        named = list(submission.proposal.assets)
        if submission.code:
            named += find_asset_references(submission.code)
        missing = []
        for asset in dict.fromkeys(named):
            try:
                resolve_asset(asset)
            except (UnknownAssetError, FileNotFoundError, ValueError) as exc:
                missing.append(str(exc))
        if missing:
            return Verdict(critic=self.name, accept=False, reasons=" ".join(missing))
        return Verdict(critic=self.name, accept=True, reasons="Every asset exists.")
