"""Critic plug-ins: the example package installs and is found by its entry point; the check
helper passes good critics and names what is wrong with bad ones."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from agents.critics.builtin import AssetsCritic, NoveltyCritic
from agents.critics.registry import (
    UnknownCriticError,
    make_critic,
    register_critic,
    unregister_critic,
)
from agents.critics.testing import CriticCheckError, check_critic
from agents.protocols import Submission
from agents.schemas import Verdict

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "simgen-critic-example"


def test_example_plugin_installs_and_is_found_by_entry_point(tmp_path: Path) -> None:
    target, source = tmp_path / "site", tmp_path / "source"
    # Built from a copy: pip writes build/ and *.egg-info/ beside the sources it builds.
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
    )
    # The child sees the installed package the way a user's interpreter sees a site folder.
    probe = textwrap.dedent(
        """
        from agents.critics.registry import critic_names, make_critic
        from agents.critics.testing import check_critic
        assert "reliable-expert" in critic_names(), critic_names()
        verdicts = check_critic(make_critic("reliable-expert"))
        assert verdicts["passed task"].accept and not verdicts["failed task"].accept
        print("found")
        """
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert "found" in out.stdout


@pytest.mark.parametrize("critic", [NoveltyCritic(), AssetsCritic()], ids=lambda c: c.name)
def test_builtin_critics_pass_the_check(critic: object) -> None:
    verdicts = check_critic(critic)  # type: ignore[arg-type]
    assert verdicts["passed task"].accept


def test_novelty_rejects_a_near_duplicate() -> None:
    verdicts = check_critic(NoveltyCritic())
    assert not verdicts["near-duplicate task"].accept


class Unsigned:
    name = "unsigned"

    def review(self, submission: Submission) -> Verdict:
        return Verdict(critic="someone-else", accept=True)


class Flaky:
    name = "flaky"
    calls = 0

    def review(self, submission: Submission) -> Verdict:
        self.calls += 1
        return Verdict(critic=self.name, accept=self.calls % 2 == 0)


@pytest.mark.parametrize(
    ("critic", "message"),
    [(Unsigned(), "signed its verdict"), (Flaky(), "two different verdicts")],
)
def test_check_names_the_problem(critic: object, message: str) -> None:
    with pytest.raises(CriticCheckError, match=message):
        check_critic(critic)  # type: ignore[arg-type]


def test_registered_in_code_and_unknown_names() -> None:
    register_critic("always-yes", lambda: _AlwaysYes())
    try:
        assert make_critic("always-yes").review is not None
    finally:
        unregister_critic("always-yes")
    with pytest.raises(UnknownCriticError, match="Did you mean novelty"):
        make_critic("novelti")


class _AlwaysYes:
    name = "always-yes"

    def review(self, submission: Submission) -> Verdict:
        return Verdict(critic=self.name, accept=True)
