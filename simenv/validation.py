"""Validation of a task program, in two halves that never share a process in the sandbox.

1. ``simenv.taskcode.build_scenes`` (the task's code): import the file, run ``__init__``, and
   per seed run ``reset(env)`` and record the scene it built (``simenv.scene_capture``, in the
   schema of ``simenv.scene_record``). This is the only part that runs task code; the sandbox
   runs it in a contained child.
2. ``judge`` here (trusted): rebuild each recorded scene (``simenv.scene_rebuild``), run the expert, compute reward and
   verdict. The parse stage's checks (``parse_task``) are here too: they read, never run.

This module never imports the loader that executes task files (import-linter holds it to
that), so the trusted side can use it freely. ``simenv.taskcode.validate`` runs both halves in
one process (``simgen validate --in-process``); the sandbox (``simenv.sandbox.runner``) runs the
first in a contained child and the second in the judge process (``simenv.sandbox.judge``).
Either way the result is a ``ValidationReport``, and stages are reported through an explicit
``on_stage`` callback.
"""

from __future__ import annotations

import ast
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from simenv.constants import SUCCESS_THRESHOLD
from simenv.environment import Environment
from simenv.episodes import seed_everything
from simenv.scene_rebuild import build_world
from simenv.scene_record import SceneRecord
from simenv.settings import ValidationSettings
from simenv.task import GOAL_COMPLETE_SLACK, Task
from simenv.taskfile import parse_source, read_source
from simenv.tasks import get_task
from simenv.validation_report import (
    EpisodeResult,
    Stage,
    StageCallback,
    StageFailure,
    ValidationReport,
    no_stage,
)

StepCallback = Callable[[Environment, int], None]
#: The methods task code may define; everything else of ``Task`` runs as our code.
TASK_CODE_METHODS = frozenset({"__init__", "reset"})


def resolve_target(target: str | Path) -> Path:
    """A task file for a registered name or a path (names are looked up first)."""
    text = str(target)
    if text.endswith(".py") or Path(text).exists():
        path = Path(text)
        if not path.is_file():
            raise FileNotFoundError(f"Task file {text} does not exist.")
        return path
    return get_task(text).path


def run_expert(
    env: Environment, task: Task, on_step: StepCallback | None = None
) -> tuple[float, int]:
    """Let the task's expert act until done; returns (summed reward, steps)."""
    agent = task.oracle(env)
    info = env.info
    obs: Any = None
    total, steps = 0.0, 0
    for steps in range(1, task.max_steps + 1):
        action = agent.act(obs, info)
        if action is None:
            steps -= 1
            break
        obs, reward, done, info = env.step(action)
        total += reward
        if on_step is not None:
            on_step(env, steps)
        if done:
            break
    return total, steps


# -- parse stage --------------------------------------------------------------------------------


def overridden_methods(tree: ast.Module) -> list[tuple[str, str, int]]:
    """``(class, method, line)`` for every ``Task`` method a task class redefines, other than
    ``__init__`` and ``reset``: the verdict comes from our reward and expert, never the task's."""
    protected = {
        name for name, value in vars(Task).items() if callable(value) or isinstance(value, property)
    } - TASK_CODE_METHODS
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef) or not node.bases:
            continue
        for item in node.body:
            names: list[tuple[str, int]] = []
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                names.append((item.name, item.lineno))
            elif isinstance(item, ast.Assign):
                names += [(t.id, item.lineno) for t in item.targets if isinstance(t, ast.Name)]
            found += [(node.name, n, line) for n, line in names if n in protected]
    return found


def check_methods(tree: ast.Module, path: Path) -> None:
    """Reject, at the parse stage, a task that redefines scoring or expert methods."""
    overrides = overridden_methods(tree)
    if not overrides:
        return
    listed = ", ".join(f"{cls}.{name} (line {line})" for cls, name, line in overrides)
    raise StageFailure(
        Stage.PARSE,
        f"{path.name} redefines {listed}. A task defines only __init__ and reset(env): reward, "
        "done, the expert (oracle) and the helpers of Task are the simulator's own and are not "
        "run from task code. Move set-up into reset(env) and delete the other methods (helper "
        "functions with new names are fine).",
    )


def parse_task(path: Path) -> ast.Module:
    """Read and parse a task file, and check its methods; ``StageFailure`` at the parse stage."""
    tree = parse_source(read_source(path), str(path))
    check_methods(tree, path)
    return tree


# -- the trusted half: rebuild, expert, verdict ------------------------------------------------


def run_episode(
    env: Environment,
    record: SceneRecord,
    on_step: StepCallback | None = None,
    on_built: Callable[[Environment], None] | None = None,
) -> EpisodeResult:
    """Rebuild one recorded scene and let the expert solve it (no task code runs here).

    ``on_built`` runs once the scene stands, before the expert acts: ``env.reset`` drops step
    callbacks, so a renderer attaches its frame grabber there. A scene whose goals are already
    met fails (``refuse_complete``): its expert "success" would be a forged verdict, and an
    animation of it a misleading figure.
    """
    t0 = time.perf_counter()
    seed_everything(record.seed)
    env.seed(record.seed)
    try:
        task = build_world(record, env)
    except Exception as exc:
        raise StageFailure(
            Stage.RESET,
            f"The scene reset() built on seed {record.seed} could not be rebuilt: "
            f"{type(exc).__name__}: {exc}",
        ) from exc
    refuse_complete(task, record.seed)
    if on_built is not None:
        on_built(env)
    try:
        total, steps = run_expert(env, task, on_step)
    except Exception as exc:
        raise StageFailure(
            Stage.EPISODES,
            f"The expert episode on seed {record.seed} failed: {type(exc).__name__}: {exc}",
        ) from exc
    return EpisodeResult(
        seed=record.seed,
        reward=round(total, 4),
        success=total > SUCCESS_THRESHOLD,
        steps=steps,
        seconds=round(time.perf_counter() - t0, 4),
    )


def goals_met_at_reset(task: Task) -> list[int]:
    """Indices of the goals that need no motion: met at reset by the reward's rule (progress
    within ``GOAL_COMPLETE_SLACK`` of the share), with none of their objects in an earlier goal.

    A later goal that shares an object with an earlier one may stand met at reset: the
    earlier goals move that object away first (the towers of Hanoi move a disk back to its
    starting peg), so only goals whose objects nothing before them moves count.
    """
    met: list[int] = []
    moved: set[int] = set()
    for index, goal in enumerate(task.goals):
        complete = abs(goal.step_max_reward - task.goal_progress(goal)) < GOAL_COMPLETE_SLACK
        if complete and moved.isdisjoint(goal.objs):
            met.append(index)
        moved.update(goal.objs)
    return met


def refuse_complete(task: Task, seed: int) -> None:
    """A ``StageFailure`` when a goal of the rebuilt scene is met before the expert acts.

    Such a goal needs no motion at all: once it is the current goal, the expert's next action
    (even one that moves nothing, on an object that cannot move) is scored as its success, and
    a task complete at reset "succeeds" without the expert doing anything. Goals met in part
    at reset are fine (an object may start in place by chance); a whole goal is not, unless
    earlier goals move its objects (``goals_met_at_reset``).
    """
    met = goals_met_at_reset(task)
    if not met:
        return
    which = ", ".join(str(i + 1) for i in met[:5])
    everything = len(met) == len(task.goals)
    raise StageFailure(
        Stage.EPISODES,
        f"On seed {seed} {'every goal' if everything else f'goal(s) {which}'} of the task "
        f"({len(task.goals)} in all) {'is' if everything else 'are'} already met before the "
        "expert acts, so the reward would count "
        f"{'a success' if everything else 'them'} without anything being moved. Put each "
        "goal's objects away from its targets (e.g. at self.get_random_pose(env, size)), give "
        "targets that differ from where the objects start, and list in a goal only objects "
        "that must be moved to meet it.",
    )


def _verdict(report: ValidationReport, settings: ValidationSettings) -> ValidationReport:
    n_success = sum(e.success for e in report.episodes)
    report.success_rate = n_success / max(len(report.episodes), 1)
    if report.success_rate < settings.min_success:
        worst = min(report.episodes, key=lambda e: e.reward) if report.episodes else None
        detail = f" (lowest reward {worst.reward:.2f} on seed {worst.seed})" if worst else ""
        return fail(
            report,
            StageFailure(
                Stage.SUCCESS,
                f"The expert succeeded in {n_success} of {len(report.episodes)} episodes "
                f"({report.success_rate:.0%} < {settings.min_success:.0%}){detail}. Check that "
                "the goals are reachable: targets inside the workspace, matches pairing each "
                "object with a target, step_max_reward shares adding up to 1, and goals added "
                "in the order they can be solved.",
            ),
        )
    report.passed = True
    report.stage = Stage.PASSED
    return report


class Judge:
    """The trusted half, one recorded scene at a time, so that the sandbox can build the next
    scene while this one is judged. A context manager: it owns the world it judges in."""

    def __init__(
        self,
        report: ValidationReport,
        settings: ValidationSettings,
        on_stage: StageCallback = no_stage,
        gui: bool = False,
    ) -> None:
        self.report, self.settings, self.on_stage, self.gui = report, settings, on_stage, gui
        self.env: Environment | None = None

    def __enter__(self) -> Judge:
        self.env = Environment(disp=self.gui)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.env is not None:
            self.env.close()

    def add(self, record: SceneRecord) -> None:
        """Run the expert on one scene (``StageFailure`` on error)."""
        assert self.env is not None, "use Judge as a context manager"
        self.on_stage(Stage.EPISODES, record.seed)
        self.keep(record, run_episode(self.env, record))

    def keep(self, record: SceneRecord, episode: EpisodeResult) -> None:
        """Add a judged episode to the report, with the record's warnings (once each)."""
        self.report.episodes.append(episode)
        warnings = self.report.warnings
        warnings += [w for w in record.warnings if w not in warnings]

    def verdict(self) -> ValidationReport:
        return _verdict(self.report, self.settings)


def judge(
    records: Iterable[SceneRecord],
    report: ValidationReport,
    settings: ValidationSettings,
    on_stage: StageCallback = no_stage,
    gui: bool = False,
) -> ValidationReport:
    """Run the expert on every recorded scene and give the verdict (``StageFailure`` on error)."""
    with Judge(report, settings, on_stage, gui) as judging:
        for record in records:
            judging.add(record)
    return judging.verdict()


def fail(report: ValidationReport, failure: StageFailure) -> ValidationReport:
    report.passed = False
    report.stage = failure.stage
    report.error = failure.message
    report.traceback = failure.trace
    return report


def new_report(target: str | Path, settings: ValidationSettings) -> ValidationReport:
    return ValidationReport(
        target=str(target), passed=False, stage=Stage.PARSE, min_success=settings.min_success
    )
