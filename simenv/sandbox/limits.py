"""Resource limits for one sandboxed validation.

They are plain data so that they travel to the child process (and to Ray workers) as JSON, and
so that a report can name the exact limit a program hit ("exceeded the 4 GiB memory limit").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

GIB = 1024**3
MIB = 1024**2


@dataclass(frozen=True)
class SandboxLimits:
    """What one validation child may use before it is stopped.

    Attributes:
        wall_seconds: wall-clock budget for the whole validation (import, build, every episode).
            The parent kills the child's whole process tree when it runs out; this is what stops
            an endless loop that sleeps or blocks, which the CPU limit would never catch.
        cpu_seconds: CPU-time budget (``RLIMIT_CPU``); the kernel stops a busy loop with SIGXCPU
            even if the parent is slow to notice. ``None`` means "as long as the wall clock".
        memory_bytes: address-space cap (``RLIMIT_AS``); an allocation beyond it raises
            ``MemoryError`` in Python or kills a native allocator, instead of swapping the host.
        max_processes: processes the task may have at once (pids cgroup where available, else
            ``RLIMIT_NPROC``); a fork bomb stops at this number.
        max_file_bytes: largest file the task may write (``RLIMIT_FSIZE``), so a runaway writer
            cannot fill the disk even inside its scratch folder.
        max_open_files: file descriptors (``RLIMIT_NOFILE``).
    """

    wall_seconds: float = 60.0
    cpu_seconds: float | None = None
    memory_bytes: int = 4 * GIB
    max_processes: int = 16
    max_file_bytes: int = 256 * MIB
    max_open_files: int = 256

    def __post_init__(self) -> None:
        if self.wall_seconds <= 0:
            raise ValueError(f"wall_seconds must be positive, got {self.wall_seconds}")
        if self.cpu_seconds is not None and self.cpu_seconds <= 0:
            raise ValueError(f"cpu_seconds must be positive, got {self.cpu_seconds}")
        if self.memory_bytes < 256 * MIB:
            raise ValueError(
                f"memory_bytes must be at least 256 MiB (PyBullet and numpy need it), got {self.memory_bytes}"
            )
        if self.max_processes < 1:
            raise ValueError(f"max_processes must be at least 1, got {self.max_processes}")

    @property
    def effective_cpu_seconds(self) -> int:
        """The CPU limit applied: the given one, or the wall budget rounded up plus one second."""
        seconds = self.cpu_seconds if self.cpu_seconds is not None else self.wall_seconds + 1
        return max(1, int(-(-seconds // 1)))

    def describe_memory(self) -> str:
        """The memory limit as people write it: '4 GiB', '1.5 GiB' or '512 MiB'."""
        return format_bytes(self.memory_bytes)

    def describe_wall(self) -> str:
        return f"{self.wall_seconds:g} s"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SandboxLimits:
        return cls(**data)

    @classmethod
    def from_gib(
        cls, *, timeout: float | None = None, memory_gib: float | None = None, **kwargs: Any
    ) -> SandboxLimits:
        """Limits from CLI-style units (seconds, GiB); ``None`` keeps the default."""
        if timeout is not None:
            kwargs["wall_seconds"] = timeout
        if memory_gib is not None:
            kwargs["memory_bytes"] = int(memory_gib * GIB)
        return cls(**kwargs)


def format_bytes(n: int) -> str:
    if n >= GIB:
        return f"{n / GIB:g} GiB"
    return f"{n / MIB:g} MiB"
