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

import contextlib
import json
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple, cast

from companion.device import (
    Device,
    DeviceError,
    existing_device,
    identity_inside,
    load_device,
    state_dir,
)
from companion.device import lock_path as machine_lock_path
from companion.entries import (
    Entry,
    InvalidEntry,
    check_entry_dict,
    id_key,
)
from companion.month_cache import Moment, MonthCache, file_key, folder_for
from companion.month_file import (
    META,
    MIGRATIONS,
    NOT_OURS,
    TABLE,
    Keep,
    MonthFile,
    StoredEntry,
    canonical,
    check_entry,
    read_entry,
    read_month_file,
    read_month_meta,
)
from companion.storage import (
    DIR_MODE,
    HISTORY_DIR,
    SaveFailed,
    StagedFile,
    StoreError,
    UnreadableFile,
    check_writable,
    file_kind,
    history_lock,
    make_data_folders,
    read_json_file,
    remove_orphaned_temp_files,
    sync_folder,
)
from companion.sync import Changes, DeviceInfo, Folder, Version, Writer
from companion.sync_names import Kind, classify
from companion.sync_stamps import REV, BadStamp, Stamp, legacy_stamp

__all__ = [
    "META", "MIGRATIONS", "NOT_OURS", "TABLE", "Forgotten", "HistoryStore", "MonthFile",
    "PartlyAdded", "Problem", "Record", "month_key", "read_month_file",
]

LEGACY_FILE = "history.json"

# A month file larger than this is not one person's month (ten entries a day for a month is
# about 0.2 MB; this is over a hundred times that). It is read, reported, and never rewritten.
LARGE_MONTH_BYTES = 32 * 1024 * 1024
# How many entries of such a month are held at once while it is read in order.
MONTH_BATCH = 40_000


@dataclass(frozen=True, slots=True)
class Problem:
    """A file the store could not fully read. It has been left exactly as it was."""

    path: Path
    reason: str
    arriving: bool = False  # another machine's file, or a sync tool's copy

    def __str__(self) -> str:
        if self.arriving:
            # A sync tool may be copying it right now.
            return (
                f"{self.path} {self.reason}. It was left untouched and is read again next "
                "time (a sync tool may still be copying it); if it stays like this, move it "
                "aside or restore an export with `companion import`."
            )
        return (
            f"{self.path} {self.reason}. It was left untouched; to recover, move it aside "
            "or restore an export with `companion import`."
        )


@dataclass(frozen=True, slots=True)
class Record:
    """An entry ready to be added: its id as compared, its month file, its stored JSON text.

    Kept instead of the entry while an import or a demo is gathered: a fifth of the memory.
    """

    key: str
    month: str
    text: str

    @classmethod
    def of(cls, entry: Entry, *, checked: bool = False) -> Record:
        """The record of `entry`; `checked` if it was just made by Entry.from_dict (which
        checks everything this would)."""
        record = entry.to_dict()
        if not checked:
            check_entry_dict(record)
        return cls(id_key(entry.id), month_key(entry.started_at),
                   json.dumps(record, ensure_ascii=False))


class Forgotten(NamedTuple):
    """What `forget` did: how many files went, a sentence for each thing it left, and whether
    other machines have files here (each removes its own the next time it saves)."""

    removed: int
    left: list[str]
    others: bool = False


class PartlyAdded(SaveFailed):
    """Some months of an addition were saved, then a rename failed: `added` of `total` new
    entries are in the history; adding the same entries again adds the rest."""

    def __init__(self, reason: str, added: int, total: int) -> None:
        self.reason, self.added, self.total = reason, added, total
        super().__init__(
            f"{reason} {added:,} of {total:,} new entries were saved before that; adding the "
            "same entries again adds the rest."
        )


class HistoryStore:
    """Saves, finds and removes entries. Safe to use from several processes at once, and from
    several machines sharing the data folder through a sync tool.

    `state_dir` holds this machine's identity and lock (device.state_dir() unless given);
    `clock` gives the time in milliseconds for version stamps (the system's unless given).
    """

    def __init__(self, data_dir: Path, *, fsync: bool = True, state_dir: Path | None = None,
                 clock: Callable[[], float] | None = None, cache: bool = True) -> None:
        self.data_dir = Path(data_dir)
        self.history_dir = self.data_dir / HISTORY_DIR
        # Taken too while files from before each machine had its own are here: a companion
        # of that time on this machine may be writing them, under this lock.
        self.legacy_lock_path = self.history_dir / ".lock"
        self.fsync = fsync
        self.state_dir = state_dir
        self.problems: dict[Path, Problem] = {}
        self.notices: list[str] = []
        self._clock = clock
        self._device: Device | None = None
        self._said: set[Path] = set()  # files a notice has been given about
        self._ready = False
        self._cleaned = False
        # Whole months read are kept, derived, in the user's cache folder (month_cache.py).
        self.cache = MonthCache(folder_for(self.data_dir)) if cache else None
        self._deletions: tuple[Folder, str] | None = None

    @property
    def lock_path(self) -> Path:
        """This machine's lock for this data folder (in the state folder, never synced)."""
        return machine_lock_path(self.data_dir, self._state())

    def check(self) -> None:
        """Make sure the history can be saved, before anyone puts time into an entry: the data
        folder, and this machine's identity (made now if it has none)."""
        self._prepare(create=True)
        check_writable(self.history_dir)
        self._identity()

    def this_device(self) -> Device | None:
        """This machine's identity, if it has one (reading never makes one)."""
        return self._device or existing_device(self._state())

    # -- finding the files ------------------------------------------------------------------

    def files(self, month: str | None = None, *, legacy: bool = False) -> list[Path]:
        """The history's month files, or one month's (`2026-11`): every machine's, the files
        from before each machine had its own, and sync tools' copies; oldest month first. With
        `legacy`, a single-file history from before month files (history.json, and its copy
        kept after the move) comes last.

        The one place that knows which files hold entries: reading, writing, export and forget
        all find them here (sync.Folder, given the same listing, sorts them the same way).
        Anything named like a month file is listed, folders and FIFOs too: reading one says
        what it is, and nothing is ever written to it.
        """
        older = sorted(self.data_dir.glob(f"{LEGACY_FILE}*")) if legacy else []
        found = []
        for name in self._listing():
            info = classify(name)
            if info.kind is Kind.MONTH and (month is None or info.month == month):
                order = (info.month, info.device or "", info.number, info.copy or "", name)
                found.append((order, self.history_dir / name))
        return [path for _, path in sorted(found)] + older

    def holds(self, path: Path) -> bool:
        """Whether `path` is, or would be, one of the history's own files: anything in its
        folder (every machine's month files, sync files, locks) or the single-file history from
        before month files. An export written there would be read as history, or replace it."""
        path = path.resolve()
        return (path.parent == self.history_dir.resolve()
                or path == (self.data_dir / LEGACY_FILE).resolve())

    def months(self) -> list[str]:
        """Every month that has a file (`2026-11`), oldest first."""
        return sorted({classify(path.name).month or "" for path in self.files()} - {""})

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
        if _iso(before.started_at) == _iso(after.started_at):
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

    def entries(self) -> Iterator[Entry]:
        """Every readable entry, oldest first, read a month at a time (for an export)."""
        return cast(Iterator[Entry], self._walk(light=False))

    def _walk(self, *, light: bool) -> Iterator[Entry | Moment]:
        self._prepare(create=False)
        folder = self._open_folder(writing=False)
        seen: set[str] = set()
        for month in sorted(folder.months()):
            names = [n for n in folder.month_files([month]) if not folder.read(n)]
            if _total_size(self.history_dir, names) > LARGE_MONTH_BYTES:
                from companion.large_month import LargeMonth  # only a month this large

                found: Iterable[Entry | Moment] = LargeMonth(
                    self.history_dir, MONTH_BATCH, LARGE_MONTH_BYTES, self._note_problem,
                    self._note_large).entries(folder, month)
            else:
                found = self._month_entries(folder, month, light=light)  # in order
            for entry in found:
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

    # -- inside: reading ----------------------------------------------------------------------

    def _listing(self) -> list[str]:
        try:
            return os.listdir(self.history_dir)
        except (FileNotFoundError, NotADirectoryError):
            return []
        except OSError as error:
            raise StoreError(
                f"{self.history_dir} could not be read ({error.strerror or error})."
            ) from None

    def _open_folder(self, *, writing: bool, between: tuple[str, str] | None = None) -> Folder:
        """The folder as listed now, with every machine's device file read (they are small).

        A read of the months `between` (first, last) looks only at names that can be theirs
        (a month file's name, or its copy's, starts with its month): a week's read does not
        grow with the number of months in the folder.
        """
        listing = self._listing()
        if between is not None:
            first, last = between
            listing = [name for name in listing if name.startswith("device")
                       or first <= name.lstrip(".")[:7] <= last]
        folder = Folder(listing, check_record=check_entry if writing else read_entry,
                        canonical=canonical)
        for name in folder.pending():
            # An iCloud placeholder: the file is not on this machine yet. Its name is taken
            # (never written over); its entries show once it has been downloaded.
            inner = name[1:-len(".icloud")]
            folder.leave(inner)
            self._notice_once(
                self.history_dir / inner,
                f"{self.history_dir / inner} is not downloaded yet (only its placeholder "
                f"{name} is here): its entries show once your sync tool has fetched it.",
            )
        for name in folder.device_files():
            if folder.read(name):
                continue
            path = self.history_dir / name
            try:
                data = read_json_file(path, max_size=64 * 1024 * 1024)
            except UnreadableFile as error:
                folder.add_unreadable(name, error.reason)
                continue
            if data is None:
                folder.drop(name)
            else:
                folder.add(name, data)
        return folder

    def _read_months(self, folder: Folder, months: Iterable[str], *, keep: Keep | None = None,
                     writing: bool = False, ids: set[str] | None = None) -> None:
        """Read the months' files into `folder`: everything (`keep` None) or what `keep`
        accepts. Writing, a file this machine must not write or remove is read (only the
        entries `ids` names, if it is too large to hold) and kept as it is."""
        for name in folder.month_files(months):
            if folder.read(name):
                continue
            path = self.history_dir / name
            state, wanted = "ok", keep
            if writing:
                state = self._writable(path, folder.names[name].owned_by(self._device_id()))
                if state == "gone":
                    folder.leave(name)
                    continue
                wanted = _with_ids(ids or set()) if state == "large" else None
            try:
                # Each entry made a Version as it is parsed: only what is kept is held.
                month = read_month_file(path, wanted, folder.converter(name))
            except FileNotFoundError:
                folder.drop(name)
                continue
            except UnreadableFile as error:
                folder.add_unreadable(name, error.reason)
                continue
            if month.size > LARGE_MONTH_BYTES:
                self._note_large(path, month.size)
            folder.add_converted(name, (version for _, version in month.docs), month.meta)
            if state != "ok":
                folder.keep_as_is(name)

    def _month_entries(self, folder: Folder, month: str, keep: Keep | None = None,
                       light: bool = False) -> list[Entry | Moment]:
        """A month's entries (those `keep` accepts) as every machine's files show them, oldest
        first.

        A month comes from the cache while its files are the ones it was made from (as
        Moments, with `light`), whole even when `keep` would take only part of it: the callers
        keep only what they asked for, and a cached month is one that was read clean. Only a
        whole month read is cached."""
        key = self._cache_key(folder, month)
        if key is not None and self.cache is not None:
            cached: list[Entry] | list[Entry | Moment] | None = (
                self.cache.load_moments(month, key) if light else self.cache.load(month, key))
            if cached is not None:
                self._collect_problems(folder)
                return list(cached)
        self._read_months(folder, {month}, keep=keep)
        merged = folder.merge({month})
        self._collect_problems(folder)
        names = folder.month_files([month])
        clean = not any(n in folder.problems or n in folder.damaged for n in names)
        folder.release({month})
        # Kept in order: a cached month is read back in order, with no sorting.
        found = sorted((_entry_of(version) for version in merged.entries.values()), key=_order)
        if key is not None and keep is None and clean and self.cache is not None:
            self.cache.store(month, key, found)
        return list(found)

    def _cache_key(self, folder: Folder, month: str) -> list[Any] | None:
        """What a month's cached copy must have been made under (month_cache.py), or None
        when the month is not cached: a file in it cannot be read as a whole regular file."""
        if self.cache is None:
            return None
        names = folder.month_files([month])
        if any(folder.read(name) for name in names):
            return None  # left (not downloaded yet), unreadable, or already read in part
        files = file_key(self.history_dir / name for name in names)
        if files is None or any(size > LARGE_MONTH_BYTES for _, size, *_ in files):
            return None
        if self._deletions is None or self._deletions[0] is not folder:
            self._deletions = (folder, _deletions_of(folder))
        return [files, self._deletions[1]]

    def _highest_stamp(self, path: Path) -> Stamp:
        """The highest version stamp in one month file, holding none of its entries."""
        highest = legacy_stamp(classify(path.name).number)

        def look(doc: dict[str, Any]) -> bool:
            nonlocal highest
            with contextlib.suppress(BadStamp):
                if REV in doc:
                    highest = max(highest, Stamp.parse(doc[REV]))
            return False

        with contextlib.suppress(OSError, UnreadableFile):
            read_month_file(path, look)
        return highest

    def _collect_problems(self, folder: Folder) -> None:
        for name, reason in folder.problems.items():
            self._note_problem(self.history_dir / name, reason)

    def _note_problem(self, path: Path, reason: str) -> None:
        if path not in self.problems:
            info = classify(path.name)
            arriving = info.history and (info.copy is not None or info.device not in (
                None, self._device_id()))
            self.problems[path] = Problem(path, reason, arriving)

    def _notice_once(self, path: Path, notice: str) -> None:
        if path not in self._said:
            self._said.add(path)
            self.notices.append(notice)

    def _note_large(self, path: Path, size: int) -> None:
        self._notice_once(
            path,
            f"{path} is {size / 1_000_000:,.0f} MB, far more than one person writes in a "
            "month (it may have been made by another program): companion reads it but never "
            "rewrites it; new entries for that month go in a file beside it.",
        )

    # -- inside: writing ----------------------------------------------------------------------

    def _writing_folder(self, device: Device, months: set[str], ids: set[str]) -> Folder:
        """Everything a change to `months` needs read: every device file, and every file of
        those months and of the months a deletion or forget made elsewhere has reached."""
        folder = self._open_folder(writing=True)
        self._read_months(folder, months | folder.months_to_tidy(device.id), writing=True,
                          ids=ids)
        self._collect_problems(folder)
        return folder

    def _writable(self, path: Path, own: bool) -> str:
        """Whether a month file may be written or removed: "ok"; "gone" (not there, or a
        link to nothing); "special" (a FIFO, a folder: reading it says so); "large",
        "theirs" (a link to someone else's file) or "linked" (a link that is not this
        machine's own file): read, and kept as it is."""
        try:
            info = os.stat(path)
        except FileNotFoundError:
            return "gone"
        except OSError:
            return "special"  # reading it says what is wrong
        if not stat.S_ISREG(info.st_mode):
            return "special"
        link = os.path.islink(path)
        if link and hasattr(os, "getuid") and info.st_uid != os.getuid():
            self._notice_once(
                path,
                f"{path} is a link to {os.path.realpath(path)}, which is someone else's "
                "file: companion reads it but never writes to it; new entries for that "
                "month go in a file beside it.",
            )
            return "theirs"
        if info.st_size > LARGE_MONTH_BYTES:
            self._note_large(path, info.st_size)
            return "large"
        if link and not own:
            # A file from before each machine had its own, kept elsewhere (a dotfiles
            # repository): it stays where it points, read, never gathered up.
            return "linked"
        return "ok"

    def _apply(self, changes: Changes) -> None:
        """Write what a change planned, then remove what it no longer needs.

        Every file is written and synced beside the old one first (device files first: a
        deletion's tombstone is in place before its text leaves a month file), so a full disk
        leaves everything as it was; removals come only after every write succeeded.
        """
        staged: list[StagedFile] = []
        try:
            for name, document in sorted(changes.writes.items(), key=_device_files_first):
                staged.append(self._stage(self.history_dir / name, document))
            for file in staged:
                file.commit()
        finally:
            for file in staged:
                file.discard()
        if self.fsync and staged:
            sync_folder(self.history_dir)
        for name in changes.removals:
            self._remove(self.history_dir / name)

    def _stage(self, path: Path, document: dict[str, Any]) -> StagedFile:
        file = StagedFile(path, fsync=self.fsync)
        try:
            file.write(json.dumps(document, ensure_ascii=False))
            file.finish()
        except BaseException:
            file.discard()
            raise
        return file

    def _remove(self, path: Path) -> None:
        """Remove a file a change no longer needs; a link to this machine's own file is
        emptied instead (it stays where the person put it)."""
        with contextlib.suppress(OSError):
            if os.path.islink(path):
                empty = {META: {"1": {"schema": 1, "device": self._device_id()}}, TABLE: {}}
                self._stage(path, empty).commit()
            else:
                path.unlink()

    def _add_records(self, device: Device, records: list[Record]) -> int:
        """add_missing's work, under the lock: a month at a time, every file staged before
        the first replaces its old one."""
        by_month: dict[str, list[Record]] = {}
        for record in records:
            by_month.setdefault(record.month, []).append(record)
        del records
        folder = self._open_folder(writing=True)
        now = self._now()
        writes: dict[str, StagedFile] = {}
        counts: dict[str, int] = {}
        device_write: dict[str, dict[str, Any]] = {}
        removals: list[str] = []
        staged: list[StagedFile] = []
        try:
            for number, month in enumerate(sorted(by_month)):
                tidy = number == 0
                months = {month} | (folder.months_to_tidy(device.id) if tidy else set())
                ids = {record.key for record in by_month[month]}
                self._read_months(folder, months, writing=True, ids=ids)
                writer = Writer(folder, device, now, {month}, tidy=tidy)
                added = writer.add_missing(json.loads(r.text) for r in by_month.pop(month))
                changes = writer.changes()
                for name, document in changes.writes.items():
                    if classify(name).kind is Kind.DEVICE:
                        device_write = {name: document}
                    else:
                        if name in writes:  # a month tidied first, then added to
                            writes[name].discard()
                        writes[name] = self._stage(self.history_dir / name, document)
                        counts[name] = added if classify(name).month == month else 0
                removals += changes.removals
                folder.release(months)
            self._collect_problems(folder)
            staged += [self._stage(self.history_dir / n, d) for n, d in device_write.items()]
            staged += writes.values()
            total = sum(counts.values())
            done = 0
            for file in staged:
                try:
                    file.commit()
                except SaveFailed as error:
                    if not done:
                        raise
                    raise PartlyAdded(str(error), done, total) from None
                done += counts.get(file.path.name, 0)
        finally:
            for file in [*staged, *writes.values()]:
                file.discard()
        if self.fsync:
            sync_folder(self.history_dir)
        for name in dict.fromkeys(removals):
            self._remove(self.history_dir / name)
        return sum(counts.values())

    def _forget_file(self, path: Path) -> tuple[int, str]:
        """Delete one history file; (files removed, why something was left or "")."""
        info = os.lstat(path)
        if os.path.islink(path):
            target = Path(os.path.realpath(path))
            try:
                target_info = os.stat(target)
            except FileNotFoundError:
                path.unlink()  # a link to nothing holds nothing
                return 1, ""
            if not stat.S_ISREG(target_info.st_mode):
                return 0, f"is a link to {target}, which is {file_kind(target_info.st_mode)}; " \
                    "it was left as it is"
            if hasattr(os, "getuid") and target_info.st_uid != os.getuid():
                return 0, f"is a link to {target}, which is someone else's; both were left"
            kind = classify(path.name).kind
            if kind not in (Kind.MONTH, Kind.DEVICE) or not _is_history(target, kind):
                return 0, f"is a link to {target}, which is not a companion history file; " \
                    "both were left"
            target.unlink()
            path.unlink()
            return 2, ""
        if not stat.S_ISREG(info.st_mode):
            # A folder or a FIFO named like a month file is not something companion made.
            return 0, f"is {file_kind(info.st_mode)}, not a history file; it was left as it is"
        path.unlink()
        return 1, ""

    @contextlib.contextmanager
    def _locked(self) -> Iterator[Device]:
        """This machine's lock (and, while files from before each machine had its own are
        here, the lock companions of that time take), and this machine's identity."""
        self._prepare(create=True)
        device = self._identity()
        lock = self.lock_path
        try:
            lock.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"Could not create {lock.parent} for this machine's lock: "
                f"{error.strerror or error}."
            ) from None
        with history_lock(lock), contextlib.ExitStack() as stack:
            legacy = self._has_legacy_files()
            if legacy:
                stack.enter_context(history_lock(self.legacy_lock_path))
            if not self._cleaned:
                remove_orphaned_temp_files(
                    self.history_dir, lambda name: _may_clean(name, device.id, legacy))
                self._cleaned = True
                self._migrate_legacy_file(device)
            yield device

    def _has_legacy_files(self) -> bool:
        return (self.data_dir / LEGACY_FILE).is_file() or any(
            classify(name).legacy for name in self._listing())

    def _identity(self) -> Device:
        if self._device is None:
            folder = self._state()
            try:
                device, notices = load_device(folder)
            except DeviceError as error:
                raise StoreError(str(error)) from None
            self.notices.extend(notices)
            warning = identity_inside(self.data_dir, folder)
            if warning:
                self.notices.append(warning)
            self._device = device
        return self._device

    def _device_id(self) -> str:
        device = self.this_device()
        return device.id if device else ""

    def _state(self) -> Path:
        return self.state_dir if self.state_dir is not None else state_dir()

    def _now(self) -> int:
        if self._clock is not None:
            return int(self._clock())
        return time.time_ns() // 1_000_000

    def _prepare(self, *, create: bool) -> None:
        if self._ready:
            return
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise StoreError(f"The data folder {self.data_dir} is a file, not a folder.")
        if not self.history_dir.is_dir() and not create:
            if (self.data_dir / LEGACY_FILE).is_file():
                with self._locked():
                    pass
            return
        self.notices.extend(make_data_folders(self.data_dir, self.history_dir))
        self._ready = True

    def _migrate_legacy_file(self, device: Device) -> None:
        """Move a single-file history (history.json) into month files, keeping the original."""
        legacy = self.data_dir / LEGACY_FILE
        if not legacy.is_file():
            return
        try:
            data = read_json_file(legacy) or {}
        except UnreadableFile as error:
            self._note_problem(error.path, error.reason)
            return
        table = data.get(TABLE, data.get("_default", {}))
        records = []
        for doc in table.values() if isinstance(table, dict) else ():
            try:
                records.append(Record.of(Entry.from_dict(doc), checked=True))
            except (InvalidEntry, TypeError, ValueError, OverflowError) as error:
                self._note_problem(legacy, f"has an entry that could not be moved ({error})")
                return
        self._add_records(device, records)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        legacy.rename(legacy.with_name(f"{LEGACY_FILE}.migrated-{stamp}"))
        self.notices.append(
            f"Moved {len(records)} entries from {legacy.name} into monthly files; "
            f"the original is kept as {legacy.name}.migrated-{stamp}."
        )


def _with_ids(ids: set[str]) -> Keep:
    def keep(doc: dict[str, Any]) -> bool:
        return isinstance(doc.get("id"), str) and id_key(doc["id"]) in ids

    return keep


def _starting_between(start: datetime, end: datetime) -> Keep:
    def keep(doc: dict[str, Any]) -> bool:
        moment = _start_of(doc)
        return moment is None or start <= moment < end  # None: let the check name it

    return keep


def _deletions_of(folder: Folder) -> str:
    """Every machine's deletions and forgets (and which device files could not be read), as
    one digest: what merging a month's files takes from outside them."""
    import hashlib

    state: list[Any] = [[info.name, str(record.forgotten),
                         sorted((k, str(t.stamp), t.month) for k, t in record.deleted.items())]
                        for info, record in folder.device_records()]
    state.append(sorted(n for n in folder.device_files() if n in folder.unreadable))
    return hashlib.blake2b(json.dumps(state).encode(), digest_size=16).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _month_start(month: str, later: int = 0) -> datetime:
    """The first moment (UTC) of month `2026-11`, or of the month `later` months after it."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + later
    year = index // 12
    if year > 9999:
        return datetime.max.replace(tzinfo=UTC)
    return datetime(year, index % 12 + 1, 1, tzinfo=UTC)


def _entry_of(version: Version) -> Entry:
    record = version.record
    if isinstance(record, StoredEntry):
        return record.entry
    return Entry.from_dict(dict(record))


def _order(entry: Entry | Moment) -> tuple[datetime, str]:
    return entry.started_at, id_key(entry.id)


def _device_files_first(item: tuple[str, Any]) -> tuple[bool, str]:
    return classify(item[0]).kind is not Kind.DEVICE, item[0]


def _may_clean(temp_name: str, device: str, legacy_locked: bool) -> bool:
    """Whether a leftover temporary file (named for the file it was to replace) may go: this
    machine's own files', and files of before each machine had its own while their lock is
    held; never another machine's (a sync tool may be bringing one over)."""
    if temp_name == "probe":
        return True
    info = classify(temp_name)
    return info.owned_by(device) or (info.legacy and info.copy is None and legacy_locked)


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


def _total_size(folder: Path, names: list[str]) -> int:
    total = 0
    for name in names:
        with contextlib.suppress(OSError):
            total += os.stat(folder / name).st_size
    return total


def _is_history(path: Path, kind: Kind) -> bool:
    """Whether `path` (a link's target) is a companion month file, or device file."""
    try:
        if kind is Kind.DEVICE:
            return isinstance(read_json_file(path), dict)
        read_month_file(path, lambda doc: False)
    except (OSError, UnreadableFile):
        return False
    return True


def month_key(moment: datetime) -> str:
    """The month file an entry starting at `moment` belongs in: its UTC month, as `0999-06`."""
    utc = moment.astimezone(UTC)
    # Four digits always: strftime("%Y") gives "999", a name the store would never read back.
    return f"{utc.year:04d}-{utc.month:02d}"
