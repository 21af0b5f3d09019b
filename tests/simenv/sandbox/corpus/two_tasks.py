"""Hostile/broken corpus: defines two Task subclasses."""
# ruff: noqa

from cliport.tasks.task import Task


class FirstTask(Task):
    pass


class SecondTask(Task):
    pass
