"""The shapes the sync core reads and plans with: a stored entry's version, a deletion's
tombstone, a machine's device record, a month file's versions, the merged view, the changes a
writer asks for. companion/sync.py has the design.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from companion.device import DEVICE_ID
from companion.sync_names import (
    HistoryName,
)
from companion.sync_stamps import REV, BadStamp, Stamp, newest

DEVICE_SCHEMA = 1
TABLE = "entries"
META = "_meta"
_MONTH = r"\d{4}-(?:0[1-9]|1[0-2])"


class BadFile(ValueError):
    """A history file whose shape companion does not know; the message says how."""


class Version(NamedTuple):
    """One stored version of an entry."""

    key: str  # the entry's id in lower case: ids are compared this way everywhere
    stamp: Stamp
    record: Mapping[str, Any]  # the entry as stored, without its stamp

    def stored(self) -> dict[str, Any]:
        return {**self.record, REV: str(self.stamp)}


class Tombstone(NamedTuple):
    """An entry deleted: its id, the month it was filed under, and when (never its text)."""

    key: str
    stamp: Stamp
    month: str


class DeviceRecord:
    """What one device's file says: its name, its tombstones and forget, what it has tidied."""

    __slots__ = ("applied", "deleted", "forgotten", "id", "name", "written_at")

    def __init__(self, id: str, name: str, forgotten: Stamp | None = None,
                 deleted: dict[str, Tombstone] | None = None,
                 applied: dict[str, Stamp] | None = None, written_at: int | None = None) -> None:
        self.id = id
        self.name = name
        self.forgotten = forgotten
        self.deleted: dict[str, Tombstone] = {} if deleted is None else deleted
        self.applied: dict[str, Stamp] = {} if applied is None else applied
        self.written_at = written_at

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DeviceRecord) and self.to_json() == other.to_json()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"DeviceRecord({self.to_json()!r})"

    def newest(self) -> Stamp | None:
        """The highest stamp this device's tombstones and forget carry."""
        return newest(self.forgotten, *(t.stamp for t in self.deleted.values()))

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": DEVICE_SCHEMA,
            "device": {"id": self.id, "name": self.name},
            "written_at": self.written_at,
            "forgotten": None if self.forgotten is None else str(self.forgotten),
            "deleted": {
                key: {"rev": str(t.stamp), "month": t.month}
                for key, t in sorted(self.deleted.items())
            },
            "applied": {device: str(stamp) for device, stamp in sorted(self.applied.items())},
        }

    @classmethod
    def from_json(cls, data: Any) -> DeviceRecord:
        if not isinstance(data, dict):
            raise BadFile("does not look like a companion device file")
        schema = data.get("schema")
        if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
            raise BadFile("does not look like a companion device file")
        if schema > DEVICE_SCHEMA:
            raise BadFile(f"was written by a newer companion (schema {schema})")
        device = data.get("device")
        if not isinstance(device, dict) or not _is_device(device.get("id")):
            raise BadFile("does not name a device companion makes")
        deleted, applied = data.get("deleted") or {}, data.get("applied") or {}
        written_at = data.get("written_at")
        if not isinstance(deleted, dict) or not isinstance(applied, dict):
            raise BadFile("does not look like a companion device file")
        try:
            forgotten = data.get("forgotten")
            record = cls(
                id=device["id"],
                name=_text(device.get("name")),
                forgotten=None if forgotten is None else Stamp.parse(forgotten),
                written_at=written_at if _is_count(written_at) else None,
            )
            for key, tomb in deleted.items():
                if not isinstance(tomb, dict) or not _is_month(tomb.get("month")):
                    raise BadFile(f"has a deletion companion cannot read ({key!r:.40})")
                record.deleted[key.lower()] = Tombstone(
                    key.lower(), Stamp.parse(tomb.get("rev")), tomb["month"]
                )
            for other, stamp in applied.items():
                if _is_device(other):
                    record.applied[other] = Stamp.parse(stamp)
        except BadStamp as error:
            raise BadFile(f"has a version stamp companion cannot read ({error})") from None
        return record


class MonthFile(NamedTuple):
    """The versions one readable month file (or copy of one) holds."""

    name: HistoryName
    versions: tuple[Version, ...]
    written_at: int | None = None


class Merged(NamedTuple):
    """The history as the files read show it: each entry's winning version."""

    entries: dict[str, Version]  # live entries by key
    deleted: dict[str, Tombstone]  # entries whose winner is a tombstone (above any forget)
    forgotten: Stamp | None  # the highest forget marker
    seen: dict[str, Stamp]  # the highest stamp read for each key, live or not

    def newest(self, key: str) -> Stamp | None:
        """What a change to `key` must be stamped above: all its versions, tombstones, forgets."""
        return newest(self.seen.get(key), self.forgotten)


class Changes(NamedTuple):
    """What a writer asks the store to do: write these files (whole, atomically), then remove
    these. `others` names devices whose files stay after a forget (they tidy them themselves)."""

    writes: dict[str, dict[str, Any]]
    removals: tuple[str, ...]
    others: tuple[str, ...] = ()


class DeviceInfo(NamedTuple):
    """One machine whose files are in the folder, for `companion devices`."""

    id: str
    name: str | None  # None while its device file has not arrived (or cannot be read)
    this_machine: bool
    files: int  # its own month files
    last_written: int | None  # ms since the epoch, by its clock: its newest file's write


def _is_device(value: Any) -> bool:
    return isinstance(value, str) and DEVICE_ID.fullmatch(value) is not None


def _is_month(value: Any) -> bool:
    import re

    return isinstance(value, str) and re.fullmatch(_MONTH, value) is not None


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
