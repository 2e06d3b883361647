"""The app's logic that knows nothing of Textual, tested with plain pytest: the history's first
look as the app opens, saving what is kept, saving settings from threads, and leaving (what is
not saved goes to a recovery file; the process ends in time)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import companion.leaving as leaving
from companion.entries import Breathing, Entry
from companion.history import HistoryStore
from companion.history_check import check_history
from companion.recovery import KeptEntries, find_recovery, read_recovery, write_recovery
from companion.settings import Settings, SettingsSaver, load_settings
from companion.storage import SaveFailed, StoreError

TZ = timezone(timedelta(hours=1))
NOW = datetime(2026, 11, 20, 12, tzinfo=TZ)


def breath(day: int, note: str = "") -> Entry:
    return Entry(kind="breathing", started_at=datetime(2026, 11, day, 9, tzinfo=TZ),
                 breathing=Breathing("box", 64.0, 4, True), note=note)


# -- the history's first look --------------------------------------------------------------


def test_a_fine_history_with_nothing_to_bring_back_says_nothing(data_dir: Path):
    HistoryStore(data_dir).save(breath(18))
    check = check_history(HistoryStore(data_dir), data_dir, NOW)
    assert (check.problem, check.unusable, check.brought_back, check.waiting, check.warnings
            ) == ("", "", "", (), ())


def test_what_a_recovery_file_kept_is_brought_back_and_said(data_dir: Path):
    kept = [breath(17, "kept when the disk was full"), breath(18)]
    path = write_recovery(data_dir, kept)
    store = HistoryStore(data_dir)
    check = check_history(store, data_dir, NOW)
    assert check.brought_back == ("Brought back 2 entries that could not be saved when "
                                  "companion last closed.")
    assert {e.note for e in HistoryStore(data_dir).all()} == {"kept when the disk was full", ""}
    assert not path.exists() and find_recovery(data_dir) == []


def test_a_recovery_file_already_saved_is_removed_and_said_so(data_dir: Path):
    entry = breath(18)
    HistoryStore(data_dir).save(entry)
    write_recovery(data_dir, [entry])
    check = check_history(HistoryStore(data_dir), data_dir, NOW)
    assert check.brought_back == "Removed a recovery file whose entries were all saved."


def test_an_unreadable_recovery_file_waits_and_is_named(data_dir: Path):
    path = write_recovery(data_dir, [breath(18)])
    path.write_text("{ not json")
    check = check_history(HistoryStore(data_dir), data_dir, NOW)
    assert check.brought_back == ""
    assert len(check.waiting) == 1
    assert check.waiting[0].startswith("Kept from when companion last closed: ")
    assert str(path) in check.waiting[0] and path.read_text() == "{ not json"


def test_a_damaged_month_file_is_a_warning_naming_it(data_dir: Path):
    HistoryStore(data_dir).save(breath(18))
    month = next(data_dir.rglob("2026-11*.json"))
    month.write_text("{ damaged")
    check = check_history(HistoryStore(data_dir), data_dir, NOW)
    assert check.problem == ""
    assert any(month.name in line for line in check.warnings)


class Unreadable(HistoryStore):
    def between(self, start: datetime, end: datetime) -> list[Entry]:
        raise StoreError("The history cannot be read: permission denied.")


class Unwritable(HistoryStore):
    def check(self) -> None:
        raise StoreError("The data folder cannot be written to.")


def test_a_history_that_cannot_be_read_is_the_one_thing_said(data_dir: Path):
    write_recovery(data_dir, [breath(18)])
    check = check_history(Unreadable(data_dir), data_dir, NOW)
    assert check.problem == "The history cannot be read: permission denied."
    assert (check.brought_back, check.waiting) == ("", ())
    assert len(find_recovery(data_dir)) == 1  # nothing was brought back, nothing removed


def test_a_folder_that_cannot_be_saved_to_is_said_and_the_rest_still_looked_at(data_dir: Path):
    check = check_history(Unwritable(data_dir), data_dir, NOW)
    assert check.unusable == "The data folder cannot be written to."
    assert check.problem == ""


# -- saving what is kept -------------------------------------------------------------------


def test_each_kept_entry_is_saved_or_kept_with_its_reason():
    kept = KeptEntries()
    fine, refused = breath(17), breath(18, "refused")
    kept.keep(fine)
    kept.keep(refused)
    saved: list[Entry] = []

    def save(entry: Entry) -> None:
        if entry.note == "refused":
            raise SaveFailed("The disk is full.")
        saved.append(entry)

    tries = list(kept.save_each(save))
    assert tries == [(fine.id, ""), (refused.id, "The disk is full.")]
    assert saved == [fine] and kept.entries() == [refused]
    assert kept.state(refused.id) == ("saving", "")  # not refused until the app hears it
    for entry_id, problem in tries:
        kept.tried(entry_id, problem)
    assert kept.state(refused.id) == ("kept", "The disk is full.")
    assert kept.state(fine.id) == ("saved", "")
    kept.tried(refused.id, "")  # a later try went through
    assert kept.state(refused.id) == ("saving", "")


# -- settings saved from threads -----------------------------------------------------------


def test_settings_are_saved_with_the_newest_read_once_the_lock_is_held(data_dir: Path):
    saver = SettingsSaver(data_dir)
    newest = Settings(week_start="sunday")
    assert saver.save(lambda: newest) == ""
    assert load_settings(data_dir)[0].week_start == "sunday"


def test_a_settings_file_with_a_problem_is_not_overwritten_and_the_reason_is_given(
    data_dir: Path
):
    data_dir.mkdir(parents=True, exist_ok=True)
    hand_written = 'week_start = "someday"\n'
    (data_dir / "settings.toml").write_text(hand_written)
    problem = SettingsSaver(data_dir).save(lambda: Settings(week_start="sunday"))
    assert problem and "settings.toml" in problem
    assert (data_dir / "settings.toml").read_text() == hand_written


# -- leaving -------------------------------------------------------------------------------


def test_nothing_kept_means_nothing_to_say(data_dir: Path):
    assert leaving.keep_what_is_not_saved(data_dir, KeptEntries(), print) == ""


def test_what_can_be_saved_on_leaving_is_saved_and_nothing_is_said(data_dir: Path):
    kept = KeptEntries()
    entry = breath(18)
    kept.keep(entry)
    store = HistoryStore(data_dir)

    def save(entry: Entry) -> None:
        store.save(entry)
        kept.safe(entry)

    assert leaving.keep_what_is_not_saved(data_dir, kept, save, within=0.5) == ""
    assert HistoryStore(data_dir).all() == [entry] and find_recovery(data_dir) == []


def refuse(entry: Entry) -> None:
    raise SaveFailed("The disk is full.")


def test_what_cannot_be_saved_goes_to_a_recovery_file_named_in_one_line(data_dir: Path):
    kept = KeptEntries()
    entry = breath(18, "written on a full disk")
    kept.keep(entry)
    said = leaving.keep_what_is_not_saved(data_dir, kept, refuse, within=0.2)
    [path] = find_recovery(data_dir)
    assert said == (f"companion: 1 entry could not be saved: The disk is full. It is kept in "
                    f"{path} and will be added to your history the next time companion starts.")
    assert read_recovery(path) == [entry]
    assert kept.entries() == []  # safe in the recovery file


def test_with_nowhere_to_write_a_recovery_file_the_entries_are_said_as_an_export(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    def nowhere(data_dir: Path, entries: list[Entry]) -> Path:
        raise StoreError("no place could be written to")

    monkeypatch.setattr(leaving, "write_recovery", nowhere)
    kept = KeptEntries()
    entries = [breath(17, "one"), breath(18, "two")]
    for entry in entries:
        kept.keep(entry)
    said = leaving.keep_what_is_not_saved(data_dir, kept, refuse, within=0.2)
    line, document = said.split("\n", 1)
    assert line == ("companion: 2 entries could not be saved: The disk is full. No recovery file "
                    "could be written either (no place could be written to). They are here as "
                    "an export; save it and run `companion import FILE`:")
    exported = tmp_path / "export.json"
    exported.write_text(document)
    assert sorted(e.note for e in read_recovery(exported)) == ["one", "two"]
    assert len(kept.entries()) == 2  # still kept: nothing holds them but the terminal


def test_the_process_is_ended_with_the_code_known_then(monkeypatch: pytest.MonkeyPatch):
    ended: list[int] = []
    done = threading.Event()

    def end_now(code: int) -> None:
        ended.append(code)
        done.set()

    monkeypatch.setattr(leaving, "end_now", end_now)
    code = [0]
    leaving.end_within(0.05, lambda: code[0])
    code[0] = 1  # set after the call: the code is read as the process ends
    assert done.wait(5)
    assert ended == [1]
