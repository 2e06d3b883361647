"""Privacy: owner-only files whatever the umask, and nothing ever leaves the machine.

Network use is watched with an audit hook (sys.addaudithook), which sees every socket the
interpreter creates, connects, binds or resolves, whichever library asks. In this process the
hook records while a test is watching; in a child process (`python -c` with the same hook) any
such event ends the process at once with exit code 97, so nothing can catch and hide it.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from machines import own_device_file, own_file

from companion import plain
from companion.app import CompanionApp
from companion.cli import main
from companion.entries import Breathing, Entry
from companion.history import HistoryStore
from companion.settings import Settings, save_settings

POSIX = pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
NETWORK_FAMILIES = {int(socket.AF_INET), int(socket.AF_INET6)}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask: privacy must not depend on the person's umask."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def breath(day: int) -> Entry:
    return Entry(kind="breathing", started_at=datetime(2026, 11, day, 9).astimezone(),
                 breathing=Breathing("box", 64.0, 4, True))


@POSIX
def test_every_file_companion_writes_is_owner_only_even_with_an_open_umask(
    data_dir: Path, tmp_path: Path, state_dir: Path, open_umask, capsys
):
    store = HistoryStore(data_dir)
    store.save(breath(3))
    (data_dir / "history" / "2026-10.json").write_text("[]")  # damaged: October spills over
    store.save(Entry(kind="breathing", started_at=datetime(2026, 10, 20, 9).astimezone()))
    save_settings(data_dir, Settings())
    export = tmp_path / "out" / "export.json"
    export.parent.mkdir()
    assert main(["--data-dir", str(data_dir), "export", "--out", str(export)]) == 1
    demo = tmp_path / "demo"
    assert main(["demo", "--days", "3", "--out", str(demo)]) == 0
    capsys.readouterr()

    written = [
        data_dir / "history" / own_file("2026-11"),
        data_dir / "history" / own_file("2026-10"),
        data_dir / "history" / own_device_file(),
        store.lock_path,
        state_dir / "device.json",
        data_dir / "settings.toml",
        export,
        *(demo / "history").glob("*.json"),
    ]
    assert {path: oct(mode(path)) for path in written} == {path: "0o600" for path in written}
    folders = [data_dir, data_dir / "history", demo, demo / "history", state_dir,
               store.lock_path.parent]
    assert {path: oct(mode(path)) for path in folders} == {path: "0o700" for path in folders}


@POSIX
async def test_the_app_makes_a_folder_others_can_read_private_and_says_so(data_dir: Path):
    (data_dir / "history").mkdir(parents=True)
    data_dir.chmod(0o755)
    (data_dir / "history").chmod(0o775)
    app = CompanionApp(data_dir=data_dir)
    said: list[str] = []
    real = app.notify
    app.notify = lambda message, **o: (said.append(message), real(message, **o))[1]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the opening check starts after the first frame
        await app.workers.wait_for_complete()
    assert mode(data_dir) == mode(data_dir / "history") == 0o700
    assert f"{data_dir} could be read by other users; it is now private to you." in said
    assert f"{data_dir / 'history'} could be read by other users; it is now private to you." in said


# -- nothing leaves the machine ---------------------------------------------------------------

_watching: list[list[str]] = []


def _network_event(event: str, args: tuple) -> None:
    if not _watching:
        return
    if event == "socket.__new__" and args[1] in NETWORK_FAMILIES:
        _watching[-1].append(f"{event}{args!r:.120}")
    elif event in ("socket.connect", "socket.bind", "socket.sendto"):
        address = args[1]
        if not isinstance(address, str | bytes):  # AF_UNIX paths are local
            _watching[-1].append(f"{event}{args[1:]!r:.120}")
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
        _watching[-1].append(f"{event}{args!r:.120}")


sys.addaudithook(_network_event)


@pytest.fixture
def network() -> Iterator[list[str]]:
    """What network use was seen while the test ran (should stay empty)."""
    seen: list[str] = []
    _watching.append(seen)
    yield seen
    _watching.remove(seen)


def test_the_watch_sees_a_connection_attempt(network: list[str]):
    """The guard itself works: a refused local connection is still an attempt."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        probe.connect_ex(("127.0.0.1", 9))
    assert any(event.startswith("socket.connect") for event in network)


async def test_the_app_opens_no_socket_through_a_check_in_and_a_breathing_break(
    data_dir: Path, network: list[str]
):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(100, 34)) as pilot:
        await app.workers.wait_for_complete()
        app.action_checkin()
        await pilot.pause()
        await pilot.press("7")
        await pilot.press("q")  # leave part way: asks once
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        app.action_quick_breathe(pattern="box")
        await pilot.pause()
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.action_review()
        await pilot.pause()
        app.action_help()
        await pilot.pause()
    assert network == []
    assert HistoryStore(data_dir).all(), "the check-in should have been saved part way"


COMMANDS = [
    ["--help"],
    ["--version"],
    ["patterns"],
    ["week"],
    ["week", "--format", "json"],
    ["week", "--format", "markdown"],
    ["export"],
    ["export", "--format", "csv"],
    ["export", "--format", "markdown"],
    ["import", "{export}"],
    ["forget"],
    ["forget", "--yes"],
    ["demo", "--days", "2", "--out", "{demo}"],
    ["breathe", "--plain", "--cycles", "1"],
]


class InstantClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0)


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: "-".join(a).strip("-") or "app")
def test_no_command_opens_a_socket(
    data_dir: Path, tmp_path: Path, argv, capsys, monkeypatch, network: list[str]
):
    store = HistoryStore(data_dir)
    store.save(breath(3))
    export = tmp_path / "export.json"
    export.write_text(
        json.dumps({"schema": 1, "entries": [breath(4).to_dict()]})
    )
    clock = InstantClock()
    real_run_plain = plain.run_plain
    monkeypatch.setattr(plain, "run_plain", lambda d, r: real_run_plain(
        d, r, clock=clock, sleep=clock.sleep))
    argv = [part.format(export=export, demo=tmp_path / "demo") for part in argv]
    try:
        code = main(["--data-dir", str(data_dir), *argv])
    except SystemExit as stop:
        code = stop.code
    capsys.readouterr()
    assert code in (0, 2)  # `forget` without --yes is a usage answer, not a failure
    assert network == []


GUARD = """
import os, socket, sys
NETWORK = {int(socket.AF_INET), int(socket.AF_INET6)}
def hook(event, args):
    bad = (event == "socket.__new__" and args[1] in NETWORK) or event in (
        "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr") or (
        event in ("socket.connect", "socket.sendto", "socket.bind")
        and not isinstance(args[1], (str, bytes)))
    if bad:
        os.write(2, f"NETWORK: {event} {args!r:.200}\\n".encode())
        os._exit(97)
sys.addaudithook(hook)
from companion.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize(
    "argv",
    [["patterns"], ["week", "--offset", "-1"], ["export", "--format", "csv"], ["forget", "--yes"],
     ["demo", "--days", "2", "--out", "{demo}"]],
    ids=lambda a: a[0],
)
def test_a_real_process_of_each_kind_opens_no_socket(data_dir: Path, tmp_path: Path, argv):
    HistoryStore(data_dir).save(breath(3))
    argv = [part.format(demo=tmp_path / "demo") for part in argv]
    result = subprocess.run(
        [sys.executable, "-c", GUARD, "--data-dir", str(data_dir), *argv],
        capture_output=True, text=True, timeout=120,
    )
    assert "NETWORK" not in result.stderr
    assert result.returncode == 0, result.stderr


def test_the_child_guard_really_stops_a_process_that_connects(tmp_path: Path):
    sneaky = GUARD.replace(
        "from companion.cli import main",
        "socket.create_connection(('127.0.0.1', 9), timeout=0.2)\nfrom companion.cli import main",
    )
    result = subprocess.run([sys.executable, "-c", sneaky, "--version"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 97 and "NETWORK" in result.stderr
