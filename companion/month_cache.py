"""A derived copy of each month's merged entries, kept to make reading a long history quick.

Reading five years (18,000 entries) from the month files means parsing and checking every
entry each time (about 0.6 s); `insights --all`, `repairs` and `search` read all of it. So the
first read of a month keeps what it found here, in a form that loads without checking again,
and later reads use it while the month's files are exactly the files it was made from.

It is a cache and nothing more: the history files stay the only record.

* **Never stale.** A month's copy is used only while its *key* matches: every file of that
  month (name, size, mtime_ns, ctime_ns, inode), the deletions and forgets every machine's
  device file holds, the entry schema and this format's version. An import, an edit, a
  delete, `forget`, a file arriving from another machine or changed by hand (even to the same
  size and mtime: its ctime and inode change) all change the key.
* **Deleting it loses nothing**; a damaged or foreign file (its digest does not match, or it
  is not shaped as written here) is ignored and written again.
* **Private** as the history is (folders 0700, files 0600): it holds the person's words.
  `forget` removes it. Written atomically (a temporary file renamed over); a read-only cache
  folder or a full disk means no cache, never an error.

Layout: `<user cache dir>/months/<hash of the data folder's path>/<YYYY-MM>.json`, each file a
header line (format, month, key, a digest of each part) and three parts: the month's entries as
the store merged them as Moments (what `insights` reads, repairs whole) on one line, their own
searchable text (what `search` reads first) on one line, then whole, one row (a JSON list) a
line.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from companion.entries import SCHEMA, Breathing, Entry, Feeling, Repair, id_key
from companion.storage import open_regular

CACHE_ENV = "COMPANION_CACHE_DIR"
FORMAT = "companion-month-cache"
VERSION = 4
# The lines after the header: each entry as a Moment's row (a repair's as its whole row); each
# entry's own searchable text and keys (search.own_text); then each entry's whole row, a line
# each (a search makes only those it finds). JSON written compactly holds no raw line break.
MOMENTS, SEARCH, ROWS = 0, 1, 2
DIR_MODE = 0o700
FILE_MODE = 0o600
# More than a cached month can be: the store caches no month over 32 MB (LARGE_MONTH_BYTES),
# and its copy here is about as large as its files.
MAX_BYTES = 96 * 1024 * 1024


def cache_root() -> Path:
    """$COMPANION_CACHE_DIR, else the platform's user cache folder for companion."""
    from_env = os.environ.get(CACHE_ENV, "").strip()
    if from_env:
        return Path(from_env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("companion", appauthor=False))


def folder_for(data_dir: Path, root: Path | None = None) -> Path:
    """The cache folder of one data folder: one per history, by its absolute path."""
    where = os.path.abspath(os.path.realpath(data_dir))
    name = hashlib.sha256(where.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return (root if root is not None else cache_root()) / "months" / name


def file_key(paths: Iterable[Path]) -> list[list[Any]] | None:
    """What must not change for a month's copy to be used: each file's name and stat. None if
    one is not a regular file (a link to one counts as the file) or cannot be looked at."""
    key: list[list[Any]] = []
    for path in sorted(paths):
        try:
            info = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        key.append([path.name, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino,
                    info.st_dev])
    return key


class MonthCache:
    """The cached months of one data folder. Every failure to read or write is quiet."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self, month: str, key: Any) -> list[Entry] | None:
        """The month's entries if its copy was made under exactly `key`; None otherwise."""
        found = self._parts(month, key, [ROWS])
        if found is None:
            return None
        try:
            shared: dict[Any, Any] = {}
            rows = json.loads(b"[" + b",".join(found[ROWS:]) + b"]")
            return [entry_of(row, shared) for row in rows]
        except Exception:  # a row not shaped as written here (a foreign file): not cached
            return None

    def load_moments(self, month: str, key: Any) -> list[Entry | Moment] | None:
        """The month's entries as Moments (repairs as their Entry), if its copy was made
        under exactly `key`; None otherwise. About a third of the time of `load`."""
        found = self._parts(month, key, [MOMENTS])
        if found is None:
            return None
        try:
            shared: dict[Any, Any] = {}
            return [moment_of(row) if len(row) == len(Moment._fields)
                    else entry_of(row, shared) for row in json.loads(found[MOMENTS])]
        except Exception:  # a row not shaped as written here (a foreign file): not cached
            return None

    def load_where(self, month: str, key: Any, might: Callable[[str, list[str]], bool]
                   ) -> list[tuple[str, Entry | None]] | None:
        """Each of the month's entries' id, with the entry if `might` accepts its own
        searchable text and keys (search.own_text): only those are made. None if its copy was
        not made under exactly `key`."""
        found = self._parts(month, key, [SEARCH, ROWS])
        if found is None:
            return None
        try:
            shared: dict[Any, Any] = {}
            texts = json.loads(found[SEARCH])
            if len(texts) != len(found) - ROWS:
                return None
            return [(entry_id, entry_of(json.loads(found[ROWS + n]), shared)
                     if might(text, keys) else None)
                    for n, (entry_id, text, keys) in enumerate(texts)]
        except Exception:  # a row not shaped as written here (a foreign file): not cached
            return None

    def _parts(self, month: str, key: Any, wanted: list[int]) -> list[bytes] | None:
        """A month's copy as its lines after the header (MOMENTS, SEARCH, then a row an
        entry), if it was made under `key` and the parts `wanted` are whole."""
        try:
            # Only a regular file, and one of a size this could have written: a FIFO put here
            # would make open() wait forever, a huge file fill the memory.
            with open_regular(self.folder / f"{month}.json") as handle:
                if os.fstat(handle.fileno()).st_size > MAX_BYTES:
                    return None
                header = json.loads(handle.readline())
                if max(wanted) < ROWS:
                    # Only the lines wanted: the rows after them are most of the file, and
                    # reading and splitting them for insights took a fifth of its loading.
                    lines = [handle.readline() for _ in range(max(wanted) + 1)]
                    if not all(line.endswith(b"\n") for line in lines):
                        return None
                    lines = [line[:-1] for line in lines]
                else:
                    lines = handle.read().split(b"\n")
                    if len(lines) <= ROWS:
                        return None
            if (not isinstance(header, dict) or header.get("format") != FORMAT
                    or header.get("version") != VERSION or header.get("month") != month
                    or header.get("key") != _plain(key)):
                return None
            digests = header.get("digests")
            for part in wanted:
                body = lines[part] if part < ROWS else b"\n".join(lines[ROWS:])
                if not isinstance(digests, list) or digests[part] != _digest(body):
                    return None
            return lines if lines[ROWS:] != [b""] else lines[:ROWS]
        except Exception:  # anything wrong with a cache file (damaged, foreign): not cached
            return None

    def store(self, month: str, key: Any, entries: list[Entry]) -> None:
        """Keep the month's entries under `key` (atomically; quietly not at all if it fails)."""
        from companion.search import own_text  # only when a month is kept

        moments = [row_of(e) if e.repair is not None else light_row_of(e) for e in entries]
        rows = b"\n".join(_json(row_of(e)) for e in entries)
        parts = [_json(moments), _json([[e.id, *own_text(e)] for e in entries]), rows]
        header = json.dumps({"format": FORMAT, "version": VERSION, "month": month,
                             "key": _plain(key), "digests": [_digest(p) for p in parts]})
        self._write(f"{month}.json", b"\n".join([header.encode(), *parts]))

    def load_derived(self, month: str, kind: str, key: Any) -> tuple[Any, set[str]] | None:
        """A value derived from the month's entries (`kind` says what it is) as
        `store_derived` kept it, and the digests of their ids (id_digest), if it was made
        under exactly `key`; None otherwise."""
        try:
            with open_regular(self.folder / f"{month}.{kind}.json") as handle:
                if os.fstat(handle.fileno()).st_size > MAX_BYTES:
                    return None
                header = json.loads(handle.readline())
                body = handle.read()
            if (not isinstance(header, dict) or header.get("format") != FORMAT
                    or header.get("version") != VERSION or header.get("kind") != kind
                    or header.get("month") != month or header.get("key") != _plain(key)
                    or header.get("digest") != _digest(body)):
                return None
            ids, value = json.loads(body)
            if not isinstance(ids, str) or len(ids) % ID_DIGEST:
                return None
            return value, {ids[n:n + ID_DIGEST] for n in range(0, len(ids), ID_DIGEST)}
        except Exception:  # anything wrong with a cache file (damaged, foreign): not cached
            return None

    def store_derived(self, month: str, kind: str, key: Any, ids: Iterable[str],
                      value: Any) -> None:
        """Keep `value`, derived from the month's entries (`ids`: the digests of their ids,
        id_digest), under `key` (atomically; quietly not at all if it fails)."""
        body = _json(["".join(sorted(ids)), value])
        header = json.dumps({"format": FORMAT, "version": VERSION, "kind": kind,
                             "month": month, "key": _plain(key), "digest": _digest(body)})
        self._write(f"{month}.{kind}.json", header.encode() + b"\n" + body)

    def _write(self, name: str, data: bytes) -> None:
        """`data` as the file `name`, atomically (a temporary file renamed over)."""
        temp = None
        try:
            _private_folders(self.folder)
            fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.folder)
            with os.fdopen(fd, "wb") as handle:
                os.fchmod(handle.fileno(), FILE_MODE)
                handle.write(data)
            os.replace(temp, self.folder / name)
            temp = None
        except OSError:
            pass
        finally:
            if temp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temp)

    def remove(self) -> None:
        """Delete every cached month of this data folder (forget)."""
        shutil.rmtree(self.folder, ignore_errors=True)


def _private_folders(folder: Path) -> None:
    """Make the cache folder and the two above it (months/, the cache root) 0700."""
    folder.parent.parent.parent.mkdir(parents=True, exist_ok=True)  # ~/.cache, as it is
    for level in (folder.parent.parent, folder.parent, folder):
        with contextlib.suppress(FileExistsError):
            level.mkdir(mode=DIR_MODE)
    # An existing folder made by something else keeps its mode; this one's own is private.
    os.chmod(folder, DIR_MODE)


def _plain(key: Any) -> Any:
    """The key as JSON reads it back (tuples are lists)."""
    return json.loads(json.dumps(key))


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


# The characters of an id's digest: 8 bytes, so two ids of one history (tens of thousands)
# share one about once in ten million histories; a shared one only means reading moments.
ID_DIGEST = 16


def id_digest(entry_id: str) -> str:
    """A short digest of an id as every comparison sees it (entries.id_key)."""
    return hashlib.blake2b(id_key(entry_id).encode("utf-8", "surrogatepass"),
                           digest_size=ID_DIGEST // 2).hexdigest()


def _digest(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


# -- an entry as a row ---------------------------------------------------------------------------


class Breath(NamedTuple):
    """What the tallies read of a Moment's breathing (spans.Breath)."""

    pattern: str
    seconds: float


class Moment(NamedTuple):
    """What the tallies and insights read of an entry (spans.Moment), and its id: a fifth of
    the time of making the Entry. Never for a repair (its Entry is kept whole)."""

    id: str
    kind: str
    started_at: datetime
    activation_before: int | None
    activation_after: int | None
    breathing: Breath | None
    senses_steps: int
    needs: tuple[str, ...]
    body_signals: tuple[str, ...]


def light_row_of(entry: Entry) -> list[Any]:
    """An entry as a Moment's row (the order moment_of reads)."""
    b = entry.breathing
    return [entry.id, entry.kind, entry.started_at.isoformat(), entry.activation_before,
            entry.activation_after,
            None if b is None else [b.pattern, b.seconds], entry.senses_steps, entry.needs,
            entry.body_signals]


def moment_of(row: list[Any]) -> Moment:
    entry_id, kind, started, before, after, b, senses, needs, signals = row
    if not isinstance(entry_id, str) or (b is not None and len(b) != len(Breath._fields)):
        raise ValueError("not a row of this schema")
    # tuple.__new__ straight: the NamedTuple's own __new__ is one more Python call a moment.
    return _new(Moment, (entry_id, kind, _time(started), before, after,
                         None if b is None else _new(Breath, b), senses, tuple(needs),
                         tuple(signals)))


def row_of(entry: Entry) -> list[Any]:
    """An entry as a compact JSON list (the order entry_of reads)."""
    b, r = entry.breathing, entry.repair
    return [
        entry.id, entry.schema, entry.kind, entry.started_at.isoformat(),
        None if entry.saved_at is None else entry.saved_at.isoformat(), entry.complete,
        entry.activation_before, entry.activation_after, entry.state,
        entry.body_signals, entry.needs, entry.kind_steps, entry.note,
        None if b is None else [b.pattern, b.seconds, b.cycles, b.completed],
        entry.senses_steps, [[f.word, f.quadrant] for f in entry.feelings],
        None if r is None else [
            r.with_whom, r.what_happened, r.my_part, r.step, r.status,
            None if r.done_at is None else r.done_at.isoformat(), r.their_side, r.next_time,
            r.to_a_friend,
        ],
    ]


_time = datetime.fromisoformat
_new = tuple.__new__


def entry_of(row: list[Any], shared: dict[Any, Any] | None = None) -> Entry:
    """The entry a row holds. Not checked again: it was checked when its month was read (a
    row that is not shaped like one raises, and the month is read from its files).

    Feelings are frozen values that repeat: one object each for a whole read, kept in
    `shared` (a third of the time of making them anew)."""
    if shared is None:
        shared = {}
    (entry_id, schema, kind, started, saved, complete, before, after, state, signals, needs,
     steps, note, b, senses, feelings, r) = row
    if schema != SCHEMA or not isinstance(entry_id, str):
        raise ValueError("not a row of this schema")
    return Entry(
        kind, _time(started), entry_id, None if saved is None else _time(saved), before, after,
        state, tuple(signals), tuple(needs), tuple(steps), note,
        None if b is None else Breathing(*b), senses,
        tuple(_feeling(f, shared) for f in feelings),
        None if r is None else Repair(
            r[0], r[1], r[2], r[3], r[4], None if r[5] is None else _time(r[5]), r[6], r[7],
            r[8]),
        complete, schema,
    )


def _feeling(pair: list[str], shared: dict[Any, Any]) -> Feeling:
    word, quadrant = pair
    found = shared.get((word, quadrant))
    if found is None:
        found = shared[(word, quadrant)] = Feeling(word, quadrant)
    return found
