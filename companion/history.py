"""The history store: every entry a person saves, one TinyDB file per month.

Layout inside the data folder::

    history/2026-11.json     entries whose started_at falls in that UTC month
    history/0999-06.json     (always four digits for the year, however early)
    history/2026-11.2.json   used only when 2026-11.json cannot be written to safely
    history/.lock            the inter-process lock (empty; safe to leave behind)

One file per month keeps a save and a week's read to one or two small files however long the
history grows. A damaged or foreign file is never written to: new entries for its month go to
the next numbered file beside it, and reads skip it and report it in `problems`. A month file
far larger than one person's month (LARGE_MONTH_BYTES) is read, a part at a time, and reported
in `notices`, but never rewritten: new entries for its month go beside it too.

Everything is read through one path: `files` finds the files, `_scan_file` reads one of them as a
stream (storage.JsonStream) keeping only the entries asked for, so a week's read holds that
week's entries and an export one month's, whatever the size of the history or of one file.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

from companion.entries import (
    SCHEMA,
    Breathing,
    Entry,
    Feeling,
    InvalidEntry,
    Repair,
    check_entry_dict,
    id_key,
)
from companion.storage import (
    HISTORY_DIR,
    JsonProblem,
    JsonStream,
    SaveFailed,
    SpecialFile,
    StagedFile,
    StoreError,
    UnreadableFile,
    check_writable,
    file_kind,
    history_lock,
    make_data_folders,
    open_regular,
    read_json_file,
    remove_orphaned_temp_files,
    sync_folder,
    write_atomically,
)

if TYPE_CHECKING:
    from tinydb import TinyDB

TABLE = "entries"
META = "_meta"
LEGACY_FILE = "history.json"
_SHARD_NAME = re.compile(r"^(\d{4})-(\d{2})(?:\.(\d+))?\.json$")
_DOC_ID = re.compile(r"^[0-9]{1,18}$")  # TinyDB's document ids
NOT_OURS = "does not look like a companion history file"

# A month file larger than this is not one person's month (ten entries a day for a month is
# about 0.2 MB; this is over a hundred times that). It is read, reported, and never rewritten.
LARGE_MONTH_BYTES = 32 * 1024 * 1024
# How many entries of such a month are held at once while it is read in order.
MONTH_BATCH = 40_000

# Entry migrations by the schema they upgrade from: MIGRATIONS[1] turns a schema-1 entry dict
# into a schema-2 one. Files are upgraded in memory on read and on disk at their next write.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

Keep = Callable[[dict[str, Any]], bool]


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
    """What `forget` did: how many files went, and a sentence for each thing it left."""

    removed: int
    left: list[str]


class MonthFile(NamedTuple):
    docs: list[tuple[str, Any]]  # (TinyDB id, what `convert` made of the entry), file order
    meta: dict[str, Any]
    size: int


def read_month_file(path: Path, keep: Keep | None = None,
                    convert: Callable[[dict[str, Any]], Any] | None = None) -> MonthFile:
    """One month file, read a part at a time; only the entries `keep` accepts are held, each
    as `convert` makes it (an Entry, say: a fifth of the memory of the dict).

    UnreadableFile if it is missing a piece, not JSON, not shaped like a companion history
    file or from a newer companion. Entries are checked by the caller (one bad entry does not
    make the rest unreadable). `keep` sees each dict as it was written (before any migration).
    """
    try:
        handle = open_regular(path)
    except SpecialFile as error:
        raise UnreadableFile(path, f"is {error.kind}, not a history file") from None
    except FileNotFoundError:
        raise
    except OSError as error:
        raise UnreadableFile(path, f"could not be read ({error.strerror or error})") from None
    with handle:
        month = _read_month(handle, path, keep, convert, migrate_from=SCHEMA)
        schema = month.meta.get("schema", SCHEMA)
        if schema < SCHEMA and convert is not None:
            # The schema is at the end of the file (TinyDB writes it last): read it again,
            # upgrading each entry before `convert` sees it.
            handle.seek(0)
            month = _read_month(handle, path, keep, convert, migrate_from=schema)
        elif schema < SCHEMA:
            docs = month.docs
            for version in range(schema, SCHEMA):
                docs = [(doc_id, MIGRATIONS[version](doc)) for doc_id, doc in docs]
            month = month._replace(docs=docs)
    return month


def _read_month(handle: BinaryIO, path: Path, keep: Keep | None,
                convert: Callable[[dict[str, Any]], Any] | None, migrate_from: int
                ) -> MonthFile:
    size = os.fstat(handle.fileno()).st_size
    stream = JsonStream(handle, path)
    docs: list[tuple[str, Any]] = []
    meta: dict[str, Any] = {}
    try:
        first = stream.peek()
        if not first:
            # companion never writes an empty file, so an empty one came from elsewhere.
            raise UnreadableFile(path, "is empty")
        if first != "{":
            kind = "list" if first == "[" else _json_kind(stream)
            raise UnreadableFile(path, f"holds a JSON {kind}, not a history object")
        for name in stream.members():
            if name == TABLE:
                if stream.peek() != "{":
                    raise UnreadableFile(path, NOT_OURS)
                for doc_id in stream.members():
                    doc = stream.value()
                    if not isinstance(doc, dict) or not _DOC_ID.match(doc_id):
                        raise UnreadableFile(path, NOT_OURS)
                    if keep is not None and not keep(doc):
                        continue
                    for version in range(migrate_from, SCHEMA):
                        doc = MIGRATIONS[version](doc)
                    docs.append((doc_id, doc if convert is None else convert(doc)))
            elif name == META:
                meta = _meta_of(stream.value(), path)
            else:
                raise UnreadableFile(path, NOT_OURS)
        stream.end()
    except JsonProblem as problem:
        raise UnreadableFile(path, problem.reason) from None
    return MonthFile(docs, meta, size)


def _json_kind(stream: JsonStream) -> str:
    value = stream.value()
    return {str: "string", bool: "true/false", type(None): "null"}.get(type(value), "number")


def _meta_of(value: Any, path: Path) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UnreadableFile(path, NOT_OURS)
    meta = value.get("1", {})
    if not isinstance(meta, dict):
        raise UnreadableFile(path, NOT_OURS)
    schema = meta.get("schema", SCHEMA)
    if isinstance(schema, int) and not isinstance(schema, bool) and schema > SCHEMA:
        raise UnreadableFile(path, f"was written by a newer companion (schema {schema})")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise UnreadableFile(path, f"{NOT_OURS} (its schema is {schema!r:.20})")
    return meta


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
    """One month's TinyDB file, checked for shape and schema (read_month_file) before TinyDB
    sees it."""

    def read(self) -> dict[str, Any] | None:
        if self._data is None:
            try:
                month = read_month_file(self.path)
            except FileNotFoundError:
                return None
            self._data = {TABLE: dict(month.docs), META: {"1": month.meta}}
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        data[META] = {"1": {"schema": SCHEMA}}
        super().write(data)


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
    """Saves, finds and removes entries. Safe to use from several processes at once."""

    def __init__(self, data_dir: Path, *, fsync: bool = True) -> None:
        self.data_dir = Path(data_dir)
        self.history_dir = self.data_dir / HISTORY_DIR
        self.lock_path = self.history_dir / ".lock"
        self.fsync = fsync
        self.problems: dict[Path, Problem] = {}
        self.notices: list[str] = []
        self._large: set[Path] = set()  # files said to be read but never written
        self._ready = False

    def check(self) -> None:
        """Make sure the data folder can be used, before anyone puts time into an entry."""
        self._prepare(create=True)
        check_writable(self.history_dir)

    # -- finding the files ------------------------------------------------------------------

    def files(self, month: str | None = None, *, legacy: bool = False) -> list[Path]:
        """The history's files, or one month's (`2026-11`): oldest month first, and each
        month's in the order they are written to (2026-11.json, then 2026-11.2.json…). With
        `legacy`, a single-file history from before month files (history.json, and its copy
        kept after the move) comes last.

        The one place that knows which files hold the history: reading, writing, export and
        forget all find them here. Anything named like a month file is listed, folders and
        FIFOs too: reading one says what it is, and nothing is ever written to it.
        """
        older = sorted(self.data_dir.glob(f"{LEGACY_FILE}*")) if legacy else []
        try:
            names = os.listdir(self.history_dir)
        except (FileNotFoundError, NotADirectoryError):
            return older
        except OSError as error:
            raise StoreError(
                f"{self.history_dir} could not be read ({error.strerror or error})."
            ) from None
        found = []
        for name in names:
            match = _SHARD_NAME.match(name)
            if match and (month is None or f"{match.group(1)}-{match.group(2)}" == month):
                order = (f"{match.group(1)}-{match.group(2)}", int(match.group(3) or 1))
                found.append((order, self.history_dir / name))
        return [path for _, path in sorted(found)] + older

    def months(self) -> list[str]:
        """Every month that has a file (`2026-11`), oldest first."""
        return sorted({_month_of(path) for path in self.files()})

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
        same_id = _same_id(entry.id)
        with self._locked():
            for path in self.files(month_key(entry.started_at)):
                with self._open(path) as db:
                    if db is None or not db.table(TABLE).contains(same_id):
                        continue
                    db.table(TABLE).remove(same_id)
                    return True
        return False

    def add_missing(self, entries: Iterable[Entry | Record]) -> int:
        """Save the entries whose ids are not in the history yet; returns how many were added.

        Importing the same file twice adds nothing the second time. All or nothing: every
        month's new file is written and synced beside the old one before the first replaces
        it, so a full disk (or any failed write) leaves the history as it was (SaveFailed).
        Only if a rename fails after others succeeded is it part-way (PartlyAdded says how
        many were added; adding the same entries again adds the rest). Each month's file is
        written once however many entries land in it, and what is gathered is held as stored
        text (Record), so 100,000 entries fit in well under 200 MB.
        """
        records = [item if isinstance(item, Record) else Record.of(item) for item in entries]
        by_month: dict[str, list[str]] = {}
        with self._locked():
            known = self._known_ids()
            for record in records:
                if record.key in known:
                    continue
                known.add(record.key)
                by_month.setdefault(record.month, []).append(record.text)
            del records, known
            self._write_months(by_month)
        return sum(len(texts) for texts in by_month.values())

    def forget(self) -> Forgotten:
        """Delete every history file (including damaged ones).

        A month file that is a link goes with the file it points to, if that is the person's
        own companion history file; anything else named like a history file (a folder, a FIFO,
        a link to something else) is left, with a sentence saying so in `left`.
        """
        removed = 0
        left: list[str] = []
        with self._locked():
            for path in self.files(legacy=True):
                try:
                    gone, reason = self._forget_file(path)
                except OSError as error:
                    gone, reason = 0, f"could not be deleted ({error.strerror or error})"
                removed += gone
                if reason:
                    left.append(f"{path} {reason}")
        self.problems.clear()
        return Forgotten(removed, left)

    # -- reading ----------------------------------------------------------------------------

    def between(self, start: datetime, end: datetime) -> list[Entry]:
        """Entries that started at or after `start` and before `end`, oldest first.

        Only the months in the range are read, and only the entries in the range are kept.
        """
        self._prepare(create=False)

        def keep(doc: dict[str, Any]) -> bool:
            moment = _start_of(doc)
            return moment is None or start <= moment < end  # None: let the check name it

        found: list[Entry] = []
        for key in _months_between(start, end):
            found.extend(self._month_entries(key, keep))
        return [e for e in found if start <= e.started_at < end]

    def entries(self) -> Iterator[Entry]:
        """Every readable entry, oldest first, read a month at a time (for an export)."""
        self._prepare(create=False)
        seen: set[str] = set()
        for key in self.months():
            for entry in self._month_entries(key):
                # companion files an entry by its start, which never changes, so an id is in
                # two months only in files made elsewhere: the first copy is the one shown.
                entry_key = id_key(entry.id)
                if entry_key not in seen:
                    seen.add(entry_key)
                    yield entry

    def all(self) -> list[Entry]:
        """Every readable entry, oldest first."""
        return list(self.entries())

    def count(self) -> int:
        return sum(1 for _ in self.entries())

    def get(self, entry_id: str) -> Entry | None:
        self._prepare(create=False)
        wanted = id_key(entry_id)

        def keep(doc: dict[str, Any]) -> bool:
            return isinstance(doc.get("id"), str) and id_key(doc["id"]) == wanted

        for key in self.months():
            for entry in self._month_entries(key, keep):
                return entry
        return None

    # -- inside: reading ----------------------------------------------------------------------

    def _month_entries(self, key: str, keep: Keep | None = None) -> Iterable[Entry]:
        """A month's entries that `keep` accepts, each id once (a later file's copy wins, see
        _newest_copies), oldest first.

        A month too large to hold at once (only with no `keep`) is sorted in runs set aside
        on disk (see _large_month).
        """
        paths = self.files(key)
        if keep is None and _total_size(paths) > LARGE_MONTH_BYTES:
            return self._large_month(paths)
        entries = _newest_copies(self._scan_file(path, keep) for path in paths)
        return sorted(entries, key=_started)

    def _large_month(self, paths: list[Path]) -> Iterator[Entry]:
        """A month too large to hold at once, oldest first: its entries are sorted in runs of
        MONTH_BATCH, each set aside in a temporary file that has no name (gone with the
        process, whatever ends it), and the runs merged. Where an id repeats, the copy that
        _newest_copies would keep comes first (entries() skips the others)."""
        import heapq  # here, as pickle and tempfile below: only a month this large needs them

        runs: list[Any] = []
        try:
            for number, path in enumerate(paths):
                runs += self._spool_file(path, number)
            for _, _, entry in heapq.merge(*map(_read_run, runs), key=_run_order):
                yield entry
        finally:
            for run in runs:
                if not isinstance(run, list):
                    run.close()

    def _spool_file(self, path: Path, number: int) -> list[Any]:
        runs: list[Any] = []
        batch: list[tuple[int, int, Entry]] = []
        problems: list[str] = []

        def spool(doc: dict[str, Any]) -> bool:
            entry = _entry_or_problem(doc)
            if isinstance(entry, str):
                problems.append(entry)
            else:
                batch.append((number, len(batch) + MONTH_BATCH * len(runs), entry))
                if len(batch) >= MONTH_BATCH:
                    runs.append(self._write_run(batch))
                    batch.clear()
            return False  # nothing is held

        try:
            month = read_month_file(path, spool)
        except (FileNotFoundError, UnreadableFile) as error:
            if isinstance(error, UnreadableFile):
                self._note_problem(error.path, error.reason)
            for run in runs:
                if not isinstance(run, list):
                    run.close()
            return []
        if batch:
            runs.append(self._write_run(batch))
        if month.size > LARGE_MONTH_BYTES:
            self._note_large(path, month.size)
        for problem in problems[:1]:
            self._note_problem(path, f"has an entry that could not be read ({problem})")
        return runs

    def _write_run(self, batch: list[tuple[int, int, Entry]]) -> Any:
        """The batch, sorted, in an unnamed temporary file (beside the history, which is
        private; or the system's temporary folder), or in memory if neither has room."""
        import pickle

        batch.sort(key=_run_order)
        try:
            run = _unnamed_file(self.history_dir)
        except OSError:
            return list(batch)
        try:
            # pickle, not JSON: these entries were checked when read, and reading them back
            # as JSON would check every one again. The file is this process's own.
            pickler = pickle.Pickler(run, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.dispatch_table = _ENTRY_PICKLING
            for item in batch:
                pickler.dump(item)
                pickler.clear_memo()
            run.seek(0)
        except OSError:
            run.close()
            return list(batch)
        return run

    def _scan_file(self, path: Path, keep: Keep | None = None) -> list[Entry]:
        """The entries of one file that `keep` accepts; problems noted, never raised."""
        try:
            month = read_month_file(path, keep, _entry_or_problem)
        except FileNotFoundError:
            return []  # deleted since it was listed
        except UnreadableFile as error:
            self._note_problem(error.path, error.reason)
            return []
        if month.size > LARGE_MONTH_BYTES:
            self._note_large(path, month.size)
        entries = []
        for _, entry in month.docs:
            if isinstance(entry, Entry):
                entries.append(entry)
            else:
                self._note_problem(path, f"has an entry that could not be read ({entry})")
        return entries

    def _known_ids(self) -> set[str]:
        """The ids (as compared) of every readable entry, without holding the entries."""
        known: set[str] = set()
        for path in self.files():
            ids: set[str] = set()

            def collect(doc: dict[str, Any], ids: set[str] = ids) -> bool:
                try:
                    check_entry_dict(doc)
                except (InvalidEntry, TypeError, ValueError, OverflowError):
                    return False  # not readable, so not there: an import may restore it
                ids.add(id_key(doc["id"]))
                return False

            try:
                read_month_file(path, collect)
            except (FileNotFoundError, UnreadableFile):
                continue
            known |= ids
        return known

    def _note_problem(self, path: Path, reason: str) -> None:
        self.problems.setdefault(path, Problem(path, reason))

    def _note_large(self, path: Path, size: int) -> None:
        if path in self._large:
            return
        self._large.add(path)
        self.notices.append(
            f"{path} is {size / 1_000_000:,.0f} MB, far more than one person writes in a "
            "month (it may have been made by another program): companion reads it but never "
            "rewrites it; new entries for that month go in a file beside it."
        )

    # -- inside: writing ----------------------------------------------------------------------

    def _save_locked(self, record: dict[str, Any]) -> None:
        key = month_key(datetime.fromisoformat(record["started_at"]))
        same_id = _same_id(record["id"])
        with contextlib.ExitStack() as stack:
            readable: list[TinyDB] = []
            for path in self.files(key):
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

    @contextlib.contextmanager
    def _open(self, path: Path) -> Iterator[TinyDB | None]:
        """TinyDB on one month file, or None if that file cannot be written to safely."""
        if not self._may_write(path):
            yield None
            return
        from tinydb import TinyDB

        try:
            db = TinyDB(path, storage=HistoryFile, fsync=self.fsync)
            for doc in (db.storage.read() or {}).get(TABLE, {}).values():
                check_entry_dict(doc)  # a file with an entry we cannot read is not ours to write
        except UnreadableFile as error:
            self._note_problem(error.path, error.reason)
            yield None
            return
        except (InvalidEntry, TypeError, ValueError, OverflowError) as error:
            self._note_problem(path, f"has an entry that could not be read ({error})")
            yield None
            return
        try:
            yield db
        finally:
            db.close()

    def _may_write(self, path: Path) -> bool:
        """False for a month file companion must not rewrite: not a regular file (or a link to
        one of the person's), or far too large (it is read, and reported, but left as it is)."""
        try:
            info = os.stat(path)
        except FileNotFoundError:
            return not os.path.lexists(path)  # a link to nothing is not a place to write
        except OSError as error:
            self._note_problem(path, f"could not be read ({error.strerror or error})")
            return False
        if not _is_regular(info.st_mode):
            self._note_problem(path, f"is {file_kind(info.st_mode)}, not a history file")
            return False
        if os.path.islink(path) and hasattr(os, "getuid") and info.st_uid != os.getuid():
            if path not in self._large:
                self._large.add(path)
                self.notices.append(
                    f"{path} is a link to {os.path.realpath(path)}, which is someone else's "
                    "file: companion reads it but never writes to it; new entries for that "
                    "month go in a file beside it."
                )
            return False
        if info.st_size > LARGE_MONTH_BYTES:
            self._note_large(path, info.st_size)
            return False
        return True

    def _write_months(self, by_month: dict[str, list[str]]) -> None:
        """Add the texts to their months' files: all written and synced, then all renamed."""
        staged: list[tuple[StagedFile, int]] = []
        try:
            for key, texts in sorted(by_month.items()):
                staged.append((self._stage_month(key, texts), len(texts)))
            added = 0
            for file, count in staged:
                try:
                    file.commit()
                except SaveFailed as error:
                    if not added:
                        raise
                    total = sum(n for _, n in staged)
                    raise PartlyAdded(str(error), added, total) from None
                added += count
        finally:
            for file, _ in staged:
                file.discard()
        if self.fsync:
            for folder in {file.path.parent for file, _ in staged}:
                sync_folder(folder)

    def _stage_month(self, key: str, texts: list[str]) -> StagedFile:
        """The month's first writable file with `texts` added, written beside it (not yet
        replacing it), in the form HistoryFile writes."""
        for path in [*self.files(key), self._next_free_file(key)]:
            if not self._may_write(path):
                continue
            try:
                month = read_month_file(path)
            except FileNotFoundError:
                month = MonthFile([], {}, 0)
            except UnreadableFile as error:
                self._note_problem(error.path, error.reason)
                continue
            try:
                for _, doc in month.docs:
                    check_entry_dict(doc)
            except (InvalidEntry, TypeError, ValueError, OverflowError) as error:
                self._note_problem(path, f"has an entry that could not be read ({error})")
                continue
            staged = StagedFile(path, fsync=self.fsync)
            try:
                staged.write(f'{{"{TABLE}": {{')
                last = 0
                for n, (doc_id, doc) in enumerate(month.docs):
                    separator = ", " if n else ""
                    staged.write(f"{separator}{json.dumps(doc_id)}: "
                                 f"{json.dumps(doc, ensure_ascii=False)}")
                    last = max(last, int(doc_id))
                for n, text in enumerate(texts, start=1):
                    separator = ", " if month.docs or n > 1 else ""
                    staged.write(f'{separator}"{last + n}": {text}')
                staged.write(f'}}, "{META}": {{"1": {{"schema": {SCHEMA}}}}}}}')
                staged.finish()
            except BaseException:
                staged.discard()
                raise
            return staged
        raise AssertionError("the next free file is always writable")  # pragma: no cover

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
            if not _is_regular(target_info.st_mode):
                return 0, f"is a link to {target}, which is {file_kind(target_info.st_mode)}; " \
                    "it was left as it is"
            if hasattr(os, "getuid") and target_info.st_uid != os.getuid():
                return 0, f"is a link to {target}, which is someone else's; both were left"
            if not _month_of(path) or not _is_history(target):
                return 0, f"is a link to {target}, which is not a companion history file; " \
                    "both were left"
            target.unlink()
            path.unlink()
            return 2, ""
        if not _is_regular(info.st_mode):
            # A folder or a FIFO named like a month file is not something companion made.
            return 0, f"is {file_kind(info.st_mode)}, not a history file; it was left as it is"
        path.unlink()
        return 1, ""

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
            if (self.data_dir / LEGACY_FILE).is_file():
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
            except (InvalidEntry, TypeError, ValueError, OverflowError) as error:
                self._note_problem(legacy, f"has an entry that could not be moved ({error})")
                return
        known = self._known_ids()
        for record in records:
            if id_key(record["id"]) not in known:
                self._save_locked(record)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        legacy.rename(legacy.with_name(f"{LEGACY_FILE}.migrated-{stamp}"))
        self.notices.append(
            f"Moved {len(records)} entries from {legacy.name} into monthly files; "
            f"the original is kept as {legacy.name}.migrated-{stamp}."
        )

    def _next_free_file(self, key: str) -> Path:
        number = 1
        while True:
            path = self.history_dir / (f"{key}.json" if number == 1 else f"{key}.{number}.json")
            if not os.path.lexists(path):
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
            by_id[id_key(entry.id)] = entry
    return list(by_id.values())


def _unnamed_file(folder: Path) -> Any:
    import tempfile

    try:
        return tempfile.TemporaryFile(dir=folder)
    except OSError:
        return tempfile.TemporaryFile()


def _by_fields(obj: Any) -> tuple[Callable[..., Any], tuple[Any, ...]]:
    # The entry classes are slotted dataclasses, whose own pickling asks dataclasses.fields()
    # for every object (a third of the time of setting a large month aside).
    return type(obj), tuple(getattr(obj, name) for name in type(obj).__slots__)


_ENTRY_PICKLING: dict[type, Callable[[Any], tuple[Callable[..., Any], tuple[Any, ...]]]] = {
    cls: _by_fields for cls in (Entry, Breathing, Feeling, Repair)
}


def _run_order(item: tuple[int, int, Entry]) -> tuple[datetime, str, int, int]:
    number, position, entry = item
    return entry.started_at, id_key(entry.id), -number, -position


def _read_run(run: Any) -> Iterator[tuple[int, int, Entry]]:
    import pickle

    if isinstance(run, list):
        yield from run
        return
    while True:
        try:
            yield pickle.load(run)
        except EOFError:
            return


def _entry_or_problem(doc: dict[str, Any]) -> Entry | str:
    try:
        return Entry.from_dict(doc)
    except (InvalidEntry, TypeError, ValueError, OverflowError) as error:
        return str(error)


def _same_id(entry_id: str) -> Any:
    from tinydb import Query

    wanted = id_key(entry_id)
    return Query().id.test(lambda value: isinstance(value, str) and id_key(value) == wanted)


def _started(entry: Entry) -> datetime:
    return entry.started_at


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


def _month_of(path: Path) -> str:
    match = _SHARD_NAME.match(path.name)
    return f"{match.group(1)}-{match.group(2)}" if match else ""


def _total_size(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        with contextlib.suppress(OSError):
            total += os.stat(path).st_size
    return total


def _is_regular(mode: int) -> bool:
    return stat.S_ISREG(mode)


def _is_history(path: Path) -> bool:
    try:
        read_month_file(path, lambda doc: False)
    except (OSError, UnreadableFile):
        return False
    return True


def month_key(moment: datetime) -> str:
    """The month file an entry starting at `moment` belongs in: its UTC month, as `0999-06`."""
    utc = moment.astimezone(UTC)
    # Four digits always: strftime("%Y") gives "999", a name the store would never read back.
    return f"{utc.year:04d}-{utc.month:02d}"


def _months_between(start: datetime, end: datetime) -> list[str]:
    first = start.astimezone(UTC)
    last = end.astimezone(UTC)
    year, month = first.year, first.month
    keys = []
    while (year, month) <= (last.year, last.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys
