"""Demonstrations: run each task's expert on a split's seeds and keep the successful episodes.

Work runs on the ``WorkerPool`` that validation uses (``simenv.sandbox.pool``): spawned worker
processes or Ray tasks, each worker process keeping one PyBullet world in a module-level cache
(Ray reuses its worker processes, so the cache serves Ray tasks too). It is resumable: episodes
already in the store are kept, and a killed run loses at most the episodes in flight.

Tasks are registered names or generated task files. A file's code never runs here: the sandbox
builds each seed's scene and this process replays the scene record (``policy.tasks``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from policy.demo_store import DemoStore, Episode
from policy.observation import action_to_pixels, top_down
from policy.seeds import check_split, split_seeds
from policy.tasks import SceneNotBuilt, TaskTarget, resolve_task, start_episode
from simenv.constants import SUCCESS_THRESHOLD
from simenv.environment import Environment
from simenv.sandbox.pool import WorkerDied, WorkerPool
from simenv.validation import StageFailure, refuse_complete

EXECUTORS = ("process", "ray")


@dataclass(frozen=True)
class EpisodeOutcome:
    """What recording one seed gave."""

    task: str
    split: str
    seed: int
    success: bool
    reward: float
    steps: int
    bytes: int
    #: Why a failed seed failed (the sandbox's error, or the expert's reward); "" on success.
    reason: str = ""


@dataclass(frozen=True)
class DemoRequest:
    """How many successful episodes of which tasks, on which split, and how."""

    tasks: tuple[str, ...]
    n: int
    split: str = "train"
    workers: int = 1
    executor: str = "process"
    #: Give up on a task after this many expert failures (a broken expert never ends).
    max_failures: int = 50


ProgressCallback = Callable[[EpisodeOutcome], None]


def record_episode(env: Environment, task_name: str, seed: int, split: str) -> Episode | None:
    """Run the expert on one seed of a registered task or a task file (replayed from the
    sandbox's scene record), keeping the top-down view before every step.

    Returns the episode when the expert succeeds, else None.
    """
    episode = record_or_reason(env, task_name, seed, split)
    return episode if isinstance(episode, Episode) else None


def record_or_reason(env: Environment, task_name: str, seed: int, split: str) -> Episode | str:
    """``record_episode``, but a failed seed gives the reason it failed instead of None, so
    that ``simgen demos`` can say which seeds failed and why.

    The world steps with its cameras off (``Environment.images_off``) and the cameras render
    once before each action, the only images an episode keeps: rendering is most of the
    recording time, and the images ``reset`` and the last action would render are never used.
    """
    with env.images_off():
        return _record(env, resolve_task(task_name), seed, split)


def _record(env: Environment, target: TaskTarget, seed: int, split: str) -> Episode | str:
    try:
        task = start_episode(env, target, seed, split)
    except SceneNotBuilt as exc:
        return f"scene not built: {exc}"  # a generated task's scene failed on this seed
    try:
        refuse_complete(task, seed)  # a goal met before the expert acts is no demonstration
    except StageFailure as failure:
        return failure.message
    agent = task.oracle(env)
    _, _, _, info = env.step()  # settle as the first observation did (reset_episode keeps the task)
    steps: list[tuple[Any, Any, str, bool]] = []
    total = 0.0
    for _ in range(task.max_steps):
        lang_goal = env.get_lang_goal()
        obs = env.observe()  # the images this step keeps, of the world the expert acts on
        action = agent.act(obs, info)
        if action is None:
            break
        turns = bool(task.goals[0].rotations) if task.goals else True
        steps.append((top_down(obs, env.agent_cams), action, lang_goal, turns))
        _, reward, done, info = env.step(action)
        total += reward
        if done:
            break
    if not steps:
        return "the expert took no step"
    if total <= SUCCESS_THRESHOLD:
        return f"the expert's episode scored {total:.3f} (success needs > {SUCCESS_THRESHOLD})"
    return _episode(target.name, split, seed, total, steps)


def _episode(
    task_name: str, split: str, seed: int, total: float, steps: list[tuple[Any, Any, str, bool]]
) -> Episode:
    pixels = [action_to_pixels(a) for _, a, _, _ in steps]

    def pose(p: Any) -> list[float]:
        return [*map(float, p[0]), *map(float, p[1])]

    return Episode(
        task=task_name,
        split=split,
        seed=seed,
        reward=float(total),
        color=np.stack([v.color for v, _, _, _ in steps]),
        height=np.stack([v.height for v, _, _, _ in steps]),
        pick_pose=np.array([pose(a["pose0"]) for _, a, _, _ in steps], dtype=np.float32),
        place_pose=np.array([pose(a["pose1"]) for _, a, _, _ in steps], dtype=np.float32),
        pick_pixel=np.array([p.pick for p in pixels], dtype=np.int32),
        place_pixel=np.array([p.place for p in pixels], dtype=np.int32),
        place_yaw=np.array([p.yaw for p in pixels], dtype=np.float32),
        lang_goals=[g for _, _, g, _ in steps],
        rotation_matters=np.array([t for _, _, _, t in steps], dtype=bool),
    )


# -- workers ---------------------------------------------------------------------------------

#: This process's rendering world: a pool worker records every seed it is given in one world,
#: rather than paying for a PyBullet start per seed.
_WORLD: Environment | None = None


def _world() -> Environment:
    """This process's rendering world, made on first use."""
    global _WORLD
    if _WORLD is None:
        _WORLD = Environment(render=True)
    return _WORLD


def record_and_store(store_path: str, task_name: str, seed: int, split: str) -> EpisodeOutcome:
    """Record one seed in this process's world and write the result to the store."""
    store = DemoStore(Path(store_path))
    episode = record_or_reason(_world(), task_name, seed, split)
    if isinstance(episode, str):
        store.write_failure(resolve_task(task_name).name, split, seed, 0.0, episode)
        return EpisodeOutcome(task_name, split, seed, False, 0.0, 0, 0, episode)
    size = store.write(episode)
    return EpisodeOutcome(task_name, split, seed, True, episode.reward, episode.steps, size)


def close_world() -> None:
    """Close this process's world (after recording in-process; a worker's ends with it)."""
    global _WORLD
    if _WORLD is not None:
        _WORLD.close()
        _WORLD = None


# -- scheduling ------------------------------------------------------------------------------


class _Plan:
    """Which seeds each task still needs, given what the store already holds."""

    def __init__(self, store: DemoStore, request: DemoRequest) -> None:
        self.request = request
        self.successes: dict[str, int] = {}
        self.failures: dict[str, int] = {}
        self.in_flight: dict[str, int] = {t: 0 for t in request.tasks}
        self._seeds: dict[str, Iterator[int]] = {}
        for task in request.tasks:
            name = resolve_task(task).name  # what the store files episodes under
            store.prepare(name, request.split)
            store.remove_unfinished(name, request.split)
            done = store.episodes(name, request.split, include_failed=True)
            self.successes[task] = sum(r.success for r in done)
            self.failures[task] = sum(not r.success for r in done)
            known = {r.seed for r in done}
            seeds = split_seeds(request.split)
            self._seeds[task] = (s for s in seeds if s not in known)

    def needed(self, task: str) -> int:
        return self.request.n - self.successes[task] - self.in_flight[task]

    def next_job(self) -> tuple[str, int] | None:
        """The task most in need and its next seed, or None when nothing more is needed."""
        open_tasks = [
            t
            for t in self.request.tasks
            if self.needed(t) > 0 and self.failures[t] < self.request.max_failures
        ]
        if not open_tasks:
            return None
        task = max(open_tasks, key=self.needed)
        self.in_flight[task] += 1
        return task, next(self._seeds[task])

    def finish(self, outcome: EpisodeOutcome) -> None:
        self.in_flight[outcome.task] -= 1
        if outcome.success:
            self.successes[outcome.task] += 1
        else:
            self.failures[outcome.task] += 1


def record_demos(
    workspace: Path, request: DemoRequest, on_episode: ProgressCallback | None = None
) -> list[EpisodeOutcome]:
    """Record until each task has ``n`` successful episodes in the split; returns this run's
    outcomes. Raises ``TaskTargetError`` for unknown names and missing files before starting."""
    check_split(request.split)
    if request.executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}; got {request.executor}")
    if request.workers < 1 or request.n < 0:
        raise ValueError("workers must be at least 1 and n non-negative.")
    for task in request.tasks:
        resolve_task(task)
    store = DemoStore(Path(workspace) / "demos" / "demos.zarr")
    plan = _Plan(store, request)
    outcomes: list[EpisodeOutcome] = []
    with _pool(request) as pool:
        try:
            for outcome in _record_all(pool, str(store.path), plan):
                outcomes.append(outcome)
                if on_episode is not None:
                    on_episode(outcome)
        finally:
            if pool.executor == "in-process":
                close_world()  # this process's world: workers' worlds end with their process
    return outcomes


def _pool(request: DemoRequest) -> WorkerPool:
    """A ``WorkerPool`` (validation's) with the request's executor. One ``process`` worker records
    in this process, as ``validate_many`` does: a spawned interpreter importing PyBullet
    would cost more than it saves."""
    if request.executor == "ray":
        return WorkerPool(request.workers, "ray")
    if request.workers == 1:
        return WorkerPool(1, "in-process")
    return WorkerPool(request.workers, "process")


def _record_all(pool: WorkerPool, store_path: str, plan: _Plan) -> Iterator[EpisodeOutcome]:
    """Keep every worker busy with the plan's next seed, yielding outcomes as they finish.

    Jobs are submitted one at a time (not ``imap`` over a fixed list) because which seed comes
    next depends on the outcomes so far: a task stops once it has ``n`` successes.
    """
    split = plan.request.split
    pending: dict[Future[EpisodeOutcome], tuple[str, int]] = {}
    while True:
        while len(pending) < pool.capacity and (job := plan.next_job()) is not None:
            pending[pool.submit(record_and_store, store_path, job[0], job[1], split)] = job
        if not pending:
            return
        done, _ = wait(set(pending), return_when=FIRST_COMPLETED)
        for future in done:
            outcome = _outcome(future, pending.pop(future), store_path, split)
            plan.finish(outcome)
            yield outcome


def _outcome(
    future: Future[EpisodeOutcome], job: tuple[str, int], store_path: str, split: str
) -> EpisodeOutcome:
    """The worker's outcome. A worker that died (PyBullet crashing on a scene, the OOM killer,
    a lost Ray node) fails its seed instead of the whole run; the failure is stored with its
    reason, so ``simgen demos`` names it and a resumed run does not crash on it again."""
    try:
        return future.result()
    except WorkerDied as exc:
        task, seed = job
        reason = f"the recording worker died on this seed ({exc})"
        name = resolve_task(task).name
        DemoStore(Path(store_path)).write_failure(name, split, seed, 0.0, reason)
        return EpisodeOutcome(task, split, seed, False, 0.0, 0, 0, reason)
