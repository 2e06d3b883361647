"""Reading the history's files: finding them, reading every machine's device files and the
months asked for into one sync.Folder (merged there), the month cache, and what a read found
wrong (problems, notices). companion/history.py has the whole design.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from companion.device import (
    Device,
    existing_device,
    state_dir,
)
from companion.device import lock_path as machine_lock_path
from companion.entries import (
    Entry,
    id_key,
)
from companion.month_cache import Moment, MonthCache, file_key, folder_for
from companion.month_file import (
    Keep,
    StoredEntry,
    canonical,
    check_entry,
    read_entry,
    read_month_file,
)
from companion.storage import (
    HISTORY_DIR,
    StoreError,
    UnreadableFile,
    read_json_file,
)
from companion.sync import Folder, Version
from companion.sync_names import Kind, classify
from companion.sync_stamps import REV, BadStamp, Stamp, legacy_stamp

LEGACY_FILE = "history.json"

# A month file larger than this is not one person's month (ten entries a day for a month is
# about 0.2 MB; this is over a hundred times that). It is read, reported, and never rewritten.
LARGE_MONTH_BYTES = 32 * 1024 * 1024


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


class HistoryFiles:
    """The history's files and their reading; HistoryStore (companion/history.py) builds on it.

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
        # One more after each change this store makes (a save, an edit, a delete, an import, a
        # forget), done or failed: what was summed up before is then out of date (read_ahead.py).
        self.changes_made = 0

    @property
    def lock_path(self) -> Path:
        """This machine's lock for this data folder (in the state folder, never synced)."""
        return machine_lock_path(self.data_dir, self._state())

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

    def looks(self) -> frozenset[tuple[str, int, int, int, int]]:
        """Every file in the history's folder, and the single-file history from before month
        files, as (name, size, modified, changed, inode), what the month cache keys a file by
        (month_cache.file_key): any change to what a read finds changes this, made by this
        companion or not (another process, a sync tool that keeps a file's modified time, a
        hand). A stat each, no reading."""
        seen: set[tuple[str, int, int, int, int]] = set()
        paths = [self.data_dir / LEGACY_FILE]
        with contextlib.suppress(OSError):
            paths += [Path(entry.path) for entry in os.scandir(self.history_dir)]
        for path in paths:
            with contextlib.suppress(OSError):
                found = path.stat()
                seen.add((path.name, found.st_size, found.st_mtime_ns, found.st_ctime_ns,
                          found.st_ino))
        return frozenset(seen)

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

    def _device_id(self) -> str:
        device = self.this_device()
        return device.id if device else ""

    def _state(self) -> Path:
        return self.state_dir if self.state_dir is not None else state_dir()


def _with_ids(ids: set[str]) -> Keep:
    def keep(doc: dict[str, Any]) -> bool:
        return isinstance(doc.get("id"), str) and id_key(doc["id"]) in ids

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

def _entry_of(version: Version) -> Entry:
    record = version.record
    if isinstance(record, StoredEntry):
        return record.entry
    return Entry.from_dict(dict(record))


def _order(entry: Entry | Moment) -> tuple[datetime, str]:
    return entry.started_at, id_key(entry.id)

def _total_size(folder: Path, names: list[str]) -> int:
    total = 0
    for name in names:
        with contextlib.suppress(OSError):
            total += os.stat(folder / name).st_size
    return total

def month_key(moment: datetime) -> str:
    """The month file an entry starting at `moment` belongs in: its UTC month, as `0999-06`."""
    utc = moment.astimezone(UTC)
    # Four digits always: strftime("%Y") gives "999", a name the store would never read back.
    return f"{utc.year:04d}-{utc.month:02d}"
