"""Personal settings, kept as settings.toml in the data folder (readable and editable by hand)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

SETTINGS_FILE = "settings.toml"


@dataclass(frozen=True, slots=True)
class Settings:
    default_pattern: str = "coherent"
    default_minutes: float = 1.0
    reduced_motion: bool = False
    bell: bool = False
    week_start: str = "monday"  # or "sunday"
    theme: str = "textual-dark"
    contacts: tuple[tuple[str, str], ...] = field(default=())  # (name, number or how to reach)


def load_settings(data_dir: Path) -> tuple[Settings, list[str]]:
    """The person's settings and warnings about any that could not be used (defaults instead)."""
    path = data_dir / SETTINGS_FILE
    if not path.is_file():
        return Settings(), []
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        return Settings(), [f"{path} could not be read ({error}); using the defaults."]
    del raw  # the settings issue reads and checks each key
    return Settings(), []
