"""Crash-safe file writes, and the lock that lets several processes share the history.

TinyDB's own JSONStorage rewrites its file in place, so a kill mid-write leaves half a file.
`write_atomically` (used by history.AtomicJSONStorage) writes a temporary file beside the real
one, fsyncs it, renames it over the old one and fsyncs the folder: after a crash the file is
either the old or the new version. Nothing here imports TinyDB, so the app's first frame does
not wait for it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FILE_MODE = 0o600
DIR_MODE = 0o700
HISTORY_DIR = "history"  # inside the data folder
TEMP_SUFFIX = ".tmp"
# What tempfile.mkstemp makes for write_atomically and check_writable: ".2026-11.json.k3j_x9qa.tmp"
_OUR_TEMP_FILE = re.compile(r"^\.(?:.+\.json|probe)\.[a-z0-9_]{8}\.tmp$")
LOCK_WAIT_SECONDS = 10.0


class StoreError(Exception):
    """A problem with the history files, worded for the person reading it."""


class UnreadableFile(StoreError):
    """A history file that cannot be read safely. It is never written to."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path} {reason}")


class SaveFailed(StoreError):
    """A write that did not happen; the file on disk is as it was before."""


class StoreBusy(StoreError):
    """Another process held the history lock for too long."""


def read_json_file(path: Path) -> dict[str, Any] | None:
    """The parsed object in `path`, None if there is no file; UnreadableFile if it is damaged."""
    # Imported here: the first frame needs this module, and no JSON is read before it.
    import json

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise UnreadableFile(path, "is a folder, not a history file") from None
    except OSError as error:
        raise UnreadableFile(path, f"could not be read ({error.strerror or error})") from None
    if not raw.strip():
        # companion never writes an empty file, so an empty one came from somewhere else.
        raise UnreadableFile(path, "is empty")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UnreadableFile(path, "is not text (it may be damaged)") from None
    except json.JSONDecodeError as error:
        raise UnreadableFile(path, f"is not valid JSON (line {error.lineno})") from None
    if not isinstance(data, dict):
        raise UnreadableFile(path, f"holds a JSON {type(data).__name__}, not a history object")
    return data


def write_atomically(path: Path, text: str, *, fsync: bool = True) -> None:
    """Replace `path` with `text` so that a crash leaves either the old or the new file.

    Every step that can fail (creating the temporary file, writing it, syncing it, renaming it)
    ends in SaveFailed with the old file untouched and no temporary file left behind.
    """
    directory = path.parent
    try:
        payload = text.encode("utf-8")
    except UnicodeEncodeError:
        raise SaveFailed(
            f"{path.name} was not saved: it would hold a broken character. The file is unchanged."
        ) from None
    temp_name: str | None = None
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=directory)
        try:
            os.fchmod(fd, FILE_MODE)
            _write_all(fd, payload)
            if fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp_name, path)
    except OSError as error:
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
        raise SaveFailed(_explain_write_error(path, error)) from None
    if fsync:
        _fsync_directory(directory)


def check_writable(directory: Path) -> None:
    """SaveFailed now if nothing can be saved in `directory` (read-only, not ours, no room)."""
    try:
        fd, temp_name = tempfile.mkstemp(prefix=".probe.", suffix=TEMP_SUFFIX, dir=directory)
    except OSError as error:
        raise SaveFailed(_explain_write_error(directory / ".probe", error)) from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(temp_name)


def _write_all(fd: int, payload: bytes) -> None:
    # os.write may write less than asked (a nearly full disk does); carry on from there.
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def _explain_write_error(path: Path, error: OSError) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"The disk is full, so {path.name} could not be saved; the file is unchanged."
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{path.parent} is not writable, so nothing could be saved there."
    return f"Could not save {path.name}: {error.strerror or error}. The file is unchanged."


def _fsync_directory(directory: Path) -> None:
    # The rename is only durable once the folder's entry is on disk too.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_orphaned_temp_files(directory: Path) -> int:
    """Delete temporary files a killed writer left. Call only while holding the lock.

    Only files named the way write_atomically names them go: anything else is left alone.
    """
    removed = 0
    for leftover in directory.glob(f".*{TEMP_SUFFIX}"):
        if not _OUR_TEMP_FILE.match(leftover.name) or not leftover.is_file():
            continue
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed += 1
    return removed


@contextlib.contextmanager
def history_lock(lock_path: Path, wait: float | None = None) -> Iterator[None]:
    """Hold an exclusive inter-process lock on `lock_path` for the block.

    The operating system releases the lock when its holder dies, so a lock file left behind by a
    killed process never blocks anyone: only a live holder can, and then for at most `wait`
    seconds (LOCK_WAIT_SECONDS unless given), after which StoreBusy says so.
    """
    if wait is None:
        wait = LOCK_WAIT_SECONDS
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError as error:
        raise SaveFailed(_explain_write_error(lock_path, error)) from None
    try:
        _acquire(fd, lock_path, wait)
        try:
            yield
        finally:
            _release(fd)
    finally:
        os.close(fd)


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _acquire(fd: int, lock_path: Path, wait: float) -> None:
        deadline = time.monotonic() + wait
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise StoreBusy(_busy_message(lock_path, wait)) from None
                time.sleep(0.02)

    def _release(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _acquire(fd: int, lock_path: Path, wait: float) -> None:
        deadline = time.monotonic() + wait
        delay = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreBusy(_busy_message(lock_path, wait)) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.02)

    def _release(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _busy_message(lock_path: Path, wait: float) -> str:
    return (
        f"Another companion has been saving for over {wait:g} s "
        f"(lock: {lock_path}); nothing was changed, try again in a moment."
    )


def check_data_folder(data_dir: Path) -> None:
    """StoreError now if the history cannot be saved in `data_dir` (made, private, if missing).

    For `companion breathe`, before the breathing starts; history.HistoryStore.check does the
    same and keeps what it fixed, but needs the entry model and TinyDB.
    """
    if data_dir.exists() and not data_dir.is_dir():
        raise StoreError(f"The data folder {data_dir} is a file, not a folder.")
    history_dir = data_dir / HISTORY_DIR
    make_data_folders(data_dir, history_dir)
    check_writable(history_dir)


def make_data_folders(data_dir: Path, history_dir: Path) -> list[str]:
    """Create the data folder and its history folder, private, if they are missing; make them
    private if others can read them. Returns what was fixed, to tell the person."""
    if not history_dir.is_dir():
        try:
            # Only the data folder and history/ are ours to make private; a missing parent
            # (e.g. ~/.local/share) is made as the system would make it.
            data_dir.parent.mkdir(parents=True, exist_ok=True)
            data_dir.mkdir(mode=DIR_MODE, exist_ok=True)
            history_dir.mkdir(mode=DIR_MODE, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"Could not create the data folder {history_dir}: {error.strerror or error}."
            ) from None
    return [*make_private(data_dir), *make_private(history_dir)]


def make_private(folder: Path) -> list[str]:
    """Make `folder` owner-only if it is ours and others can read it; returns what was done."""
    try:
        info = folder.stat()
    except OSError:
        return []
    if os.name == "nt" or not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return []
    if info.st_uid != os.getuid():
        return [f"{folder} can be read by other users and is not yours to change."]
    try:
        folder.chmod(DIR_MODE)
    except OSError:
        return [f"{folder} can be read by other users and could not be made private."]
    return [f"{folder} could be read by other users; it is now private to you."]
