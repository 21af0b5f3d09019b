"""A real Ray cluster on this machine for tests and benchmarks: a head and more nodes on
127.0.0.1, each a raylet process of its own with its own CPUs, stopped afterwards.

``ray.cluster_utils.Cluster`` starts real, separate raylets (as ``ray start --head`` and
``ray start --address`` would) and, unlike ``ray stop``, stops only the processes it started,
so a Ray of someone else's on the same machine is left alone. Token authentication is turned
off for it (``RAY_AUTH_MODE=disabled``, in this process and so in the nodes it starts): the
cluster listens on this machine only and lives for one test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from simenv.sandbox.runner import validate_isolated
from simenv.settings import ValidationSettings
from simenv.validation_report import ValidationReport


@dataclass(frozen=True)
class LocalCluster:
    """The address to give ``ray.init`` / ``--ray-address``, and the nodes' Ray ids."""

    address: str
    node_ids: tuple[str, ...]


def _node_args(cpus: int) -> dict[str, Any]:
    return {
        "num_cpus": cpus,
        "include_dashboard": False,
        "object_store_memory": 100 * 1024 * 1024,
    }


@contextmanager
def local_cluster(nodes: int = 2, cpus_per_node: int = 1) -> Iterator[LocalCluster]:
    """Start a head and ``nodes - 1`` more nodes; yield once all are alive; stop them all."""
    import ray
    from ray.cluster_utils import Cluster

    before = os.environ.get("RAY_AUTH_MODE")
    os.environ["RAY_AUTH_MODE"] = "disabled"
    cluster = Cluster(initialize_head=True, head_node_args=_node_args(cpus_per_node))
    try:
        others = [cluster.add_node(**_node_args(cpus_per_node)) for _ in range(nodes - 1)]
        cluster.wait_for_nodes()
        head = cluster.head_node
        assert head is not None  # initialize_head started it
        ids = (head.node_id, *(node.node_id for node in others))
        yield LocalCluster(address=cluster.address, node_ids=ids)
    finally:
        ray.shutdown()  # the driver's connection, if a test made one
        cluster.shutdown()
        if before is None:
            del os.environ["RAY_AUTH_MODE"]
        else:
            os.environ["RAY_AUTH_MODE"] = before


def node_id() -> str:
    """The Ray id of the node this process runs on (to see where a job ran)."""
    import ray

    return str(ray.get_runtime_context().get_node_id())


def validated_where(target: str, settings: ValidationSettings) -> tuple[str, ValidationReport]:
    """A sandboxed validation that also says which node ran it (a Ray job for tests)."""
    return node_id(), validate_isolated(target, settings)
