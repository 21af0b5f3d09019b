"""Validation settings: one dataclass, plain data across processes, nonsense refused."""

from __future__ import annotations

import pytest

from simenv.settings import GIB, MIB, ValidationSettings


def test_settings_describe_themselves_and_travel_as_data() -> None:
    settings = ValidationSettings(timeout=10, memory_bytes=int(1.5 * GIB), episodes=3, seed=7)
    assert settings.describe_memory() == "1.5 GiB" and settings.describe_timeout() == "10 s"
    assert list(settings.seeds) == [7, 8, 9]
    assert settings.effective_cpu_seconds == 11
    assert ValidationSettings.from_dict(settings.to_dict()) == settings
    assert ValidationSettings(memory_bytes=512 * MIB).describe_memory() == "512 MiB"


@pytest.mark.parametrize(
    "bad",
    [
        {"timeout": 0},
        {"memory_bytes": 1024},
        {"episodes": 0},
        {"min_success": 1.5},
        {"mode": "eval"},
        {"cpu_seconds": -1},
        {"scratch_bytes": 10},
        {"message_chars": 5},
    ],
)
def test_nonsense_settings_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ValidationSettings(**bad)  # type: ignore[arg-type]
