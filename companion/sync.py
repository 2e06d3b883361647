"""One history from every machine's files: reading them together, and what this machine writes.

The data folder may sit in Syncthing, Dropbox, iCloud Drive, Nextcloud, an rclone bisync pair or
a git repository. companion builds no sync of its own; it makes sure a sync tool never has to
choose between two versions of a file, and that whatever the tool does, nothing is lost:

* **Each machine writes only its own files** (DecSync's rule): `history/2026-11.<device>.json`
  for its entries of a month and `history/device.<device>.json` for its record (companion/
  sync_names.py has every name). The device id comes from companion/device.py, kept outside the
  data folder. Reading merges every machine's files; nobody ever rewrites another's.
* **Every stored entry carries a version stamp** (`_rev`, companion/sync_stamps.py: a hybrid
  logical clock). Where an entry has several versions, in several files, the highest stamp
  wins, so an edit made after seeing a version beats it on every machine, even with clocks hours
  apart; two edits made without seeing each other resolve the same way everywhere. Entries
  written before stamps (`2026-11.json`, `2026-11.2.json`) rank below every stamped version and,
  among themselves, by file number as before.
* **A deletion is a tombstone**: the entry's id, its month and a stamp, never its text, kept in
  the deleting machine's device file. It beats every version with a lower stamp, so an old copy
  arriving later from another machine does not bring the entry back. A version stamped above
  it wins: that is an edit or an import made after the deletion was seen (`companion import`
  of an export restores what was deleted, as it always has).
* **`forget` leaves a forget marker**, a stamp in the forgetting machine's device file:
  everything stamped below it, and every legacy entry, is gone, and stays gone when another
  machine's older files arrive. The stamp is above everything the forgetting machine had read;
  an entry another machine made that had not reached it yet is ordered by its stamp (forgotten
  if it is older by the clocks). Every later change is stamped above the marker.
* **Copies made by sync tools are read and merged** (a conflict copy, a backup restored, a
  folder copied by hand); so are legacy files. They are *orphans*: nobody owns them. When this
  machine next writes that month it copies into its own file whatever won only there (with its
  stamp unchanged) and then removes them, so the folder tidies itself and every machine's view
  stays the same.
* **Each machine tidies only its own files**: at each write of a month it keeps, of its own
  versions, only those that still win (an edit elsewhere supersedes them; a tombstone or a forget
  marker removes them, text and all). Its device file notes, per other device, the newest
  tombstone or marker it has acted on (`applied`), so a deletion or forget made elsewhere reaches
  its files at its next write, whichever month that is.
* **A file that cannot be read** (half-synced, damaged, from a newer companion) is reported,
  never written over and never removed (except by forget), and read again next time.

Month files keep TinyDB's shape, with the stamp inside each entry and the writer in `_meta`:

    {"_meta": {"1": {"schema": 1, "device": "k3jd8f2q9a", "written_at": 1764150900123}},
     "entries": {"1": {"id": "6f1c…", "kind": "checkin", …, "_rev": "1764150900123:0:k3jd8f2q9a"}}}

A device file:

    {"schema": 1, "device": {"id": "k3jd8f2q9a", "name": "sam-laptop"},
     "written_at": 1764150900123, "forgotten": null,
     "deleted": {"6f1c…": {"rev": "1764150900200:0:k3jd8f2q9a", "month": "2026-11"}},
     "applied": {"m2xq7hd3pa": "1764150800000:0:m2xq7hd3pa"}}

How a store uses this (all of it pure: the store lists the folder, reads files, writes and
removes what it is told, under this machine's lock):

    folder = Folder(os.listdir(history_dir), check_record=check_entry_dict)
    for name in folder.device_files(): folder.add(name, read(name))      # or add_unreadable
    months = {month} | folder.months_to_tidy(device.id)                   # writes only
    for name in folder.month_files(months): folder.add(name, read(name))
    view = folder.merge(months).entries          # reading: id → Version (record without _rev)
    writer = Writer(folder, device, now_ms, months)
    writer.save(record)                          # or add_missing, delete, forget
    changes = writer.changes()                   # write changes.writes first, then remove
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from companion.device import DEVICE_ID, Device
from companion.entries import SCHEMA as ENTRY_SCHEMA
from companion.sync_names import (
    HistoryName,
    Kind,
    classify,
    device_file_name,
    month_file_name,
    month_of,
)
from companion.sync_stamps import REV, BadStamp, Stamp, legacy_stamp, newest, next_stamp

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


class Folder:
    """What one reader or writer found in the history folder: every name, and what it read.

    `check_record` validates each stored entry (the store passes check_entry_dict); an entry it
    refuses (ValueError) is left out and its file is *damaged*: still read, never written or
    removed, as a file whose stamp or shape cannot be read is *unreadable*. If it returns a
    mapping, that is kept as the version's record instead of the dict read (a reading store
    keeps the Entry it built, which needs a sixth of the memory); `canonical` says how two
    records with one stamp compare. A file the store must not touch
    (too large, someone else's) can be read and *kept as it is* (`keep_as_is`), or not read
    and *left* (`leave`): neither is ever written or removed.
    """

    def __init__(
        self,
        listing: Iterable[str],
        *,
        check_record: Callable[[dict[str, Any]], object] | None = None,
        canonical: Canonical | None = None,
    ) -> None:
        self.names = {name: classify(name) for name in listing}
        self.check_record = check_record
        # How two versions with one stamp are told apart (their content as text): the store
        # compares them as the entry model writes them, however a file spelled them, so a
        # reader and a writer, and every machine, pick the same one.
        self.canonical: Canonical = canonical or _canonical
        self.problems: dict[str, str] = {}  # name → reason, for unreadable and damaged files
        self.unreadable: set[str] = set()
        self.damaged: set[str] = set()
        self._months: dict[str, MonthFile] = {}
        self._devices: dict[str, DeviceRecord] = {}

    # -- what to read ---------------------------------------------------------------------

    def device_files(self) -> list[str]:
        return sorted(n.name for n in self.names.values() if n.kind is Kind.DEVICE)

    def month_files(self, months: Iterable[str] | None = None) -> list[str]:
        wanted = None if months is None else set(months)
        return sorted(
            n.name
            for n in self.names.values()
            if n.kind is Kind.MONTH and (wanted is None or n.month in wanted)
        )

    def months(self) -> set[str]:
        return {n.month for n in self.names.values() if n.kind is Kind.MONTH and n.month}

    def pending(self) -> list[str]:
        """Placeholders of files a sync tool has not downloaded yet (iCloud)."""
        return sorted(n.name for n in self.names.values() if n.kind is Kind.PENDING)

    # -- what was read --------------------------------------------------------------------

    def add(self, name: str, data: Any) -> None:
        """Record the parsed JSON of one file (from device_files or month_files)."""
        info = self.names.get(name) or classify(name)
        self.names[name] = info
        try:
            if info.kind is Kind.MONTH:
                self._months[name] = self._month_file(info, data)
            elif info.kind is Kind.DEVICE:
                record = DeviceRecord.from_json(data)
                if record.id != info.device:
                    raise BadFile(f"belongs to device {record.id}, not {info.device}")
                self._devices[name] = record
            else:
                raise ValueError(f"{name} is not a history file")
        except BadFile as error:
            self.add_unreadable(name, str(error))

    def add_unreadable(self, name: str, reason: str) -> None:
        self.leave(name)
        self.problems.setdefault(name, reason)

    def leave(self, name: str) -> None:
        """`name` is not read for this change, and never written or removed (a special file,
        a file not downloaded yet): as an unreadable file, without a problem to report."""
        self.names.setdefault(name, classify(name))
        self.unreadable.add(name)
        self._months.pop(name, None)
        self._devices.pop(name, None)

    def keep_as_is(self, name: str) -> None:
        """`name` (read) is never written or removed: its versions count, its file stays."""
        self.damaged.add(name)

    def drop(self, name: str) -> None:
        """`name` is gone since the folder was listed."""
        self.names.pop(name, None)
        self._months.pop(name, None)
        self._devices.pop(name, None)

    def release(self, months: Iterable[str]) -> None:
        """Let go of what was read of these months' files (a long read holds one at a time);
        only a reader may, and a writer that is done with them."""
        wanted = set(months)
        for name in [n for n, f in self._months.items() if f.name.month in wanted]:
            del self._months[name]

    def _month_file(self, info: HistoryName, data: Any) -> MonthFile:
        if not isinstance(data, dict) or not isinstance(data.get(TABLE, {}), dict):
            raise BadFile("does not look like a companion history file")
        convert = self.converter(info.name)
        return self._month_of(info, map(convert, data.get(TABLE, {}).values()),
                              data.get(META, {}))

    def converter(self, name: str) -> Callable[[Any], Version | str]:
        """What turns each stored entry of month file `name` into its Version (or the reason
        it cannot be read), for a reader that converts entries as it parses them, holding no
        dicts (add_converted records the file)."""
        info = self.names.get(name) or classify(name)
        rank = legacy_stamp(info.number if info.legacy else 0)

        def convert(doc: Any) -> Version | str:
            try:
                return self._version(doc, rank)
            except (ValueError, TypeError) as error:
                return f"has an entry that could not be read ({error})"

        return convert

    def add_converted(self, name: str, versions: Iterable[Version | str], meta: Any) -> None:
        """Record month file `name`, its entries made by converter(name), its `_meta` as read."""
        info = self.names.get(name) or classify(name)
        self.names[name] = info
        self._months[name] = self._month_of(info, versions, meta)

    def _month_of(self, info: HistoryName, versions: Iterable[Version | str], meta: Any
                  ) -> MonthFile:
        meta = meta.get("1", meta) if isinstance(meta, dict) else {}
        written_at = meta.get("written_at") if isinstance(meta, dict) else None
        kept = []
        for version in versions:
            if isinstance(version, str):
                self.damaged.add(info.name)
                self.problems.setdefault(info.name, version)
            else:
                kept.append(version)
        return MonthFile(info, tuple(kept), written_at if _is_count(written_at) else None)

    def _version(self, doc: Any, rank: Stamp) -> Version:
        if not isinstance(doc, dict):
            raise BadFile("an entry must be an object")
        record: Mapping[str, Any] = dict(doc)
        rev = record.pop(REV, None)  # type: ignore[attr-defined]
        stamp = rank if rev is None else Stamp.parse(rev)
        entry_id = record.get("id")
        if self.check_record is not None:
            kept = self.check_record(record)  # type: ignore[arg-type]
            if isinstance(kept, Mapping):
                record = kept
        if not isinstance(entry_id, str):
            raise BadFile("an entry has no id")
        return Version(entry_id.lower(), stamp, record)

    def read(self, name: str) -> bool:
        """Whether `name` was read (fully or in part) or found unreadable."""
        return name in self._months or name in self._devices or name in self.unreadable

    # -- merging --------------------------------------------------------------------------

    def device_records(self, *, copies: bool = True) -> list[tuple[HistoryName, DeviceRecord]]:
        return [
            (self.names[name], record)
            for name, record in sorted(self._devices.items())
            if copies or self.names[name].copy is None
        ]

    def merge(self, months: Iterable[str] | None = None, extra: Iterable[Version] = (),
              tombstones: Iterable[Tombstone] = (), forgotten: Stamp | None = None) -> Merged:
        """Each entry's winning version in `months` (None: all read). `extra`, `tombstones` and
        `forgotten` are changes not yet written (a Writer's)."""
        wanted = None if months is None else set(months)
        records = [record for _, record in self.device_records()]
        marker = newest(forgotten, *(record.forgotten for record in records))
        best: dict[str, Version | Tombstone] = {}
        seen: dict[str, Stamp] = {}
        for item in [*self._versions(wanted), *extra]:
            _consider(best, seen, item, self.canonical)
        stored = set(seen)
        for record in records:
            for tomb in record.deleted.values():
                _consider(best, seen, tomb, self.canonical)
        for tomb in tombstones:
            _consider(best, seen, tomb, self.canonical)
        entries: dict[str, Version] = {}
        deleted: dict[str, Tombstone] = {}
        for key, kept in best.items():
            if marker is not None and kept.stamp < marker:
                continue
            if isinstance(kept, Version):
                entries[key] = kept
            elif wanted is None or kept.month in wanted or key in stored:
                deleted[key] = kept
        return Merged(entries, deleted, marker, seen)

    def _versions(self, wanted: set[str] | None) -> Iterable[Version]:
        for month_file in self._months.values():
            if wanted is None or month_file.name.month in wanted:
                yield from month_file.versions

    def month_file(self, name: str) -> MonthFile | None:
        return self._months.get(name)

    # -- tidying --------------------------------------------------------------------------

    def own_months(self, device: str) -> set[str]:
        return {
            n.month for n in self.names.values()
            if n.kind is Kind.MONTH and n.owned_by(device) and n.month
        }

    def months_to_tidy(self, device: str) -> set[str]:
        """Months of `device`'s own files that a deletion or forget made elsewhere has reached
        since it last looked (from the device files, which must have been read)."""
        own = self._own_record(device)
        applied = own.applied if own is not None else {}
        own_months = self.own_months(device)
        months: set[str] = set()
        for info, record in self.device_records():  # copies too: one may be all that arrived
            if info.device == device:
                continue
            done = applied.get(record.id)
            if record.forgotten is not None and (done is None or record.forgotten > done):
                return own_months
            months.update(
                tomb.month for tomb in record.deleted.values() if done is None or tomb.stamp > done
            )
        return months & own_months

    def _own_record(self, device: str) -> DeviceRecord | None:
        target = self._device_target(device)
        return self._devices.get(target)

    def _device_target(self, device: str) -> str:
        """The device file `device` writes: its lowest-numbered sound one, else a free name."""
        own = sorted(
            (n.number, n.name) for n in self.names.values()
            if n.kind is Kind.DEVICE and n.owned_by(device)
        )
        return _target(own, self, lambda number: device_file_name(device, number))

    def month_target(self, month: str, device: str) -> str:
        own = sorted(
            (n.number, n.name) for n in self.names.values()
            if n.kind is Kind.MONTH and n.month == month and n.owned_by(device)
        )
        return _target(own, self, lambda number: month_file_name(month, device, number))

    # -- devices --------------------------------------------------------------------------

    def devices(self, this_machine: str | None = None) -> list[DeviceInfo]:
        """Every device with files here (read every file first for `last_written`)."""
        found: dict[str, dict[str, Any]] = {}
        for info in self.names.values():
            if info.history and info.device and info.copy is None:
                entry = found.setdefault(info.device, {"name": None, "files": 0, "last": None})
                if info.kind is Kind.MONTH:
                    entry["files"] += 1
                    month_file = self._months.get(info.name)
                    if month_file is not None:
                        entry["last"] = _max_int(entry["last"], month_file.written_at)
        for _, record in self.device_records(copies=False):
            entry = found.setdefault(record.id, {"name": None, "files": 0, "last": None})
            entry["name"] = entry["name"] or record.name
            entry["last"] = _max_int(entry["last"], record.written_at)
        listed = [
            DeviceInfo(device, e["name"], device == this_machine, e["files"], e["last"])
            for device, e in found.items()
        ]
        return sorted(listed, key=lambda d: (not d.this_machine, (d.name or "").lower(), d.id))


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


Canonical = Callable[[Mapping[str, Any]], str]


def _consider(best: dict[str, Version | Tombstone], seen: dict[str, Stamp],
              item: Version | Tombstone, canonical: Canonical) -> None:
    key = item.key
    if key not in seen or seen[key] < item.stamp:
        seen[key] = item.stamp
    current = best.get(key)
    if current is None or _beats(item, current, canonical):
        best[key] = item


def _beats(item: Version | Tombstone, other: Version | Tombstone,
           canonical: Canonical) -> bool:
    """The total order of items for one entry: stamp, then a version over a tombstone (a
    tombstone beats only *lower* stamps), then content, so every machine picks the same."""
    if item.stamp != other.stamp:
        return item.stamp > other.stamp
    if isinstance(item, Version) != isinstance(other, Version):
        return isinstance(item, Version)
    if isinstance(item, Version) and isinstance(other, Version):
        return canonical(item.record) > canonical(other.record)
    assert isinstance(item, Tombstone) and isinstance(other, Tombstone)
    return item.month > other.month


def _canonical(record: Mapping[str, Any]) -> str:
    return json.dumps(dict(record), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _same_version(version: Version, winner: Version) -> bool:
    return version is winner or (version.stamp == winner.stamp and version.record == winner.record)


def _target(own: list[tuple[int, str]], folder: Folder, name_for: Callable[[int], str]) -> str:
    for _, name in own:
        if folder.read(name) and name not in folder.unreadable and name not in folder.damaged:
            return name
    taken = {number for number, _ in own}
    number = 1
    while number in taken:
        number += 1
    return name_for(number)


def _record_changed(before: DeviceRecord, after: DeviceRecord) -> bool:
    def core(record: DeviceRecord) -> dict[str, Any]:
        data = record.to_json()
        data.pop("written_at")
        return data

    return core(before) != core(after)


def _is_device(value: Any) -> bool:
    return isinstance(value, str) and DEVICE_ID.fullmatch(value) is not None


def _is_month(value: Any) -> bool:
    import re

    return isinstance(value, str) and re.fullmatch(_MONTH, value) is not None


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _max_int(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)
