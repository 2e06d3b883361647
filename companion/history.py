"""The history store: every entry a person saves, in month files each machine writes alone.

Layout inside the data folder (companion/sync_names.py has every name, docs/sync.md the design)::

    history/2026-11.k3jd6f2q7a.json   this machine's entries whose started_at falls in that UTC
                                      month (always four digits for the year: 0999-06)
    history/2026-11.m2xq7hd3pa.json   another machine's, for the same month
    history/device.k3jd6f2q7a.json    this machine's name, its deletions and its forget
    history/2026-11.json              written before each machine had its own files: read,
                                      then gathered into this machine's file at its next write

The data folder may sit in a folder a sync tool shares between machines: each machine writes
only its own files, and reading merges every machine's (companion/sync.py: the later change
wins, deletions travel, sync tools' copies are read). The machine's identity and the lock that
lets two companions on one machine share the history live outside the data folder
(companion/device.py), so no machine ever waits for another.

Every file is read through one path: `files` and the folder's listing find them, month_file
reads one as a stream keeping only the entries asked for, and sync.Folder merges them, so a
week's read holds that week's entries and an export one month's, whatever the size of the
history or of one file. A damaged file or one from a newer companion is never written to:
reads report it in `problems` and this machine's new entries go in a file beside it. A month
file far larger than one person's month (LARGE_MONTH_BYTES), a link to someone else's file or
a link kept elsewhere that is not this machine's own file is read, and kept as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, NamedTuple, cast

from companion.entries import (
    Entry,
    check_entry_dict,
    id_key,
)
from companion.history_files import (
    LARGE_MONTH_BYTES,
    LEGACY_FILE,
    Problem,
    _entry_of,
    _order,
    _total_size,
    month_key,
)
from companion.history_writing import HistoryWriter, PartlyAdded, Record
from companion.month_cache import Moment, id_digest
from companion.month_file import (
    META,
    MIGRATIONS,
    NOT_OURS,
    TABLE,
    Keep,
    MonthFile,
    read_month_file,
    read_month_meta,
)
from companion.storage import (
    UnreadableFile,
    check_writable,
    sync_folder,
)
from companion.sync import Changes, DeviceInfo, Folder
from companion.sync_stamps import legacy_stamp
from companion.sync_writer import Writer

__all__ = [
    "META", "MIGRATIONS", "NOT_OURS", "TABLE", "Forgotten", "HistoryStore", "MonthFile",
    "PartlyAdded", "Problem", "Record", "month_key", "read_month_file",
]

# How many entries of such a month are held at once while it is read in order.
MONTH_BATCH = 40_000


class Forgotten(NamedTuple):
    """What `forget` did: how many files went, a sentence for each thing it left, and whether
    other machines have files here (each removes its own the next time it saves)."""

    removed: int
    left: list[str]
    others: bool = False


class HistoryStore(HistoryWriter):
    """Saves, finds and removes entries. Safe to use from several processes at once, and from
    several machines sharing the data folder through a sync tool.

    `state_dir` holds this machine's identity and lock (device.state_dir() unless given);
    `clock` gives the time in milliseconds for version stamps (the system's unless given).
    """

    def check(self) -> None:
        """Make sure the history can be saved, before anyone puts time into an entry: the data
        folder, and this machine's identity (made now if it has none)."""
        self._prepare(create=True)
        check_writable(self.history_dir)
        self._identity()

    def devices(self) -> list[DeviceInfo]:
        """The machines whose files are in the folder, this one first, with when each last
        wrote (by its own clock)."""
        self._prepare(create=False)
        folder = self._open_folder(writing=False)
        for name in folder.month_files():
            info = folder.names[name]
            if info.device is None or info.copy is not None or folder.read(name):
                continue
            try:
                meta = read_month_meta(self.history_dir / name)
            except FileNotFoundError:
                continue
            except UnreadableFile as error:
                folder.add_unreadable(name, error.reason)
                continue
            folder.add(name, {META: {"1": meta}, TABLE: {}})
        self._collect_problems(folder)
        device = self.this_device()
        return folder.devices(device.id if device else None)

    # -- writing ----------------------------------------------------------------------------

    def save(self, entry: Entry) -> Entry:
        """Add the entry, or replace the stored entry with the same id. Returns it."""
        record = entry.to_dict()
        check_entry_dict(record)
        month = month_key(entry.started_at)
        with self._locked() as device:
            folder = self._writing_folder(device, {month}, {id_key(entry.id)})
            writer = Writer(folder, device, self._now(), {month})
            writer.save(record)
            self._apply(writer.changes())
        return entry

    def move(self, before: Entry, after: Entry) -> Entry:
        """Save `after`, an edit of `before`; when its time changed, `before` is deleted first.

        A save alone would leave `before`'s time in older versions: in its old month file, read
        by a look at that month alone, and in another machine's file, which this machine does
        not rewrite. A read of a span keeps the versions that start in it before choosing the
        newest, so such an old version would show in the old span. Its tombstone beats every
        version stamped below it wherever it is read; the new version is stamped above the
        tombstone and wins. Both under one lock; if the save fails, `before` is put back."""
        if before.started_at.isoformat() == after.started_at.isoformat():
            return self.save(after)
        record = after.to_dict()
        check_entry_dict(record)
        with self._locked() as device:
            old = month_key(before.started_at)
            folder = self._writing_folder(device, {old}, {id_key(before.id)})
            writer = Writer(folder, device, self._now(), {old})
            deleted = writer.delete(before.id)
            if deleted:
                self._apply(writer.changes())
            try:
                new = month_key(after.started_at)
                folder = self._writing_folder(device, {new}, {id_key(after.id)})
                writer = Writer(folder, device, self._now(), {new})
                writer.save(record)
                self._apply(writer.changes())
            except BaseException:
                if deleted:
                    folder = self._writing_folder(device, {old}, {id_key(before.id)})
                    writer = Writer(folder, device, self._now(), {old})
                    writer.save(before.to_dict())
                    self._apply(writer.changes())
                raise
        return after

    def delete(self, entry: Entry) -> bool:
        """Remove the entry; True if it was there. A tombstone in this machine's device file
        (the id, never the text) keeps it from coming back from another machine's files."""
        month = month_key(entry.started_at)
        with self._locked() as device:
            folder = self._writing_folder(device, {month}, {id_key(entry.id)})
            writer = Writer(folder, device, self._now(), {month})
            if not writer.delete(entry.id):
                return False
            self._apply(writer.changes())
        return True

    def add_missing(self, entries: Iterable[Entry | Record]) -> int:
        """Save the entries that are not in the history (a deleted one counts as not); returns
        how many were added.

        Importing the same file twice adds nothing the second time. All or nothing: every
        month's new file is written and synced beside the old one before the first replaces
        it, so a full disk (or any failed write) leaves the history as it was (SaveFailed).
        Only if a rename fails after others succeeded is it part-way (PartlyAdded says how
        many were added; adding the same entries again adds the rest). A month at a time, each
        file written once however many entries land in it, and what is gathered is held as
        stored text (Record), so 100,000 entries fit in well under 200 MB.
        """
        records = [item if isinstance(item, Record) else Record.of(item) for item in entries]
        with self._locked() as device:
            return self._add_records(device, records)

    def forget(self) -> Forgotten:
        """Delete every history file here (including damaged ones and other machines'), and
        leave a forget marker in this machine's device file, so that older files arriving later
        from another machine stay forgotten.

        A month file that is a link goes with the file it points to, if that is the person's
        own companion history file; anything else named like a history file (a folder, a FIFO,
        a link to something else) is left, with a sentence saying so in `left`.
        """
        removed = 0
        left: list[str] = []
        with self._locked() as device:
            folder = self._open_folder(writing=True)
            highest = legacy_stamp(0)
            for name in folder.month_files():
                highest = max(highest, self._highest_stamp(self.history_dir / name))
            writer = Writer(folder, device, self._now(), tidy=False)
            writer.forget(above=highest)
            changes = writer.changes()
            others = {name for name in folder.month_files()
                      if folder.names[name].device not in (None, device.id)}
            self._apply(Changes(changes.writes, ()))
            paths = [self.history_dir / name for name in sorted({*changes.removals, *others})]
            paths += sorted(self.data_dir.glob(f"{LEGACY_FILE}*"))
            for path in paths:
                try:
                    count, reason = self._forget_file(path)
                except FileNotFoundError:
                    continue
                except OSError as error:
                    count, reason = 0, f"could not be deleted ({error.strerror or error})"
                removed += count
                if reason:
                    left.append(f"{path} {reason}")
            if self.fsync:
                sync_folder(self.history_dir)
        if self.cache is not None:
            self.cache.remove()  # it holds the same words
        self.problems.clear()
        return Forgotten(removed, left, bool(changes.others or others))

    # -- reading ----------------------------------------------------------------------------

    def between(self, start: datetime, end: datetime) -> list[Entry]:
        """Entries that started at or after `start` and before `end`, oldest first.

        Only the months in the range are read, and only the entries in the range are kept.
        """
        self._prepare(create=False)
        return cast(list[Entry], self._between(start, end, _starting_between(start, end),
                                                light=False))

    def _between(self, start: datetime, end: datetime, keep: Keep, *, light: bool
                 ) -> list[Entry | Moment]:
        first, last = month_key(start), month_key(end)
        folder = self._open_folder(writing=False, between=(first, last))
        found: list[Entry | Moment] = []
        for month in sorted(m for m in folder.months() if first <= m <= last):
            whole = start <= _month_start(month) and _month_start(month, 1) <= end
            found.extend(self._month_entries(folder, month, None if whole else keep, light))
        return sorted((e for e in found if start <= e.started_at < end), key=_order)

    def moments(self, start: datetime | None = None, end: datetime | None = None
                ) -> list[Entry | Moment]:
        """What `insights` reads, lighter to load: the entries of all() (or of between(start,
        end)), but each one a whole month's cached copy holds as a month_cache.Moment (what
        the tallies read of it), except repairs, always their Entry."""
        if start is None or end is None:
            return list(self._walk(light=True))
        self._prepare(create=False)
        return self._between(start, end, _starting_between(start, end), light=True)

    def derived_months(self, kind: str, made_under: Callable[[str], Any],
                       between: tuple[datetime, datetime] | None = None,
                       derive: Callable[[str, list[Entry | Moment]], Any] | None = None
                       ) -> list[DerivedMonth] | None:
        """Each month of all() (or of between(start, end), as UTC months), with a value
        derived from its entries kept in the month cache under `kind` and `made_under(month)`
        when there is one, how to read its moments (as moments() gives them), and how to keep
        such a value (None when the month is not cached). With `derive`, a whole month with
        none kept has its value derived from its moments as it is read, and kept; its moments
        are then let go (read again if asked for), so a first run does not hold every month's
        at once (50,000 entries: ~110 MB). `derive` gives None when it cannot.

        All of it: None when an id is in two months (files made elsewhere), where all() shows
        only the first copy: the caller reads moments() instead."""
        self._prepare(create=False)
        first = last = None
        if between is not None:
            first, last = month_key(between[0]), month_key(between[1])
        folder = self._open_folder(writing=False,
                                   between=None if first is None or last is None
                                   else (first, last))
        found: list[DerivedMonth] = []
        seen: set[str] = set()
        count = 0
        for month in sorted(folder.months()):
            if first is not None and last is not None and not first <= month <= last:
                continue
            if between is not None and _month_start(month) >= between[1]:
                continue  # a span ending as this month begins: nothing of it is here
            key = self._cache_key(folder, month)
            kept = None
            made = None if key is None else [key, made_under(month)]
            if made is not None and self.cache is not None:
                kept = self.cache.load_derived(month, kind, made)
            if kept is not None:
                self._collect_problems(folder)
                value, ids = kept
                moments = _unread(self, folder, month)
            else:
                part = None
                if between is not None and not (between[0] <= _month_start(month)
                                                and _month_start(month, 1) <= between[1]):
                    # A month at the span's edge, read as between() reads it: only its
                    # entries in the span, so its sums are not kept.
                    part = _starting_between(*between)
                    made = None
                value = None
                found_moments = (self._month_moments(folder, month) if part is None
                                 else self._month_entries(folder, month, part, light=True))
                ids = {id_digest(e.id) for e in found_moments}
                moments = _held(found_moments)
            keep = None
            if made is not None and not any(n in folder.problems or n in folder.damaged
                                            for n in folder.month_files([month])):
                # A kept value the caller cannot use (from an older companion) is made again.
                keep = _keeper(self, month, kind, made, ids)
            if kept is None and keep is not None and derive is not None:
                value = derive(month, found_moments)
                if value is not None:
                    keep(value)
                    keep, moments = None, _unread(self, folder, month)
            found.append(DerivedMonth(month, value, moments, keep))
            if between is None:
                seen |= ids
                count += len(ids)
                if len(seen) != count:
                    return None  # an id in two months (or two ids with one digest)
        return found

    def _month_moments(self, folder: Folder, month: str) -> list[Entry | Moment]:
        """A month's moments as _walk reads them."""
        return list(self._month_found(folder, month, light=True))

    def _month_found(self, folder: Folder, month: str, *, light: bool
                     ) -> Iterable[Entry | Moment]:
        """A month's entries in order: a month too large to cache a batch at a time, the
        rest through the cache."""
        names = [n for n in folder.month_files([month]) if not folder.read(n)]
        if _total_size(self.history_dir, names) > LARGE_MONTH_BYTES:
            from companion.large_month import LargeMonth  # only a month this large

            return LargeMonth(self.history_dir, MONTH_BATCH, LARGE_MONTH_BYTES,
                              self._note_problem, self._note_large).entries(folder, month)
        return self._month_entries(folder, month, light=light)

    def entries(self) -> Iterator[Entry]:
        """Every readable entry, oldest first, read a month at a time (for an export)."""
        return cast(Iterator[Entry], self._walk(light=False))

    def _walk(self, *, light: bool) -> Iterator[Entry | Moment]:
        self._prepare(create=False)
        folder = self._open_folder(writing=False)
        seen: set[str] = set()
        for month in sorted(folder.months()):
            for entry in self._month_found(folder, month, light=light):
                # companion files an entry by its start, which never changes, so an id is in
                # two months only in files made elsewhere: the first copy is the one shown.
                entry_key = id_key(entry.id)
                if entry_key not in seen:
                    seen.add(entry_key)
                    yield entry

    def entries_where(self, might: Callable[[str, list[str]], bool]) -> list[Entry]:
        """The entries of all() whose own searchable text and keys (search.own_text) `might`
        accepts, oldest first: for a search, which makes only those of a cached month."""
        from companion.search import own_text  # only for a search

        def marked(entries: Iterable[Entry]) -> Iterator[tuple[str, Entry | None]]:
            for entry in entries:
                yield entry.id, entry if might(*own_text(entry)) else None

        self._prepare(create=False)
        folder = self._open_folder(writing=False)
        seen: set[str] = set()
        found: list[Entry] = []
        for month in sorted(folder.months()):
            names = [n for n in folder.month_files([month]) if not folder.read(n)]
            key = self._cache_key(folder, month)
            cached = None
            if key is not None and self.cache is not None:
                cached = self.cache.load_where(month, key, might)
            if cached is not None:
                self._collect_problems(folder)
                ids: Iterable[tuple[str, Entry | None]] = cached
            elif _total_size(self.history_dir, names) > LARGE_MONTH_BYTES:
                from companion.large_month import LargeMonth  # only a month this large

                ids = marked(LargeMonth(
                    self.history_dir, MONTH_BATCH, LARGE_MONTH_BYTES, self._note_problem,
                    self._note_large).entries(folder, month))
            else:
                ids = marked(cast(list[Entry], self._month_entries(folder, month)))
            for entry_id, entry in ids:
                # As entries(): an id in two months is the first copy's (found or not).
                entry_key = id_key(entry_id)
                if entry_key not in seen:
                    seen.add(entry_key)
                    if entry is not None:
                        found.append(entry)
        return found

    def all(self) -> list[Entry]:
        """Every readable entry, oldest first."""
        return list(self.entries())

    def count(self) -> int:
        return sum(1 for _ in self.entries())

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id (in any case), or None if there is none or it was deleted."""
        self._prepare(create=False)
        wanted = id_key(entry_id)

        def keep(doc: dict[str, Any]) -> bool:
            return isinstance(doc.get("id"), str) and id_key(doc["id"]) == wanted

        folder = self._open_folder(writing=False)
        for month in sorted(folder.months()):
            self._read_months(folder, {month}, keep=keep)
            merged = folder.merge({month})
            self._collect_problems(folder)
            folder.release({month})
            found = merged.entries.get(wanted)
            if found is not None:
                return _entry_of(found)
            if wanted in merged.deleted:
                return None
        return None


class DerivedMonth(NamedTuple):
    """One month as derived_months gives it (insights_sums.MonthPart)."""

    month: str  # 2026-11
    kept: Any | None  # the value kept for it, as JSON
    moments: Callable[[], list[Entry | Moment]]
    keep: Callable[[Any], None] | None


def _held(moments: list[Entry | Moment]) -> Callable[[], list[Entry | Moment]]:
    return lambda: moments


def _unread(store: HistoryStore, folder: Folder, month: str
            ) -> Callable[[], list[Entry | Moment]]:
    return lambda: store._month_moments(folder, month)


def _keeper(store: HistoryStore, month: str, kind: str, key: Any, ids: set[str]
            ) -> Callable[[Any], None] | None:
    cache = store.cache
    if cache is None:
        return None
    return lambda value: cache.store_derived(month, kind, key, ids, value)


def _starting_between(start: datetime, end: datetime) -> Keep:
    def keep(doc: dict[str, Any]) -> bool:
        moment = _start_of(doc)
        return moment is None or start <= moment < end  # None: let the check name it

    return keep
def _month_start(month: str, later: int = 0) -> datetime:
    """The first moment (UTC) of month `2026-11`, or of the month `later` months after it."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + later
    year = index // 12
    if year > 9999:
        return datetime.max.replace(tzinfo=UTC)
    return datetime(year, index % 12 + 1, 1, tzinfo=UTC)
def _start_of(doc: dict[str, Any]) -> datetime | None:
    """An entry dict's start, if it is a time with an offset; None if not (the full check
    says what is wrong)."""
    value = doc.get("started_at")
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
        moment.timestamp()  # out of the calendar in UTC: OverflowError
    except (ValueError, OverflowError):
        return None
    return moment if moment.utcoffset() is not None else None
