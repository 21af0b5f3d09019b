"""Benchmark test set-up: the scripted OpenAI-compatible server of the graph tests."""

from __future__ import annotations

import sys
from pathlib import Path

# The scripted server and replies live with the graph tests; reuse them, do not copy them.
sys.path.insert(0, str(Path(__file__).parents[1] / "graph"))
