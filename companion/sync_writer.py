"""What this machine writes: the changes one device makes to the history, planned from what a
sync.Folder read (companion/sync.py has the design). Pure: the store writes and removes what
`changes()` says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from companion.device import DEVICE_ID, Device
from companion.entries import SCHEMA as ENTRY_SCHEMA
from companion.sync import Folder
from companion.sync_names import (
    Kind,
    classify,
    month_of,
)
from companion.sync_records import (
    META,
    TABLE,
    Changes,
    DeviceRecord,
    Merged,
    Tombstone,
    Version,
)
from companion.sync_stamps import REV, Stamp, newest, next_stamp


class Writer:
    """The changes one device makes to the history, planned from what a Folder read.

    `months` are the months the change touches (with Folder.months_to_tidy added): the folder
    must hold every file of those months and every device file, read or found unreadable.
    Nothing is written here: `changes()` says what to write and remove.
    """

    def __init__(self, folder: Folder, device: Device, now_ms: int,
                 months: Iterable[str] = (), *, tidy: bool = True) -> None:
        if not DEVICE_ID.fullmatch(device.id):
            raise ValueError(f"{device.id!r} is not a device id")
        self.folder = folder
        self.device = device
        self.now_ms = now_ms
        # tidy=False only for a change made in parts (an import, a month at a time) whose
        # first part tidied: the device file notes that it did.
        self.months = set(months) | (folder.months_to_tidy(device.id) if tidy else set())
        missing = [
            name for name in [*folder.device_files(), *folder.month_files(self.months)]
            if not folder.read(name)
        ]
        if missing:
            raise ValueError(f"the folder was not read whole: {', '.join(missing[:3])}")
        self._versions: dict[str, Version] = {}
        self._version_months: dict[str, str] = {}
        self._tombstones: dict[str, Tombstone] = {}
        self._forget: Stamp | None = None
        self._merged = folder.merge(self.months)

    # -- changes --------------------------------------------------------------------------

    def view(self) -> Merged:
        """The history of the writer's months as it will be once its changes are written."""
        return self.folder.merge(
            self.months, self._versions.values(), self._tombstones.values(), self._forget
        )

    def save(self, record: Mapping[str, Any]) -> Stamp:
        """Add `record` (an entry's stored form, without `_rev`), or replace its entry."""
        key = str(record["id"]).lower()
        month = month_of(record["started_at"])
        self._need(month)
        stamp = next_stamp(self.now_ms, self._seen(key), self.device.id)
        self._versions[key] = Version(key, stamp, {k: v for k, v in record.items() if k != REV})
        self._version_months[key] = month
        self._tombstones.pop(key, None)
        return stamp

    def add_missing(self, records: Iterable[Mapping[str, Any]]) -> int:
        """Save the records whose entries are not in the history (deleted ones count as not)."""
        live = self.view().entries
        added = 0
        for record in records:
            key = str(record["id"]).lower()
            if key not in live and key not in self._versions:
                self.save(record)
                added += 1
        return added

    def delete(self, entry_id: str) -> bool:
        """Delete the entry; False if it is not in the history."""
        key = entry_id.lower()
        live = self.view().entries.get(key)
        if live is None:
            return False
        month = month_of(live.record["started_at"])
        self._need(month)
        own = self.folder._own_record(self.device.id)
        # Above this device's earlier tombstones too, so others can note how far they have
        # acted on its deletions with one stamp (DeviceRecord.applied).
        floor = newest(self._seen(key), own.newest() if own else None,
                       *(t.stamp for t in self._tombstones.values()))
        stamp = next_stamp(self.now_ms, floor, self.device.id)
        self._tombstones[key] = Tombstone(key, stamp, month)
        self._versions.pop(key, None)
        return True

    def forget(self, above: Stamp | None = None) -> Stamp:
        """Forget the whole history; the folder must have been read whole, or `above` be the
        highest stamp in every month file (a store reads them a month at a time)."""
        unread = self.folder.months() - self.months
        if unread and above is None:
            raise ValueError(f"forget needs every month read, not {sorted(unread)[:3]}")
        stamps = [v.stamp for mf in self.folder._months.values() for v in mf.versions]
        stamps.extend(filter(None, [above]))
        for _, record in self.folder.device_records():
            stamps.extend(filter(None, [record.newest()]))
        stamps.extend(v.stamp for v in self._versions.values())
        stamps.extend(t.stamp for t in self._tombstones.values())
        self._forget = next_stamp(self.now_ms, newest(*stamps), self.device.id)
        self._versions.clear()
        self._tombstones.clear()
        return self._forget

    # -- the plan -------------------------------------------------------------------------

    def changes(self) -> Changes:
        if self._forget is not None:
            return self._forget_changes(self._forget)
        writes: dict[str, dict[str, Any]] = {}
        removals: list[str] = []
        view = self.view()
        for month in sorted(self.months):
            self._plan_month(month, view, writes, removals)
        self._plan_device(view, writes, removals)
        return Changes(writes, tuple(removals))

    def _plan_month(self, month: str, view: Merged, writes: dict[str, dict[str, Any]],
                    removals: list[str]) -> None:
        me = self.device.id
        target = self.folder.month_target(month, me)
        files = [self.folder.month_file(name) for name in self.folder.month_files([month])]
        readable = [f for f in files if f is not None]
        orphans = {
            f.name.name for f in readable
            if f.name.name not in self.folder.damaged and f.name.name != target
            and (f.name.legacy or f.name.copy is not None or f.name.device == me)
        }
        holders: dict[str, list[str]] = {}  # key → the files holding its winning version
        for month_file in readable:
            for version in month_file.versions:
                winner = view.entries.get(version.key)
                if winner is not None and _same_version(version, winner):
                    holders.setdefault(version.key, []).append(month_file.name.name)
        keep: dict[str, Version] = {
            key: version for key, version in self._versions.items()
            if self._version_months[key] == month and view.entries.get(key) is version
        }
        for key, sources in holders.items():
            if target in sources or all(name in orphans for name in sources):
                keep.setdefault(key, view.entries[key])  # still ours, or won only in an orphan
        current = self.folder.month_file(target)
        before = {v.key: v for v in current.versions} if current else {}
        if keep and keep != before:
            writes[target] = self._month_document(keep)
        elif not keep and current is not None:
            removals.append(target)
        removals.extend(sorted(orphans))

    def _plan_device(self, view: Merged, writes: dict[str, dict[str, Any]],
                     removals: list[str]) -> None:
        me = self.device.id
        target = self.folder._device_target(me)
        current = self.folder._devices.get(target)
        record = DeviceRecord(me, self.device.name)
        if current is not None:
            record.forgotten = current.forgotten
            record.deleted = dict(current.deleted)
            record.applied = dict(current.applied)
        orphans = [
            (info, other) for info, other in self.folder.device_records()
            if info.name != target and info.name not in self.folder.damaged
            and (info.copy is not None or info.device == me)
        ]
        primaries = [
            other for info, other in self.folder.device_records(copies=False)
            if info.name not in {i.name for i, _ in orphans}
        ]
        covered = newest(*(other.forgotten for other in primaries))
        for _, other in orphans:  # adopt what a copy alone holds
            if other.forgotten is not None and (covered is None or other.forgotten > covered):
                record.forgotten = newest(record.forgotten, other.forgotten)
            for key, tomb in other.deleted.items():
                held = [p.deleted[key].stamp for p in primaries if key in p.deleted]
                if not held or max(held) < tomb.stamp:
                    record.deleted[key] = max(record.deleted.get(key, tomb), tomb,
                                              key=lambda t: t.stamp)
        record.deleted.update(self._tombstones)
        if view.forgotten is not None:
            record.deleted = {
                k: t for k, t in record.deleted.items() if not t.stamp < view.forgotten
            }
        for info, other in self.folder.device_records():
            if info.device != me and other.newest() is not None:
                record.applied[other.id] = max(
                    filter(None, [record.applied.get(other.id), other.newest()])
                )
        wrote_month = any(classify(name).kind is Kind.MONTH for name in writes)
        if current is None and not (wrote_month or record.deleted or record.forgotten):
            return  # a device that has written nothing needs no record here yet
        if current is None or _record_changed(current, record):
            record.written_at = self.now_ms
            writes[target] = record.to_json()
        removals.extend(info.name for info, _ in orphans)

    def _forget_changes(self, marker: Stamp) -> Changes:
        me = self.device.id
        removals = sorted(
            info.name for info in self.folder.names.values()
            if info.history and (info.device == me or info.legacy or info.copy is not None)
        )
        target = self.folder._device_target(me)
        removals = [name for name in removals if name != target]
        record = DeviceRecord(me, self.device.name, forgotten=marker, written_at=self.now_ms)
        for info, other in self.folder.device_records():
            if info.device != me and other.newest() is not None:
                record.applied[other.id] = max(
                    other.newest() or marker, marker, record.applied.get(other.id, marker)
                )
        others = sorted({
            info.device for info in self.folder.names.values()
            if info.kind is Kind.MONTH and info.copy is None and info.device
            and info.device != me
        })
        return Changes({target: record.to_json()}, tuple(removals), tuple(others))

    def _month_document(self, keep: Mapping[str, Version]) -> dict[str, Any]:
        ordered = sorted(keep.values(), key=lambda v: (str(v.record.get("started_at")), v.key))
        return {
            META: {"1": {"schema": ENTRY_SCHEMA, "device": self.device.id,
                         "written_at": self.now_ms}},
            TABLE: {str(number): v.stored() for number, v in enumerate(ordered, 1)},
        }

    def _seen(self, key: str) -> Stamp | None:
        pending = [self._versions.get(key), self._tombstones.get(key)]
        return newest(self._merged.newest(key), *(p.stamp for p in pending if p is not None))

    def _need(self, month: str) -> None:
        if month not in self.months:
            raise ValueError(f"the month {month} was not read for this change")


def _same_version(version: Version, winner: Version) -> bool:
    return version is winner or (version.stamp == winner.stamp and version.record == winner.record)
def _record_changed(before: DeviceRecord, after: DeviceRecord) -> bool:
    def core(record: DeviceRecord) -> dict[str, Any]:
        data = record.to_json()
        data.pop("written_at")
        return data

    return core(before) != core(after)
