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
from typing import Any

from companion.sync_names import (
    HistoryName,
    Kind,
    classify,
    device_file_name,
    month_file_name,
)
from companion.sync_records import (
    DEVICE_SCHEMA,
    META,
    TABLE,
    BadFile,
    Changes,
    DeviceInfo,
    DeviceRecord,
    Merged,
    MonthFile,
    Tombstone,
    Version,
    _is_count,
)
from companion.sync_stamps import REV, Stamp, legacy_stamp, newest

__all__ = [
    "DEVICE_SCHEMA", "META", "TABLE", "BadFile", "Changes", "DeviceInfo", "DeviceRecord",
    "Folder", "Merged", "MonthFile", "Tombstone", "Version",
]

Canonical = Callable[[Mapping[str, Any]], str]


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
        fields = dict(doc)
        rev = fields.pop(REV, None)
        record: Mapping[str, Any] = fields
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
def _target(own: list[tuple[int, str]], folder: Folder, name_for: Callable[[int], str]) -> str:
    for _, name in own:
        if folder.read(name) and name not in folder.unreadable and name not in folder.damaged:
            return name
    taken = {number for number, _ in own}
    number = 1
    while number in taken:
        number += 1
    return name_for(number)

def _max_int(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)
