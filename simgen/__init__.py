"""The ``simgen`` command line: the root that mounts every layer's commands (``simgen.cli``).

It sits above all the other packages, so none of them imports it; see the README's layering.
"""
