"""The Python API: ``run(...)`` builds the graph, runs it (or continues it), returns the summary.

    from graph.run import run
    summary = run(5)                                  # five tasks, offline agents
    summary = run(3, mode="target", target="build a car", context=Context(model="openai:gpt-4o"))

The summary is what ``simgen generate --json`` prints.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.types import Command

from agents.chat_models import ModelFactory
from agents.protocols import Mode
from graph.builder import build_graph
from graph.checkpoint import open_checkpointer
from graph.context import Context
from graph.draft_validation import shutdown_pools, start_workers
from graph.resources import resources_for, use_model_factory
from graph.state import RunInput

EventHandler = Callable[[dict[str, Any]], None]
#: Answers a paused human review: gets the interrupt's payload, returns the verdict.
HumanReviewer = Callable[[dict[str, Any]], Any]
RECURSION_LIMIT = 10_000
#: Threads LangGraph may use beyond one per candidate in flight (stream and checkpoint work).
SPARE_THREADS = 2


def new_thread_id() -> str:
    return f"run-{datetime.now(UTC):%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"


def run(
    n_tasks: int = 1,
    mode: Mode = "explore",
    target: str | None = None,
    *,
    context: Context | None = None,
    thread: str | None = None,
    checkpoint_url: str | None = None,
    on_event: EventHandler | None = None,
    reviewer: HumanReviewer | None = None,
    model_factory: ModelFactory | None = None,
) -> dict[str, Any]:
    """Run (or continue) a generation run and return its summary.

    ``thread`` names the run: a thread with a checkpoint is continued, not restarted, so the
    same call after a crash picks up where it stopped. With ``--critic human`` the run pauses
    before each commit; ``reviewer`` answers those pauses (the CLI asks in the terminal). With
    no reviewer the summary says ``"status": "paused"`` and lists the questions; call ``run``
    again with the same thread and a reviewer (or resume in Studio) to go on.
    """
    context = context or Context()
    thread = thread or new_thread_id()
    config: RunnableConfig = {
        "configurable": {"thread_id": thread},
        "recursion_limit": RECURSION_LIMIT,
        "max_concurrency": threads_for(context),
    }
    request: RunInput = {"n_tasks": n_tasks, "mode": mode, "target": target}
    factory = use_model_factory(model_factory) if model_factory else nullcontext()
    with (
        factory,
        open_checkpointer(Path(context.workspace), checkpoint_url) as saver,
        _validators(),
    ):
        resources_for(context)  # fails here, before any work, on a bad key or server
        start_workers(context)
        graph = build_graph().compile(checkpointer=saver)
        snapshot = graph.get_state(config)
        started = bool(snapshot.values)
        payload: Any = None if started else request
        while True:
            if snapshot.interrupts and started:
                if reviewer is None:
                    return _paused(snapshot, thread)
                payload = Command(resume={i.id: reviewer(i.value) for i in snapshot.interrupts})
            elif started and not snapshot.next:
                break
            _stream(graph, payload, config, context, on_event)
            snapshot = graph.get_state(config)
            started = True
        summary: dict[str, Any] = dict(snapshot.values.get("summary") or {})
        summary["status"] = "done"
        return summary


def threads_for(context: Context) -> int:
    """LangGraph's thread pool for a run: one thread per candidate in flight, and spares.

    Without it LangGraph takes the thread pool's default, ``min(32, cores + 4)``: six threads
    on two cores, which would quietly cap a run's candidates in flight below
    ``--concurrency``. (A LangGraph server, as under Studio, brings its own executor.)
    """
    return context.in_flight + SPARE_THREADS


@contextmanager
def _validators() -> Iterator[None]:
    """The run's validation workers stop with the run (paused, done or failed)."""
    try:
        yield
    finally:
        shutdown_pools()


def _stream(
    graph: Any,
    payload: Any,
    config: RunnableConfig,
    context: Context,
    on_event: EventHandler | None,
) -> None:
    for _namespace, mode, chunk in graph.stream(
        payload,
        config,
        context=context,
        stream_mode=["custom", "updates"],
        subgraphs=True,
        durability="sync",
    ):
        if mode == "custom" and on_event is not None and isinstance(chunk, dict):
            on_event(chunk)


def _paused(snapshot: Any, thread: str) -> dict[str, Any]:
    summary: dict[str, Any] = dict(snapshot.values.get("summary") or {})
    summary.update(
        status="paused",
        thread=thread,
        questions=[{"id": i.id, **i.value} for i in snapshot.interrupts],
    )
    return summary
