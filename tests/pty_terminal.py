"""A pseudo-terminal running a real `companion` process, as a terminal window runs it.

The process is the session leader of its own terminal (as in tmux or a new window), so closing
the window (the master side) hangs the terminal up just as closing a real one does.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence

if os.name != "nt":
    import fcntl
    import struct
    import termios

LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"


class Terminal:
    """A pseudo-terminal running `companion ARGS` as its session's controlling process."""

    def __init__(
        self, *args: str, command: Sequence[str] | None = None, env: dict[str, str] | None = None
    ) -> None:
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.modes_before = termios.tcgetattr(self.slave)
        self.output = bytearray()
        self._stop = threading.Event()
        env = {**(os.environ if env is None else env), "TERM": "xterm-256color"}
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
        command = [sys.executable, "-m", "companion.cli"] if command is None else command
        self.process = subprocess.Popen(
            [*command, *args],
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

    def wait_for_output(self, timeout: float = 30) -> None:
        """Wait for the first bytes companion writes (Textual taking over the terminal)."""
        deadline = time.monotonic() + timeout
        while not self.output:
            assert self.process.poll() is None, "companion exited before writing anything"
            assert time.monotonic() < deadline, "companion never wrote anything"
            time.sleep(0.002)

    def ended_within(self, seconds: float) -> bool:
        """Has the process ended within `seconds` from now?"""
        try:
            self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return False
        return True

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
        self.master = self.slave = -1


def _take_the_terminal() -> None:
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def open_terminals() -> Iterator:
    """For a fixture: a function opening terminals, each closed (its process killed) after."""
    opened: list[Terminal] = []

    def open_terminal(*args: str, **options) -> Terminal:
        opened.append(Terminal(*args, **options))
        return opened[-1]

    yield open_terminal
    for each in opened:
        each.close()


