"""The sandbox's seccomp filter: system calls the namespaces leave open, refused by the kernel.

bubblewrap loads a compiled BPF program (``bwrap --seccomp FD``); ``libseccomp`` (through the
``pyseccomp`` ctypes binding) compiles it from the rules below. The filter allows by default and
refuses, with ``EPERM``:

- debugging and reading other processes: ``ptrace``, ``process_vm_readv/writev``, ``kcmp``;
- leaving or reshaping the namespaces: ``setns``, ``unshare``, ``mount`` and the new mount API,
  ``pivot_root``, ``chroot``;
- kernel surfaces an unprivileged user can still reach: ``bpf``, ``perf_event_open``, ``keyctl``,
  ``add_key``, ``request_key``, ``userfaultfd``, ``io_uring`` (which runs calls the filter never
  sees), ``name_to_handle_at``/``open_by_handle_at``, module and kexec calls;
- new processes: ``fork``, ``vfork``, and ``clone`` without ``CLONE_THREAD`` (threads are fine);
  ``clone3`` answers ``ENOSYS`` so that the C library falls back to ``clone``, whose flags the
  filter can read. A validation is therefore exactly one process, so its address-space limit is
  its total memory, and nothing it starts can outlive it.
"""

from __future__ import annotations

import errno
import os
from functools import lru_cache
from typing import Any

CLONE_THREAD = 0x00010000
DENIED: tuple[str, ...] = (
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "setns",
    "unshare",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "bpf",
    "perf_event_open",
    "keyctl",
    "add_key",
    "request_key",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "name_to_handle_at",
    "open_by_handle_at",
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "kexec_file_load",
    "fork",
    "vfork",
)


def _seccomp() -> Any:
    """The libseccomp binding, or None when it (or libseccomp itself) is missing."""
    try:
        import pyseccomp
    except (ImportError, OSError):
        return None
    return pyseccomp


@lru_cache(maxsize=1)
def compiled_filter() -> bytes | None:
    """The BPF program for ``bwrap --seccomp``, or None where libseccomp is not available."""
    sc = _seccomp()
    if sc is None:
        return None
    rules = sc.SyscallFilter(defaction=sc.ALLOW)
    for name in DENIED:
        rules.add_rule(sc.ERRNO(errno.EPERM), name)
    rules.add_rule(sc.ERRNO(errno.EPERM), "clone", sc.Arg(0, sc.MASKED_EQ, CLONE_THREAD, 0))
    rules.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    read, write = os.pipe()
    try:
        with os.fdopen(write, "wb", closefd=False) as out:
            rules.export_bpf(out)
        os.close(write)
        write = -1
        chunks = []
        while chunk := os.read(read, 65536):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(read)
        if write >= 0:
            os.close(write)
