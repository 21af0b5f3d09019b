"""Validate one file in the sandbox and print the report as JSON (the attack tests run this,
as the current user and as ``nobody``, in a process of its own).

    python validate_file.py FILE SETTINGS_JSON STATIC_CHECK(0|1)
"""

from __future__ import annotations

import json
import sys

from simenv.sandbox.runner import WAITING, run_isolated
from simenv.settings import ValidationSettings


def main() -> None:
    settings = ValidationSettings.from_dict(json.loads(sys.argv[2]))
    result = run_isolated(sys.argv[1], settings, static_check=sys.argv[3] == "1")
    WAITING.clear()
    sys.stdout.write(result.report.model_dump_json() + "\n")


if __name__ == "__main__":
    main()
