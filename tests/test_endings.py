"""How companion ends, and where its output goes.

The app, a check-in and the app's breathing break leave one line once the screen is restored
("Saved: 1 min of box breathing.", "Saved what you entered so far."), read back from the
history; Ctrl-C says what was kept the same way. `companion breathe` into a pipe breathes in
plain lines and says why on stderr. The real command runs in a pseudo-terminal or with its
stdout a pipe, as a person's shell would run it.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from companion.closing import closing_line
from companion.entries import Breathing, Entry
from companion.history import HistoryStore

if os.name == "nt":  # pragma: no cover
    pytest.skip("pseudo-terminals", allow_module_level=True)

import fcntl
import struct
import termios

QUICK = """
[[pattern]]
name = "quick"
label = "Quick breath"
phases = [{ kind = "in", seconds = 1 }, { kind = "out", seconds = 1 }]
"""
LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"
NOW = datetime(2026, 11, 20, 9, 0).astimezone()


def quick_pattern(data_dir: Path) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "patterns.toml").write_text(QUICK)
    return data_dir


# -- the line ---------------------------------------------------------------------------------


def breath(seconds: float, *, completed: bool = True, pattern: str = "box") -> Entry:
    return Entry(kind="breathing", started_at=NOW, complete=completed,
                 breathing=Breathing(pattern, seconds, int(seconds // 16), completed))


def checkin(*, complete: bool) -> Entry:
    return Entry(kind="checkin", started_at=NOW, activation_before=7, complete=complete)


LABELS = {"box": "Box breathing", "4-7-8": "4-7-8 breathing"}


@pytest.mark.parametrize(
    ("kept", "line"),
    [
        ([], ""),
        ([breath(60.0)], "Saved: 1 min of box breathing."),
        ([breath(57.0, pattern="4-7-8")], "Saved: 57 s of 4-7-8 breathing."),
        ([breath(95.0)], "Saved: 1.5 min of box breathing."),
        ([breath(12.4, completed=False)],
         "Saved: 12 s of box breathing (stopped early, and that's fine)."),
        ([breath(40, pattern="mine")], "Saved: 40 s of mine."),  # a pattern no longer there
        ([checkin(complete=False)], "Saved what you entered so far."),
        ([checkin(complete=True)], "Saved: your check-in."),
        # A repair logged on its own and left part way is said as such.
        ([Entry(kind="repair", started_at=NOW, complete=False)],
         "Saved what you entered so far."),
        ([Entry(kind="repair", started_at=NOW, complete=False), breath(60)],
         "Saved: what you entered of a repair so far and 1 min of box breathing."),
        ([breath(60.0), checkin(complete=False)],
         "Saved: 1 min of box breathing and what you entered of a check-in so far."),
        ([Entry(kind="repair", started_at=NOW), checkin(complete=True), breath(60)],
         "Saved: your repair, your check-in and 1 min of box breathing."),
        ([breath(60), breath(60), breath(30), checkin(complete=True)],
         "Saved: 1 check-in and 3 breathing breaks (2.5 min)."),
        # Two alike are counted, not named twice ("… so far and … so far").
        ([checkin(complete=False), checkin(complete=False)], "Saved: 2 check-ins."),
        ([checkin(complete=True), checkin(complete=True), breath(60)],
         "Saved: 2 check-ins and 1 breathing break (1 min)."),
    ],
)
def test_the_closing_line_says_what_was_kept(kept, line):
    assert closing_line(kept, LABELS) == line


# -- a real terminal -----------------------------------------------------------------------------


class Terminal:
    """`companion ARGS` in an 80x24 pseudo-terminal of its own."""

    def __init__(self, data_dir: Path, *args: str) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COMPANION_DATA_DIR": str(data_dir)}
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
        self.output = b""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "companion.cli", *args],
            stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
        )
        os.close(slave)

    def read(self, until: bytes = b"", timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while until not in self.output or not until:
            if time.monotonic() > deadline:
                raise AssertionError(f"{until!r} never came: {self.output[-400:]!r}")
            if not select.select([self.master], [], [], 0.05)[0]:
                if not until and self.process.poll() is not None:
                    return
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the process has gone and the terminal with it
                return
            if not chunk:
                return
            self.output += chunk

    def type(self, keys: bytes) -> None:
        time.sleep(0.3)  # the app handles keys once it has drawn
        os.write(self.master, keys)

    def after_the_screen(self) -> str:
        """Everything the command wrote once it had left the app's screen, as lines."""
        self.read()
        assert self.process.wait(timeout=30) is not None
        _, _, after = self.output.rpartition(LEAVE_ALTERNATE_SCREEN)
        text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r", b"", after).decode()
        return text.strip()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


@pytest.fixture
def terminal():
    opened: list[Terminal] = []

    def open_terminal(data_dir: Path, *args: str) -> Terminal:
        opened.append(Terminal(data_dir, *args))
        return opened[-1]

    yield open_terminal
    for each in opened:
        each.close()


def test_a_break_in_the_app_ends_with_what_it_saved(data_dir, terminal):
    quick_pattern(data_dir)
    shown = terminal(data_dir, "breathe", "--pattern", "quick", "--cycles", "1")
    assert shown.after_the_screen() == "Saved: 2 s of quick breath."
    assert shown.process.returncode == 0
    assert [e.breathing.seconds for e in HistoryStore(data_dir).all() if e.breathing] == [2.0]


def test_ctrl_c_mid_breath_says_what_was_kept(data_dir, terminal):
    quick_pattern(data_dir)
    shown = terminal(data_dir, "breathe", "--pattern", "quick", "--cycles", "100")
    shown.read(until=b"breath 2 of")
    shown.type(b"\x03")
    line = shown.after_the_screen()
    entry = HistoryStore(data_dir).all()[0]
    assert entry.breathing is not None and not entry.complete
    assert line == (f"Saved: {round(entry.breathing.seconds)} s of quick breath "
                    "(stopped early, and that's fine).")


def test_ctrl_c_mid_check_in_says_what_you_entered_was_saved(data_dir, terminal):
    shown = terminal(data_dir, "checkin")
    shown.read(until=b"0 to 10")
    shown.type(b"7")
    shown.type(b"\x03")
    assert shown.after_the_screen() == "Saved what you entered so far."
    entry = HistoryStore(data_dir).all()[0]
    assert (entry.kind, entry.complete, entry.activation_before) == ("checkin", False, 7)


def test_leaving_the_app_with_nothing_saved_adds_no_line(data_dir, terminal):
    # The home is drawn once its footer is: "Quit" is its last key (the palette's word may
    # come in two pieces when the footer is full).
    shown = terminal(data_dir)
    shown.read(until=b"Quit")
    shown.type(b"\x03")
    assert shown.after_the_screen() == ""


def test_entries_from_before_the_visit_are_not_counted(data_dir, terminal):
    quick_pattern(data_dir)
    HistoryStore(data_dir).save(breath(60).with_changes(
        started_at=datetime.now().astimezone() - timedelta(minutes=5)))
    shown = terminal(data_dir, "breathe", "--pattern", "quick", "--cycles", "1")
    assert shown.after_the_screen() == "Saved: 2 s of quick breath."


# -- a pipe -------------------------------------------------------------------------------------


def test_breathe_into_a_pipe_uses_the_plain_lines_and_says_why(data_dir):
    quick_pattern(data_dir)
    done = subprocess.run(
        [sys.executable, "-m", "companion.cli", "breathe", "--pattern", "quick", "--cycles", "2",
         "--data-dir", str(data_dir)],
        capture_output=True, stdin=subprocess.DEVNULL, timeout=60,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    out, err = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 0, err
    assert "\x1b" not in out
    lines = out.splitlines()
    # The opening line and the note on dizziness (each plain run is a session of its own).
    assert lines[2:6] == ["in 1", "out 1", "in 1", "out 1"]
    assert lines[-1] == "Done: 4 s, 2 breaths. Saved."
    assert err == ("companion: standard output is not a terminal, so the breathing is in plain "
                   "lines (as with --plain).\n")
    entry = HistoryStore(data_dir).all()[0]
    assert entry.breathing is not None and entry.breathing.completed


def test_breathe_plain_asked_for_says_nothing_about_the_terminal(data_dir):
    quick_pattern(data_dir)
    done = subprocess.run(
        [sys.executable, "-m", "companion.cli", "breathe", "--plain", "--pattern", "quick",
         "--cycles", "1", "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0 and done.stderr == ""
