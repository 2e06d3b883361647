"""A month too large to hold at once, read in order and merged as sync.Folder merges.

A month file far larger than one person's month (history.LARGE_MONTH_BYTES) is read a part at a
time: its versions are sorted in runs, each set aside in a temporary file that has no name (gone
with the process, whatever ends it), and the runs merged so that each entry's versions meet,
the winning one first (the highest stamp; of equal stamps the greater content, as
sync.Folder.merge decides), so an export of such a month holds one run at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from companion.entries import Breathing, Entry, Feeling, InvalidEntry, Repair, id_key
from companion.month_file import canonical_text, read_entry, read_month_file
from companion.storage import UnreadableFile
from companion.sync import Folder
from companion.sync_stamps import REV, BadStamp, Stamp, legacy_stamp


class LargeMonth:
    """Reads large months in `history_dir`, `batch` entries a run; problems and notices go
    to the store's `note_problem` and `note_large`."""

    def __init__(self, history_dir: Path, batch: int, large: int,
                 note_problem: Callable[[Path, str], None],
                 note_large: Callable[[Path, int], None]) -> None:
        self.history_dir = history_dir
        self.batch = batch
        self.large = large
        self.note_problem = note_problem
        self.note_large = note_large

    def entries(self, folder: Folder, month: str) -> Iterator[Entry]:
        """A month too large to hold at once, oldest first, merged as sync.Folder merges: its
        versions sorted in runs of `batch`, each set aside in a temporary file that has no
        name (gone with the process, whatever ends it), and the runs merged so that each
        entry's versions meet, the winning one first."""
        import heapq  # here, as pickle and tempfile below: only a month this large needs them

        records = folder.device_records()
        marker = max(filter(None, (record.forgotten for _, record in records)), default=None)
        tombs: dict[str, Stamp] = {}
        for _, record in records:
            for key, tomb in record.deleted.items():
                tombs[key] = max(tombs.get(key, tomb.stamp), tomb.stamp)
        runs: list[Any] = []
        try:
            for name in folder.month_files([month]):
                if not folder.read(name):
                    runs += self._spool_file(folder, name)
            merged = heapq.merge(*map(_read_run, runs), key=_run_order)
            group: list[tuple[Any, ...]] = []
            for item in merged:
                if group and item[1] != group[0][1]:
                    yield from _winner(group, tombs, marker)
                    group = []
                group.append(item)
            if group:
                yield from _winner(group, tombs, marker)
        finally:
            for run in runs:
                if not isinstance(run, list):
                    run.close()

    def _spool_file(self, folder: Folder, name: str) -> list[Any]:
        path = self.history_dir / name
        info = folder.names[name]
        rank = legacy_stamp(info.number if info.legacy else 0)
        runs: list[Any] = []
        batch: list[tuple[Any, ...]] = []
        problems: list[str] = []

        def spool(doc: dict[str, Any]) -> bool:
            record = dict(doc)
            rev = record.pop(REV, None)
            try:
                stamp = rank if rev is None else Stamp.parse(rev)
                entry = read_entry(record).entry
            except (BadStamp, InvalidEntry, TypeError, ValueError, OverflowError) as error:
                problems.append(str(error))
                return False
            batch.append((entry.started_at, id_key(entry.id), _descending(stamp),
                          (stamp.wall, stamp.counter, stamp.device), entry))
            if len(batch) >= self.batch:
                runs.append(self._write_run(batch))
                batch.clear()
            return False  # nothing is held

        try:
            month = read_month_file(path, spool)
        except (FileNotFoundError, UnreadableFile) as error:
            if isinstance(error, UnreadableFile):
                self.note_problem(error.path, error.reason)
            for run in runs:
                if not isinstance(run, list):
                    run.close()
            return []
        if batch:
            runs.append(self._write_run(batch))
        if month.size > self.large:
            self.note_large(path, month.size)
        for problem in problems[:1]:
            self.note_problem(path, f"has an entry that could not be read ({problem})")
        return runs

    def _write_run(self, batch: list[tuple[Any, ...]]) -> Any:
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


def _descending(stamp: Stamp) -> tuple[Any, ...]:
    """A key that sorts stamps highest first (device ids are ten letters, or none)."""
    return (-stamp.wall, -stamp.counter, (*(-ord(c) for c in stamp.device), 1))


def _run_order(item: tuple[Any, ...]) -> tuple[Any, ...]:
    started_at, key, descending = item[0], item[1], item[2]
    return started_at, key, descending


def _read_run(run: Any) -> Iterator[tuple[Any, ...]]:
    import pickle

    if isinstance(run, list):
        yield from run
        return
    while True:
        try:
            yield pickle.load(run)
        except EOFError:
            return


def _winner(group: list[tuple[Any, ...]], tombs: dict[str, Stamp], marker: Stamp | None
            ) -> Iterator[Entry]:
    """The entry an id's versions (highest stamp first) show, as sync.Folder.merge decides:
    the highest stamp (equal stamps: the greater content), unless a tombstone above it or a
    forget marker above it says it is gone."""
    top = group[0][3]
    tied = [item for item in group if item[3] == top]
    best = max(tied, key=lambda item: canonical_text(item[4])) if len(tied) > 1 else tied[0]
    stamp = Stamp(*top)
    tomb = tombs.get(group[0][1])
    if tomb is not None and tomb > stamp:
        return
    if marker is not None and stamp < marker:
        return
    yield best[4]
