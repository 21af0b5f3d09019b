"""A real Ray cluster on this machine for tests and benchmarks: a head and more nodes on
127.0.0.1, each a raylet process of its own with its own CPUs, stopped afterwards.

``ray.cluster_utils.Cluster`` starts real, separate raylets (as ``ray start --head`` and
``ray start --address`` would) and, unlike ``ray stop``, stops only the processes it started,
so a Ray of someone else's on the same machine is left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LocalCluster:
    """The address to give ``ray.init`` / ``--ray-address``, and the nodes' Ray ids."""

    address: str
    node_ids: tuple[str, ...]


def _node_args(cpus: int) -> dict[str, Any]:
    return {
        "num_cpus": cpus,
        "node_ip_address": "127.0.0.1",
        "include_dashboard": False,
        "object_store_memory": 100 * 1024 * 1024,
    }


@contextmanager
def local_cluster(nodes: int = 2, cpus_per_node: int = 1) -> Iterator[LocalCluster]:
    """Start a head and ``nodes - 1`` more nodes; yield once all are alive; stop them all."""
    import ray
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args=_node_args(cpus_per_node))
    try:
        others = [cluster.add_node(**_node_args(cpus_per_node)) for _ in range(nodes - 1)]
        cluster.wait_for_nodes()
        ids = (cluster.head_node.node_id, *(node.node_id for node in others))
        yield LocalCluster(address=cluster.address, node_ids=ids)
    finally:
        ray.shutdown()  # the driver's connection, if a test made one
        cluster.shutdown()


def node_id() -> str:
    """The Ray id of the node this process runs on (to see where a job ran)."""
    import ray

    return str(ray.get_runtime_context().get_node_id())
