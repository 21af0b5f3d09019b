"""Lenient parsing of plain chat answers."""

from __future__ import annotations

import pytest

from agents.parsing import ParseError, parse_json_object, parse_python_block

KEYS = ("task-name", "task-description")


@pytest.mark.parametrize(
    "text",
    [
        '```json\n{"task-name": "a", "task-description": "b"}\n```',
        'Sure! {"task-name": "a", "task-description": "b"} Hope it helps.',
        "```\n{'task-name': 'a', 'task-description': 'b',}\n```",
        '```json\n{"task-name": "a", "task-description": "b"}',  # unclosed fence
        '{"other": 1}\n```json\n{"task-name": "a", "task-description": "b {x}"}\n```',
    ],
)
def test_json_found_fenced_bare_pythonic_unclosed(text: str) -> None:
    assert parse_json_object(text, KEYS)["task-name"] == "a"


def test_json_missing_keys_says_what_to_send() -> None:
    with pytest.raises(ParseError, match='"task-name", "task-description"'):
        parse_json_object('{"name": "a"}', KEYS)


def test_python_block_with_the_class_is_chosen() -> None:
    text = "```python\nprint(1)\n```\nand\n```python\nclass A(Task):\n    pass\n```"
    assert parse_python_block(text).startswith("class A")
    with pytest.raises(ParseError, match="```python"):
        parse_python_block("no code at all")
