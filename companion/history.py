"""The history store: every entry a person saves, one TinyDB file per month.

Layout inside the data folder::

    history/2026-11.json     entries whose started_at falls in that UTC month
    history/2026-11.2.json   used only when 2026-11.json cannot be read safely
    history/.lock            the inter-process lock (empty; safe to leave behind)

One file per month keeps a save and a week's read to one or two small files however long the
history grows. A damaged or foreign file is never written to: new entries for its month go to
the next numbered file beside it, and reads skip it and report it in `problems`.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion.entries import SCHEMA, Entry, InvalidEntry, check_entry_dict
from companion.storage import (
    HISTORY_DIR,
    StoreError,
    UnreadableFile,
    check_writable,
    history_lock,
    make_data_folders,
    read_json_file,
    remove_orphaned_temp_files,
    write_atomically,
)

if TYPE_CHECKING:
    from tinydb import TinyDB

TABLE = "entries"
META = "_meta"
LEGACY_FILE = "history.json"
_SHARD_NAME = re.compile(r"^(\d{4})-(\d{2})(?:\.(\d+))?\.json$")

# Entry migrations by the schema they upgrade from: MIGRATIONS[1] turns a schema-1 entry dict
# into a schema-2 one. Files are upgraded in memory on read and on disk at their next write.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


@dataclass(frozen=True, slots=True)
class Problem:
    """A file the store could not fully read. It has been left exactly as it was."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.path} {self.reason}. It was left untouched; to recover, move it aside "
            "or restore an export with `companion import`."
        )


class AtomicJSONStorage:
    """A TinyDB storage that never leaves a half-written file behind.

    TinyDB needs only read, write and close from a storage; not subclassing its Storage keeps
    TinyDB out of the imports until the history is first opened, after the app's first frame.

    Meant to be used while the caller holds `history_lock`: within one TinyDB session it reads
    the file once and serves later reads from memory, since nobody else can change it meanwhile.
    """

    def __init__(self, path: str | Path, fsync: bool = True) -> None:
        self.path = Path(path)
        self._fsync = fsync
        self._data: dict[str, Any] | None = None

    def read(self) -> dict[str, Any] | None:
        if self._data is None:
            self._data = read_json_file(self.path)
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        write_atomically(self.path, json.dumps(data, ensure_ascii=False), fsync=self._fsync)
        self._data = data

    def close(self) -> None:
        self._data = None


class HistoryFile(AtomicJSONStorage):
    """One month's TinyDB file, checked for shape and schema before TinyDB sees it."""

    def read(self) -> dict[str, Any] | None:
        data = super().read()
        if data is None:
            return None
        meta = data.get(META, {}).get("1", {}) if isinstance(data.get(META), dict) else None
        table = data.get(TABLE, {})
        foreign = set(data) - {META, TABLE}
        if meta is None or not isinstance(meta, dict) or not isinstance(table, dict) or foreign:
            raise UnreadableFile(self.path, "does not look like a companion history file")
        if not all(isinstance(doc, dict) for doc in table.values()):
            raise UnreadableFile(self.path, "does not look like a companion history file")
        schema = meta.get("schema", SCHEMA)
        if not isinstance(schema, int) or schema > SCHEMA:
            raise UnreadableFile(
                self.path, f"was written by a newer companion (schema {schema!r})"
            )
        for version in range(schema, SCHEMA):
            for key, doc in table.items():
                table[key] = MIGRATIONS[version](doc)
        return data

    def write(self, data: dict[str, Any]) -> None:
        data[META] = {"1": {"schema": SCHEMA}}
        super().write(data)


class HistoryStore:
    """Saves, finds and removes entries. Safe to use from several processes at once."""

    def __init__(self, data_dir: Path, *, fsync: bool = True) -> None:
        self.data_dir = Path(data_dir)
        self.history_dir = self.data_dir / HISTORY_DIR
        self.lock_path = self.history_dir / ".lock"
        self.fsync = fsync
        self.problems: dict[Path, Problem] = {}
        self.notices: list[str] = []
        self._ready = False

    def check(self) -> None:
        """Make sure the data folder can be used, before anyone puts time into an entry."""
        self._prepare(create=True)
        check_writable(self.history_dir)

    # -- writing ----------------------------------------------------------------------------

    def save(self, entry: Entry) -> Entry:
        """Add the entry, or replace the stored entry with the same id. Returns it."""
        record = entry.to_dict()
        check_entry_dict(record)
        with self._locked():
            self._save_locked(record)
        return entry

    def delete(self, entry: Entry) -> bool:
        """Remove the entry; True if it was there."""
        from tinydb import Query

        with self._locked():
            for path in self._month_files(_month_key(entry.started_at)):
                with self._open(path) as db:
                    if db is None or not db.table(TABLE).contains(Query().id == entry.id):
                        continue
                    db.table(TABLE).remove(Query().id == entry.id)
                    return True
        return False

    def add_missing(self, entries: Iterable[Entry]) -> int:
        """Save the entries whose ids are not in the history yet; returns how many were added.

        Importing the same file twice adds nothing the second time. Each month's file is
        written once however many entries land in it, so a 50,000-entry import (or `companion
        demo`) is a few hundred writes, not 50,000.
        """
        by_month: dict[str, list[dict[str, Any]]] = {}
        with self._locked():
            known = {entry.id for entry in self._read_all()}
            for entry in entries:
                if entry.id in known:
                    continue
                record = entry.to_dict()
                check_entry_dict(record)
                by_month.setdefault(_month_key(entry.started_at), []).append(record)
                known.add(entry.id)
            for key, records in sorted(by_month.items()):
                with contextlib.ExitStack() as stack:
                    for path in [*self._month_files(key), self._next_free_file(key)]:
                        db = stack.enter_context(self._open(path))
                        if db is not None:
                            db.table(TABLE).insert_multiple(records)
                            break
        return sum(len(records) for records in by_month.values())

    def forget(self) -> int:
        """Delete every history file (including damaged ones); returns how many went."""
        removed = 0
        with self._locked():
            for path in [*self._all_files(), *self.data_dir.glob(f"{LEGACY_FILE}*")]:
                if path.is_dir():
                    continue  # a folder named like a month file is not something we made
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed += 1
        self.problems.clear()
        return removed

    # -- reading ----------------------------------------------------------------------------

    def between(self, start: datetime, end: datetime) -> list[Entry]:
        """Entries that started at or after `start` and before `end`, oldest first."""
        self._prepare(create=False)
        paths = [path for key in _months_between(start, end) for path in self._month_files(key)]
        found = _newest_copies(map(self._read_file, paths))
        return sorted((e for e in found if start <= e.started_at < end), key=lambda e: e.started_at)

    def all(self) -> list[Entry]:
        """Every readable entry, oldest first."""
        self._prepare(create=False)
        return sorted(self._read_all(), key=lambda e: e.started_at)

    def get(self, entry_id: str) -> Entry | None:
        self._prepare(create=False)
        return next((e for e in self._read_all() if e.id == entry_id), None)

    # -- inside ---------------------------------------------------------------------------

    def _save_locked(self, record: dict[str, Any]) -> None:
        from tinydb import Query

        key = _month_key(datetime.fromisoformat(record["started_at"]))
        same_id = Query().id == record["id"]
        with contextlib.ExitStack() as stack:
            readable: list[TinyDB] = []
            for path in self._month_files(key):
                db = stack.enter_context(self._open(path))
                if db is None:
                    continue
                table = db.table(TABLE)
                if table.contains(same_id):
                    table.update(record, same_id)
                    return
                readable.append(db)
            if not readable:
                db = stack.enter_context(self._open(self._next_free_file(key)))
                assert db is not None  # a file that does not exist yet reads as empty
                readable.append(db)
            readable[0].table(TABLE).insert(record)

    def _read_all(self) -> list[Entry]:
        return _newest_copies(map(self._read_file, self._all_files()))

    def _read_file(self, path: Path) -> list[Entry]:
        try:
            storage = HistoryFile(path)
            data = storage.read() or {}
        except UnreadableFile as error:
            self._note_problem(error.path, error.reason)
            return []
        entries = []
        for doc in data.get(TABLE, {}).values():
            try:
                entries.append(Entry.from_dict(doc))
            except (InvalidEntry, TypeError) as error:
                self._note_problem(path, f"has an entry that could not be read ({error})")
        return entries

    @contextlib.contextmanager
    def _open(self, path: Path) -> Iterator[TinyDB | None]:
        """TinyDB on one month file, or None if that file cannot be read safely."""
        from tinydb import TinyDB

        try:
            db = TinyDB(path, storage=HistoryFile, fsync=self.fsync)
            for doc in (db.storage.read() or {}).get(TABLE, {}).values():
                check_entry_dict(doc)  # a file with an entry we cannot read is not ours to write
        except UnreadableFile as error:
            self._note_problem(error.path, error.reason)
            yield None
            return
        except InvalidEntry as error:
            self._note_problem(path, f"has an entry that could not be read ({error})")
            yield None
            return
        try:
            yield db
        finally:
            db.close()

    def _note_problem(self, path: Path, reason: str) -> None:
        self.problems.setdefault(path, Problem(path, reason))

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self._prepare(create=True)
        with history_lock(self.lock_path):
            if not getattr(self, "_cleaned", False):
                remove_orphaned_temp_files(self.history_dir)
                self._cleaned = True
                self._migrate_legacy_file()
            yield

    def _prepare(self, *, create: bool) -> None:
        if self._ready:
            return
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise StoreError(f"The data folder {self.data_dir} is a file, not a folder.")
        if not self.history_dir.is_dir() and not create:
            if (self.data_dir / LEGACY_FILE).exists():
                with self._locked():
                    pass
            return
        self.notices.extend(make_data_folders(self.data_dir, self.history_dir))
        self._ready = True

    def _migrate_legacy_file(self) -> None:
        """Move a single-file history (history.json) into monthly files, keeping the original."""
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
                records.append(Entry.from_dict(doc).to_dict())
            except (InvalidEntry, TypeError) as error:
                self._note_problem(legacy, f"has an entry that could not be moved ({error})")
                return
        known = {entry.id for entry in self._read_all()}
        for record in records:
            if record["id"] not in known:
                self._save_locked(record)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        legacy.rename(legacy.with_name(f"{LEGACY_FILE}.migrated-{stamp}"))
        self.notices.append(
            f"Moved {len(records)} entries from {legacy.name} into monthly files; "
            f"the original is kept as {legacy.name}.migrated-{stamp}."
        )

    def _all_files(self) -> list[Path]:
        """Every month file, oldest month first and each month's in the order written to."""
        if not self.history_dir.is_dir():
            return []
        return sorted(
            (p for p in self.history_dir.iterdir() if _SHARD_NAME.match(p.name)), key=_file_order
        )

    def _month_files(self, key: str) -> list[Path]:
        """The month's files in the order they are written to: the plain one, then .2, .3…"""
        numbered = []
        for path in self.history_dir.glob(f"{key}*.json"):
            match = _SHARD_NAME.match(path.name)
            if match and f"{match.group(1)}-{match.group(2)}" == key:
                numbered.append((int(match.group(3) or 1), path))
        return [path for _, path in sorted(numbered)]

    def _next_free_file(self, key: str) -> Path:
        number = 1
        while True:
            path = self.history_dir / (f"{key}.json" if number == 1 else f"{key}.{number}.json")
            if not path.exists():
                return path
            number += 1


def _newest_copies(files: Iterable[list[Entry]]) -> list[Entry]:
    """The entries of files read in write order; where an id repeats, the later copy wins.

    An id is in two files only when its first file could not be written to any more (it is
    damaged elsewhere), so the change was saved in the month's next file instead.
    """
    by_id: dict[str, Entry] = {}
    for entries in files:
        for entry in entries:
            by_id[entry.id] = entry
    return list(by_id.values())


def _file_order(path: Path) -> tuple[str, int]:
    match = _SHARD_NAME.match(path.name)
    assert match is not None
    return f"{match.group(1)}-{match.group(2)}", int(match.group(3) or 1)


def _month_key(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m")


def _months_between(start: datetime, end: datetime) -> list[str]:
    first = start.astimezone(UTC)
    last = end.astimezone(UTC)
    year, month = first.year, first.month
    keys = []
    while (year, month) <= (last.year, last.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys
