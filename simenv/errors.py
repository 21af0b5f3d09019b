"""Errors aimed at the author of task code (an LLM, most often).

Each message says what was wrong and how to fix it, because it is fed back to the coder.
"""

from __future__ import annotations


class TaskCodeError(ValueError):
    """A task program asked the world for something it cannot do."""


class UnknownColorError(TaskCodeError, KeyError):
    """A colour name that `utils.COLORS` does not have."""

    def __str__(self) -> str:
        return str(self.args[0])


class InvalidPoseError(TaskCodeError):
    """A pose with NaN values, a bad shape, or a position outside the workspace."""
