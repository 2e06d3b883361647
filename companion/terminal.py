"""The terminal the app draws on, and letting go of it when it is closed.

Closing a terminal window hangs the terminal up: the kernel sends SIGHUP and then SIGCONT to the
process that owns it. companion answers SIGHUP by leaving as Ctrl+Q does (what was entered is
kept), so it is still alive when SIGCONT arrives, and Textual's SIGCONT handler (meant for `fg`
after Ctrl+Z) started drawing again on the terminal that was gone. Textual writes through one
thread reading a queue of 30 writes: that thread's first write failed (EIO), the exception ended
it, and the app's next 30 writes filled the queue and waited on it for ever. The bare Textual app
never got there, as SIGHUP simply ends it.

So here a SIGCONT without a terminal changes nothing, and writes to a terminal that is gone are
dropped instead of ending the writer: nothing can wait on it.
"""

from __future__ import annotations

import os
from typing import IO, Any

from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver


class TerminalOutput:
    """Textual's output file, quiet once the terminal has gone (any write error from a terminal
    means it is not coming back)."""

    def __init__(self, file: IO[str]) -> None:
        self._file = file
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                self._file.write(text)
            except (OSError, ValueError):  # ValueError: the file was closed
                self.gone = True
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self._file.flush()
            except (OSError, ValueError):
                self.gone = True

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return self._file.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


class CompanionDriver(LinuxDriver):
    """Textual's driver for Linux and macOS, which lets go of a terminal that has gone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._file = TerminalOutput(self._file)  # type: ignore[arg-type, assignment]
        self._was_a_terminal = _is_a_terminal(self._file)

    @property
    def terminal_gone(self) -> bool:
        """True once the terminal has been closed (hung up)."""
        output: object = self._file
        if isinstance(output, TerminalOutput) and output.gone:
            return True
        # A terminal that was hung up answers no terminal request any more.
        return self._was_a_terminal and not _is_a_terminal(output)

    def _sigcont_application(self, *args: Any) -> None:
        if self.terminal_gone:
            return  # the SIGCONT of a hang-up: there is nothing to draw on
        super()._sigcont_application(*args)


def companion_driver(driver: type[Driver]) -> type[Driver]:
    """CompanionDriver in place of Textual's Linux driver; any other driver as it is."""
    return CompanionDriver if driver is LinuxDriver else driver


def _is_a_terminal(output: Any) -> bool:
    try:
        return os.isatty(output.fileno())
    except (OSError, ValueError):
        return False
