"""Standard output that either arrives whole or is said not to have.

What a command prints is often kept (`companion export > backup.json`): a full disk, a closed
stdout (`>&-`) or a failing device must end in one line on stderr and exit 1, never a truncated
file and exit 0. Some writers drop a failed write (argparse's help and version) or turn it into
an exit of their own (Rich on a broken pipe), so the failure is noted where it happens, by a
stand-in for sys.stdout, not guessed from whatever exception reaches main().
"""

from __future__ import annotations

import errno
import io
import os
import sys
from contextlib import suppress
from typing import Any


class WatchedStdout:
    """sys.stdout while a command runs: every write and flush goes through, and the first one
    that fails is kept in `failure`."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.failure: OSError | None = None
        self.stream: Any = _Watched(_buffered(real), self) if real is not None else _Closed(self)

    @classmethod
    def install(cls) -> WatchedStdout:
        watch = cls(sys.stdout)
        if watch.real is None:
            _hold_descriptor(1)
        sys.stdout = watch.stream
        return watch

    def uninstall(self) -> None:
        if sys.stdout is self.stream:
            sys.stdout = self.real

    def flush(self) -> None:
        """Flush what is still buffered; a failure is kept, not raised."""
        with suppress(OSError, ValueError):  # ValueError: a stream already closed
            self.stream.flush()

    def noted(self, error: OSError) -> None:
        if self.failure is None:
            self.failure = error

    def silence(self) -> None:
        """Send what is still buffered to /dev/null: the interpreter flushes stdout once more
        as it exits, and a failure there prints "Exception ignored" and exits 120."""
        to_devnull(self.real)


def _buffered(real: Any) -> Any:
    """stdout with a buffer, even under `python -u` or PYTHONUNBUFFERED.

    Without one, each write is a single system call, and one that writes less than it was
    given (a disk filling up) is taken as done: the text layer never looks at the count. A
    buffered writer writes what is left, and so meets the error.
    """
    if not isinstance(getattr(real, "buffer", None), io.RawIOBase):
        return real
    try:
        fd = real.fileno()
    except (OSError, ValueError):
        return real
    raw = io.FileIO(fd, "w", closefd=False)  # its own: closing it leaves sys.stdout's be
    return io.TextIOWrapper(
        io.BufferedWriter(raw), encoding=real.encoding, errors=real.errors, line_buffering=True
    )


def to_devnull(stream: Any) -> None:
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):  # None, or not a real file (a test's capture)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)


def _hold_descriptor(fd: int) -> None:
    """Keep a closed standard descriptor taken by /dev/null, so that no file companion opens
    (a month of history) lands on it where a stray write to it would go."""
    try:
        os.fstat(fd)
    except OSError:
        null = os.open(os.devnull, os.O_WRONLY)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)


class _Watched:
    def __init__(self, stream: Any, watch: WatchedStdout) -> None:
        self._stream = stream
        self._watch = watch

    def write(self, data: Any) -> int:
        try:
            written: int = self._stream.write(data)
        except OSError as error:
            self._watch.noted(error)
            raise
        return written

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as error:
            self._watch.noted(error)
            raise

    @property
    def buffer(self) -> _Watched:
        return _Watched(self._stream.buffer, self._watch)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _Closed(io.TextIOBase):
    """sys.stdout when the command started with it closed: every write fails as a closed
    descriptor does (Python would print nothing and carry on)."""

    def __init__(self, watch: WatchedStdout) -> None:
        self._watch = watch

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def write(self, text: str) -> int:
        error = OSError(errno.EBADF, os.strerror(errno.EBADF))
        self._watch.noted(error)
        raise error

    @property
    def buffer(self) -> _Closed:
        return self


def unwritten(failure: OSError) -> str:
    """One line for a stdout that could not be written."""
    if failure.errno == errno.EBADF:
        return "standard output is closed, so nothing could be written there."
    reason = failure.strerror or str(failure)
    return f"could not write to standard output ({reason}); what reached it is incomplete."
