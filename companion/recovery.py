"""Entries that could not be saved when companion closed, kept safe until the next start.

An entry that cannot be saved as companion closes (a full disk, a read-only data folder, another
companion holding the history's lock for long) is written to a recovery file: the export's json
format, readable only by you, in the first of these places that takes it:

1. this machine's state folder, beside its identity (`$COMPANION_STATE_DIR`, else on Linux
   `~/.local/state/companion/recovery/`),
2. the data folder itself,
3. a private folder in the temporary directory (`/tmp/companion-UID/`).

The app, as it next opens, brings every recovery file of the data folder into the history,
keeping ids and adding nothing twice, and deletes a file only once all of it is in the history
(`companion import FILE` reads one too: it is an export). Nothing here imports Textual; the app
holds a KeptEntries from before its first frame, so the entry model and the JSON module are
imported only where used.
"""

from __future__ import annotations

import os
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

from companion.storage import StoreError, write_atomically

if TYPE_CHECKING:
    from companion.entries import Entry

PREFIX = "recovery-"
# A recovery file holds what one session could not save: a few entries. Anything this big is
# not one, and is not read into memory.
MAX_RECOVERY_BYTES = 16 * 1024 * 1024


class RecoveryUnreadable(StoreError):
    """A recovery file that cannot be read; it is left exactly as it is."""


# -- where ---------------------------------------------------------------------------------


def folder_key(data_dir: Path) -> str:
    """A short name for the data folder, so each data folder finds its own recovery files in
    the shared places."""
    import hashlib

    absolute = os.path.abspath(Path(data_dir).expanduser())
    return hashlib.sha256(absolute.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def recovery_places(data_dir: Path) -> list[Path]:
    """Where a recovery file may go, in the order tried."""
    from companion.device import state_dir

    temp = Path(tempfile.gettempdir()) / f"companion-{_uid()}"
    return [state_dir() / "recovery", Path(data_dir), temp]


def find_recovery(data_dir: Path, places: Sequence[Path] | None = None) -> list[Path]:
    """The recovery files waiting for this data folder, oldest first."""
    places = recovery_places(data_dir) if places is None else places
    data_dir = Path(data_dir)
    mine = f"{PREFIX}{folder_key(data_dir)}-"
    found: dict[str, Path] = {}
    for place in places:
        try:
            names = os.listdir(place)
        except OSError:
            continue
        # In the data folder every recovery file is its own (it may have been moved there from
        # another path); elsewhere only the ones named for it.
        in_data_folder = _same_folder(place, data_dir)
        for name in names:
            if not name.endswith(".json") or name.startswith("."):
                continue
            if name.startswith(mine) or (in_data_folder and name.startswith(PREFIX)):
                found.setdefault(os.path.realpath(place / name), place / name)
    return sorted(found.values(), key=_written_order)


# -- writing -------------------------------------------------------------------------------


def write_recovery(
    data_dir: Path, entries: Sequence[Entry], places: Sequence[Path] | None = None
) -> Path:
    """Write the entries to a new recovery file (0600) in the first place that takes it and
    return its path; StoreError naming every place tried if none did."""
    places = recovery_places(data_dir) if places is None else places
    text = recovery_document(data_dir, entries)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    base = f"{PREFIX}{folder_key(data_dir)}-{stamp}-{os.getpid()}"
    reasons = []
    for place in places:
        problem = _private_folder(place)
        if problem:
            reasons.append(problem)
            continue
        path = _unused(place, base)
        try:
            write_atomically(path, text)
        except StoreError as error:
            reasons.append(str(error))
            continue
        return path
    raise StoreError("no place would take a recovery file: " + " ".join(reasons))


def recovery_document(data_dir: Path, entries: Sequence[Entry]) -> str:
    """The entries as an export (`companion import` reads it), with the data folder they
    belong to beside them."""
    import json

    from companion.entries import SCHEMA

    document = {
        "schema": SCHEMA,
        "exported_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "data_dir": os.path.abspath(Path(data_dir).expanduser()),  # additive: whose they are
        "entries": [entry.to_dict() for entry in entries],
    }
    # ASCII only: every character of every field kept exactly, nothing a terminal acts on.
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


def _unused(place: Path, base: str) -> Path:
    path, number = place / f"{base}.json", 1
    while path.exists():
        number += 1
        path = place / f"{base}-{number}.json"
    return path


def _private_folder(folder: Path) -> str:
    """Make `folder` if it is missing (private); '' if it is a private folder of ours, else
    why it will not hold a recovery file."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError as error:
        return f"{folder} could not be made ({error.strerror or error})."
    if not stat.S_ISDIR(info.st_mode):
        return f"{folder} is not a folder."
    if os.name == "nt":  # pragma: no cover
        return ""
    if info.st_uid != _uid():
        return f"{folder} belongs to another user."
    if info.st_mode & 0o077:
        try:
            folder.chmod(0o700)
        except OSError:
            return f"{folder} can be read by others."
    return ""


# -- reading -------------------------------------------------------------------------------


def read_recovery(path: Path) -> list[Entry]:
    """The entries of a recovery file, checked; RecoveryUnreadable says why not."""
    import json

    from companion.entries import SCHEMA, Entry, InvalidEntry

    try:
        info = os.lstat(path)
    except OSError as error:
        raise RecoveryUnreadable(f"{path} could not be read ({error.strerror or error}).") from None
    if not stat.S_ISREG(info.st_mode):
        raise RecoveryUnreadable(f"{path} is not a regular file, so it was not read.")
    if os.name != "nt" and info.st_uid != _uid():
        raise RecoveryUnreadable(f"{path} belongs to another user, so it was not read.")
    if info.st_size > MAX_RECOVERY_BYTES:
        raise RecoveryUnreadable(f"{path} is too big to be a recovery file.")
    try:
        # Not through a link, and never waiting on something that is not a file.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as file:
            raw = file.read(MAX_RECOVERY_BYTES + 1)
    except OSError as error:
        raise RecoveryUnreadable(f"{path} could not be read ({error.strerror or error}).") from None
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RecoveryUnreadable(f"{path} is not a recovery file (it is not valid JSON).") from None
    entries = document.get("entries") if isinstance(document, dict) else None
    schema = document.get("schema") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not isinstance(schema, int) or isinstance(schema, bool):
        raise RecoveryUnreadable(f"{path} is not a recovery file.")
    if schema > SCHEMA:
        raise RecoveryUnreadable(f"{path} was written by a newer companion (schema {schema}).")
    found: dict[str, Entry] = {}
    for number, raw_entry in enumerate(entries, start=1):
        try:
            entry = Entry.from_dict(raw_entry)
        except (InvalidEntry, TypeError, ValueError) as error:
            raise RecoveryUnreadable(
                f"{path}: entry {number} could not be read ({error})."
            ) from None
        found[entry.id] = entry
    return list(found.values())


# -- bringing back -------------------------------------------------------------------------


class BroughtBack(NamedTuple):
    """What the start found in recovery files."""

    added: int  # entries written into the history (new ones, or newer versions)
    cleared: list[Path]  # recovery files now wholly in the history, and deleted
    waiting: list[str]  # one sentence per file still waiting, saying why


class History(Protocol):
    """What bringing back needs of the history (a HistoryStore)."""

    def all(self) -> list[Entry]: ...
    def save(self, entry: Entry) -> Entry: ...
    def add_missing(self, entries: Iterable[Entry]) -> int: ...


def bring_back(
    data_dir: Path, store: History, places: Sequence[Path] | None = None
) -> BroughtBack:
    """Bring every recovery file of `data_dir` into the history `store`.

    An entry already there as it is, or there in a newer version (saved later), is left alone;
    every other is added with its own id, or replaces the older copy. A file is deleted only
    once every entry in it is found in the history; a file that cannot be read, or whose
    entries cannot all be saved, stays where it is and is named in `waiting`.
    """
    paths = find_recovery(data_dir, places)
    added, cleared, waiting = 0, [], []
    for path in paths:
        try:
            entries = read_recovery(path)
        except RecoveryUnreadable as error:
            if path.exists() or path.is_symlink():
                waiting.append(str(error))
            continue  # gone: another companion brought it back meanwhile
        try:
            added += _into_history(store, entries)
        except StoreError as error:
            waiting.append(f"{path} is waiting: {error}")
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as error:
            waiting.append(
                f"{path} is in your history now but could not be removed "
                f"({error.strerror or error}); it is safe to delete."
            )
            continue
        cleared.append(path)
    return BroughtBack(added, cleared, waiting)


def _into_history(store: History, entries: list[Entry]) -> int:
    stored = {entry.id: entry for entry in store.all()}
    missing = [entry for entry in entries if entry.id not in stored]
    newer = [e for e in entries if e.id in stored and _replaces(e, stored[e.id])]
    added = store.add_missing(missing) if missing else 0
    for entry in newer:
        store.save(entry)
    # Deleting the file is safe only if the history, read afresh, holds all of it.
    now = {entry.id: entry for entry in store.all()}
    absent = [e for e in entries if e.id not in now or _replaces(e, now[e.id])]
    if absent:
        raise StoreError(
            f"{count_entries(len(absent))} could not be found in the history after saving.")
    return added + len(newer)


def _replaces(recovered: Entry, stored: Entry) -> bool:
    """Should the recovered version of an entry replace the stored one?"""
    if recovered.to_dict() == stored.to_dict():
        return False
    # A stored copy saved later was changed again since, elsewhere: it stays.
    later = recovered.saved_at and stored.saved_at and stored.saved_at > recovered.saved_at
    return not later


# -- while the app runs, and as it closes --------------------------------------------------


class KeptEntries:
    """Entries handed over to be saved and not yet known to be in the history (the newest
    version of each). Shared by the app's thread and its workers, so it locks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, Entry] = {}
        self._refused: dict[str, str] = {}  # why each kept entry was last refused

    def keep(self, entry: Entry) -> None:
        with self._lock:
            self._entries[entry.id] = entry

    def safe(self, entry: Entry) -> None:
        """This version of the entry is saved (or in a recovery file): keep it no longer. A newer
        version kept meanwhile stays."""
        with self._lock:
            if self._entries.get(entry.id) == entry:
                del self._entries[entry.id]

    def entries(self) -> list[Entry]:
        with self._lock:
            return list(self._entries.values())

    def __contains__(self, entry_id: object) -> bool:
        with self._lock:
            return entry_id in self._entries

    def save_each(self, save: Callable[[Entry], object]) -> Iterator[tuple[str, str]]:
        """Save every kept entry with `save`: each entry's id and why it was refused ("" once
        saved, and then kept no longer)."""
        for entry in self.entries():
            try:
                save(entry)
            except StoreError as error:
                yield entry.id, str(error)
                continue
            self.safe(entry)
            yield entry.id, ""

    def tried(self, entry_id: str, problem: str) -> None:
        """A save of the entry was tried: remember why it was refused ("" when it was not)."""
        with self._lock:
            if problem:
                self._refused[entry_id] = problem
            else:
                self._refused.pop(entry_id, None)

    def state(self, entry_id: str) -> tuple[str, str]:
        """("saved", ""), ("saving", "") or ("kept", why) for an entry handed over to be
        saved."""
        with self._lock:
            if entry_id not in self._entries:
                return "saved", ""
            problem = self._refused.get(entry_id, "")
        return ("kept", problem) if problem else ("saving", "")


def save_in_time(
    entries: Sequence[Entry],
    save: Callable[[Entry], object],
    within: float,
    *,
    pause: float = 0.1,
) -> tuple[list[Entry], str]:
    """Save each entry, trying again until all are saved or `within` seconds have passed.
    Returns the entries still unsaved and the last reason.

    The saving runs in a thread of its own: a save waiting for another companion's lock (up to
    10 s) cannot hold the caller longer than `within`. If it finishes later, nothing is lost or
    doubled: the entry is then both in the history and in a recovery file, and bringing it
    back adds nothing.
    """
    from companion.entries import InvalidEntry

    left = list(entries)
    if not left:
        return [], ""
    lock = threading.Lock()
    done = threading.Event()
    reasons: list[str] = []
    deadline = time.monotonic() + within

    def run() -> None:
        try:
            while True:
                for entry in list(left):
                    try:
                        save(entry)
                    except (StoreError, InvalidEntry) as error:
                        reasons.append(str(error))
                        continue
                    with lock:
                        left.remove(entry)
                if not left or time.monotonic() + pause >= deadline:
                    return
                time.sleep(pause)
        finally:
            done.set()

    threading.Thread(target=run, daemon=True, name="companion-saving").start()
    done.wait(within)
    with lock:
        unsaved = list(left)
    if not unsaved:
        return [], ""
    return unsaved, reasons[-1] if reasons else f"saving did not finish within {within:g} s."


def _written_order(path: Path) -> tuple[int, str]:
    try:
        return os.lstat(path).st_mtime_ns, path.name
    except OSError:
        return 0, path.name


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def _uid() -> int:
    return os.getuid() if hasattr(os, "getuid") else 0


def count_entries(number: int) -> str:
    """A count of entries, as said: "1 entry", "2 entries"."""
    return f"{number} entry" if number == 1 else f"{number} entries"

