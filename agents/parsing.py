"""Lenient parsing of chat answers: fenced or bare JSON objects, fenced python blocks.

Servers that offer plain chat completions only (no tools, no response_format) answer in prose
with code fences, or without them; these functions find the payload either way and raise
``ParseError`` with a message that can be sent back to the model as is.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n(.*?)```", re.DOTALL)


class ParseError(ValueError):
    """An answer without the expected payload; the message says what was expected."""


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced block, in order; an unclosed last fence counts too."""
    blocks = [(m.group(1).lower(), m.group(2)) for m in FENCE.finditer(text)]
    tail = text.rsplit("```", 1)
    if text.count("```") % 2 == 1 and len(tail) == 2:
        lang, _, body = tail[1].partition("\n")
        blocks.append((lang.strip().lower(), body))
    return blocks


def _balanced_objects(text: str) -> list[str]:
    """Every top-level ``{...}`` span of a text, respecting strings."""
    spans, depth, start, quote, escape = [], 0, -1, "", False
    for i, ch in enumerate(text):
        if quote:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == quote:
                quote = ""
            continue
        if ch in "\"'" and depth:
            quote = ch
        elif ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
            if depth == 0:
                spans.append(text[start : i + 1])
    return spans


def _load_object(candidate: str) -> dict[str, Any] | None:
    candidate = candidate.strip()
    try:
        value = json.loads(candidate)
    except json.JSONDecodeError:
        try:  # models often write Python dicts: single quotes, True/False, trailing commas
            value = ast.literal_eval(candidate)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            value = None
    return value if isinstance(value, dict) else None


def parse_json_object(text: str, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The first JSON object in an answer that has every ``required`` key."""
    candidates = [body for lang, body in fenced_blocks(text) if lang in ("json", "", "python")]
    candidates += _balanced_objects(text)
    for candidate in candidates:
        for span in [candidate, *_balanced_objects(candidate)]:
            value = _load_object(span)
            if value is not None and all(k in value for k in required):
                return value
    keys = ", ".join(f'"{k}"' for k in required)
    raise ParseError(
        f"The answer has no JSON object with the keys {keys}. Answer with one ```json fenced "
        "block holding that object and nothing else."
    )


def parse_python_block(text: str) -> str:
    """The task program in an answer: the fenced python block that defines a class."""
    blocks = [body for lang, body in fenced_blocks(text) if lang in ("python", "py", "")]
    if not blocks and "class " in text and "def " in text:
        blocks = [text]
    with_class = [b for b in blocks if re.search(r"^class\s+\w+", b, re.MULTILINE)]
    if not with_class:
        raise ParseError(
            "The answer has no ```python fenced block with a Task subclass. Answer with the whole "
            "task file in one ```python block: the imports, then one class that subclasses Task."
        )
    return max(with_class, key=len).strip() + "\n"
