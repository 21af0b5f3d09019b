"""The sandboxed validator: a task's code runs contained by the kernel; the verdict is ours.

- ``containment``: the bubblewrap command (namespaces, unprivileged uid, no capabilities,
  read-only system, capped scratch) and which layers this machine puts in force;
- ``seccomp``: the system calls refused inside (ptrace, mount, setns, bpf, new processes...);
- ``child``: what runs inside: ``__init__`` and ``reset`` per seed, sent back as scene records;
- ``runner``: ``validate_isolated``, one task: parse checks, the sandbox, then the trusted
  rebuild, expert and verdict;
- ``pool``: ``WorkerPool``, the one pool of validation workers (processes here, Ray tasks on a
  cluster, or this process for debugging) that every command uses; ``validate_many`` on it;
- ``static_check``: an early, friendly error for imports off the allow-list. It is not the
  security boundary; the kernel is.
"""
