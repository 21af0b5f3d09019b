"""Text from untrusted places (a scene record, a sandboxed task's messages), made safe to print.

A terminal obeys control characters: ESC starts a sequence that can clear the screen or move the
cursor, and a carriage return rewrites the current line, so text a task wrote could print a fake
"PASSED" over the real verdict. Every human-readable output of such text goes through
``printable`` first. It lives in this leaf module so that the report, the schema and the record
checks can share it without importing each other.
"""

from __future__ import annotations

#: What a control character becomes: visible, and harmless on any terminal.
REPLACEMENT = "?"
#: Layout characters that are safe where the output is meant to span lines.
LAYOUT = frozenset("\n\t")


def printable(text: str, newlines: bool = True) -> str:
    """``text`` with every control or invisible formatting character replaced by ``?``.

    ``newlines`` keeps line feeds and tabs (for multi-line output such as an error); without it
    they become spaces, for text that must stay on one line (a name, a warning, a goal).
    """
    kept = LAYOUT if newlines else frozenset()
    return "".join(
        ch if ch.isprintable() or ch in kept else " " if ch in LAYOUT else REPLACEMENT
        for ch in text
    )


def one_line(text: str) -> str:
    """``text`` made printable on a single line (see ``printable``)."""
    return printable(text, newlines=False)
