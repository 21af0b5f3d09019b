"""``simgen bench policy`` end to end on a tiny setting: bench.json's shape, selection on val,
and resuming (an interrupted run continues; a finished one redoes nothing)."""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from experiments.policy_config import BenchEvent, PolicyBenchConfig, PolicyBenchError
from experiments.policy_output import write_policy_results
from experiments.policy_transfer import (
    check_work_folder,
    make_plan,
    run_experiment,
    t_interval,
    train_request,
)
from policy.config import preset
from policy.train import TrainRequest, train
from reports.bench_policy import is_policy_bench
from simenv.tasks import get_task
from simgen.cli import app

pytestmark = pytest.mark.integration

#: Tasks with short episodes (at most 3 steps for base and held-out, 1 for the generated one):
#: evaluating a barely trained policy runs every episode to its step limit.
BASE, HELD_OUT, GENERATED, STEPS = "block-insertion", "align-box-corner", "gen-packing-shapes", 4


class Interrupted(Exception):
    """Stands in for a kill in the middle of training."""


def generated_file(folder: Path) -> Path:
    """A 'generated' task file (a seed task's code under another name): recorded, like any
    task file, from the scene records its sandboxed reset sends back."""
    path = folder / "gen_packing_shapes.py"
    path.write_text(get_task("packing-shapes").path.read_text())
    return path


def tiny_setting(out: Path, generated: Path) -> PolicyBenchConfig:
    return PolicyBenchConfig(
        out=out,
        base=(BASE,),
        generated=(str(generated),),
        held_out=(HELD_OUT,),
        arms=(0, 1),
        few_shot=(0,),
        train_seeds=2,
        demos=1,
        steps=STEPS,
        config="tiny",
        checkpoints=2,
        val_episodes=1,
        test_episodes=1,
    )


def cli_args(config: PolicyBenchConfig) -> list[str]:
    return [
        "bench", "policy", "--out", str(config.out), "--base", BASE,
        "--generated", config.generated[0], "--held-out", HELD_OUT, "--arms", "0,1",
        "--few-shot", "0", "--train-seeds", "2", "--demos", "1", "--steps", str(STEPS),
        "--config", "tiny", "--checkpoints", "2", "--val-episodes", "1",
        "--test-episodes", "1", "--json",
    ]  # fmt: skip


def mtimes(folder: Path) -> dict[str, int]:
    stages = ("demos", "models", "selection", "test")
    return {
        str(p): p.stat().st_mtime_ns
        for stage in stages
        for p in (folder / stage).rglob("*")
        if p.is_file() and "per-task" not in p.parts
    }


def test_tiny_run_shape_selection_and_resume(tmp_path: Path) -> None:
    config = tiny_setting(tmp_path / "bench", generated_file(tmp_path))
    runs = 2 * 2  # arms x seeds (zero-shot only: evaluation episodes are most of the time)

    # 1. Killed in the third training step of the first run (its checkpoint is at step 2).
    work: Counter[str] = Counter()

    def interrupt(event: BenchEvent) -> None:
        if event.kind == "work":
            work[event.stage] += event.amount
            if event.stage == "train" and work["train"] == 3:
                raise Interrupted

    with pytest.raises(Interrupted):
        run_experiment(config, on_event=interrupt)
    assert work["demos"] == 2  # of the base and the generated task (zero-shot: none held out)

    # 2. The same command again: no demonstration recorded again, training resumed at step 2.
    work.clear()
    kept: Counter[str] = Counter()

    def count(event: BenchEvent) -> None:
        (work if event.kind == "work" else kept if event.kind == "kept" else Counter())[
            event.stage
        ] += event.amount

    bench = run_experiment(config, on_event=count)
    assert work["demos"] == 0 and kept["demos"] == 2
    assert work["train"] == runs * STEPS - 2 and kept["train"] == 2
    assert work["select"] == runs * 2 * 1  # 2 checkpoints x 1 held-out task x 1 episode
    assert work["test"] == runs * 2 * 1  # (held-out + base task) x 1 episode
    files = write_policy_results(bench, config.out)
    assert [f.name for f in files] == ["bench.json", "bench.csv", "transfer.png", "index.html"]

    # bench.json: the shape other tools read.
    data = json.loads((config.out / "bench.json").read_text())
    assert data["selection_split"] == "val" and data["report_split"] == "test"
    assert [(a["generated"], a["few_shot"]) for a in data["arms"]] == [(0, 0), (1, 0)]
    for arm in data["arms"]:
        assert arm["train_seeds"] == 2
        assert set(arm["held_out"]) == {HELD_OUT} and set(arm["base"]) == {BASE}
        for figures in (*arm["held_out"].values(), *arm["base"].values()):
            assert len(figures["per_seed"]) == 2
            assert all(v in (0.0, 1.0) for v in figures["per_seed"])  # 1 episode each
            assert figures["mean"] == pytest.approx(sum(figures["per_seed"]) / 2, abs=1e-4)
            low, high = figures["ci95"]
            assert 0.0 <= low <= figures["mean"] <= high <= 1.0
        expected = [BASE, GENERATED][: 1 + arm["generated"]]
        assert arm["tasks"] == expected + ([HELD_OUT] if arm["few_shot"] else [])

        # Selection used val: each chosen checkpoint is one of the run's kept checkpoints,
        # with its val figures; the test figures come from that checkpoint.
        for chosen in arm["selection"]:
            assert chosen["candidates"] == [2, 4] and chosen["step"] in (2, 4)
            assert chosen["trained_steps"] == STEPS
            assert Path(chosen["checkpoint"]).name == f"step-{chosen['step']:06d}.pt"
            scored = json.loads(
                (
                    config.out / "selection" / chosen["run"] / f"step-{chosen['step']:06d}.json"
                ).read_text()
            )
            assert scored["split"] == "val" and scored["mean_success"] == chosen["val_mean_success"]
            test = json.loads((config.out / "test" / f"{chosen['run']}.json").read_text())
            assert test["split"] == "test" and test["checkpoint"] == chosen["checkpoint"]
    with (config.out / "bench.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2 * 2 and {r["role"] for r in rows} == {"held_out", "base"}
    assert is_policy_bench(config.out)
    assert HELD_OUT in (config.out / "index.html").read_text()

    # Per-task demonstration counts (few-shot training) reach the dataset.
    request = TrainRequest((BASE, GENERATED), 1, 2, preset("tiny"), run="per-task")
    train(config.out, replace(request, demos_per_task=(1, 1)))
    with pytest.raises(ValueError, match="Only 1 train demonstrations of 'gen-packing-shapes'"):
        train(config.out, replace(request, run="too-many", demos_per_task=(1, 2)))

    # 3. Finished: the CLI with the same options redoes nothing and reports the same figures.
    before = mtimes(config.out)
    result = CliRunner().invoke(app, cli_args(config))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["arms"] == data["arms"]
    assert mtimes(config.out) == before

    # `simgen report` on the work folder writes the bench page.
    (config.out / "index.html").unlink()
    result = CliRunner().invoke(app, ["report", str(config.out), "--json"])
    assert result.exit_code == 0, result.output
    assert (config.out / "index.html").is_file()


def test_few_shot_runs_train_on_k_demonstrations_of_each_held_out_task(tmp_path: Path) -> None:
    config = replace(tiny_setting(tmp_path, generated_file(tmp_path)), few_shot=(0, 3), demos=5)
    plan = make_plan(config)
    assert [r.name for r in plan.runs][:2] == ["g00-k0-s0", "g00-k0-s1"]
    few = next(r for r in plan.runs if r.few_shot == 3 and r.generated == 1)
    request = train_request(config, plan, few)
    assert request.tasks == (BASE, GENERATED, HELD_OUT)
    assert request.task_demos() == [5, 5, 3]
    zero = next(r for r in plan.runs if r.few_shot == 0 and r.generated == 1)
    assert train_request(config, plan, zero).tasks == (BASE, GENERATED)


def test_held_out_tasks_never_pretrained(tmp_path: Path) -> None:
    generated = generated_file(tmp_path)
    with pytest.raises(PolicyBenchError, match="no arm may pretrain on a held-out task"):
        make_plan(PolicyBenchConfig(base=(BASE, HELD_OUT), held_out=(HELD_OUT,), arms=(0,)))
    copy = tmp_path / "align_box_corner.py"  # a generated file holding a held-out task's name
    shutil.copy(generated, copy)
    setting = PolicyBenchConfig(
        base=(BASE,), generated=(str(copy),), held_out=(HELD_OUT,), arms=(0, 1)
    )
    with pytest.raises(PolicyBenchError, match=HELD_OUT):
        make_plan(setting)
    with pytest.raises(PolicyBenchError, match="largest arm adds 4 generated tasks but 1"):
        make_plan(PolicyBenchConfig(base=(BASE,), generated=(str(generated),), arms=(0, 4)))


def test_settings_are_checked(tmp_path: Path) -> None:
    with pytest.raises(PolicyBenchError, match="ascending"):
        PolicyBenchConfig(arms=(4, 0))
    with pytest.raises(PolicyBenchError, match="at least 2"):
        PolicyBenchConfig(train_seeds=1)
    with pytest.raises(PolicyBenchError, match="tiny, small"):
        PolicyBenchConfig(config="huge")
    check_work_folder(PolicyBenchConfig(out=tmp_path, steps=10))
    with pytest.raises(PolicyBenchError, match="steps"):
        check_work_folder(PolicyBenchConfig(out=tmp_path, steps=20))
    result = CliRunner().invoke(app, ["bench", "policy", "--arms", "0,x"])
    assert result.exit_code == 2 and "whole numbers" in result.output


def test_t_interval() -> None:
    assert t_interval([0.5, 0.5, 0.5]) == [0.5, 0.5]
    low, high = t_interval([0.0, 0.5, 1.0])  # mean 0.5, sd 0.5: 0.5 +/- 4.303 * 0.5 / sqrt(3)
    assert (low, high) == (0.0, 1.0)
    low, high = t_interval([0.4, 0.5, 0.6])
    assert low == pytest.approx(0.5 - 4.3027 * 0.1 / 3**0.5, abs=1e-3)
    assert high == pytest.approx(0.5 + 4.3027 * 0.1 / 3**0.5, abs=1e-3)
