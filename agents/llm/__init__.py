"""LLM-backed agents: each role's prompt, one chat call (guarded by ``ChatCaller``), a parser."""
