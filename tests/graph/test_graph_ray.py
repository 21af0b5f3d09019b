"""``--executor ray``: the one validation pool on a real Ray cluster of two nodes (a head and a
second raylet, started on this machine by the test and stopped after), for ``simgen validate``
(``validate_many``) and ``simgen generate`` (the graph's ``validate_draft``)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from graph.context import Context
from graph.draft_validation import DraftFiles, Validated, shutdown_pools, validate_draft
from simenv.sandbox.pool import WorkerPool, validate_many
from simenv.settings import ValidationSettings
from simenv.tasks import get_task
from simenv.validation_report import Stage
from tests.simenv.sandbox.ray_cluster import LocalCluster, local_cluster, validated_where

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SETTINGS = ValidationSettings(episodes=1, timeout=60)


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with local_cluster(nodes=2, cpus_per_node=1) as running:
        yield running


def test_validations_run_on_both_nodes(cluster: LocalCluster) -> None:
    """Two workers, one CPU per node: the pool's jobs are spread over both nodes."""
    pool = WorkerPool(2, "ray", ray_address=cluster.address)
    targets = ["place-red-in-green", "block-insertion", "place-red-in-green", "block-insertion"]
    done = [f.result() for _, f in pool.imap(partial(validated_where, settings=SETTINGS), targets)]
    assert {node for node, _ in done} == set(cluster.node_ids)
    assert all(report.passed for _, report in done), [r.error for _, r in done]


def test_validate_many_on_the_cluster(cluster: LocalCluster, tmp_path: Path) -> None:
    broken = tmp_path / "no_task.py"
    broken.write_text("import numpy as np\n")
    reports = list(
        validate_many(
            ["place-red-in-green", str(broken)],
            SETTINGS,
            workers=2,
            executor="ray",
            ray_address=cluster.address,
            ordered=True,
        )
    )
    assert reports[0].passed, reports[0].error
    assert reports[1].stage == Stage.IMPORT


def test_generate_validates_candidates_on_the_cluster(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    """The graph's validation with ``executor="ray"`` (``simgen generate --executor ray``):
    two candidates at once, each with its picture and scene record written."""
    context = Context(
        workspace=str(tmp_path),
        episodes=1,
        workers=2,
        executor="ray",
        ray_address=cluster.address,
    )
    results: dict[str, Validated] = {}

    def candidate(name: str) -> None:
        folder = tmp_path / name
        folder.mkdir()
        draft = folder / "draft.py"
        shutil.copy(get_task(name).path, draft)
        files = DraftFiles(picture=folder / "scene.png", scene=folder / "scene.json")
        results[name] = validate_draft(draft, context, files)

    try:
        threads = [
            threading.Thread(target=candidate, args=(n,))
            for n in ("place-red-in-green", "block-insertion")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        shutdown_pools()
    assert set(results) == {"place-red-in-green", "block-insertion"}
    for validated in results.values():
        assert validated.report.passed, validated.report.error
        assert validated.picture is not None and Path(validated.picture).is_file()
        assert validated.scene is not None and Path(validated.scene).is_file()
