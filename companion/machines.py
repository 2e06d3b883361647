"""`companion devices`: the machines whose files are in the data folder, and when each wrote.

A data folder shared through a sync tool holds each machine's own files (companion/sync.py):
this lists them by the name each machine gave itself (its host name), with the id its files
are named by, how many month files it has here and when it last wrote, by its own clock. This
machine is marked. Files from before each machine had its own, and sync tools' copies, are
counted too: this machine gathers them into its own files the next time it saves.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from companion.history import HistoryStore
from companion.sync import DeviceInfo
from companion.sync_names import classify
from companion.text import printable

EXIT_OK = 0
EXIT_PROBLEM = 1
UNNAMED = "(its name has not arrived yet)"


def print_devices(data_dir: Path, fmt: str = "table") -> int:
    store = HistoryStore(data_dir)
    devices = store.devices()
    names = [classify(path.name) for path in store.files()]
    legacy = sum(1 for info in names if info.legacy and info.copy is None)
    copies = sum(1 for info in names if info.copy is not None)
    for notice in store.notices:
        print(f"companion: {printable(notice)}", file=sys.stderr)
    for problem in store.problems.values():
        print(f"companion: {printable(str(problem))}", file=sys.stderr)
    if fmt == "json":
        print(json.dumps({
            "data_dir": str(data_dir),
            "devices": [_as_json(device) for device in devices],
            "files_from_before": legacy,
            "copies": copies,
        }, indent=2, ensure_ascii=False))
    else:
        for line in _table(data_dir, devices, legacy, copies):
            print(line)
    return EXIT_PROBLEM if store.problems else EXIT_OK


def _as_json(device: DeviceInfo) -> dict[str, Any]:
    moment = _moment(device.last_written)
    return {
        "id": device.id,
        "name": device.name,
        "this_machine": device.this_machine,
        "month_files": device.files,
        "last_written": None if moment is None else moment.isoformat(timespec="seconds"),
    }


def _table(data_dir: Path, devices: list[DeviceInfo], legacy: int, copies: int) -> list[str]:
    history = printable(str(data_dir / "history"))
    if not devices:
        lines = [f"No machine has saved to {history} yet."]
    else:
        machines = "1 machine has" if len(devices) == 1 else f"{len(devices)} machines have"
        lines = [f"{machines} saved to {history}:", ""]
        rows = [
            ("this machine" if d.this_machine else "", printable(d.name or UNNAMED), d.id,
             _last(d.last_written), f"{d.files} month file{'' if d.files == 1 else 's'}")
            for d in devices
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            lines.append(("  " + "  ".join([*cells, row[4]])).rstrip())
        if not any(d.this_machine for d in devices):
            lines += ["", "This machine has not saved here yet."]
    if legacy or copies:
        parts = []
        if legacy:
            parts.append(f"{legacy} file{'' if legacy == 1 else 's'} from before each machine "
                         "had its own")
        if copies:
            parts.append(f"{copies} cop{'y' if copies == 1 else 'ies'} a sync tool made")
        lines += ["", f"Also {' and '.join(parts)}: read with the rest, and gathered into "
                  "this machine's files the next time it saves in those months."]
    return lines


def _last(ms: int | None) -> str:
    moment = _moment(ms)
    return "last wrote " + (moment.strftime("%Y-%m-%d %H:%M") if moment else "?")


def _moment(ms: int | None) -> datetime | None:
    """A machine's time of writing (milliseconds, by its clock) here; None if it has none or
    one no calendar holds (a file made by hand)."""
    if ms is None:
        return None
    try:
        return datetime.fromtimestamp(ms / 1000).astimezone()
    except (OverflowError, OSError, ValueError):
        return None
