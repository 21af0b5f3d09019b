"""The scripted expert (``Task.oracle(env)``): solves a task's goals in order, one object at a time.

It reads only the goals and the world, never the task's code, so the same expert judges every
task, seed or generated. One strategy per kind of goal:

- ``agent``: the dispatch, and the pose goals (farthest object first, to its nearest free target)
  and zone goals with slots (packing, palletizing) or without (carry into the zone);
- ``picking``: where to put the suction cup on an object, and the place pose that follows;
- ``push``: pushing piles of particles into a zone with the spatula;
- ``rope``: straightening a rope of beads, ends first.
"""

from __future__ import annotations

from simenv.expert.agent import ExpertTask, OracleAgent

__all__ = ["ExpertTask", "OracleAgent"]
