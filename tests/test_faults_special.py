"""Special files and links where the history or the settings should be (issue 13, items 9, 13).

A FIFO named like a month file or settings.toml used to hang `week`, `export`, `forget`,
`breathe --plain` and the app (an open() waiting for a writer that never comes), and
`import /dev/zero` read until the memory ran out. Each case runs as a real process with a
timeout, so a hang fails its test instead of stopping the suite. Links: a save used to replace
a linked settings.toml or month file with a regular file (cutting it from where it pointed),
and `forget` removed only the link, leaving the history it pointed to.
"""

from __future__ import annotations

import json
import os
import resource
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from machines import month_files, own_file

from companion.entries import Breathing, Entry
from companion.history import HistoryStore
from companion.settings import Settings, load_settings, save_settings

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs and links")

TIMEOUT = 30  # seconds: far more than any of these takes; a hang is what it catches
NOW = datetime.now(UTC)
OCTOBER = Entry(kind="breathing", started_at=datetime(2025, 10, 20, 9, tzinfo=UTC),
                breathing=Breathing("box", 64.0, 4, True), note="from a sound file")
QUICK_PATTERN = """
[[pattern]]
name = "quick"
label = "Quick"
about = "For tests: one second in, one out."
phases = [{ kind = "in", seconds = 1 }, { kind = "out", seconds = 1 }]
"""


def companion(data_dir: Path, *argv: str, **options) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "companion.cli", "--data-dir", str(data_dir), *argv],
        capture_output=True, text=True, timeout=TIMEOUT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"}, **options,
    )


def this_month(data_dir: Path) -> Path:
    return data_dir / "history" / f"{NOW:%Y-%m}.json"


@pytest.fixture
def fifo_month(data_dir: Path) -> Path:
    """A sound October 2025, and a FIFO where this month's file should be."""
    HistoryStore(data_dir).save(OCTOBER)
    (data_dir / "patterns.toml").write_text(QUICK_PATTERN)
    fifo = this_month(data_dir)
    os.mkfifo(fifo, 0o600)
    return fifo


def is_fifo(path: Path) -> bool:
    return stat.S_ISFIFO(os.lstat(path).st_mode)


NAMED = "is a named pipe (FIFO), not a history file"


@pytest.mark.parametrize(
    ("argv", "code", "said"),
    [
        (["week"], 1, NAMED),
        (["export"], 1, f"left out of this export: {{fifo}} {NAMED}"),
        (["forget"], 2, "1 entry (and 1 files that could not be read)"),
        (["forget", "--yes"], 1, "left {fifo} is a named pipe (FIFO), not a history file"),
        (["breathe", "--plain", "--pattern", "quick", "--cycles", "1"], 0, ""),
        (["import", "{export}"], 0, NAMED),
    ],
    ids=["week", "export", "forget", "forget-yes", "breathe", "import"],
)
def test_a_fifo_named_like_a_month_file_hangs_nothing(data_dir, fifo_month, tmp_path, argv,
                                                       code, said):
    export = tmp_path / "export.json"
    new = Entry(kind="breathing", started_at=NOW - timedelta(minutes=5), note="imported")
    export.write_text(json.dumps({"schema": 1, "entries": [new.to_dict()]}))
    argv = [a.replace("{export}", str(export)) for a in argv]

    result = companion(data_dir, *argv)

    assert result.returncode == code, result.stderr
    assert said.replace("{fifo}", str(fifo_month)) in result.stderr
    assert "Traceback" not in result.stderr and "went wrong" not in result.stderr
    assert is_fifo(fifo_month)  # never opened for writing, never replaced, never deleted
    if argv[0] == "export":
        assert "from a sound file" in result.stdout
    if argv[:2] == ["forget", "--yes"]:
        assert month_files(data_dir) == [fifo_month.name]
    if argv[0] in ("breathe", "import"):
        # Saved beside it, as beside a damaged file.
        saved = HistoryStore(data_dir).between(NOW - timedelta(hours=1), NOW + timedelta(hours=1))
        assert len(saved) == 1
        assert (data_dir / "history" / own_file(f"{NOW:%Y-%m}")).is_file()


def test_a_fifo_named_like_this_machines_own_file_is_never_opened_and_saves_go_beside_it(
    data_dir,
):
    HistoryStore(data_dir).save(OCTOBER)
    fifo = data_dir / "history" / own_file(f"{NOW:%Y-%m}")
    os.mkfifo(fifo, 0o600)
    result = companion(data_dir, "import", "/dev/stdin",
                       input=json.dumps({"schema": 1, "entries": [Entry(
                           kind="breathing", started_at=NOW, note="imported").to_dict()]}))
    assert result.returncode == 0, result.stderr
    assert NAMED in result.stderr
    assert is_fifo(fifo)
    assert (data_dir / "history" / own_file(f"{NOW:%Y-%m}", 2)).is_file()
    assert [e.note for e in HistoryStore(data_dir).all()] == ["from a sound file", "imported"]


@pytest.mark.parametrize(
    "argv",
    [["week"], ["breathe", "--plain", "--pattern", "quick", "--cycles", "1"]],
    ids=["week", "breathe"],
)
def test_a_fifo_named_settings_toml_is_said_and_the_defaults_used(data_dir, argv):
    HistoryStore(data_dir).check()
    (data_dir / "patterns.toml").write_text(QUICK_PATTERN)
    os.mkfifo(data_dir / "settings.toml", 0o600)

    result = companion(data_dir, *argv)

    assert result.returncode == 0, result.stderr
    assert (f"{data_dir / 'settings.toml'} is a named pipe (FIFO), not a settings file; "
            "using the defaults.") in result.stderr
    assert is_fifo(data_dir / "settings.toml")


APP_WITH_A_FIFO = """
import asyncio, sys
from pathlib import Path
from companion.app import CompanionApp

async def main():
    app = CompanionApp(data_dir=Path(sys.argv[1]))
    shown = []
    real = app.notify
    app.notify = lambda message, **o: (shown.append(message), real(message, **o))[1]
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("q")
    print("\\n".join(shown))

asyncio.run(main())
"""


def test_the_app_opens_and_quits_with_fifos_for_settings_and_this_month(data_dir, fifo_month):
    os.mkfifo(data_dir / "settings.toml", 0o600)
    result = subprocess.run([sys.executable, "-c", APP_WITH_A_FIFO, str(data_dir)],
                            capture_output=True, text=True, timeout=TIMEOUT * 2)
    assert result.returncode == 0, result.stderr
    assert f"{fifo_month} {NAMED}" in result.stdout
    assert "settings.toml is a named pipe (FIFO)" in result.stdout


def _at_most_two_gigabytes() -> None:
    # Should the device be read after all, the process fails fast instead of filling the
    # machine's memory.
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_import_of_a_device_is_refused_at_once(data_dir, device):
    if not Path(device).exists():
        pytest.skip(f"no {device}")
    result = companion(data_dir, "import", device, preexec_fn=_at_most_two_gigabytes)
    assert result.returncode == 1
    assert result.stderr == (
        f"companion: {device} is a device, not an export file. Nothing was imported.\n"
    )
    assert not data_dir.exists()


def test_a_fifo_as_the_legacy_history_file_is_not_read(data_dir):
    data_dir.mkdir(mode=0o700)
    os.mkfifo(data_dir / "history.json", 0o600)
    result = companion(data_dir, "export")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["entries"] == []


# -- links -------------------------------------------------------------------------------------


@pytest.fixture
def dotfiles(tmp_path: Path) -> Path:
    folder = tmp_path / "dotfiles"
    folder.mkdir()
    return folder


def test_saving_settings_writes_through_a_linked_settings_toml(data_dir, dotfiles):
    data_dir.mkdir(mode=0o700)
    kept = dotfiles / "companion-settings.toml"
    kept.write_text('bell = true\n')
    (data_dir / "settings.toml").symlink_to(kept)

    save_settings(data_dir, Settings(bell=True, week_start="sunday"))

    assert (data_dir / "settings.toml").is_symlink()
    assert os.readlink(data_dir / "settings.toml") == str(kept)
    settings, warnings = load_settings(data_dir)
    assert (settings.week_start, settings.bell, warnings) == ("sunday", True, [])
    assert 'week_start = "sunday"' in kept.read_text()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert [p.name for p in dotfiles.iterdir()] == [kept.name]  # no temporary file left


def test_a_linked_month_file_is_written_through_and_forget_removes_both(data_dir, dotfiles,
                                                                         capsys):
    from companion.cli import main

    store = HistoryStore(data_dir)
    first = store.save(Entry(kind="breathing", started_at=datetime(2026, 11, 3, tzinfo=UTC)))
    month = data_dir / "history" / own_file("2026-11")
    kept = dotfiles / "2026-11.json"
    month.rename(kept)
    month.symlink_to(kept)

    second = HistoryStore(data_dir).save(
        Entry(kind="breathing", started_at=datetime(2026, 11, 4, tzinfo=UTC)))

    assert month.is_symlink() and os.readlink(month) == str(kept)
    assert HistoryStore(data_dir).all() == [first, second]
    assert [p.name for p in dotfiles.iterdir()] == ["2026-11.json"]
    assert month_files(data_dir) == [month.name]

    assert main(["--data-dir", str(data_dir), "forget", "--yes"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and "2 files removed" in out
    assert not os.path.lexists(month) and not kept.exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="makes a file someone else owns (needs root)")
def test_a_link_to_someone_elses_file_is_read_never_written_and_forget_says_it_left_it(
    data_dir, dotfiles, capsys
):
    from companion.cli import main

    store = HistoryStore(data_dir)
    theirs_entry = store.save(Entry(kind="breathing", started_at=datetime(2026, 11, 3,
                                                                          tzinfo=UTC)))
    month = data_dir / "history" / own_file("2026-11")
    theirs = dotfiles / "theirs.json"
    month.rename(theirs)
    os.chown(theirs, 65534, 65534)
    month.symlink_to(theirs)
    before = theirs.read_bytes()

    mine = HistoryStore(data_dir)
    new = mine.save(Entry(kind="breathing", started_at=datetime(2026, 11, 4, tzinfo=UTC)))

    assert theirs.read_bytes() == before and month.is_symlink()
    assert (data_dir / "history" / own_file("2026-11", 2)).is_file()
    assert HistoryStore(data_dir).all() == [theirs_entry, new]
    assert any("someone else's" in notice for notice in mine.notices)

    assert main(["--data-dir", str(data_dir), "forget", "--yes"]) == 1
    _, err = capsys.readouterr()
    assert err == (f"companion: left {month} is a link to {theirs}, which is someone else's; "
                   "both were left.\n")
    assert theirs.read_bytes() == before and month.is_symlink()


def test_forget_leaves_a_link_to_a_file_that_is_not_a_history_and_says_so(data_dir, dotfiles,
                                                                           capsys):
    from companion.cli import main

    HistoryStore(data_dir).save(OCTOBER)
    notes = dotfiles / "notes.txt"
    notes.write_text("my own notes, not a history")
    link = data_dir / "history" / "2026-11.json"
    link.symlink_to(notes)

    assert main(["--data-dir", str(data_dir), "forget", "--yes"]) == 1
    out, err = capsys.readouterr()
    assert "1 file removed" in out
    assert err == (f"companion: left {link} is a link to {notes}, which is not a companion "
                   "history file; both were left.\n")
    assert notes.read_text() == "my own notes, not a history"


SAVE_SETTINGS = """
import sys
from pathlib import Path
from companion.settings import Settings, save_settings
from companion.storage import StoreError
try:
    save_settings(Path(sys.argv[1]), Settings(bell=True))
except StoreError as error:
    print(error)
"""


@pytest.mark.parametrize("target", ["fifo", "missing", "folder"])
def test_a_link_to_something_that_is_not_a_regular_file_is_never_written(data_dir, tmp_path,
                                                                           target):
    data_dir.mkdir(mode=0o700)
    where = tmp_path / "target"
    if target == "fifo":
        os.mkfifo(where)
    elif target == "folder":
        where.mkdir()
    (data_dir / "settings.toml").symlink_to(where)
    # A process of its own: reading a FIFO used to wait for a writer forever.
    result = subprocess.run([sys.executable, "-c", SAVE_SETTINGS, str(data_dir)],
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    said = {
        "fifo": "is a named pipe (FIFO), not a settings file",
        "missing": f"is a link to {where}, which is not there; nothing was written.",
        "folder": "is a folder, not a settings file",
    }[target]
    assert said in result.stdout
    assert (data_dir / "settings.toml").is_symlink()
    assert os.readlink(data_dir / "settings.toml") == str(where)


def test_export_out_through_a_link_writes_the_file_it_points_to(data_dir, dotfiles, capsys):
    from companion.cli import main

    HistoryStore(data_dir).save(OCTOBER)
    kept = dotfiles / "backup.json"
    kept.write_text("an older backup")
    link = dotfiles.parent / "backup-link.json"
    link.symlink_to(kept)

    assert main(["--data-dir", str(data_dir), "export", "--out", str(link)]) == 0
    assert link.is_symlink()
    assert json.loads(kept.read_text())["entries"][0]["note"] == "from a sound file"
