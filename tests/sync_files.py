"""Hand-made history folders for the sync core's unit tests (not a test module itself): month
and device files as companion writes them, read into a sync.Folder as a store reads them."""

from __future__ import annotations

from typing import Any

from companion.device import Device
from companion.sync import Folder, Merged
from companion.sync_stamps import Stamp
from companion.sync_writer import Writer

A, B, C = "aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc"
HOUR = 3_600_000
NOW = 1_764_150_900_000
NOV = "2026-11-03T10:00:00+00:00"
DEC = "2026-12-03T10:00:00+00:00"


def entry(n: int, note: str = "", started_at: str = NOV) -> dict[str, Any]:
    return {"id": f"00000000-0000-4000-8000-{n:012d}", "kind": "checkin",
            "started_at": started_at, "note": note}


def key(n: int) -> str:
    return entry(n)["id"]


def month_doc(*versions: tuple[dict[str, Any], Stamp | None]) -> dict[str, Any]:
    return {
        "_meta": {"1": {"schema": 1}},
        "entries": {
            str(i): {**record, **({"_rev": str(stamp)} if stamp else {})}
            for i, (record, stamp) in enumerate(versions, 1)
        },
    }


def device_doc(device: str, name: str = "host", *, forgotten: Stamp | None = None,
               deleted: dict[str, tuple[Stamp, str]] | None = None,
               applied: dict[str, Stamp] | None = None) -> dict[str, Any]:
    return {
        "schema": 1, "device": {"id": device, "name": name}, "written_at": NOW,
        "forgotten": None if forgotten is None else str(forgotten),
        "deleted": {k: {"rev": str(s), "month": m} for k, (s, m) in (deleted or {}).items()},
        "applied": {k: str(s) for k, s in (applied or {}).items()},
    }


def folder_of(files: dict[str, Any], unreadable: tuple[str, ...] = (),
              check: Any = None, others: tuple[str, ...] = ()) -> Folder:
    """The folder as a store reads it: list it, read every device file, then the month files.
    `others` are names in the folder that are not companion's (listed, never read)."""
    folder = Folder([*files, *unreadable, *others], check_record=check)
    for name in unreadable:
        folder.add_unreadable(name, "is not valid JSON")
    for name in [*folder.device_files(), *folder.month_files()]:
        if name in files:
            folder.add(name, files[name])
    return folder


def notes(merged: Merged) -> dict[str, str]:
    return {k: v.record["note"] for k, v in merged.entries.items()}


def s(wall: int, counter: int = 0, device: str = A) -> Stamp:
    """A stamp `wall` milliseconds after NOW."""
    return Stamp(NOW + wall, counter, device)


def writer_for(files: dict[str, Any], device: str = A, now: int = NOW,
               months: tuple[str, ...] = ("2026-11",), unreadable: tuple[str, ...] = (),
               ) -> Writer:
    return Writer(folder_of(files, unreadable), Device(device, f"{device[0]}-host"), now, months)


def after(files: dict[str, Any], changes: Any) -> dict[str, Any]:
    """The folder once a writer's changes are made: its writes, then its removals."""
    return {n: d for n, d in {**files, **changes.writes}.items() if n not in changes.removals}
