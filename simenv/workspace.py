"""The workspace: the one folder everything simgen writes goes under.

Its default lives here, in the lowest layer whose commands take a ``--workspace`` (``simgen
tasks showcase``), so that every layer above, and the policy, imports one name instead of
repeating the literal.
"""

from __future__ import annotations

from pathlib import Path

#: The workspace when none is given: memory/, tasks/, runs/, demos/, models/, reports/.
DEFAULT_WORKSPACE = Path("simgen-data")
