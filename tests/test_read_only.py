"""A data folder that cannot be written to: said as the app opens, before anything is typed; the
Saved screen never says "Saved" for an entry that was not; leaving keeps it in a recovery file
that the next start brings back (issue 13 item 1).

In-process the folder answers as a read-only mount does (EROFS, see test_faults_disk). The whole
story runs once more as it happens to a person: a real non-root user (setpriv to uid 65534) with
`chmod -R a-w` on their data folder, in a pseudo-terminal. Tests run as root here, who may write
anywhere; that test is skipped where there is no root or no setpriv.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_faults_disk import NOT_WRITABLE, Notes, breath
from test_faults_disk import read_only as unwritable  # noqa: F401 (a fixture, by name)
from textual.widgets import Static

from companion.app import CompanionApp
from companion.entries import Entry
from companion.history import HistoryStore
from companion.importing import read_export
from companion.recovery import find_recovery, read_recovery
from companion.screens.saved import SavedScreen

ROOT = Path(__file__).resolve().parent.parent
NOBODY = 65534


async def test_a_read_only_folder_is_said_as_the_app_opens_before_anything_is_typed(
    data_dir: Path, unwritable  # noqa: F811 (the fixture imported above)
):
    HistoryStore(data_dir).save(breath(2))
    unwritable(data_dir)
    app = CompanionApp(data_dir=data_dir)
    notes = Notes(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        [said] = notes.errors()
    assert said.startswith(f"{data_dir / 'history'} {NOT_WRITABLE}")
    assert "kept while companion is open" in said


def title(app: CompanionApp) -> str:
    return str(app.screen.query_one("#saved-title", Static).render())


async def until(pilot, condition, seconds: float = 10) -> None:
    """Wait for `condition()`, a little at a time, failing after `seconds`. Not
    app.workers.wait_for_complete(): the check-in's own worker waits on the Saved screen, so
    waiting for every worker while it is open never ends."""
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "never happened"
        await pilot.pause(0.05)


async def test_the_saved_screen_never_says_saved_for_an_entry_that_was_not(
    data_dir: Path, unwritable, capsys  # noqa: F811
):
    HistoryStore(data_dir).check()
    unwritable(data_dir)
    app = CompanionApp(data_dir=data_dir, start="checkin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s", "s", "right", "enter", *"glad", "enter", "s")
        await until(pilot, lambda: isinstance(app.screen, SavedScreen)
                    and title(app) != "Saving…")
        shown = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert title(app) == "Not saved yet"
        assert "Saved" not in shown
        assert NOT_WRITABLE in shown and "kept here" in shown
        await pilot.press("enter", "q")
    assert app.return_code == 1
    [kept] = find_recovery(data_dir)
    [entry] = read_recovery(kept)
    assert entry.feelings[0].word == "glad"
    assert f"It is kept in {kept}" in capsys.readouterr().err


async def test_the_saved_screen_says_saved_once_a_slow_save_lands(data_dir: Path, monkeypatch):
    import threading

    HistoryStore(data_dir).check()
    app = CompanionApp(data_dir=data_dir, start="checkin")
    go_on = threading.Event()
    real_save = app.store.save

    def slow_save(entry):
        go_on.wait(10)  # another companion holding the lock, say
        return real_save(entry)

    monkeypatch.setattr(app.store, "save", slow_save)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s", "s", "right", "enter", *"glad", "enter", "s")
        await pilot.pause(0.6)
        assert isinstance(app.screen, SavedScreen)
        assert title(app) == "Saving…"
        go_on.set()
        await until(pilot, lambda: title(app) == "Saved")
    assert HistoryStore(data_dir).all()[0].feelings[0].word == "glad"


# -- as a person: a real user whose data folder is read-only ----------------------------------


def _python_for(user: int, pythonpath: str) -> str | None:
    """An interpreter `user` may run that imports companion's dependencies, or None."""
    for candidate in dict.fromkeys([sys.executable, "/usr/bin/python3", shutil.which("python3")]):
        if not candidate:
            continue
        done = subprocess.run(
            ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", candidate, "-c",
             "import textual, tinydb, platformdirs, companion.app"],
            env={"PYTHONPATH": pythonpath, "PATH": os.environ.get("PATH", "")},
            capture_output=True, timeout=60, check=False, cwd="/",
        )
        if done.returncode == 0:
            return candidate
    return None


@pytest.fixture
def as_nobody() -> Iterator[tuple[list[str], Path]]:
    """A command running companion as uid 65534, and a home of theirs to run it in."""
    if os.name == "nt" or os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run companion as another user")
    pythonpath = os.pathsep.join([str(ROOT), sysconfig.get_paths()["purelib"]])
    python = _python_for(NOBODY, pythonpath)
    if python is None:
        pytest.skip("no Python that uid 65534 may run with companion's dependencies")
    base = Path(tempfile.mkdtemp(prefix="companion-nobody-"))
    base.chmod(0o755)
    home = base / "home"
    home.mkdir()
    os.chown(home, NOBODY, NOBODY)
    command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
               python, "-P", "-m", "companion.cli"]  # -P: this checkout, whatever the cwd
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "PYTHONPATH": pythonpath,
           "TMPDIR": str(home), "LANG": "C.UTF-8"}
    try:
        yield command, home, env
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def terminal():
    from pty_terminal import open_terminals

    yield from open_terminals()


def chown_tree(folder: Path, user: int) -> None:
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, user, user, follow_symlinks=False)


def test_a_person_with_a_read_only_folder_is_told_loses_nothing_and_gets_it_back(
    as_nobody, terminal
):
    command, home, env = as_nobody
    data = home / "companion-data"
    HistoryStore(data).save(breath(2))
    chown_tree(data, NOBODY)
    subprocess.run(["chmod", "-R", "a-w", str(data)], check=True)

    term = terminal("--data-dir", str(data), command=command, env=env)
    term.wait_for(b"writable")  # said on opening, before any key
    for keys in (b"c", b"s", b"s", b"\x1b[C", b"\r", b"glad", b"\r", b"s"):
        term.type(keys)
    term.wait_for(b"Not saved yet")
    term.type(b"\r")
    term.type(b"q")
    assert term.finish() == 1
    output = bytes(term.output)
    assert b"could not be saved" in output and b"kept in" in output
    [kept] = (home / ".local" / "state" / "companion" / "recovery").iterdir()
    info = kept.stat()
    assert (stat.S_IMODE(info.st_mode), info.st_uid) == (0o600, NOBODY)
    # read_recovery, run by root here, rightly refuses a file of another user's: read as import.
    [record] = read_export(kept)
    entry = Entry.from_dict(json.loads(record.text))
    assert [len(HistoryStore(data).all()), entry.feelings[0].word] == [1, "glad"]

    subprocess.run(["chmod", "-R", "u+w", str(data)], check=True)
    again = terminal("--data-dir", str(data), command=command, env=env)
    again.wait_for(b"Brought back 1 entry")
    again.type(b"q")
    assert again.finish() == 0
    assert not kept.exists()
    assert [e.id for e in HistoryStore(data).all()][1:] == [entry.id]
