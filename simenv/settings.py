"""Validation settings: what to run (episodes, seeds, mode, bar) and the limits it runs under.

One frozen dataclass travels through the in-process validator, the sandbox, the pool and Ray,
instead of the same keyword arguments in every signature. It is plain data (``to_dict`` /
``from_dict``) so that it crosses process boundaries as JSON, and so that a report can name the
exact limit a program hit ("exceeded the 4 GiB memory limit").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

GIB = 1024**3
MIB = 1024**2
MODES = ("train", "val", "test")


@dataclass(frozen=True)
class ValidationSettings:
    """How one task program is validated.

    Attributes:
        episodes: expert episodes, on seeds ``seed``, ``seed + 1``, ...
        seed: the first seed.
        min_success: share of successful episodes needed to pass.
        mode: ``'train'``, ``'val'`` or ``'test'`` (held-out colours and shapes).
        timeout: wall-clock seconds for the sandboxed part (import, ``__init__``, every
            ``reset``); the parent kills the sandbox when it runs out, which stops a program that
            sleeps or blocks (the CPU limit would never catch it).
        memory_bytes: address space of the sandboxed process. The sandbox allows one process
            (seccomp refuses fork), so this is the validation's total.
        cpu_seconds: CPU-time limit (``RLIMIT_CPU``); ``None`` means the timeout plus a second.
        scratch_bytes: size of the sandbox's only writable folder (a tmpfs), all files together.
        output_bytes: what the sandbox may send back (records and log); beyond it, it is stopped.
        message_chars: longest error or traceback kept in a report; longer ones are truncated
            with a note.
        max_open_files: file descriptors (``RLIMIT_NOFILE``).
        require_isolation: refuse to validate unless every isolation layer is in force.
        strict: dialect leniencies (``simenv.dialect``) fail the validation instead of being
            reported as warnings.
        judge_timeout: wall-clock seconds for the trusted rebuild and expert episode of one
            recorded scene, in the judge process (``simenv.sandbox.judge``); when it runs out
            the judge process is killed and the validation fails, so that a record which makes
            the expert move forever cannot hang the caller.
        judge_memory_bytes: address space of the judge process (``RLIMIT_AS``), so that a
            record which makes the rebuild allocate without bound fails instead of exhausting
            the caller's machine.
    """

    episodes: int = 5
    seed: int = 0
    min_success: float = 0.5
    mode: str = "train"
    timeout: float = 60.0
    memory_bytes: int = 4 * GIB
    cpu_seconds: float | None = None
    scratch_bytes: int = 64 * MIB
    output_bytes: int = 16 * MIB
    message_chars: int = 4000
    max_open_files: int = 256
    require_isolation: bool = False
    strict: bool = False
    judge_timeout: float = 60.0
    judge_memory_bytes: int = 4 * GIB

    def __post_init__(self) -> None:
        if self.episodes < 1:
            raise ValueError(f"episodes must be at least 1, got {self.episodes}")
        if not 0.0 <= self.min_success <= 1.0:
            raise ValueError(f"min_success must be in [0, 1], got {self.min_success}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if self.timeout <= 0:
            raise ValueError(f"timeout must be positive, got {self.timeout}")
        if self.cpu_seconds is not None and self.cpu_seconds <= 0:
            raise ValueError(f"cpu_seconds must be positive, got {self.cpu_seconds}")
        if self.memory_bytes < 256 * MIB:
            raise ValueError(
                "memory_bytes must be at least 256 MiB (PyBullet and numpy need it), "
                f"got {self.memory_bytes}"
            )
        if self.scratch_bytes < MIB or self.output_bytes < 64 * 1024:
            raise ValueError("scratch_bytes must be at least 1 MiB and output_bytes 64 KiB")
        if self.judge_timeout <= 0:
            raise ValueError(f"judge_timeout must be positive, got {self.judge_timeout}")
        if self.judge_memory_bytes < 512 * MIB:
            raise ValueError(
                "judge_memory_bytes must be at least 512 MiB (PyBullet, numpy and the renderer "
                f"need it), got {self.judge_memory_bytes}"
            )
        if self.message_chars < 200:
            raise ValueError(f"message_chars must be at least 200, got {self.message_chars}")

    @property
    def seeds(self) -> range:
        return range(self.seed, self.seed + self.episodes)

    @property
    def effective_cpu_seconds(self) -> int:
        """The CPU limit applied: the given one, or the timeout rounded up plus one second."""
        seconds = self.cpu_seconds if self.cpu_seconds is not None else self.timeout + 1
        return max(1, int(-(-seconds // 1)))

    def describe_memory(self) -> str:
        return format_bytes(self.memory_bytes)

    def describe_timeout(self) -> str:
        return f"{self.timeout:g} s"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ValidationSettings:
        return cls(**data)


class IsolationUnavailable(RuntimeError):
    """``require_isolation`` was asked for and cannot be given: a layer of the sandbox is
    missing on this machine, or the caller asked for a way of running (in-process, a PyBullet
    window) that has no sandbox at all."""


def format_bytes(n: int) -> str:
    """Bytes as people write them: '4 GiB', '1.5 GiB' or '512 MiB'."""
    if n >= GIB:
        return f"{n / GIB:g} GiB"
    return f"{n / MIB:g} MiB"
