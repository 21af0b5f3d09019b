"""Finding what runs recorded: paths recorded relative to where the run ran."""

from __future__ import annotations

from pathlib import Path

import pytest

from reports.collect import ReportSourceError, locate, summary_files


def test_a_relative_recorded_path_is_found_under_the_workspace(tmp_path: Path) -> None:
    workspace = tmp_path / "moved-ws"
    draft = workspace / "runs" / "run-1" / "r001-c0" / "draft-0" / "task.py"
    draft.parent.mkdir(parents=True)
    draft.write_text("code")
    # The run ran elsewhere, with --workspace simgen-data.
    assert locate("simgen-data/runs/run-1/r001-c0/draft-0/task.py", workspace) == draft
    assert locate("/gone/simgen-data/runs/run-1/r001-c0/draft-0/task.py", workspace) == draft
    assert locate("simgen-data/runs/run-1/r001-c0/draft-0/other.py", workspace) is None


def test_summaries_of_a_workspace_a_run_and_nothing(tmp_path: Path) -> None:
    run = tmp_path / "runs" / "run-1"
    run.mkdir(parents=True)
    with pytest.raises(ReportSourceError, match="has no finished run"):
        summary_files(tmp_path)
    (run / "summary.json").write_text("{}")
    assert summary_files(tmp_path) == [run / "summary.json"] == summary_files(run)
    with pytest.raises(ReportSourceError, match="neither a workspace"):
        summary_files(run / "r001-c0")
