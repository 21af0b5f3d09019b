"""The report's pictures: each accepted task's first scene and an animation of its expert.

Both are drawn from the scene record the sandbox sent back (``simenv.render``), in this
trusted process or its workers: no generated code runs outside the sandbox. Files are named by
a hash of what they show, so a report written again reuses what it drew before (an animation
is a few seconds of rendering; the HTML of 500 tasks is not).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from simenv.record_checks import decode_record
from simenv.render import animate_record, picture_record

#: Called as media are drawn: (items done, items in all).
MediaProgress = Callable[[int, int], None]
#: Animated WebP: a third of the GIF's size for the same frames (see simenv.render).
ANIMATION_SUFFIX = ".webp"
MEDIA_DIR = "media"


def _quiet(done: int, total: int) -> None:
    """The default progress callback: nobody is listening."""


@dataclass(frozen=True)
class MediaRequest:
    """The pictures one task wants: its scene record, the run's picture if it drew one."""

    name: str
    scene: Path | None
    picture: Path | None
    animate: bool = True
    #: Pictures a critic looked at, copied into the report as they are.
    critic_pictures: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Media:
    """Where a task's pictures are, relative to the report's folder (None: none to show)."""

    picture: str | None = None
    animation: str | None = None
    #: The pictures the critics looked at: (file, what it shows).
    critic_pictures: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class _Job:
    kind: str  # "picture" or "animation"
    scene: Path
    out: Path
    name: str


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:20]


def _draw(job: _Job) -> Path:
    """Draw one picture or animation from a scene record (runs in a worker process); written
    under a temporary name first, so an interrupted report leaves no half file to reuse.

    The stored record is untrusted data (hostile code may have shaped it), so it is decoded
    and checked (``decode_record``) and drawn in the judge process (``simenv.render``)."""
    record = decode_record(job.scene.read_text(encoding="utf-8"))
    partial = job.out.with_name(f".partial-{job.out.name}")
    if job.kind == "picture":
        picture_record(record, partial, job.name)
    else:
        animate_record(record, partial, job.name)
    return partial.replace(job.out)


def _plan(request: MediaRequest, folder: Path) -> tuple[Media, list[_Job]]:
    """The files a task's pictures will be, and the drawing still to do for them."""
    jobs: list[_Job] = []
    picture = animation = None
    scene = request.scene
    key = _digest(scene) if scene is not None else ""
    if request.picture is not None:
        picture = f"{_digest(request.picture)}.png"
        if not (folder / picture).exists():
            shutil.copyfile(request.picture, folder / picture)
    elif scene is not None:
        picture = f"{key}.png"
        if not (folder / picture).exists():
            jobs.append(_Job("picture", scene, folder / picture, request.name))
    if scene is not None and request.animate:
        animation = f"{key}{ANIMATION_SUFFIX}"
        if not (folder / animation).exists():
            jobs.append(_Job("animation", scene, folder / animation, request.name))
    seen = []
    for source in request.critic_pictures:
        copy = f"{_digest(source)}.png"
        if not (folder / copy).exists():
            shutil.copyfile(source, folder / copy)
        seen.append((copy, source.stem.replace("-", " ")))
    return Media(picture=picture, animation=animation, critic_pictures=tuple(seen)), jobs


def _in_report(media: Media, folder: Path) -> Media:
    """``media`` as paths relative to the report, without the files that could not be drawn."""

    def relative(name: str | None) -> str | None:
        return f"{MEDIA_DIR}/{name}" if name and (folder / name).exists() else None

    seen = tuple(
        (path, label)
        for name, label in media.critic_pictures
        if (path := relative(name)) is not None
    )
    return Media(
        picture=relative(media.picture), animation=relative(media.animation), critic_pictures=seen
    )


def build_media(
    requests: Sequence[MediaRequest],
    report_dir: Path,
    workers: int = 1,
    on_progress: MediaProgress = _quiet,
) -> tuple[list[Media], list[str]]:
    """Copy or draw every task's pictures under ``report_dir/media``.

    Returns, per request, where its pictures are, and a line per drawing that failed (the
    report shows those; one scene that cannot be drawn does not stop the report). Drawing runs
    in ``workers`` processes, each with a PyBullet of its own.
    """
    folder = report_dir / MEDIA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    planned = [_plan(r, folder) for r in requests]
    jobs = list({job.out: job for _, jobs in planned for job in jobs}.values())
    problems: list[str] = []
    on_progress(0, len(jobs))
    if jobs:
        with ProcessPoolExecutor(
            max_workers=min(workers, len(jobs)), mp_context=multiprocessing.get_context("spawn")
        ) as pool:
            futures = {pool.submit(_draw, job): job for job in jobs}
            for done, future in enumerate(as_completed(futures), start=1):
                job = futures[future]
                try:
                    future.result()
                except Exception as exc:  # one bad scene must not stop the report
                    problems.append(
                        f"{job.name}: its {job.kind} could not be drawn from {job.scene} "
                        f"({type(exc).__name__}: {exc})"
                    )
                on_progress(done, len(jobs))
    return [_in_report(media, folder) for media, _ in planned], problems
