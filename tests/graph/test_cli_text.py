"""``simgen generate``'s progress lines and tables carry model- and report-derived text: rich's
``escape()`` stops markup but lets ESC through, so that text is made printable first."""

from __future__ import annotations

from io import StringIO

from rich.console import Console

from graph.cli import describe_event, summary_tables

ESCAPES = "\x1b[2J\x1b[H\rPASSED\x07"


def test_progress_lines_carry_no_control_characters() -> None:
    event = {"event": "reflected", "candidate": f"c1{ESCAPES}", "diagnosis": f"bad\n{ESCAPES}"}
    line = describe_event(event)
    assert line is not None and line.isprintable(), repr(line)
    assert "PASSED" in line  # the text is kept, its control characters are not


def test_summary_tables_carry_no_control_characters_or_markup() -> None:
    summary = {
        "accepted": [
            {"name": f"[red]n{ESCAPES}", "success_rate": 1.0, "repairs": 0, "path": "t.py"}
        ],
        "rejected": [{"name": f"r{ESCAPES}", "stage": "reset", "reason": f"boom {ESCAPES}"}],
    }
    out = StringIO()
    console = Console(file=out, force_terminal=True, width=200)
    for table in summary_tables(summary):
        console.print(table)
    text = out.getvalue()
    for control in ("\x1b[2J", "\x1b[H", "\r", "\x07"):
        assert control not in text, repr(text)
    assert "[red]n" in text  # shown as text, not taken as markup
