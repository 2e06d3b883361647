"""This test machine's files in a history folder (not a test module itself).

Each test has its own state folder (COMPANION_STATE_DIR, set in conftest.py), so its own
identity, made by the first save: `own_file("2026-11")` is the name that machine writes.
"""

from __future__ import annotations

import os
from pathlib import Path

from companion.device import STATE_ENV, existing_device
from companion.sync_names import device_file_name, month_file_name


def this_machine() -> str:
    """The device id of the test's machine (it must have saved once)."""
    device = existing_device(Path(os.environ[STATE_ENV]))
    assert device is not None, "this machine has not saved anything yet"
    return device.id


def own_file(month: str, number: int = 1) -> str:
    """The name of this machine's file for `month`: `2026-11.<id>.json`."""
    return month_file_name(month, this_machine(), number)


def own_device_file() -> str:
    return device_file_name(this_machine())


def month_files(data_dir: Path) -> list[str]:
    """The names of the month files in a data folder (every machine's), sorted."""
    from companion.sync_names import Kind, classify

    history = data_dir / "history"
    names = os.listdir(history) if history.is_dir() else []
    return sorted(name for name in names if classify(name).kind is Kind.MONTH)
