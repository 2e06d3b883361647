"""Ctrl-C, SIGTERM and a closed terminal (SIGHUP) mid-check-in: what was entered is saved.

The real command runs in a pseudo-terminal, as in a terminal window: we wait for the Notice step,
rate activation 7, then interrupt. Afterwards a partial check-in with that rating is in the
history, the process has exited, and the terminal is as it was before (modes restored, the
alternate screen left).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from pty_terminal import LEAVE_ALTERNATE_SCREEN, open_terminals

from companion.history import HistoryStore

if os.name == "nt":  # pragma: no cover
    pytest.skip("pseudo-terminals and POSIX signals", allow_module_level=True)


@pytest.fixture
def terminal():
    yield from open_terminals()


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
