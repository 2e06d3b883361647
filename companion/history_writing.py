"""Writing the history: this machine's lock and identity, staging and replacing month files
and device files (deletions and forget travel in those), adding entries a month at a time, and
moving a single-file history from before month files into them. companion/history.py has the
whole design.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from companion.device import (
    Device,
    DeviceError,
    identity_inside,
    load_device,
)
from companion.entries import (
    Entry,
    InvalidEntry,
    check_entry_dict,
    id_key,
)
from companion.history_files import (
    LEGACY_FILE,
    HistoryFiles,
    month_key,
)
from companion.locks import history_lock
from companion.month_file import (
    META,
    TABLE,
    read_month_file,
)
from companion.storage import (
    DIR_MODE,
    SaveFailed,
    StagedFile,
    StoreError,
    UnreadableFile,
    file_kind,
    make_data_folders,
    read_json_file,
    remove_orphaned_temp_files,
    sync_folder,
)
from companion.sync import Changes, Folder
from companion.sync_names import Kind, classify
from companion.sync_writer import Writer


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


class PartlyAdded(SaveFailed):
    """Some months of an addition were saved, then a rename failed: `added` of `total` new
    entries are in the history; adding the same entries again adds the rest."""

    def __init__(self, reason: str, added: int, total: int) -> None:
        self.reason, self.added, self.total = reason, added, total
        super().__init__(
            f"{reason} {added:,} of {total:,} new entries were saved before that; adding the "
            "same entries again adds the rest."
        )


class HistoryWriter(HistoryFiles):
    """The history's writing, under this machine's lock; HistoryStore builds on it."""

    # -- inside: writing ----------------------------------------------------------------------

    def _writing_folder(self, device: Device, months: set[str], ids: set[str]) -> Folder:
        """Everything a change to `months` needs read: every device file, and every file of
        those months and of the months a deletion or forget made elsewhere has reached."""
        folder = self._open_folder(writing=True)
        self._read_months(folder, months | folder.months_to_tidy(device.id), writing=True,
                          ids=ids)
        self._collect_problems(folder)
        return folder

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
            try:
                legacy = self._has_legacy_files()
                if legacy:
                    stack.enter_context(history_lock(self.legacy_lock_path))
                if not self._cleaned:
                    remove_orphaned_temp_files(
                        self.history_dir, lambda name: _may_clean(name, device.id, legacy))
                    self._cleaned = True
                    self._migrate_legacy_file(device)
                yield device
            finally:
                # Counted when the change is over, so a summary read while it was under way
                # is out of date too (read_ahead.py).
                self.changes_made += 1

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

def _is_history(path: Path, kind: Kind) -> bool:
    """Whether `path` (a link's target) is a companion month file, or device file."""
    try:
        if kind is Kind.DEVICE:
            return isinstance(read_json_file(path), dict)
        read_month_file(path, lambda doc: False)
    except (OSError, UnreadableFile):
        return False
    return True
