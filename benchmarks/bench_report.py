"""The HTML report at 500 tasks: time to write it, page sizes, time to open it in Chromium.

1. A real offline run (`graph.run.run`, sandboxed validation, pictures) of a few tasks, and
   its report: this draws each accepted task's picture and expert animation from its scene
   record, and gives the seconds one animation costs.
2. A run of 500 candidates made from that run's records: each candidate a copy of a real one
   under its own name, with its own picture file (a one-pixel change, so the report copies
   500 distinct pictures as it would for 500 real tasks). The copies share the real scene
   records, so their animations are already drawn (a report of 500 real tasks draws 500
   animations once, at the seconds per animation measured in step 1, and reuses them after).
3. The report of those 500, written into the same folder: seconds, size of the index and of
   the largest task page, and Chromium's time to load the index (headless, from disk).

Targets: the 500-task report in at most 30 s, an index of at most 1 MB, no page over 300 KB,
nothing inlined (no data: pictures), every picture lazy, and the index loaded by headless
Chromium in at most 2 s. Exits 1 on a miss. (Measured on 2 busy cores: 4.4 s, 294 KB, 0.65 s.)

    .venv/bin/python -m benchmarks.bench_report [--tasks 500] [--real 2]

Run it as a module from the repository root: it starts Chromium with the report tests' helper
(``tests.reports.browser``), which is importable from there.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PIL import Image

from graph.context import Context
from graph.resources import clear_resources
from graph.run import run
from reports.build import ReportConfig, build_report

# Chromium is started the way the report tests start it (one place for its options).
from tests.reports.browser import headless_chromium

TARGET_SECONDS = 30.0
TARGET_INDEX_BYTES = 1_000_000
TARGET_PAGE_BYTES = 300_000
TARGET_LOAD_SECONDS = 2.0


def real_run(workspace: Path, tasks: int) -> Path:
    """A real offline run; returns its folder (``runs/<thread>``)."""
    clear_resources()
    summary = run(tasks, context=Context(workspace=str(workspace), workers=2))
    return workspace / "runs" / str(summary["thread"])


def distinct_picture(source: Path, out: Path, index: int) -> str:
    """A copy of ``source`` with one pixel changed, so no two copies share a file."""
    with Image.open(source) as image:
        copy = image.convert("RGB")
    copy.putpixel((index % copy.width, index // copy.width % copy.height), (index % 251, 0, 0))
    copy.save(out)
    return str(out)


def cloned_run(real: Path, workspace: Path, n: int) -> Path:
    """``runs/bench-<n>/summary.json``: ``n`` candidates copied from the real run's."""
    summary = json.loads((real / "summary.json").read_text())
    originals = summary["candidates"]
    pictures = workspace / "bench-pictures"
    pictures.mkdir()
    candidates = []
    for i in range(n):
        clone: dict[str, Any] = json.loads(json.dumps(originals[i % len(originals)]))
        clone["candidate_id"] = f"r{i // 2 + 1:03d}-c{i % 2}"
        if clone["name"]:
            clone["name"] = f"{clone['name']}-{i}"
            clone["description"] = f"{clone['description']} (copy {i})"
        if clone["picture"]:
            clone["picture"] = distinct_picture(Path(clone["picture"]), pictures / f"{i}.png", i)
        candidates.append(clone)
    folder = workspace / "runs" / f"bench-{n}"
    folder.mkdir(parents=True)
    summary.update(thread=folder.name, candidates=candidates)
    (folder / "summary.json").write_text(json.dumps(summary))
    return folder


def chromium_load_seconds(page: Path) -> float:
    """Seconds from navigation start to the load event of ``page`` in headless Chromium."""
    with headless_chromium() as driver:
        driver.get(page.resolve().as_uri())
        timing = driver.execute_script(
            "const t = performance.getEntriesByType('navigation')[0];"
            "return [t.domContentLoadedEventEnd, t.loadEventEnd];"
        )
    return round(max(timing) / 1000, 3)


def measure(tasks: int, real_tasks: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="simgen-bench-report-") as folder:
        workspace = Path(folder) / "ws"
        real = real_run(workspace, real_tasks)
        out = Path(folder) / "report"
        start = time.perf_counter()
        build_report(ReportConfig(source=real, out=out))
        first = time.perf_counter() - start
        animations = len(list((out / "media").glob("*.webp")))
        big = cloned_run(real, workspace, tasks)
        start = time.perf_counter()
        page = build_report(ReportConfig(source=big, out=out))
        seconds = time.perf_counter() - start
        index = page.read_text()
        pages = [page, *(out / "tasks").glob("*.html")]
        images = re.findall(r"<img [^>]*>", index)
        return {
            "tasks": tasks,
            "seconds": round(seconds, 2),
            "index_bytes": page.stat().st_size,
            "largest_page_bytes": max(p.stat().st_size for p in pages),
            "html_bytes": sum(p.stat().st_size for p in pages),
            "index_images": len(images),
            "all_lazy": all('loading="lazy"' in tag for tag in images),
            "inlined": sum("data:image" in p.read_text() for p in pages),
            "chromium_load_seconds": chromium_load_seconds(page),
            "real_tasks_report_seconds": round(first, 2),
            "animations_drawn": animations,
            "seconds_per_animation": round(first / max(animations, 1), 2),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--real", type=int, default=2, help="Tasks of the real run.")
    args = parser.parse_args()
    row = measure(args.tasks, args.real)
    hit = (
        row["seconds"] <= TARGET_SECONDS
        and row["index_bytes"] <= TARGET_INDEX_BYTES
        and row["largest_page_bytes"] <= TARGET_PAGE_BYTES
        and row["all_lazy"]
        and row["inlined"] == 0
        and row["chromium_load_seconds"] <= TARGET_LOAD_SECONDS
    )
    print(json.dumps(row), "PASS" if hit else "MISS", flush=True)
    print(
        f"targets: {args.tasks} tasks in <= {TARGET_SECONDS:.0f} s, index <= "
        f"{TARGET_INDEX_BYTES / 1e6:.1f} MB, pages <= {TARGET_PAGE_BYTES / 1e3:.0f} KB, all "
        f"pictures lazy, none inlined, Chromium load <= {TARGET_LOAD_SECONDS:.0f} s"
    )
    return 0 if hit else 1


if __name__ == "__main__":
    sys.exit(main())
