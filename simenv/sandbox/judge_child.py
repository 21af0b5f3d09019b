"""What runs in the judge process: the trusted rebuild of recorded scenes, the expert, pictures.

``python -I -m simenv.sandbox.judge_child MEMORY_BYTES`` keeps a private copy of its stdout
for replies, then points file descriptors 1 and 2 at ``/dev/null``: PyBullet's C code prints
URDF warnings (link names verbatim, newlines included) straight to those descriptors, and a
record's author chooses the link names, so nothing this process prints may reach the
caller's output. It caps its own address space (``RLIMIT_AS``) and core dumps, writes the
URDFs it rebuilds into a folder of its own (removed when its input ends, and by the parent
when it ends this process), then answers JSON requests, one per line on stdin, with one JSON
line each:

- ``{"op": "episode", "record": ...}`` -> ``{"episode": EpisodeResult}``
- ``{"op": "picture", "record": ..., "out": path, "title": ...}`` -> ``{"path": path}``
- ``{"op": "animation", "record": ..., "out": path, "title": ...}`` -> ``{"path": path}``
- ``{"op": "views", "record": ..., "out": folder}`` -> ``{"paths": [path, ...]}`` (the vision
  critic's PNGs: first scene and after the expert, top-down and front)

or ``{"failure": {"stage": ..., "message": ...}}`` when the request failed. No task code ever
runs here: only ``simenv`` code on records the trusted side decoded and checked.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

#: The per-process folder for rebuilt URDFs, named by this process's id so that the parent
#: (or a later judge process) can remove it after a crash or a kill.
FOLDER_PREFIX = "simgen-judge-"


def silence_output() -> TextIO:
    """The reply channel (a copy of fd 1), with fd 1 and 2 sent to /dev/null."""
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    return channel


def apply_limits(memory_bytes: int) -> None:
    """Cap the address space, and dump no core when PyBullet crashes."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def private_tempdir() -> Path:
    """Make ``tempfile`` write under a folder named for this process (see ``FOLDER_PREFIX``)."""
    folder = Path(tempfile.gettempdir()) / f"{FOLDER_PREFIX}{os.getpid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    tempfile.tempdir = str(folder)
    return folder


class Server:
    """Serves requests on one PyBullet world, opened on the first request and kept."""

    def __init__(self) -> None:
        from simenv.environment import Environment

        self.env = Environment()

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        from simenv.record_checks import decode_record
        from simenv.render import draw_animation, draw_picture, draw_views
        from simenv.validation import run_episode
        from simenv.validation_report import StageFailure

        op = request.get("op")
        if op not in ("episode", "picture", "animation", "views"):
            raise ValueError(f"unknown request {op!r}")
        record = decode_record(request["record"])
        try:
            if op == "episode":
                return {"episode": run_episode(self.env, record).model_dump(mode="json")}
            if op == "views":
                paths = draw_views(self.env, record, Path(request["out"]))
                return {"paths": [str(p) for p in paths]}
            out, title = Path(request["out"]), str(request["title"])
            draw = draw_picture if op == "picture" else draw_animation
            return {"path": str(draw(self.env, record, out, title))}
        except StageFailure as failure:
            return {"failure": {"stage": failure.stage.value, "message": failure.message}}


def serve(requests: TextIO, replies: TextIO) -> None:
    from simenv.validation_report import Stage

    server: Server | None = None
    try:
        server = Server()  # warm: the first request should not wait for PyBullet
    except Exception:  # noqa: BLE001 - retried, and reported, on the first request
        server = None
    for line in requests:
        try:
            server = server or Server()
            reply = server.handle(json.loads(line))
        except Exception as exc:  # noqa: BLE001 - every failure is a reply, never a dead judge
            message = f"{type(exc).__name__}: {exc}"
            reply = {"failure": {"stage": Stage.EPISODES.value, "message": message}}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


def main() -> None:
    replies = silence_output()
    apply_limits(int(sys.argv[1]))
    folder = private_tempdir()
    try:
        serve(sys.stdin, replies)
    finally:
        # The parent removes the folder too, but a parent that was killed cannot: the judge
        # sees its input end and tidies up itself.
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
