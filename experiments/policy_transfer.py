"""``simgen bench policy``: GenSim's experiment. Do generated tasks help a policy on tasks it
never trained on?

Arms add generated tasks to the base tasks (``arms=(0, 4, 8)``: the base tasks alone, then
with the first 4 generated tasks, then the first 8, so each arm's set holds the one before).
Every arm trains the same Transporter configuration for the same steps and time budget, with
``train_seeds`` seeds, and with ``K`` demonstrations of each held-out task for each few-shot
setting (``K = 0``: zero-shot). A checkpoint is chosen per run by its success on the held-out
tasks' **val** split; the chosen checkpoint is then evaluated once on the **test** split, and
only those test figures are reported (the base tasks too, as a reference).

Everything happens in one work folder and is resumable at every stage: kill the command and
run it again, and finished work is kept::

    <out>/experiment.json                the settings the folder was started with
    <out>/generate/workspace/            --generate: the generation run's workspace
    <out>/demos/demos.zarr               train-split demonstrations (policy.demos, resumable)
    <out>/models/<run>/                  one training run (policy.train): last.pt, step-*.pt,
                                         done.json once finished
    <out>/selection/<run>/step-*.json    val figures of each kept checkpoint; chosen.json
    <out>/test/<run>.json                the chosen checkpoint's test figures
    <out>/bench.json, bench.csv, transfer.png, index.html

A run is named ``g<generated>-k<few-shot>-s<seed>``. Demonstrations and training reuse
``policy.demos`` and ``policy.train``; evaluation reuses ``policy.evaluate``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from experiments.policy_config import (
    CI_METHOD,
    FIXED_SETTINGS,
    REPORT_SPLIT,
    SELECTION_SPLIT,
    BenchEvent,
    BenchEventHandler,
    PolicyBenchConfig,
    PolicyBenchError,
    ignore_events,
)
from memory.library import TaskMemory
from memory.records import Origin
from policy.agent import TransporterPolicy
from policy.demo_store import DemoStore, store_path
from policy.demos import DemoRequest, record_demos
from policy.evaluate import EpisodeCallback, EpisodeScore, EvalReport, evaluate
from policy.language import LanguageEncoder
from policy.tasks import TaskTargetError, resolve_task
from policy.train import (
    CHECKPOINT_NAME,
    TrainRequest,
    kept_checkpoints,
    load_model,
    read_checkpoint,
    run_dir,
    train,
)


@dataclass(frozen=True)
class Run:
    """One training run: an arm, a few-shot setting and a seed."""

    generated: int
    few_shot: int
    seed: int

    @property
    def name(self) -> str:
        return f"g{self.generated:02d}-k{self.few_shot}-s{self.seed}"


@dataclass(frozen=True)
class Plan:
    """The resolved tasks: names as demonstrations are stored, and what to record them from."""

    base: tuple[str, ...]
    generated: tuple[str, ...]  # task names, in arm order
    generated_sources: tuple[str, ...]  # the files they are recorded from
    held_out: tuple[str, ...]
    runs: tuple[Run, ...]
    #: What the base and held-out tasks are recorded and evaluated from (names or files).
    base_sources: tuple[str, ...] = ()
    held_out_sources: tuple[str, ...] = ()

    def training_tasks(self, run: Run) -> tuple[str, ...]:
        tasks = self.base + self.generated[: run.generated]
        return tasks + (self.held_out if run.few_shot else ())


# -- inputs ----------------------------------------------------------------------------------


def generated_workspace(config: PolicyBenchConfig) -> Path:
    return config.out / "generate" / "workspace"


def accepted_task_files(workspace: Path) -> list[Path]:
    """A workspace's generated tasks in the order they were accepted (then by name): the
    library's records of generated origin, not the seed tasks copied beside them."""
    if not (workspace / "memory").is_dir():
        raise PolicyBenchError(
            f"{workspace} holds no task library (no memory/ folder): give a workspace that "
            "`simgen generate --workspace` wrote, or task files (.py)."
        )
    library = TaskMemory.open(workspace, seed=False)
    records = sorted(library.list(Origin.GENERATED), key=lambda r: (r.created, r.name))
    return [workspace / r.code_path for r in records if (workspace / r.code_path).is_file()]


def expand_generated(sources: Sequence[str]) -> list[str]:
    """Task files from the given files and workspaces, in order, without repeats."""
    files: list[str] = []
    for source in sources:
        path = Path(source)
        found = [str(p) for p in accepted_task_files(path)] if path.is_dir() else [source]
        files += [f for f in found if f not in files]
    return files


def make_plan(config: PolicyBenchConfig) -> Plan:
    """Resolve every task, refuse held-out tasks that any arm would pretrain on, and list the
    runs; raises ``PolicyBenchError`` with what to change."""
    sources = expand_generated(config.generated)
    if config.generate:
        sources += [
            str(p)
            for p in accepted_task_files(generated_workspace(config))
            if str(p) not in sources
        ]
    try:
        base = tuple(resolve_task(t).name for t in config.base)
        held_out = tuple(resolve_task(t).name for t in config.held_out)
        names = [resolve_task(s).name for s in sources]
    except TaskTargetError as exc:
        raise PolicyBenchError(str(exc)) from exc
    if max(config.arms) > len(sources):
        raise PolicyBenchError(
            f"The largest arm adds {max(config.arms)} generated tasks but {len(sources)} are "
            "given: pass more with --generated (task files or a workspace), generate them with "
            "--generate N, or use smaller --arms."
        )
    used = names[: max(config.arms)]
    overlap = sorted(set(held_out) & (set(base) | set(used)))
    if overlap:
        raise PolicyBenchError(
            f"Held-out tasks {', '.join(overlap)} are also training tasks (base or generated): "
            "no arm may pretrain on a held-out task. Remove them from --base/--generated or "
            "choose other --held-out tasks."
        )
    for group, label in ((base, "--base"), (held_out, "--held-out"), (tuple(used), "generated")):
        if len(set(group)) != len(group):
            raise PolicyBenchError(f"A task is named twice in {label}: {', '.join(group)}.")
    if set(base) & set(used):
        raise PolicyBenchError(
            f"Generated tasks {', '.join(sorted(set(base) & set(used)))} are also base tasks."
        )
    runs = tuple(
        Run(g, k, s)
        for k in config.few_shot
        for g in config.arms
        for s in range(config.train_seeds)
    )
    return Plan(
        base,
        tuple(used),
        tuple(sources[: len(used)]),
        held_out,
        runs,
        base_sources=config.base,
        held_out_sources=config.held_out,
    )


def check_work_folder(config: PolicyBenchConfig) -> None:
    """Record the settings a work folder starts with; refuse to mix in other settings."""
    config.out.mkdir(parents=True, exist_ok=True)
    path = config.out / "experiment.json"
    wanted = {k: config.to_json()[k] for k in FIXED_SETTINGS}
    if path.is_file():
        held = json.loads(path.read_text(encoding="utf-8"))
        changed = sorted(k for k in FIXED_SETTINGS if held.get(k) != wanted[k])
        if changed:
            raise PolicyBenchError(
                f"The work folder {config.out} was started with other "
                + ", ".join(f"{k} ({held.get(k)!r}, now {wanted[k]!r})" for k in changed)
                + ": its finished work would not be comparable. Use the same settings, or a "
                "new --out folder."
            )
        return
    _write_json(path, wanted)


# -- small file helpers ----------------------------------------------------------------------


def _write_json(path: Path, data: Any) -> None:
    """Write atomically (a temporary file renamed): a killed run leaves no half a marker."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


# -- stages ----------------------------------------------------------------------------------


def generate_tasks(config: PolicyBenchConfig, on_event: BenchEventHandler = ignore_events) -> None:
    """Generate until the work folder's workspace holds ``config.generate`` accepted tasks
    (offline agents unless ``config.model``); what a killed run accepted is kept."""
    if not config.generate:
        return
    from graph.context import Context
    from graph.run import run

    workspace = generated_workspace(config)
    have = len(accepted_task_files(workspace)) if (workspace / "memory").is_dir() else 0
    on_event(BenchEvent("generate", "total", config.generate))
    on_event(BenchEvent("generate", "kept", min(have, config.generate)))
    if have >= config.generate:
        return
    workspace.mkdir(parents=True, exist_ok=True)
    context = Context(workspace=str(workspace), model=config.model, base_url=config.base_url)

    def accepted(event: dict[str, Any]) -> None:
        if event.get("event") == "committed":
            on_event(BenchEvent("generate", "work"))

    run(config.generate - have, context=context, on_event=accepted)
    got = len(accepted_task_files(workspace))
    if got < config.generate:
        raise PolicyBenchError(
            f"Generation accepted {got} of the {config.generate} tasks asked for (see "
            f"{workspace}/runs). Run the command again to generate the rest, or lower --generate."
        )


def record_stage(
    config: PolicyBenchConfig, plan: Plan, on_event: BenchEventHandler = ignore_events
) -> None:
    """Train-split demonstrations: ``demos`` of each base and generated task, and the most
    any few-shot setting needs of each held-out task (``policy.demos`` keeps stored ones)."""
    shots = max(config.few_shot)
    sources = plan.base_sources + plan.generated_sources
    store = DemoStore(store_path(config.out))
    wanted = [(s, config.demos) for s in sources] + [
        (t, shots) for t in plan.held_out_sources if shots
    ]
    total = sum(n for _, n in wanted)
    have = sum(min(len(store.episodes(resolve_task(s).name, "train")), n) for s, n in wanted)
    on_event(BenchEvent("demos", "total", total))
    on_event(BenchEvent("demos", "kept", have))

    def advance(outcome: Any) -> None:
        if outcome.success:
            on_event(BenchEvent("demos", "work", 1, outcome.task))

    for count in sorted({n for _, n in wanted}):
        tasks = tuple(s for s, n in wanted if n == count)
        record_demos(config.out, DemoRequest(tasks, count, "train", config.workers), advance)
    short = [
        f"{resolve_task(s).name} ({len(store.episodes(resolve_task(s).name, 'train'))} of {n})"
        for s, n in wanted
        if len(store.episodes(resolve_task(s).name, "train")) < n
    ]
    if short:
        raise PolicyBenchError(
            "The expert could not record enough demonstrations of "
            + ", ".join(short)
            + ": drop those tasks, or lower --demos."
        )


def train_request(config: PolicyBenchConfig, plan: Plan, run: Run) -> TrainRequest:
    tasks = plan.training_tasks(run)
    counts = [run.few_shot if t in plan.held_out else config.demos for t in tasks]
    return TrainRequest(
        tasks,
        config.demos,
        config.steps,
        config.policy_config(run.seed),
        run=run.name,
        max_minutes=config.max_minutes,
        demos_per_task=tuple(counts),
        keep_checkpoints=True,
    )


def _remaining_minutes(config: PolicyBenchConfig, folder: Path) -> float | None:
    """The time budget a resumed run has left: the budget less the training time its
    checkpoint records, so a killed and resumed run trains no longer than an unbroken one."""
    if config.max_minutes is None or not (folder / CHECKPOINT_NAME).is_file():
        return config.max_minutes
    history = read_checkpoint(folder / CHECKPOINT_NAME)["history"]
    spent = sum(float(h["seconds"]) for h in history) / 60
    return max(config.max_minutes - spent, 0.01)


def train_stage(
    config: PolicyBenchConfig, plan: Plan, on_event: BenchEventHandler = ignore_events
) -> None:
    """Train every run not yet marked done (an interrupted one continues from last.pt)."""
    on_event(BenchEvent("train", "total", config.steps * len(plan.runs)))
    for run in plan.runs:
        request = train_request(config, plan, run)
        folder = run_dir(config.out, request)
        done = folder / "done.json"
        if done.is_file():
            on_event(BenchEvent("train", "kept", config.steps, run.name))
            continue
        start = 0
        if (folder / CHECKPOINT_NAME).is_file():
            start = int(read_checkpoint(folder / CHECKPOINT_NAME)["step"])
            on_event(BenchEvent("train", "kept", start, run.name))
        request = replace(request, max_minutes=_remaining_minutes(config, folder))

        def step(record: Any, total: int, name: str = run.name) -> None:
            on_event(BenchEvent("train", "work", 1, name))

        result = train(config.out, request, on_step=step)
        last = result.history[-1].step if result.history else start
        if last < config.steps:  # stopped by the time budget: the rest counts as skipped
            on_event(BenchEvent("train", "kept", config.steps - last, run.name))
        _write_json(
            done,
            {
                "run": run.name,
                "tasks": list(request.tasks),
                "demos_per_task": list(request.task_demos()),
                "steps": last,
                "seconds": round(sum(h.seconds for h in result.history), 1),
                "checkpoints": [p.name for p in kept_checkpoints(folder)],
            },
        )


class _Policies:
    """Loads checkpoints as policies, sharing one language encoder (loading MiniLM once)."""

    def __init__(self) -> None:
        self._encoder: LanguageEncoder | None = None

    def load(self, checkpoint: Path) -> TransporterPolicy:
        if self._encoder is None:
            self._encoder = LanguageEncoder()
        model, _, _ = load_model(checkpoint)
        return TransporterPolicy(model, self._encoder)


def _counter(on_event: BenchEventHandler, stage: str, unit: str) -> EpisodeCallback:
    """An evaluation callback that reports each episode as one unit of fresh work."""

    def count(_: EpisodeScore) -> None:
        on_event(BenchEvent(stage, "work", 1, unit))

    return count


def _figures(report: EvalReport) -> dict[str, dict[str, float]]:
    """Success and mean reward per task, by task name (a task file's name, not its path)."""
    return {
        resolve_task(t.task).name: {
            "success": t.success_rate,
            "mean_reward": round(t.mean_reward, 4),
        }
        for t in report.tasks
    }


def select_stage(
    config: PolicyBenchConfig,
    plan: Plan,
    on_event: BenchEventHandler = ignore_events,
    policies: _Policies | None = None,
) -> None:
    """Evaluate each kept checkpoint of each run on the held-out tasks' val split, and choose
    one per run: the highest mean val success, then mean val reward, then the later step."""
    policies = policies or _Policies()
    per_checkpoint = len(plan.held_out) * config.val_episodes
    on_event(BenchEvent("select", "total", per_checkpoint * config.checkpoints * len(plan.runs)))
    for run in plan.runs:
        folder = config.out / "selection" / run.name
        chosen_path = folder / "chosen.json"
        checkpoints = kept_checkpoints(config.out / "models" / run.name)
        if chosen_path.is_file():
            on_event(BenchEvent("select", "kept", per_checkpoint * config.checkpoints, run.name))
            continue
        scored = []
        for checkpoint in checkpoints:
            path = folder / f"{checkpoint.stem}.json"
            if path.is_file():
                on_event(BenchEvent("select", "kept", per_checkpoint, run.name))
            else:
                report = evaluate(
                    policies.load(checkpoint),
                    plan.held_out_sources,
                    config.val_episodes,
                    SELECTION_SPLIT,
                    on_episode=_counter(on_event, "select", run.name),
                )
                figures = _figures(report)
                _write_json(
                    path,
                    {
                        "checkpoint": str(checkpoint),
                        "step": int(read_checkpoint(checkpoint)["step"]),
                        "split": SELECTION_SPLIT,
                        "episodes": config.val_episodes,
                        "tasks": figures,
                        "mean_success": _mean([f["success"] for f in figures.values()]),
                        "mean_reward": _mean([f["mean_reward"] for f in figures.values()]),
                    },
                )
            scored.append(_read_json(path))
        missing = config.checkpoints - len(checkpoints)
        if missing > 0:  # a run the time budget stopped early kept fewer checkpoints
            on_event(BenchEvent("select", "kept", per_checkpoint * missing, run.name))
        best = max(scored, key=lambda s: (s["mean_success"], s["mean_reward"], s["step"]))
        _write_json(chosen_path, best | {"candidates": [s["step"] for s in scored]})


def test_stage(
    config: PolicyBenchConfig,
    plan: Plan,
    on_event: BenchEventHandler = ignore_events,
    policies: _Policies | None = None,
) -> None:
    """Evaluate each run's chosen checkpoint once on the test split: held-out and base tasks."""
    policies = policies or _Policies()
    tasks = plan.held_out_sources + plan.base_sources
    per_run = len(tasks) * config.test_episodes
    on_event(BenchEvent("test", "total", per_run * len(plan.runs)))
    for run in plan.runs:
        path = config.out / "test" / f"{run.name}.json"
        if path.is_file():
            on_event(BenchEvent("test", "kept", per_run, run.name))
            continue
        chosen = _read_json(config.out / "selection" / run.name / "chosen.json")
        # Found by name in the run's folder: the work folder may have moved since selection.
        checkpoint = config.out / "models" / run.name / Path(chosen["checkpoint"]).name
        report = evaluate(
            policies.load(checkpoint),
            tasks,
            config.test_episodes,
            REPORT_SPLIT,
            on_episode=_counter(on_event, "test", run.name),
        )
        _write_json(
            path,
            {
                "run": run.name,
                "checkpoint": chosen["checkpoint"],
                "step": chosen["step"],
                "split": REPORT_SPLIT,
                "episodes": config.test_episodes,
                "tasks": _figures(report),
            },
        )


# -- results ---------------------------------------------------------------------------------


def _mean(values: Sequence[float]) -> float:
    return round(sum(values) / len(values), 4) if values else 0.0


def t_interval(values: Sequence[float]) -> list[float]:
    """The 95% Student t interval of the mean over seeds, clipped to [0, 1] (rates)."""
    from scipy import stats

    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return [round(mean, 4), round(mean, 4)]
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return [round(max(mean - half, 0.0), 4), round(min(mean + half, 1.0), 4)]


def _task_figures(tests: Sequence[dict[str, Any]], task: str) -> dict[str, Any]:
    success = [float(t["tasks"][task]["success"]) for t in tests]
    reward = [float(t["tasks"][task]["mean_reward"]) for t in tests]
    return {
        "per_seed": success,
        "mean": _mean(success),
        "ci95": t_interval(success),
        "mean_reward": _mean(reward),
        "per_seed_reward": reward,
    }


def summarise(config: PolicyBenchConfig, plan: Plan) -> dict[str, Any]:
    """``bench.json``: per arm and few-shot setting, the test figures over training seeds."""
    arms = []
    for k in config.few_shot:
        for g in config.arms:
            runs = [r for r in plan.runs if r.generated == g and r.few_shot == k]
            tests = [_read_json(config.out / "test" / f"{r.name}.json") for r in runs]
            chosen = [_read_json(config.out / "selection" / r.name / "chosen.json") for r in runs]
            trained = [_read_json(config.out / "models" / r.name / "done.json") for r in runs]
            overall = [_mean([t["tasks"][h]["success"] for h in plan.held_out]) for t in tests]
            arms.append(
                {
                    "generated": g,
                    "few_shot": k,
                    "train_seeds": len(runs),
                    "held_out": {h: _task_figures(tests, h) for h in plan.held_out},
                    "base": {b: _task_figures(tests, b) for b in plan.base},
                    "mean_reward": {
                        h: _task_figures(tests, h)["mean_reward"] for h in plan.held_out
                    },
                    "held_out_mean": {
                        "per_seed": overall,
                        "mean": _mean(overall),
                        "ci95": t_interval(overall),
                    },
                    "tasks": list(plan.training_tasks(runs[0])),
                    "selection": [
                        {
                            "seed": r.seed,
                            "run": r.name,
                            "checkpoint": c["checkpoint"],
                            "step": c["step"],
                            "val_mean_success": c["mean_success"],
                            "val_mean_reward": c["mean_reward"],
                            "candidates": c["candidates"],
                            # A time budget can stop a run before --steps: say so per run.
                            "trained_steps": t["steps"],
                            "train_seconds": t["seconds"],
                        }
                        for r, c, t in zip(runs, chosen, trained, strict=True)
                    ],
                }
            )
    return {
        "selection_split": SELECTION_SPLIT,
        "report_split": REPORT_SPLIT,
        "ci_method": CI_METHOD,
        "base_tasks": list(plan.base),
        "generated_tasks": list(plan.generated),
        "generated_files": list(plan.generated_sources),
        "held_out_tasks": list(plan.held_out),
        "config": config.to_json(),
        "arms": arms,
    }


def run_experiment(
    config: PolicyBenchConfig, on_event: BenchEventHandler = ignore_events
) -> dict[str, Any]:
    """Every stage in order, each skipping finished work; returns ``bench.json``'s content
    (the files are written by ``experiments.policy_output.write_policy_results``)."""
    check_work_folder(config)
    if config.generate:  # refuse bad task lists before spending time on generation
        make_plan(replace(config, generate=0, arms=(0,)))
    generate_tasks(config, on_event)
    plan = make_plan(config)
    record_stage(config, plan, on_event)
    train_stage(config, plan, on_event)
    policies = _Policies()
    select_stage(config, plan, on_event, policies)
    test_stage(config, plan, on_event, policies)
    return summarise(config, plan)
