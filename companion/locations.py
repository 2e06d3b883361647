"""Where a person's history lives: the data folder every command reads and writes."""

from __future__ import annotations

import os
from pathlib import Path


def resolve_data_dir(option: Path | None) -> Path:
    """--data-dir, then $COMPANION_DATA_DIR, then the platform's user data folder."""
    if option is not None:
        return option.expanduser()
    from_env = os.environ.get("COMPANION_DATA_DIR", "").strip()
    if from_env:
        return Path(from_env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("companion", appauthor=False))
