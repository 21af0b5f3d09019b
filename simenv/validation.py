"""Validation of a task program, in two halves that never share a process in the sandbox.

1. ``build_scenes`` (the task's code): import the file, run ``__init__``, and per seed run
   ``reset(env)`` and record the scene it built (``simenv.scene_record``). This is the only part
   that runs task code; the sandbox runs it in a contained child.
2. ``judge`` (trusted): rebuild each recorded scene, run the expert, compute reward and verdict.

``validate`` runs both here, one after the other (``simgen validate --in-process``); the
sandbox (``simenv.sandbox.runner``) runs the first in a contained child and the second in the
calling process. Either way the result is a ``ValidationReport``, and stages are reported
through an explicit ``on_stage`` callback.
"""

from __future__ import annotations

import ast
import random
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from simenv.constants import SUCCESS_THRESHOLD
from simenv.dialect import DialectLog, collect_warnings
from simenv.environment import Environment
from simenv.errors import TaskCodeError
from simenv.loader import TaskLoadError, load_task_class, parse_source, trimmed_traceback
from simenv.report import EpisodeResult, Stage, ValidationReport
from simenv.scene_record import SceneRecord, build_world, capture
from simenv.settings import ValidationSettings
from simenv.task import Task
from simenv.tasks import get_task, module_name_to_task_name

StepCallback = Callable[[Environment, int], None]
#: Called when a validation enters a stage (with the seed, for per-seed stages).
StageCallback = Callable[[Stage, int | None], None]
#: The methods task code may define; everything else of ``Task`` runs as our code.
TASK_CODE_METHODS = frozenset({"__init__", "reset"})


class StageFailure(Exception):
    """A validation stage failed; the message is written for the task's author."""

    def __init__(self, stage: Stage, message: str, trace: str | None = None) -> None:
        super().__init__(message)
        self.stage = stage
        self.message = message
        self.trace = trace


def _no_stage(stage: Stage, seed: int | None) -> None:
    """The default stage callback: nobody is listening."""


def resolve_target(target: str | Path) -> Path:
    """A task file for a registered name or a path (names are looked up first)."""
    text = str(target)
    if text.endswith(".py") or Path(text).exists():
        path = Path(text)
        if not path.is_file():
            raise FileNotFoundError(f"Task file {text} does not exist.")
        return path
    return get_task(text).path


def seed_everything(seed: int) -> None:
    """Task code draws from ``np.random`` and ``random``: seed both."""
    np.random.seed(seed)
    random.seed(seed)


def reset_episode(env: Environment, task_class: type[Task], seed: int, mode: str = "train") -> Task:
    seed_everything(seed)
    env.seed(seed)
    task = task_class()
    task.mode = mode
    env.set_task(task)
    env.reset()
    return task


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
    try:
        source = path.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise StageFailure(Stage.PARSE, f"Cannot read task file {path}: {exc}.") from exc
    try:
        tree = parse_source(source, str(path))
    except TaskLoadError as exc:
        raise StageFailure(exc.stage, str(exc), exc.trace) from exc
    check_methods(tree, path)
    return tree


# -- the task's half: build scenes ------------------------------------------------------------


def build_scenes(
    path: Path, settings: ValidationSettings, on_stage: StageCallback = _no_stage
) -> Iterator[SceneRecord]:
    """Import the task file, build the task, and yield the scene ``reset`` builds per seed.

    This runs the task's code: inside the sandbox, or here for ``--in-process``. Failures
    raise ``StageFailure`` with the stage and a message for the task's author. The dialect
    leniencies the code relied on travel in each record's ``warnings``; with
    ``settings.strict`` each one fails the stage where it happened (``simenv.dialect``).
    """
    with collect_warnings(strict=settings.strict) as log:
        yield from _build_scenes(path, settings, on_stage, log)


def _build_scenes(
    path: Path, settings: ValidationSettings, on_stage: StageCallback, log: DialectLog
) -> Iterator[SceneRecord]:
    on_stage(Stage.IMPORT, None)
    try:
        task_class = load_task_class(path)
    except TaskLoadError as exc:
        raise StageFailure(exc.stage, str(exc), exc.trace) from exc
    on_stage(Stage.BUILD, None)
    try:
        task_class()
    except Exception as exc:
        raise StageFailure(
            Stage.BUILD,
            f"Creating {task_class.__name__}() failed: {type(exc).__name__}: {exc}. __init__ must "
            "call super().__init__() and set attributes such as max_steps and lang_template.",
            trimmed_traceback(exc, path),
        ) from exc
    with Environment() as env:
        for seed in settings.seeds:
            on_stage(Stage.RESET, seed)
            try:
                task = reset_episode(env, task_class, seed, settings.mode)
            except Exception as exc:
                raise StageFailure(
                    Stage.RESET,
                    f"reset() failed on seed {seed}: {type(exc).__name__}: {exc}",
                    trimmed_traceback(exc, path),
                ) from exc
            try:
                yield capture(env, task, seed, list(log.messages))
            except (TaskCodeError, ValidationError, ValueError) as exc:
                raise StageFailure(
                    Stage.RESET,
                    f"The scene reset() built on seed {seed} cannot be validated: {exc}",
                ) from exc


# -- the trusted half: rebuild, expert, verdict ------------------------------------------------


def run_episode(
    env: Environment,
    record: SceneRecord,
    on_step: StepCallback | None = None,
    on_built: Callable[[Environment], None] | None = None,
) -> EpisodeResult:
    """Rebuild one recorded scene and let the expert solve it (no task code runs here).

    ``on_built`` runs once the scene stands, before the expert acts: ``env.reset`` drops step
    callbacks, so a renderer attaches its frame grabber there.
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
        on_stage: StageCallback = _no_stage,
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
        self.report.episodes.append(run_episode(self.env, record))
        warnings = self.report.warnings
        warnings += [w for w in record.warnings if w not in warnings]

    def verdict(self) -> ValidationReport:
        return _verdict(self.report, self.settings)


def judge(
    records: Iterable[SceneRecord],
    report: ValidationReport,
    settings: ValidationSettings,
    on_stage: StageCallback = _no_stage,
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


def validate(
    target: str | Path,
    settings: ValidationSettings | None = None,
    *,
    gui: bool = False,
    on_stage: StageCallback = _no_stage,
) -> ValidationReport:
    """Validate a task (registered name or file) in this process: both halves, no sandbox.

    For debugging and trusted code only: the task's code runs in this process. ``gui`` opens a
    PyBullet window to watch the expert (needs a display).
    """
    settings = settings or ValidationSettings()
    start = time.perf_counter()
    report = new_report(target, settings)
    report.isolation = ["none (in-process)"]
    try:
        path = resolve_target(target)
    except (FileNotFoundError, KeyError) as exc:
        return _timed(fail(report, StageFailure(Stage.PARSE, str(exc))), start)
    report.task_name = module_name_to_task_name(path.stem)
    try:
        on_stage(Stage.PARSE, None)
        parse_task(path)
        records = list(build_scenes(path, settings, on_stage))
        report = judge(records, report, settings, on_stage, gui)
    except StageFailure as failure:
        fail(report, failure)
    return _timed(report, start)


def _timed(report: ValidationReport, start: float) -> ValidationReport:
    report.seconds = round(time.perf_counter() - start, 4)
    return report
