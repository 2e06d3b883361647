"""The lock that lets several processes on one machine share the history: the operating system
releases it when its holder dies, so only a live holder can make another wait.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from companion.storage import FILE_MODE, SaveFailed, StoreBusy, _explain_write_error

LOCK_WAIT_SECONDS = 10.0


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


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
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
