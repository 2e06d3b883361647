"""Recovery files: where entries go that could not be saved as companion closed, and how the next
start brings them into the history (recovery.py)."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from companion.entries import Breathing, Entry
from companion.history import HistoryStore, Record
from companion.importing import read_export
from companion.recovery import (
    KeptEntries,
    RecoveryUnreadable,
    bring_back,
    find_recovery,
    folder_key,
    read_recovery,
    recovery_places,
    save_in_time,
    write_recovery,
)
from companion.storage import SaveFailed, StoreBusy, StoreError

TZ = timezone(timedelta(hours=-4))


def breath(day: int, note: str = "", saved: int = 0) -> Entry:
    return Entry(
        kind="breathing",
        started_at=datetime(2026, 11, day, 21, 30, tzinfo=TZ),
        saved_at=datetime(2026, 11, day, 21, 31 + saved, tzinfo=TZ),
        breathing=Breathing("box", 64.0, 4, True),
        note=note,
    )


@pytest.fixture
def places(tmp_path: Path, data_dir: Path) -> list[Path]:
    return [tmp_path / "state" / "recovery", data_dir, tmp_path / "temp" / "companion-me"]


# -- where a recovery file goes -------------------------------------------------------------


def test_the_places_are_the_state_folder_then_the_data_folder_then_a_private_temp_folder(
    data_dir: Path, tmp_path: Path, monkeypatch
):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR afresh
    state, data, temp = recovery_places(data_dir)
    assert state == tmp_path / "state" / "recovery"  # COMPANION_STATE_DIR (conftest)
    assert data == data_dir
    assert temp == tmp_path / "tmp" / f"companion-{os.getuid()}"


def test_a_recovery_file_is_an_export_readable_only_by_you(data_dir: Path, places):
    entries = [breath(1, note="a [b]tag[/b] and \x1b]0;title\x07 and \u2028"), breath(2)]
    path = write_recovery(data_dir, entries, places)
    assert path.parent == places[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(places[0].stat().st_mode) == 0o700
    # What `companion import FILE` reads, exactly.
    assert read_export(path) == [Record.of(entry) for entry in entries]
    assert read_recovery(path) == entries
    raw = path.read_bytes()
    assert raw.isascii() and b"\x1b" not in raw  # safe to look at with cat
    assert json.loads(raw)["data_dir"] == str(data_dir)


def test_each_place_that_will_not_take_it_is_passed_over(data_dir: Path, places, tmp_path):
    places[0].parent.mkdir(parents=True)
    places[0].write_text("a file where the folder should be")
    data_dir.write_text("so is this")  # the data folder cannot be made either
    path = write_recovery(data_dir, [breath(1)], places)
    assert path.parent == places[2]
    assert stat.S_IMODE(places[2].stat().st_mode) == 0o700


@pytest.mark.skipif(os.name == "nt", reason="POSIX ownership")
def test_a_temp_folder_made_by_someone_else_is_not_used(data_dir: Path, tmp_path: Path):
    link_target = tmp_path / "elsewhere"
    link_target.mkdir()
    trap = tmp_path / "companion-me"
    trap.symlink_to(link_target)  # planted where the private folder would be
    with pytest.raises(StoreError, match="no place would take a recovery file"):
        write_recovery(data_dir, [breath(1)], [trap])
    assert list(link_target.iterdir()) == []


def test_two_recovery_files_in_one_second_never_overwrite_each_other(data_dir: Path, places):
    first = write_recovery(data_dir, [breath(1)], places)
    second = write_recovery(data_dir, [breath(2)], places)
    assert first != second
    assert [read_recovery(p)[0].started_at.day for p in find_recovery(data_dir, places)] == [1, 2]


def test_each_data_folder_finds_only_its_own_recovery_files(tmp_path: Path, places):
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    write_recovery(mine, [breath(1)], places[:1])
    write_recovery(theirs, [breath(2)], places[:1])
    [found] = find_recovery(mine, places)
    assert read_recovery(found)[0].started_at.day == 1
    assert folder_key(mine) != folder_key(theirs)


def test_a_recovery_file_moved_with_its_data_folder_is_still_found(tmp_path: Path):
    old, new = tmp_path / "old", tmp_path / "new"
    path = write_recovery(old, [breath(1)], [old])
    old.rename(new)
    assert find_recovery(new, [new]) == [new / path.name]


# -- reading one back -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b"[]", "is not a recovery file"),
        (b'{"schema": 1, "entries": [{"id": "x"}]}', "entry 1 could not be read"),
        (b'{"schema": 99, "entries": []}', "newer companion"),
    ],
)
def test_a_damaged_recovery_file_is_named_and_left_as_it_is(
    data_dir: Path, places, content: bytes, reason: str
):
    places[0].mkdir(parents=True)
    path = places[0] / f"recovery-{folder_key(data_dir)}-20261101T000000-1.json"
    path.write_bytes(content)
    with pytest.raises(RecoveryUnreadable, match=reason):
        read_recovery(path)
    brought = bring_back(data_dir, HistoryStore(data_dir), places)
    assert brought.cleared == [] and len(brought.waiting) == 1 and str(path) in brought.waiting[0]
    assert path.read_bytes() == content


def test_a_fifo_named_like_a_recovery_file_is_not_waited_on(data_dir: Path, places):
    places[0].mkdir(parents=True)
    fifo = places[0] / f"recovery-{folder_key(data_dir)}-20261101T000000-1.json"
    os.mkfifo(fifo)
    with pytest.raises(RecoveryUnreadable, match="not a regular file"):
        read_recovery(fifo)


# -- bringing it back -----------------------------------------------------------------------


def test_bringing_back_adds_the_entries_with_their_ids_then_removes_the_file(
    data_dir: Path, places
):
    store = HistoryStore(data_dir)
    already = store.save(breath(1))
    kept = [breath(2, note="kept"), breath(3)]
    path = write_recovery(data_dir, [already, *kept], places)
    brought = bring_back(data_dir, store, places)
    assert (brought.added, brought.cleared, brought.waiting) == (2, [path], [])
    assert not path.exists()
    assert HistoryStore(data_dir).all() == [already, *kept]
    # Again: nothing waits, nothing is added twice.
    assert bring_back(data_dir, store, places) == (0, [], [])
    assert len(HistoryStore(data_dir).all()) == 3


def test_a_newer_version_replaces_the_stored_one_and_an_older_one_does_not(
    data_dir: Path, places
):
    store = HistoryStore(data_dir)
    edited_here = store.save(breath(1, note="before the edit"))
    edited_later_elsewhere = store.save(breath(2, note="changed again later", saved=5))
    kept_edit = edited_here.with_changes(note="the edit that could not be saved")
    stale = edited_later_elsewhere.with_changes(note="an older edit", saved_at=breath(2).saved_at)
    write_recovery(data_dir, [kept_edit, stale], places)
    assert bring_back(data_dir, store, places).added == 1
    assert [e.note for e in HistoryStore(data_dir).all()] == [
        "the edit that could not be saved", "changed again later",
    ]


def test_a_file_that_cannot_be_saved_yet_stays_for_the_next_start(data_dir: Path, places):
    path = write_recovery(data_dir, [breath(1)], places)
    store = HistoryStore(data_dir)

    def full(entries):
        raise SaveFailed("The disk is full, so 2026-11.json could not be saved.")

    store.add_missing = full  # type: ignore[method-assign]
    brought = bring_back(data_dir, store, places)
    assert brought.cleared == [] and "The disk is full" in brought.waiting[0]
    assert path.exists() and HistoryStore(data_dir).all() == []
    assert bring_back(data_dir, HistoryStore(data_dir), places).cleared == [path]


def test_a_file_is_removed_only_when_the_history_read_afresh_holds_all_of_it(
    data_dir: Path, places
):
    path = write_recovery(data_dir, [breath(1), breath(2)], places)
    store = HistoryStore(data_dir)
    real_add = store.add_missing
    store.add_missing = lambda entries: real_add(list(entries)[:1])  # type: ignore[method-assign]
    brought = bring_back(data_dir, store, places)
    assert brought.cleared == [] and "1 entry could not be found" in brought.waiting[0]
    assert path.exists()


# -- keeping entries while the app runs, and saving them in time ------------------------------


def test_kept_entries_hold_the_newest_version_until_that_version_is_safe():
    kept = KeptEntries()
    first = breath(1)
    newer = first.with_changes(note="changed")
    kept.keep(first)
    kept.keep(newer)
    assert kept.entries() == [newer]
    kept.safe(first)  # the older version landed: the newer one still waits
    assert kept.entries() == [newer] and first.id in kept
    kept.safe(newer)
    assert kept.entries() == [] and first.id not in kept


def test_save_in_time_retries_until_a_save_goes_through():
    tries: list[int] = []

    def save(entry: Entry) -> None:
        tries.append(1)
        if len(tries) < 3:
            raise StoreBusy("Another companion has been saving for over 10 s.")

    assert save_in_time([breath(1)], save, within=5, pause=0.01) == ([], "")
    assert len(tries) == 3


def test_save_in_time_gives_up_on_time_while_a_save_hangs_on_the_lock():
    release = threading.Event()
    entry = breath(1)

    def stuck(_entry: Entry) -> None:
        release.wait(30)

    began = time.monotonic()
    unsaved, problem = save_in_time([entry], stuck, within=0.2)
    assert time.monotonic() - began < 5
    assert unsaved == [entry] and "did not finish within 0.2 s" in problem
    release.set()


def test_save_in_time_says_the_last_reason():
    def full(_entry: Entry) -> None:
        raise SaveFailed("The disk is full.")

    entry = breath(1)
    assert save_in_time([entry], full, within=0.1, pause=0.02) == ([entry], "The disk is full.")
