"""Crash-safe file writes and safe reads (the lock is in companion/locks.py, the reading of JSON a
part at a time in companion/json_stream.py).

TinyDB's own JSONStorage rewrites its file in place, so a kill mid-write leaves half a file.
`write_atomically` (used by history.AtomicJSONStorage) and `StagedFile` write a temporary file
beside the real one, fsync it, rename it over the old one and fsync the folder: after a crash
the file is either the old or the new version. A link is written through to the file it points
to (`writable_target`), never replaced. Reading opens regular files only (`open_regular`: a FIFO
would wait for a writer forever) and goes a part at a time (`JsonStream`), so no file's size,
nesting or numbers can take the memory or end the program. Nothing here imports TinyDB or json
at import, so the app's first frame does not wait for them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

from companion.json_stream import JsonProblem, JsonStream

if sys.platform != "win32":  # a locked StagedFile, and the check for a live writer's copy
    import fcntl

FILE_MODE = 0o600
DIR_MODE = 0o700
HISTORY_DIR = "history"  # inside the data folder
TEMP_SUFFIX = ".tmp"
# What tempfile.mkstemp makes for write_atomically and check_writable: ".2026-11.json.k3j_x9qa.tmp"
_OUR_TEMP_FILE = re.compile(r"^\.(.+\.json|probe)\.[a-z0-9_]{8}\.tmp$")


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


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


class SpecialFile(OSError):
    """A path that is there but is not a regular file (a folder, a FIFO, a device…)."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind
        super().__init__(f"{path} is {kind}")


_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def open_regular(path: Path, *, allow_pipe: bool = False) -> BinaryIO:
    """`path` opened for reading, if it is a regular file (through links); SpecialFile if not.

    A FIFO named like a history or settings file would make a plain open() wait for a writer
    forever, and a device (/dev/zero) never ends: neither is ever opened, unless `allow_pipe`
    (for `companion import`, whose file a person names, e.g. `import /dev/stdin < FILE`).
    FileNotFoundError and other OSErrors are the caller's to word.
    """
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode) and not (allow_pipe and stat.S_ISFIFO(info.st_mode)):
        raise SpecialFile(path, file_kind(info.st_mode))
    # O_NONBLOCK: should the path have been swapped for a FIFO since the stat, the open still
    # returns at once, and the fstat below refuses it. It has no effect on a regular file.
    fd = os.open(path, os.O_RDONLY | _CLOEXEC | (0 if allow_pipe else _NONBLOCK))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) and not (allow_pipe and stat.S_ISFIFO(info.st_mode)):
            raise SpecialFile(path, file_kind(info.st_mode))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_json_file(path: Path, *, max_size: int = 256 * 1024 * 1024) -> dict[str, Any] | None:
    """The parsed object in `path`, None if there is no file; UnreadableFile if it is damaged.

    Read as a stream (JsonStream), so a foreign file's nesting, huge numbers or size are named
    as what is wrong with it instead of ending the program.
    """
    try:
        handle = open_regular(path)
    except FileNotFoundError:
        return None
    except SpecialFile as error:
        raise UnreadableFile(path, f"is {error.kind}, not a history file") from None
    except OSError as error:
        raise UnreadableFile(path, f"could not be read ({error.strerror or error})") from None
    with handle:
        stream = JsonStream(handle, path, max_value=max_size)
        try:
            if not stream.peek():
                # companion never writes an empty file, so an empty one came from somewhere else.
                raise UnreadableFile(path, "is empty")
            data = stream.value()
            stream.end()
        except JsonProblem as problem:
            raise UnreadableFile(path, problem.reason) from None
    if not isinstance(data, dict):
        raise UnreadableFile(path, f"holds a JSON {_json_name(data)}, not a history object")
    return data


def _json_name(value: Any) -> str:
    return {list: "list", str: "string", bool: "true/false", type(None): "null"}.get(
        type(value), "number"
    )


# -- writing --------------------------------------------------------------------------------


def write_atomically(path: Path, text: str, *, fsync: bool = True) -> None:
    """Replace `path` with `text` so that a crash leaves either the old or the new file.

    Every step that can fail (creating the temporary file, writing it, syncing it, renaming it)
    ends in SaveFailed with the old file untouched and no temporary file left behind. A link
    is written through (see writable_target).
    """
    try:
        payload = text.encode("utf-8")
    except UnicodeEncodeError:
        raise SaveFailed(
            f"{path.name} was not saved: it would hold a broken character. The file is unchanged."
        ) from None
    staged = StagedFile(path, fsync=fsync)
    try:
        staged.write(payload)
        staged.commit()
    finally:
        staged.discard()
    if fsync:
        _fsync_directory(staged.path.parent)


def writable_target(path: Path) -> Path:
    """The file a write to `path` should replace: `path`, or the file a link at `path` points
    to when that is a regular file of the person's (kept, say, in a dotfiles repository).

    Replacing the link itself with a file would quietly cut it from where it points; anything
    else (a folder, a FIFO or device, a link to one, to nothing or to someone else's file) is
    refused with SaveFailed.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return path
    except OSError as error:
        raise SaveFailed(_explain_write_error(path, error)) from None
    if stat.S_ISLNK(info.st_mode):
        target = Path(os.path.realpath(path))
        try:
            info = os.stat(target)
        except OSError:
            raise SaveFailed(
                f"{path} is a link to {target}, which is not there; nothing was written."
            ) from None
        where = f"{path} is a link to {target}, which is"
    else:
        target = path
        where = f"{path} is"
    if not stat.S_ISREG(info.st_mode):
        raise SaveFailed(f"{where} {file_kind(info.st_mode)}; nothing was written there.")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise SaveFailed(f"{where} someone else's file; nothing was written there.")
    return target


class StagedFile:
    """The new content of one file, written beside it, to replace it in one step (`commit`).

    Several StagedFiles written first and committed together make a change to several files
    that a full disk cannot leave half-done: every byte is on disk before the first rename.
    Until commit, the real file is untouched; `discard` removes the temporary file (it is safe
    to call after commit). With `lock`, the temporary file is flock()ed while it is written, so
    a later process can tell a leftover of a killed writer from one still being written
    (remove_leftover_copies).
    """

    _BUFFER = 256 * 1024

    def __init__(self, path: Path, *, fsync: bool = True, lock: bool = False) -> None:
        self.path = writable_target(path)
        self._fsync = fsync
        self._pending: list[bytes] = []
        self._pending_size = 0
        self.size = 0
        self.temp: Path | None = None
        self._fd: int | None = None
        locking = lock and os.name != "nt"
        # A locked copy is made under a name remove_leftover_copies does not look for, and
        # takes its usual name only once locked: between mkstemp and flock another export
        # would have taken it for a killed writer's leftover and removed it.
        suffix = TEMP_SUFFIX + UNLOCKED_SUFFIX if locking else TEMP_SUFFIX
        try:
            fd, name = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=suffix, dir=self.path.parent
            )
        except OSError as error:
            raise SaveFailed(_explain_write_error(self.path, error)) from None
        self._fd, self.temp = fd, Path(name)
        try:
            os.fchmod(fd, FILE_MODE)
            if locking:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                locked = Path(name.removesuffix(UNLOCKED_SUFFIX))
                os.rename(name, locked)
                self.temp = locked
        except OSError as error:
            self._fail(error)

    def write(self, data: bytes | str) -> None:
        if isinstance(data, str):
            try:
                data = data.encode("utf-8")
            except UnicodeEncodeError:
                self.discard()
                raise SaveFailed(
                    f"{self.path.name} was not saved: it would hold a broken character. "
                    "The file is unchanged."
                ) from None
        self._pending.append(data)
        self._pending_size += len(data)
        if self._pending_size >= self._BUFFER:
            self._flush()

    def finish(self) -> None:
        """Everything written and synced to disk, ready to commit."""
        if self._fd is None:
            return
        self._flush()
        try:
            if self._fsync:
                os.fsync(self._fd)
            os.close(self._fd)
        except OSError as error:
            self._fail(error)
        self._fd = None

    def commit(self) -> None:
        """Replace the real file with the new content (the folder is not synced here)."""
        self.finish()
        if self.temp is None:
            return
        try:
            os.replace(self.temp, self.path)
        except OSError as error:
            self._fail(error)
        self.temp = None

    def discard(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        if self.temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.temp)
            self.temp = None

    def _flush(self) -> None:
        if not self._pending or self._fd is None:
            return
        payload = b"".join(self._pending)
        self._pending, self._pending_size = [], 0
        try:
            _write_all(self._fd, payload)
        except OSError as error:
            self._fail(error)
        self.size += len(payload)

    def _fail(self, error: OSError) -> NoReturn:
        self.discard()
        raise SaveFailed(_explain_write_error(self.path, error)) from None


def sync_folder(directory: Path) -> None:
    """Make the renames done in `directory` durable."""
    _fsync_directory(directory)


# The name a locked StagedFile's copy has for the moment before it is locked.
UNLOCKED_SUFFIX = ".new"
# A copy still under that name this long after it was made was left by a killed writer.
UNLOCKED_LEFTOVER_SECONDS = 60.0


def remove_leftover_copies(path: Path) -> int:
    """Delete the temporary copies of `path` that a killed StagedFile(lock=True) left behind.

    Only files named as StagedFile names them, regular, the person's own and private (0600);
    one that a live writer still holds locked is left alone. Returns how many went.
    """
    try:
        target = writable_target(path)
    except SaveFailed:
        return 0
    pattern = re.compile(
        rf"^\.{re.escape(target.name)}\.[a-z0-9_]{{8}}{re.escape(TEMP_SUFFIX)}"
        rf"(?P<unlocked>{re.escape(UNLOCKED_SUFFIX)})?$"
    )
    removed = 0
    try:
        candidates = [p for p in target.parent.iterdir() if pattern.match(p.name)]
    except OSError:
        return 0
    for leftover in candidates:
        try:
            info = os.lstat(leftover)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or stat.S_IMODE(info.st_mode) != FILE_MODE:
            continue
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            continue
        unlocked = pattern.match(leftover.name).group("unlocked")  # type: ignore[union-attr]
        if unlocked and time.time() - info.st_mtime < UNLOCKED_LEFTOVER_SECONDS:
            continue  # being locked right now, or only just left: the next export looks again
        if not unlocked and _still_being_written(leftover):
            continue
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed += 1
    return removed


def _still_being_written(path: Path) -> bool:
    if os.name == "nt":  # pragma: no cover - no flock; an open file cannot be deleted there
        return False
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | _CLOEXEC)
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


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


def remove_orphaned_temp_files(directory: Path,
                               may_remove: Callable[[str], bool] | None = None) -> int:
    """Delete temporary files a killed writer left. Call only while holding the lock.

    Only files named the way write_atomically names them go, and of those only the ones
    `may_remove` allows, given the name of the file each was to replace (`2026-11.json`, or
    `probe`): anything else is left alone.
    """
    removed = 0
    for leftover in directory.glob(f".*{TEMP_SUFFIX}"):
        match = _OUR_TEMP_FILE.match(leftover.name)
        if not match or not leftover.is_file():
            continue
        if may_remove is not None and not may_remove(match.group(1)):
            continue
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed += 1
    return removed


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
