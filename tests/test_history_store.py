"""The history store: round trips, atomic writes, two processes, damaged files, privacy."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from machines import own_device_file, own_file

from companion import history as history_module
from companion import history_files, json_stream, storage
from companion.entries import Breathing, Entry
from companion.history import HistoryStore
from companion.storage import SaveFailed

TZ = timezone(timedelta(hours=1))


def breath(day: int, hour: int = 9, note: str = "") -> Entry:
    return Entry(
        kind="breathing",
        started_at=datetime(2026, 11, day, hour, tzinfo=TZ),
        breathing=Breathing("box", 64.0, 4, True),
        note=note,
    )


def test_saved_entries_come_back_identical(data_dir: Path):
    store = HistoryStore(data_dir)
    saved = [breath(3), breath(4, note="a [b]note[/b]")]
    for entry in saved:
        store.save(entry)
    assert HistoryStore(data_dir).all() == saved


def test_saving_again_with_the_same_id_replaces_the_entry(data_dir: Path):
    store = HistoryStore(data_dir)
    entry = store.save(breath(3))
    store.save(entry.with_changes(note="changed my mind"))
    assert [e.note for e in store.all()] == ["changed my mind"]


def test_between_returns_only_the_range_oldest_first(data_dir: Path):
    store = HistoryStore(data_dir)
    for day in (30, 2, 9, 1):
        store.save(breath(day))
    found = store.between(datetime(2026, 11, 2, tzinfo=TZ), datetime(2026, 11, 10, tzinfo=TZ))
    assert [e.started_at.day for e in found] == [2, 9]


def test_entries_are_filed_by_utc_month(data_dir: Path):
    store = HistoryStore(data_dir)
    # 00:30 on 1 December at +01:00 is still November in UTC.
    store.save(Entry(kind="breathing", started_at=datetime(2026, 12, 1, 0, 30, tzinfo=TZ)))
    months = [p.name for p in (data_dir / "history").glob("20*.json")]
    assert months == [own_file("2026-11")]


def test_delete_removes_only_that_entry(data_dir: Path):
    store = HistoryStore(data_dir)
    keep, drop = store.save(breath(3)), store.save(breath(4))
    assert store.delete(drop) is True
    assert store.delete(drop) is False
    assert store.all() == [keep]


def test_a_failure_between_write_and_replace_leaves_the_old_file_intact(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    store = HistoryStore(data_dir)
    store.save(breath(3))
    month_file = data_dir / "history" / own_file("2026-11")
    before = month_file.read_bytes()

    def crash(*_args: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(storage.os, "replace", crash)
    with pytest.raises(SaveFailed):
        store.save(breath(4))
    assert month_file.read_bytes() == before
    assert not list((data_dir / "history").glob(".*.tmp"))
    monkeypatch.undo()
    assert [e.started_at.day for e in HistoryStore(data_dir).all()] == [3]


WRITER = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from companion.entries import Entry
from companion.history import HistoryStore
store = HistoryStore(Path(sys.argv[1]))
for _ in range(int(sys.argv[2])):
    store.save(Entry(kind="breathing", started_at=datetime(2026, 11, 5, tzinfo=timezone.utc)))
"""


def test_two_processes_saving_at_once_lose_nothing(data_dir: Path):
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(data_dir), "40"]) for _ in range(2)
    ]
    assert [w.wait(timeout=60) for w in writers] == [0, 0]
    entries = HistoryStore(data_dir).all()
    assert len(entries) == 80
    assert len({e.id for e in entries}) == 80


@pytest.mark.parametrize(
    "damage",
    [b"{\"entries\": {\"1\": ", b"[1, 2, 3]", b"\x00\xff\xfe garbage", b""],
    ids=["truncated", "array", "binary", "empty"],
)
@pytest.mark.parametrize("whose", ["from before", "this machine's"])
def test_a_damaged_file_is_never_rewritten_and_new_saves_go_beside_it(
    data_dir: Path, damage: bytes, whose: str
):
    history = data_dir / "history"
    HistoryStore(data_dir).save(breath(1).with_changes(started_at=datetime(2026, 10, 1,
                                                                           tzinfo=TZ)))
    name = "2026-11.json" if whose == "from before" else own_file("2026-11")
    damaged = history / name
    damaged.write_bytes(damage)
    store = HistoryStore(data_dir)
    assert [e.started_at.month for e in store.all()] == [10]
    assert damaged in store.problems
    assert "left untouched" in str(store.problems[damaged])

    entry = store.save(breath(5))
    assert damaged.read_bytes() == damage
    beside = own_file("2026-11", 1 if whose == "from before" else 2)
    assert (history / beside).exists()
    assert [e for e in HistoryStore(data_dir).all() if e.started_at.month == 11] == [entry]


def test_a_file_from_a_newer_version_is_left_alone(data_dir: Path):
    history = data_dir / "history"
    history.mkdir(parents=True)
    newer = history / "2026-11.json"
    newer.write_text(json.dumps({"_meta": {"1": {"schema": 99}}, "entries": {}}))
    before = newer.read_bytes()
    store = HistoryStore(data_dir)
    store.save(breath(6))
    assert "newer companion" in store.problems[newer].reason
    assert newer.read_bytes() == before


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_the_data_folder_and_files_are_private(data_dir: Path):
    HistoryStore(data_dir).save(breath(3))
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "history").stat().st_mode) == 0o700
    for name in (own_file("2026-11"), own_device_file()):
        assert stat.S_IMODE((data_dir / "history" / name).stat().st_mode) == 0o600


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_first_run_makes_the_folder_private_without_a_notice(tmp_path: Path):
    data_dir = tmp_path / "not" / "there" / "yet"
    store = HistoryStore(data_dir)
    store.save(breath(3))
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert store.notices == []


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_a_folder_others_can_read_is_made_private_with_a_notice(data_dir: Path):
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    store = HistoryStore(data_dir)
    store.save(breath(3))
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert any("now private" in notice for notice in store.notices)


def test_a_data_dir_that_is_a_file_gets_a_clear_error(tmp_path: Path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("hello")
    with pytest.raises(storage.StoreError, match="is a file, not a folder"):
        HistoryStore(not_a_folder).save(breath(3))
    assert not_a_folder.read_text() == "hello"


# -- reading a part at a time (issue 13: "stream what can be streamed") --------------------------


@pytest.mark.parametrize("chunk", [1, 3, 7, 64, 1 << 20])
def test_the_stream_reads_the_same_values_whatever_the_chunk_size(tmp_path, monkeypatch, chunk):
    """Values (numbers above all) split at any point between two reads come out whole."""
    monkeypatch.setattr(json_stream, "_CHUNK", chunk)
    document = {"schema": 1, "entries": [{"n": 123456789, "x": -0.5e-3, "t": "é\u2028\U0001f600",
                                          "l": [True, None, 10 ** 30]}, 7, "last"]}
    path = tmp_path / "doc.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(document, ensure_ascii=False).encode())
    with path.open("rb") as handle:
        stream = json_stream.JsonStream(handle, path)
        found: dict = {}
        for key in stream.members():
            if key == "entries":
                found[key] = [stream.value() for _ in stream.items()]
            else:
                found[key] = stream.value()
        stream.end()
    assert found == document


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"a": 1,\n  "b": tru}', "is not valid JSON (line 2, column 8)"),
        ('{"a": 1} {"b": 2}', "is not valid JSON (line 1, column 10)"),
        ('{"a": ' + "[" * 5000 + "]" * 5000 + "}", "is nested too deeply"),
        ('{"a": ' + "7" * 5000 + "}", "holds a number with thousands of digits"),
        ('{"a": "\x00"}', "is not text"),
    ],
)
def test_the_stream_names_what_is_wrong_and_never_raises_anything_else(tmp_path, monkeypatch,
                                                                        text, reason):
    monkeypatch.setattr(json_stream, "_CHUNK", 5)
    path = tmp_path / "doc.json"
    path.write_text(text)
    with path.open("rb") as handle, pytest.raises(json_stream.JsonProblem) as problem:
        stream = json_stream.JsonStream(handle, path)
        for _ in stream.members():
            stream.value()
        stream.end()
    assert reason in problem.value.reason


def test_one_value_larger_than_any_companion_file_has_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(json_stream, "_CHUNK", 100)
    path = tmp_path / "doc.json"
    path.write_text('{"a": "' + "x" * 5000 + '"}')
    with path.open("rb") as handle:
        stream = json_stream.JsonStream(handle, path, max_value=1000)
        with pytest.raises(json_stream.JsonProblem, match="is not valid JSON"):
            for _ in stream.members():
                stream.value()


def make_month(history: Path, name: str, entries: list[Entry]) -> Path:
    history.parent.mkdir(mode=0o700, exist_ok=True)
    history.mkdir(mode=0o700, exist_ok=True)
    path = history / name
    docs = {str(n): entry.to_dict() for n, entry in enumerate(entries, start=1)}
    path.write_text(json.dumps({"entries": docs, "_meta": {"1": {"schema": 1}}}))
    return path


@pytest.fixture
def large_month(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[Entry]]:
    """A month over LARGE_MONTH_BYTES (made small here), written out of order, with an entry
    changed in a later file, read in runs of MONTH_BATCH (small too)."""
    monkeypatch.setattr(history_module, "LARGE_MONTH_BYTES", 20_000)
    monkeypatch.setattr(history_files, "LARGE_MONTH_BYTES", 20_000)
    monkeypatch.setattr(history_module, "MONTH_BATCH", 7)
    entries = [Entry(kind="breathing", started_at=datetime(2026, 11, 1 + n % 28, n % 24,
                                                           tzinfo=TZ), note=f"number {n}")
               for n in range(90)]
    shuffled = entries[::2] + entries[1::2]
    path = make_month(data_dir / "history", "2026-11.json", shuffled)
    changed = entries[10].with_changes(note="changed later")
    make_month(data_dir / "history", "2026-11.2.json", [changed])
    make_month(data_dir / "history", "2026-12.json", [breath(1).with_changes(
        started_at=datetime(2026, 12, 2, tzinfo=TZ))])
    entries[10] = changed
    assert path.stat().st_size > 20_000
    return path, sorted(entries, key=lambda e: e.started_at)


def test_a_month_too_large_to_hold_is_read_in_order_whole_and_reported(data_dir, large_month):
    path, entries = large_month
    store = HistoryStore(data_dir)
    found = store.all()
    assert found[:-1] == entries
    assert found[-1].started_at.month == 12
    assert store.problems == {}
    assert store.notices == [
        f"{path} is 0 MB, far more than one person writes in a month (it may have been made "
        "by another program): companion reads it but never rewrites it; new entries for that "
        "month go in a file beside it."]


def test_a_save_into_a_month_too_large_goes_beside_it_and_never_rewrites_it(data_dir,
                                                                           large_month):
    path, entries = large_month
    before = path.read_bytes()
    store = HistoryStore(data_dir)
    store.save(entries[3].with_changes(note="edited"))
    new = store.save(breath(20))
    assert path.read_bytes() == before
    again = HistoryStore(data_dir).all()
    assert [e.note for e in again if e.id == entries[3].id] == ["edited"]
    assert new in again


def test_a_week_in_a_month_too_large_holds_only_that_week(data_dir, large_month):
    _, entries = large_month
    start, end = datetime(2026, 11, 9, tzinfo=TZ), datetime(2026, 11, 16, tzinfo=TZ)
    assert HistoryStore(data_dir).between(start, end) == [
        e for e in entries if start <= e.started_at < end]


def test_a_large_month_with_a_damaged_entry_names_it_and_reads_the_rest(data_dir, large_month):
    path, entries = large_month
    data = json.loads(path.read_text())
    data["entries"]["1"]["activation_before"] = 99
    path.write_text(json.dumps(data))
    store = HistoryStore(data_dir)
    found = store.all()
    assert len(found) == len(entries)  # the bad one is left out; the month's .2 file has 1
    assert "activation_before must be" in store.problems[path].reason


def test_a_save_after_a_delete_of_the_same_id_brings_the_entry_back(data_dir: Path):
    """The editor's undo: the deleted entry saved again wins over its tombstone, even when
    this machine's clock has stepped back since the delete."""
    wall = [1_800_000_000_000]
    store = HistoryStore(data_dir, clock=lambda: wall[0])
    entry = store.save(breath(3, note="kept whole"))
    files = {p.name: p.read_bytes() for p in (data_dir / "history").glob("2026-11*")}
    store.delete(entry)
    assert store.get(entry.id) is None
    wall[0] -= 60_000  # the clock stepped back a minute
    store.save(entry)
    assert HistoryStore(data_dir).get(entry.id) == entry
    assert HistoryStore(data_dir).all() == [entry]
    # The month file holds the entry as before (its stamp is newer, its text the same).
    month = {p.name: p.read_bytes() for p in (data_dir / "history").glob("2026-11*")}
    assert list(month) == list(files)


def test_moving_an_entry_to_another_month_leaves_no_copy_behind(data_dir: Path):
    store = HistoryStore(data_dir)
    entry = store.save(breath(3, note="moved"))
    moved = entry.with_changes(started_at=datetime(2026, 10, 31, 23, tzinfo=TZ))
    assert store.move(entry, moved) == moved
    fresh = HistoryStore(data_dir)
    assert fresh.all() == [moved]
    november = fresh.between(datetime(2026, 11, 1, tzinfo=TZ), datetime(2026, 12, 1, tzinfo=TZ))
    assert november == []


def test_a_move_whose_save_fails_puts_the_entry_back(data_dir: Path,
                                                     monkeypatch: pytest.MonkeyPatch):
    store = HistoryStore(data_dir)
    entry = store.save(breath(3, note="stays"))
    moved = entry.with_changes(started_at=datetime(2026, 10, 31, 23, tzinfo=TZ))
    real_apply = store._apply
    calls = []

    def failing_second(changes):
        calls.append(changes)
        if len(calls) == 2:
            raise SaveFailed("the disk is full")
        real_apply(changes)

    monkeypatch.setattr(store, "_apply", failing_second)
    with pytest.raises(SaveFailed):
        store.move(entry, moved)
    assert HistoryStore(data_dir).all() == [entry]


def test_a_new_time_hides_the_old_one_from_a_look_at_its_old_span(data_dir: Path):
    """Another machine's file keeps the entry at its old time (this machine never rewrites
    it): a read of the old span alone must not show that version once the time moved."""
    other = HistoryStore(data_dir, state_dir=data_dir.parent / "another-machine")
    entry = other.save(breath(23, hour=7, note="on another machine"))
    store = HistoryStore(data_dir)
    moved = entry.with_changes(started_at=datetime(2026, 11, 22, 21, tzinfo=TZ))
    store.move(entry, moved)
    fresh = HistoryStore(data_dir)
    old_span = fresh.between(datetime(2026, 11, 23, tzinfo=TZ), datetime(2026, 11, 30, tzinfo=TZ))
    new_span = fresh.between(datetime(2026, 11, 16, tzinfo=TZ), datetime(2026, 11, 23, tzinfo=TZ))
    assert old_span == []
    assert new_span == [moved]
    assert fresh.all() == [moved]
