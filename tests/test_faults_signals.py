"""Ctrl-C, SIGTERM and a closed terminal (SIGHUP) mid-check-in: what was entered is saved.

The real command runs in a pseudo-terminal, as in a terminal window: we wait for the Notice step,
rate activation 7, then interrupt. Afterwards a partial check-in with that rating is in the
history, the process has exited, and the terminal is as it was before (modes restored, the
alternate screen left).
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from companion.history import HistoryStore

if os.name == "nt":  # pragma: no cover
    pytest.skip("pseudo-terminals and POSIX signals", allow_module_level=True)

import fcntl
import struct
import termios

LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"


class Terminal:
    """A pseudo-terminal running `companion ARGS` as its session's controlling process."""

    def __init__(self, *args: str) -> None:
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.modes_before = termios.tcgetattr(self.slave)
        self.output = bytearray()
        self._stop = threading.Event()
        env = {**os.environ, "TERM": "xterm-256color"}
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "companion.cli", *args],
            stdin=self.slave, stdout=self.slave, stderr=self.slave,
            preexec_fn=_take_the_terminal, env=env, close_fds=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            if not select.select([self.master], [], [], 0.02)[0]:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.extend(chunk)

    def wait_for(self, text: bytes, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            assert self.process.poll() is None, f"companion exited: {bytes(self.output)[-500:]!r}"
            assert time.monotonic() < deadline, f"{text!r} never appeared"
            time.sleep(0.02)

    def settle(self, quiet: float = 0.3, timeout: float = 30) -> None:
        """Wait until the app has drawn everything it had to draw (no output for `quiet` s)."""
        deadline = time.monotonic() + timeout
        while True:
            seen = len(self.output)
            time.sleep(quiet)
            if len(self.output) == seen:
                return
            assert time.monotonic() < deadline, "the app never stopped drawing"

    def type(self, keys: bytes, timeout: float = 30) -> None:
        """Send keys and wait until the app has redrawn after them (so it has handled them)."""
        self.settle()
        seen = len(self.output)
        os.write(self.master, keys)
        deadline = time.monotonic() + timeout
        while len(self.output) == seen and self.process.poll() is None:
            assert time.monotonic() < deadline, f"nothing was drawn after {keys!r}"
            time.sleep(0.02)

    def close_window(self) -> None:
        """What closing a terminal window does: the master side goes away (SIGHUP)."""
        self._stop.set()
        self._reader.join()
        os.close(self.master)
        self.master = -1

    def finish(self) -> int:
        code = self.process.wait(timeout=30)
        self._stop.set()
        self._reader.join()
        return code

    def modes_restored(self) -> bool:
        return termios.tcgetattr(self.slave) == self.modes_before

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._stop.set()
        for fd in (self.master, self.slave):
            if fd >= 0:
                os.close(fd)


def _take_the_terminal() -> None:
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


@pytest.fixture
def terminal():
    opened: list[Terminal] = []

    def open_terminal(*args: str) -> Terminal:
        opened.append(Terminal(*args))
        return opened[-1]

    yield open_terminal
    for each in opened:
        each.close()


@pytest.mark.parametrize(
    ("how", "exit_code"),
    [("ctrl-c", 0), ("SIGTERM", 128 + signal.SIGTERM), ("SIGHUP", 128 + signal.SIGHUP),
     ("window-closed", 128 + signal.SIGHUP)],
)
def test_leaving_mid_check_in_saves_what_was_entered_and_restores_the_terminal(
    data_dir: Path, terminal, how: str, exit_code: int
):
    term = terminal("--data-dir", str(data_dir), "checkin")
    term.wait_for(b"Activation")
    term.type(b"7")
    if how == "ctrl-c":
        os.write(term.master, b"\x03")
    elif how == "window-closed":
        term.close_window()
    else:
        term.process.send_signal(getattr(signal, how))
    assert term.finish() == exit_code

    [entry] = HistoryStore(data_dir).all()
    assert (entry.kind, entry.complete, entry.activation_before) == ("checkin", False, 7)
    if how != "window-closed":  # a closed window has no modes left to restore
        assert term.modes_restored()
        assert LEAVE_ALTERNATE_SCREEN in term.output


def test_sigterm_mid_breath_saves_the_breathing_so_far(data_dir: Path, terminal):
    term = terminal("--data-dir", str(data_dir), "breathe", "--pattern", "box")
    term.wait_for(b"breath 1")
    term.process.send_signal(signal.SIGTERM)
    assert term.finish() == 128 + signal.SIGTERM
    [entry] = HistoryStore(data_dir).all()
    assert (entry.kind, entry.complete) == ("breathing", False)
    assert entry.breathing is not None and entry.breathing.pattern == "box"
    assert term.modes_restored()
