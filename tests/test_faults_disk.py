"""A full disk, a read-only or missing data folder, --data-dir pointing at a file.

A full disk is simulated where the bytes go out: `os.write` on the store's temporary files fails
with ENOSPC after writing part of the data, as a real disk filling up mid-write does. A
read-only folder is simulated the way a read-only mount answers (EROFS), because these tests may
run as root, who can write into a folder whatever its mode; where they do not, the real
`chmod` case runs too.
"""

from __future__ import annotations

import builtins
import errno
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from machines import own_file

from companion.app import CompanionApp
from companion.cli import main
from companion.entries import Breathing, Entry
from companion.history import HistoryStore
from companion.storage import SaveFailed, StoreError

TZ = timezone(timedelta(hours=1))
NOT_WRITABLE = "is not writable, so nothing could be saved there."


def breath(day: int, note: str = "") -> Entry:
    return Entry(
        kind="breathing",
        started_at=datetime(2026, 11, day, 9, tzinfo=TZ),
        breathing=Breathing("box", 64.0, 4, True),
        note=note,
    )


class FullDisk:
    """os.write to the store's temporary files in `folder` fails with ENOSPC, after the first
    call has written part of its data, as a disk filling up mid-write does."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
        self.folder = folder.resolve()
        self.full = True
        self.failed_writes = 0
        self._partly_written: set[Path] = set()
        real_write = os.write

        def write(fd: int, data) -> int:
            target = self._temp_file_behind(fd)
            if not self.full or target is None:
                return real_write(fd, data)
            if target not in self._partly_written and len(data) > 1:
                self._partly_written.add(target)
                return real_write(fd, bytes(data[: len(data) // 2]))
            self.failed_writes += 1
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(os, "write", write)

    def _temp_file_behind(self, fd: int) -> Path | None:
        try:
            target = Path(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            return None
        inside = target.is_relative_to(self.folder) and target.name.endswith(".tmp")
        return target if inside else None

    def space_back(self) -> None:
        self.full = False


_REAL_WRITE = os.write

needs_proc = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="finds the file behind a descriptor in /proc"
)


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> Callable[[], FullDisk]:
    return lambda: FullDisk(monkeypatch, data_dir)


def month_file(data_dir: Path) -> Path:
    return data_dir / "history" / own_file("2026-11")


def leftovers(data_dir: Path) -> list[Path]:
    return list((data_dir / "history").glob(".*.tmp"))


# -- a full disk ------------------------------------------------------------------------------


@needs_proc
def test_a_full_disk_leaves_the_old_file_byte_identical_and_says_so(data_dir, full_disk):
    store = HistoryStore(data_dir)
    first = store.save(breath(3))
    before = month_file(data_dir).read_bytes()

    disk = full_disk()
    with pytest.raises(SaveFailed) as failure:
        store.save(breath(4, note="written while the disk filled up"))
    assert disk.failed_writes == 1
    assert str(failure.value) == (
        f"The disk is full, so {own_file('2026-11')} could not be saved; the file is unchanged."
    )
    assert month_file(data_dir).read_bytes() == before
    assert leftovers(data_dir) == []
    assert HistoryStore(data_dir).all() == [first]

    disk.space_back()
    second = store.save(breath(4))
    assert HistoryStore(data_dir).all() == [first, second]


def test_no_room_even_for_the_temporary_file_is_a_store_error_too(data_dir, monkeypatch):
    store = HistoryStore(data_dir)
    first = store.save(breath(3))
    before = month_file(data_dir).read_bytes()

    def no_inodes_left(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(tempfile, "mkstemp", no_inodes_left)
    with pytest.raises(SaveFailed, match="The disk is full"):
        store.save(breath(4))
    assert month_file(data_dir).read_bytes() == before
    monkeypatch.undo()
    assert HistoryStore(data_dir).all() == [first]


class Notes:
    """Every notification the app sends, with the options it was sent with."""

    def __init__(self, app: CompanionApp) -> None:
        self.sent: list[tuple[str, dict]] = []
        real = app.notify

        def notify(message: str, **options) -> None:
            self.sent.append((message, options))
            real(message, **options)

        app.notify = notify  # type: ignore[method-assign]

    def errors(self) -> list[str]:
        return [m for m, options in self.sent if options.get("severity") == "error"]

    def messages(self) -> list[str]:
        return [m for m, _ in self.sent]


@needs_proc
async def test_the_app_keeps_an_entry_the_full_disk_refused_and_saves_it_later(
    data_dir, full_disk
):
    HistoryStore(data_dir).save(breath(2))
    before = month_file(data_dir).read_bytes()
    app = CompanionApp(data_dir=data_dir)
    notes = Notes(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await app.workers.wait_for_complete()
        disk = full_disk()
        refused = breath(3, note="what I wrote")
        app.save_entry(refused)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.unsaved == [refused]
        assert month_file(data_dir).read_bytes() == before
        [error] = notes.errors()
        assert error.startswith(f"The disk is full, so {own_file('2026-11')} could not be saved")
        assert "kept" in error

        disk.space_back()
        later = breath(4)
        app.save_entry(later)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.unsaved == []
        assert notes.messages()[-1] == "Saved."
    assert [e.id for e in HistoryStore(data_dir).all()][1:] == [refused.id, later.id]


# -- a read-only folder -------------------------------------------------------------------------


@pytest.fixture
def read_only(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Make writes under a folder fail as they do on a read-only mount (EROFS)."""

    def apply(folder: Path) -> None:
        root = folder.resolve()

        def inside(path) -> bool:
            try:
                return Path(os.fsdecode(path)).resolve().is_relative_to(root)
            except (TypeError, ValueError):
                return False

        def refuse(path) -> None:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fsdecode(path))

        def guard(real, *, writes: Callable[..., bool] = lambda *a, **k: True):
            def guarded(path, *args, **kwargs):
                if not isinstance(path, int) and inside(path) and writes(*args, **kwargs):
                    refuse(path)
                return real(path, *args, **kwargs)

            return guarded

        def opens_for_writing(flags: int = os.O_RDONLY, *_a, **_k) -> bool:
            return bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC))

        def mode_writes(mode: str = "r", *_a, **_k) -> bool:
            return any(letter in mode for letter in "wax+")

        monkeypatch.setattr(os, "open", guard(os.open, writes=opens_for_writing))
        monkeypatch.setattr(builtins, "open", guard(builtins.open, writes=mode_writes))
        monkeypatch.setattr(io, "open", guard(io.open, writes=mode_writes))
        for name in ("mkdir", "rmdir", "unlink", "remove", "chmod"):
            monkeypatch.setattr(os, name, guard(getattr(os, name)))
        for name in ("replace", "rename"):
            monkeypatch.setattr(os, name, guard(getattr(os, name)))

    return apply


def test_a_read_only_folder_is_said_before_anything_is_entered(data_dir, read_only):
    store = HistoryStore(data_dir)
    store.save(breath(3))
    before = month_file(data_dir).read_bytes()
    read_only(data_dir)
    fresh = HistoryStore(data_dir)
    with pytest.raises(StoreError) as failure:
        fresh.check()
    assert str(failure.value) == f"{data_dir / 'history'} {NOT_WRITABLE}"
    with pytest.raises(StoreError, match="is not writable"):
        fresh.save(breath(4))
    assert [e.started_at.day for e in fresh.all()] == [3]
    assert month_file(data_dir).read_bytes() == before


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root writes anywhere")
def test_a_folder_without_write_permission_is_said_before_anything_is_entered(data_dir):
    HistoryStore(data_dir).save(breath(3))
    (data_dir / "history").chmod(0o500)
    try:
        with pytest.raises(StoreError, match="is not writable"):
            HistoryStore(data_dir).check()
        assert len(HistoryStore(data_dir).all()) == 1
    finally:
        (data_dir / "history").chmod(0o700)


async def test_the_app_on_a_read_only_folder_says_so_once_and_keeps_the_entry(
    data_dir, read_only
):
    HistoryStore(data_dir).save(breath(2))
    read_only(data_dir)
    app = CompanionApp(data_dir=data_dir)
    notes = Notes(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()  # the opening check starts after the first frame
        await app.workers.wait_for_complete()
        entry = breath(3)
        app.save_entry(entry)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.unsaved == [entry]
        [error] = notes.errors()
        assert "is not writable" in error
        assert app.is_running
    assert len(HistoryStore(data_dir).all()) == 1


def test_breathe_plain_on_a_read_only_folder_is_one_line_before_any_breathing(
    data_dir, read_only, capsys
):
    HistoryStore(data_dir).save(breath(2))
    read_only(data_dir)
    code = main(["--data-dir", str(data_dir), "breathe", "--plain", "--cycles", "1"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err == f"companion: {data_dir / 'history'} {NOT_WRITABLE}\n"


# -- a missing folder, or a file where the folder should be -------------------------------------


def test_a_missing_data_folder_is_made_private_on_first_save(tmp_path: Path):
    data_dir = tmp_path / "not" / "there" / "yet"
    store = HistoryStore(data_dir)
    assert store.all() == []
    assert not data_dir.exists()  # reading never creates anything
    store.save(breath(3))
    assert len(HistoryStore(data_dir).all()) == 1
    if os.name != "nt":
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700


@pytest.mark.parametrize("below", ["", "sub"], ids=["the-file", "a-folder-inside-it"])
def test_a_data_dir_that_is_a_file_is_one_line_and_exit_1(tmp_path: Path, capsys, below):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    target = a_file / below if below else a_file
    code = main(["--data-dir", str(target), "breathe", "--plain", "--cycles", "1"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert len(err.splitlines()) == 1 and err.startswith("companion: ")
    assert str(a_file) in err
    assert a_file.read_text() == "mine"


async def test_the_app_with_a_data_dir_that_is_a_file_says_so_and_keeps_running(
    tmp_path: Path,
):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    app = CompanionApp(data_dir=a_file)
    notes = Notes(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()  # the opening check starts after the first frame
        await app.workers.wait_for_complete()
        entry = breath(3)
        app.save_entry(entry)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        assert app.unsaved == [entry]
        problem = f"The data folder {a_file} is a file, not a folder."
        assert notes.errors() == [  # said on opening, and again when a save is refused
            problem,
            f"{problem} Your entry is kept here and will be saved on the next try.",
        ]
    assert a_file.read_text() == "mine"


# -- import on a full disk: all or nothing (issue 13, item 5) ----------------------------------


def export_across_months(tmp_path: Path, months: int, per_month: int = 3) -> Path:
    entries = [
        Entry(kind="breathing", started_at=datetime(2020 + m // 12, m % 12 + 1, 1 + n, 9,
                                                    tzinfo=TZ),
              breathing=Breathing("box", 64.0, 4, True), note=f"month {m} entry {n}")
        for m in range(months) for n in range(per_month)
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"schema": 1, "entries": [e.to_dict() for e in entries]}))
    return path


class DiskFillsAfter(FullDisk):
    """As FullDisk, but the first `spared` temporary files are written whole: the disk fills
    up part-way through writing several files, as an import of many months does."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, folder: Path, spared: int) -> None:
        super().__init__(monkeypatch, folder)
        full_write = os.write
        seen: list[Path] = []

        def write(fd: int, data) -> int:
            target = self._temp_file_behind(fd)
            if target is not None:
                if target not in seen:
                    seen.append(target)
                if seen.index(target) < spared:
                    return _REAL_WRITE(fd, data)
            return full_write(fd, data)

        monkeypatch.setattr(os, "write", write)


@needs_proc
def test_an_import_the_disk_fills_up_during_adds_nothing_and_says_so(data_dir, tmp_path,
                                                                     monkeypatch, capsys):
    store = HistoryStore(data_dir)
    store.save(breath(3))
    before = {p.name: p.read_bytes() for p in (data_dir / "history").glob("*.json")}
    export = export_across_months(tmp_path, months=6)

    disk = DiskFillsAfter(monkeypatch, data_dir, spared=3)
    code = main(["--data-dir", str(data_dir), "import", str(export)])
    out, err = capsys.readouterr()

    assert (code, out) == (1, "")
    assert err.startswith(f"companion: The disk is full, so {own_file('2020-04')} could not be "
                          "saved")
    assert err.endswith("Nothing was imported.\n") and len(err.splitlines()) == 1
    assert {p.name: p.read_bytes() for p in (data_dir / "history").glob("*.json")} == before
    assert leftovers(data_dir) == []

    disk.space_back()
    assert main(["--data-dir", str(data_dir), "import", str(export)]) == 0
    assert capsys.readouterr()[0] == "Added 18 entries (0 were already here).\n"
    assert len(HistoryStore(data_dir).all()) == 19


def test_an_import_whose_renames_fail_part_way_says_exactly_how_many_landed(
    data_dir, tmp_path, monkeypatch, capsys
):
    export = export_across_months(tmp_path, months=4, per_month=2)
    real_replace = os.replace
    replaced: list[str] = []

    def replace_three_times_then_fail(source, target, *args, **kwargs):
        # This machine's device file first (it is new), then two months.
        if str(target).endswith(".json") and len(replaced) == 3:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        replaced.append(str(target))
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace_three_times_then_fail)
    code = main(["--data-dir", str(data_dir), "import", str(export)])
    out, err = capsys.readouterr()
    march = own_file("2020-03")
    monkeypatch.setattr(os, "replace", real_replace)

    assert (code, out) == (1, "")
    assert err == (
        f"companion: Could not save {march}: Input/output error. The file is "
        "unchanged. "
        "4 of 8 new entries were added before that; run "
        f"`companion import {export}` again to add the rest.\n"
    )
    assert len(HistoryStore(data_dir).all()) == 4
    assert list((data_dir / "history").glob(".*.tmp")) == []
    assert main(["--data-dir", str(data_dir), "import", str(export)]) == 0
    assert capsys.readouterr()[0] == "Added 4 entries (4 were already here).\n"


def _mount_tmpfs(folder: Path, *options: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    if os.name == "nt" or os.geteuid() != 0 or not shutil.which("mount"):
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs",
                           str(folder)], capture_output=True, check=False)
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 256 KB file system (tmpfs), mounted for the test: root only."""
    folder = tmp_path / "small-disk"
    if not _mount_tmpfs(folder, "size=256k", "mode=0700"):
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_real_full_disk_during_import_leaves_the_history_as_it_was(small_disk, tmp_path):
    """The issue's case, on a real file system that fills up: 1,895 of ~3,900 entries landed
    and the message named one unsaved month."""
    data_dir = small_disk / "data"
    command = [sys.executable, "-m", "companion.cli", "--data-dir", str(data_dir), "import"]
    first = export_across_months(tmp_path, months=2)
    assert subprocess.run([*command, str(first)], timeout=60).returncode == 0
    before = {p.name: p.read_bytes() for p in (data_dir / "history").glob("*.json")}
    export = tmp_path / "big" / "export.json"
    export.parent.mkdir()
    export_across_months(tmp_path / "big", months=60, per_month=12).replace(export)

    result = subprocess.run([*command, str(export)], capture_output=True, text=True, timeout=120)

    assert result.returncode == 1 and result.stdout == ""
    assert "The disk is full" in result.stderr and "Nothing was imported." in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert {p.name: p.read_bytes() for p in (data_dir / "history").glob("*.json")} == before
    assert list((data_dir / "history").glob(".*.tmp")) == []


# -- demo --out where nothing can be written (issue 13, item 17) --------------------------------


def test_demo_out_on_a_read_only_folder_is_one_line(tmp_path, read_only, capsys):
    read_only(tmp_path)
    code = main(["demo", "--days", "2", "--out", str(tmp_path / "demo")])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err == (f"companion: could not write the demo history to {tmp_path / 'demo'} "
                   "(Read-only file system); nothing was written.\n")


def test_demo_out_on_a_real_read_only_file_system_is_one_line(tmp_path):
    folder = tmp_path / "read-only"
    if not _mount_tmpfs(folder, "size=64k", "ro"):
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    try:
        for out in (folder, folder / "demo"):
            result = subprocess.run(
                [sys.executable, "-m", "companion.cli", "demo", "--days", "2", "--out",
                 str(out)], capture_output=True, text=True, timeout=60)
            assert result.returncode == 1 and result.stdout == ""
            assert len(result.stderr.splitlines()) == 1, result.stderr
            assert result.stderr.startswith(f"companion: could not write the demo history to "
                                            f"{out}")
            assert "Read-only file system" in result.stderr
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
