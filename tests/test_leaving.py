"""Leaving the app with entries it could not save: tried once more, else kept in a recovery file
(said in one line, exit 1), and brought back into the history by the next start."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from test_faults_disk import FullDisk, Notes, breath, month_file, needs_proc

from companion.app import CompanionApp
from companion.history import HistoryStore
from companion.recovery import find_recovery, read_recovery, write_recovery
from companion.screens.home import HomeScreen

LEAVING_KEYS = {
    "q": ("q",),
    "ctrl+q": ("ctrl+q",),
    "ctrl+c": ("ctrl+c",),
    "palette": ("ctrl+p", *"quit", "enter"),
}


async def refuse_a_save(app: CompanionApp, pilot, disk: FullDisk, day: int = 3):
    await app.workers.wait_for_complete()
    refused = breath(day, note="written while the disk was full")
    app.save_entry(refused)
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert app.unsaved == [refused]
    return refused


@needs_proc
@pytest.mark.parametrize("how", LEAVING_KEYS)
async def test_an_entry_kept_on_a_full_disk_is_saved_on_leaving_once_there_is_room(
    data_dir: Path, monkeypatch, capsys, how: str
):
    HistoryStore(data_dir).save(breath(2))
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        disk = FullDisk(monkeypatch, data_dir)
        refused = await refuse_a_save(app, pilot, disk)
        disk.space_back()
        await pilot.press(*LEAVING_KEYS[how])
        await pilot.pause()
    assert app.return_code == 0
    assert refused in HistoryStore(data_dir).all()
    assert find_recovery(data_dir) == []
    assert capsys.readouterr().err == ""


@needs_proc
@pytest.mark.parametrize("how", LEAVING_KEYS)
async def test_an_entry_that_still_cannot_be_saved_is_kept_in_a_recovery_file_and_said(
    data_dir: Path, monkeypatch, capsys, how: str
):
    HistoryStore(data_dir).save(breath(2))
    before = month_file(data_dir).read_bytes()
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        refused = await refuse_a_save(app, pilot, FullDisk(monkeypatch, data_dir))
        await pilot.press(*LEAVING_KEYS[how])
        await pilot.pause()
    assert app.return_code == 1
    [kept] = find_recovery(data_dir)
    assert read_recovery(kept) == [refused]
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert month_file(data_dir).read_bytes() == before
    assert capsys.readouterr().err == (
        f"companion: 1 entry could not be saved: The disk is full, so {month_file(data_dir).name} "
        f"could not be saved; the file is unchanged. It is kept in {kept} and will be added to "
        "your history the next time companion starts.\n"
    )


async def test_a_check_in_left_part_way_on_a_full_disk_is_kept_too(
    data_dir: Path, monkeypatch, capsys
):
    HistoryStore(data_dir).check()
    app = CompanionApp(data_dir=data_dir, start="checkin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        FullDisk(monkeypatch, data_dir)
        await pilot.press("7")
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 1
    [kept] = find_recovery(data_dir)
    [entry] = read_recovery(kept)
    assert (entry.kind, entry.complete, entry.activation_before) == ("checkin", False, 7)
    assert "could not be saved" in capsys.readouterr().err
    assert HistoryStore(data_dir).all() == []


async def test_the_next_start_brings_a_recovery_file_back_and_says_so(data_dir: Path):
    HistoryStore(data_dir).save(breath(2))
    kept = [breath(3, note="kept when the disk was full"), breath(4)]
    path = write_recovery(data_dir, kept)
    app = CompanionApp(data_dir=data_dir)
    notes = Notes(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert [e.id for e in HistoryStore(data_dir).all()][1:] == [e.id for e in kept]
    assert HistoryStore(data_dir).all()[1:] == kept
    assert not path.exists()
    assert "Brought back 2 entries that could not be saved when companion last closed." in (
        notes.messages()
    )


async def test_a_recovery_file_that_cannot_be_brought_back_yet_is_kept_and_named(
    data_dir: Path, monkeypatch
):
    HistoryStore(data_dir).save(breath(2))
    path = write_recovery(data_dir, [breath(3)])
    content = path.read_bytes()
    app = CompanionApp(data_dir=data_dir)
    notes = Notes(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        FullDisk(monkeypatch, data_dir)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert path.read_bytes() == content
    [waiting] = [m for m in notes.messages() if m.startswith("Kept from when companion last")]
    assert str(path) in waiting and "The disk is full" in waiting
    assert len(HistoryStore(data_dir).all()) == 1
