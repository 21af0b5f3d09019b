"""What the nodes of a run share: the task library, the agents, the validator's settings.

Built once per process and settings (opening the library loads the embedding model, which takes
seconds), and shared by parallel candidates, which run in threads. A test or the Python API can
swap the chat-model factory (scripted models) with ``use_model_factory``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from agents.chat_models import ModelFactory, make_chat_model
from agents.factory import AgentSet, build_agents
from graph.context import Context
from memory.library import TaskMemory

_lock = threading.Lock()
_resources: dict[tuple[str, int], Resources] = {}
_memories: dict[str, tuple[TaskMemory, threading.Lock]] = {}
_model_factory: ModelFactory = make_chat_model


@dataclass
class Resources:
    memory: TaskMemory
    agents: AgentSet
    #: Serialises writes to the library (Chroma's embedded client and the task files); one per
    #: workspace, shared by every settings object that writes to it.
    write_lock: threading.Lock


@contextmanager
def use_model_factory(factory: ModelFactory) -> Iterator[None]:
    """Build chat models with ``factory`` inside the block (e.g. scripted test models)."""
    global _model_factory
    previous = _model_factory
    _model_factory = factory
    try:
        yield
    finally:
        _model_factory = previous


def resources_for(context: Context) -> Resources:
    """The resources of these settings, built on first use (one library per workspace)."""
    key = (context.key(), id(_model_factory))
    with _lock:
        if key not in _resources:
            agents = build_agents(context.agent_settings(), _model_factory)
            workspace = str(context.workspace_path.resolve())
            if workspace not in _memories:
                _memories[workspace] = (TaskMemory.open(context.workspace_path), threading.Lock())
            memory, write_lock = _memories[workspace]
            _resources[key] = Resources(memory=memory, agents=agents, write_lock=write_lock)
        return _resources[key]


def clear_resources() -> None:
    """Forget cached resources (tests that delete a workspace and reuse its path)."""
    with _lock:
        _resources.clear()
        _memories.clear()
