"""The dialect corpus: one short task file per rule of "The dialect of LLM-written task files".

Each file is written the way a model writes (GenSim's style: the imports at the top, single
quotes, the unfilled template, the in-place pose edit). Every file is validated sandboxed, as
``simgen validate FILE`` runs it, twice:

- as is: the rules that change what the code asked for (a leniency) pass with exactly one
  warning naming the rule; the rules that only honour the API as written (``os.path.join(
  self.assets_root, ...)``, ``copy``/``pprint``, positions as lists) pass with no warning; the
  rules that stay errors (a full table, an unknown colour, ``os`` beyond ``os.path``) fail at
  reset with a message that says what to do;
- with ``strict``: every leniency fails, at the stage where it happened, with a message that
  says how to write the code properly; the other files end exactly as they did without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from simenv.sandbox.pool import validate_many
from simenv.settings import GIB, ValidationSettings
from simenv.validation_report import Stage, ValidationReport

CORPUS = Path(__file__).parent / "corpus"
EPISODES = 2


@dataclass(frozen=True)
class Rule:
    """What one corpus file must do: pass (with ``warning``) or fail at ``stage`` saying ``error``."""

    warning: str | None = None
    #: Where strict mode (or the file itself) fails, and what the message must say.
    stage: Stage | None = None
    error: str | None = None

    @property
    def lenient(self) -> bool:
        return self.warning is not None


RULES: dict[str, Rule] = {
    "os_assets_root": Rule(),
    "copy_pprint": Rule(),
    "pose_in_place": Rule(),
    "ipython_leftover": Rule(
        warning="import IPython", stage=Stage.IMPORT, error="Remove the import"
    ),
    "unfilled_template": Rule(
        warning="a template was passed without fill_template",
        stage=Stage.RESET,
        error="self.fill_template('box/box-template.urdf', {'DIM': (...)})",
    ),
    "missing_template": Rule(
        warning="that template does not exist; used 'bowl/bowl.urdf'",
        stage=Stage.RESET,
        error="Name an existing asset: 'bowl/bowl.urdf'",
    ),
    "two_entry_size": Rule(
        warning="obj_size has two entries", stage=Stage.RESET, error="Pass three sizes"
    ),
    "full_table": Rule(stage=Stage.RESET, error="the table is full"),
    "unknown_color_key": Rule(
        stage=Stage.RESET, error="Unknown colour 'chartreuse'. Nearest known colours: "
    ),
    "restricted_os": Rule(stage=Stage.RESET, error="'os.getcwd' is not available to task code"),
    # CLIPort parity (issue 23): what CLIPort's own Task runs, simenv runs alike.
    "matches_fewer_columns": Rule(
        warning="matches has shape (2, 2) for 2 object(s) and 4 target pose(s); read it as "
        "CLIPort does",
        stage=Stage.RESET,
        error="Pass matches of shape (objects x targets), e.g. np.ones((2, 4))",
    ),
    "matches_larger_than_targets": Rule(
        warning="matches has shape (4, 4) for 1 object(s) and 1 target pose(s); read it as "
        "CLIPort does",
        stage=Stage.RESET,
        error="Pass matches of shape (objects x targets), e.g. np.ones((1, 1))",
    ),
    "matches_one_of_two_targets": Rule(
        warning="matches has shape (1, 1) for 1 object(s) and 2 target pose(s); read it as "
        "CLIPort does",
        stage=Stage.RESET,
        error="Pass matches of shape (objects x targets), e.g. np.ones((1, 2))",
    ),
    "thin_line_free_space": Rule(),
    # Balls into pallet slots: CLIPort's pallet is 0.30 x 0.25 m; a smaller one drops them.
    "balls_in_pallet_slots": Rule(),
    # Blocks into fixtures: CLIPort's fixture has 5 cm cells; one sized to the ell alone left
    # the first block on its rims and the stack on it fell.
    "blocks_into_fixtures": Rule(),
    # A car whose body straddles its two base blocks: it stays on them with CLIPort's contact
    # physics (the rates over 340 episodes: docs/results/cliport-parity.md).
    "car_of_blocks": Rule(),
    # The judge's shares check stands, parity or not: CLIPort "passes" this file only because
    # its episode ends before the last goal is scored.
    "shares_sum_to_two": Rule(
        stage=Stage.RESET,
        error="sum to 2, not 1 (0.1667, 0.1667, 0.1667, 0.1667, 0.1667, 0.1667, 1): an episode "
        "ends as soon as the reward scored passes 0.99, which happens after goal 6 of 7, so it "
        "would end before goal 7 is scored",
    ),
}


def _validate_all(strict: bool) -> dict[str, ValidationReport]:
    files = [str(CORPUS / f"{name}.py") for name in RULES]
    settings = ValidationSettings(
        episodes=EPISODES, strict=strict, timeout=120, memory_bytes=2 * GIB
    )
    reports = validate_many(files, settings, workers=2)
    return {Path(r.target).stem: r for r in reports}


@pytest.fixture(scope="module")
def lenient_reports() -> dict[str, ValidationReport]:
    return _validate_all(strict=False)


@pytest.fixture(scope="module")
def strict_reports() -> dict[str, ValidationReport]:
    return _validate_all(strict=True)


def test_corpus_has_one_file_per_rule() -> None:
    assert sorted(p.stem for p in CORPUS.glob("*.py")) == sorted(RULES)


@pytest.mark.integration
@pytest.mark.parametrize("name", sorted(RULES))
def test_file_runs_as_written(name: str, lenient_reports: dict[str, ValidationReport]) -> None:
    rule, report = RULES[name], lenient_reports[name]
    if rule.error is not None and not rule.lenient:
        assert not report.passed and report.stage == rule.stage, report.summary()
        assert rule.error in (report.error or ""), report.error
        return
    assert report.passed, report.summary()
    assert len(report.episodes) == EPISODES
    if rule.warning is None:
        assert report.warnings == []
    else:
        assert len(report.warnings) == 1 and rule.warning in report.warnings[0], report.warnings
        assert report.warnings[0].startswith(f"{name}.py line "), report.warnings[0]


@pytest.mark.integration
@pytest.mark.parametrize("name", sorted(RULES))
def test_strict_refuses_each_leniency(
    name: str,
    strict_reports: dict[str, ValidationReport],
    lenient_reports: dict[str, ValidationReport],
) -> None:
    rule, report = RULES[name], strict_reports[name]
    if not rule.lenient:
        before = lenient_reports[name]
        assert (report.passed, report.stage) == (before.passed, before.stage), report.summary()
        return
    assert not report.passed and report.stage == rule.stage, report.summary()
    assert "strict mode" in (report.error or "") and rule.error in (report.error or "")
    assert f"{name}.py line " in (report.error or "")
