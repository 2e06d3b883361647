"""The derived month cache (companion/month_cache.py): never stale, never needed, private.

Every test reads through the store as the commands do, and checks what comes back against what
the month files hold; the cache lives in COMPANION_CACHE_DIR (set per test in conftest.py).
"""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from machines import own_file

from companion import month_cache
from companion.entries import Breathing, Entry, Feeling, Repair
from companion.history import HistoryStore
from companion.month_cache import entry_of, row_of

NOV = datetime(2025, 11, 3, 9, 0, tzinfo=UTC)


def entries() -> list[Entry]:
    return [
        Entry(kind="checkin", started_at=NOV + timedelta(days=i), activation_before=7,
              activation_after=3, needs=("tired",), body_signals=("tight_chest",),
              note=f"note {i:02d} [b]x[/b]", breathing=Breathing("box", 60 if i % 2 else 61.5,
                                                                  4, True),
              feelings=(Feeling("frazzled", "high_unpleasant"),))
        for i in range(6)
    ] + [
        Entry(kind="repair", started_at=NOV + timedelta(days=20, hours=3),
              saved_at=NOV + timedelta(days=20, hours=4),
              repair=Repair("partner", "cold", "my tone", "apologised", "done",
                            done_at=datetime(2025, 11, 24, 1, 2, 3, 456, tzinfo=UTC)),
              complete=False),
        Entry(kind="checkin", started_at=datetime(2025, 12, 1, 8, 0, tzinfo=UTC), note="dec"),
    ]


def cache_folder(data_dir: Path) -> Path:
    return month_cache.folder_for(data_dir)


def dicts(found: list[Entry]) -> list[dict]:
    return [e.to_dict() for e in found]


@pytest.fixture
def saved(data_dir: Path) -> list[Entry]:
    made = entries()
    HistoryStore(data_dir, fsync=False).add_missing(made)
    return made


def test_a_whole_read_is_kept_and_read_back_the_same(data_dir, saved):
    assert not cache_folder(data_dir).exists()
    first = HistoryStore(data_dir).all()
    assert dicts(first) == dicts(sorted(saved, key=lambda e: e.started_at))
    assert sorted(p.name for p in cache_folder(data_dir).iterdir()) == ["2025-11.json",
                                                                        "2025-12.json"]
    # From the cache now: a month file moved aside for a moment proves it.
    again = HistoryStore(data_dir).all()
    assert dicts(again) == dicts(first)
    assert [type(e.breathing.seconds) for e in again if e.breathing] == [
        type(e.breathing.seconds) for e in first if e.breathing]


def test_what_is_read_from_the_cache_is_what_the_files_say_exactly(data_dir, saved):
    HistoryStore(data_dir).all()
    cached = HistoryStore(data_dir).cache
    assert cached is not None
    files = {e.id: e for e in HistoryStore(data_dir, cache=False).all()}
    from_cache = cached.load("2025-11", _key(data_dir, "2025-11"))
    assert from_cache is not None and len(from_cache) == 7
    for entry in from_cache:
        assert entry == files[entry.id]
        assert entry.to_dict() == files[entry.id].to_dict()


def _key(data_dir: Path, month: str) -> list:
    store = HistoryStore(data_dir)
    folder = store._open_folder(writing=False)
    key = store._cache_key(folder, month)
    assert key is not None
    return key


def test_rows_round_trip_every_field():
    for entry in entries():
        assert entry_of(json.loads(json.dumps(row_of(entry)))) == entry


def test_moments_read_from_the_cache_give_the_same_insights_as_entries(data_dir):
    from companion.demo import write_demo_history
    from companion.insights import gather_insights

    write_demo_history(data_dir, 120)
    whole = HistoryStore(data_dir, cache=False).all()
    first, last = whole[0].started_at.date(), whole[-1].started_at.date()
    now = whole[-1].started_at + timedelta(days=1)

    def insights(found) -> dict:
        return gather_insights(found, first, last, now=now).to_dict()

    expected = insights(whole)
    HistoryStore(data_dir).all()  # the cache made
    moments = HistoryStore(data_dir).moments()
    kinds = {type(m).__name__ for m in moments}
    assert kinds == {"Moment", "Entry"}  # repairs whole, the rest light
    assert all(m.repair is not None for m in moments if isinstance(m, Entry))
    assert [m.id for m in moments] == [e.id for e in whole]
    assert insights(moments) == expected
    # A span: whole months from the cache, the months at its edges read from their files.
    start, end = whole[0].started_at + timedelta(days=20), whole[-1].started_at
    part = HistoryStore(data_dir).moments(start, end)
    assert [m.id for m in part] == [e.id for e in HistoryStore(data_dir).between(start, end)]
    assert insights(part) == insights(HistoryStore(data_dir, cache=False).between(start, end))


@pytest.mark.parametrize("words", ["calm", "partner", "my", "box tired", "zzz"])
def test_a_search_from_the_cache_finds_what_a_search_of_every_entry_finds(data_dir, content,
                                                                          words):
    from companion.demo import write_demo_history
    from companion.looking import labels_of
    from companion.search import SearchQuery, find_entries, folded, might_match

    write_demo_history(data_dir, 90)
    labels = labels_of(content)
    folded_labels = {k: folded(v) for k, v in labels.items()}
    query = SearchQuery(words)
    expected = find_entries(HistoryStore(data_dir, cache=False).all(), query, labels)

    def might(text: str, keys: list[str]) -> bool:
        return might_match(text, keys, folded(words).split(), folded_labels)

    for _ in ("from the files, the cache made", "from the cache"):
        candidates = HistoryStore(data_dir).entries_where(might)
        assert find_entries(candidates, query, labels) == expected
    assert len(candidates) < 3 * max(len(expected), 10)  # a first look that looks
    # A damaged search part: read from the files again, found the same.
    for path in cache_folder(data_dir).iterdir():
        lines = path.read_bytes().split(b"\n")
        lines[2] = lines[2].replace(b'"', b"'", 1)
        path.write_bytes(b"\n".join(lines))
    assert find_entries(HistoryStore(data_dir).entries_where(might), query, labels) == expected


def test_the_cache_is_private(data_dir, saved, tmp_path):
    HistoryStore(data_dir).all()
    folder = cache_folder(data_dir)
    for level in (folder, folder.parent, folder.parent.parent):
        assert stat.S_IMODE(level.stat().st_mode) == 0o700
    for file in folder.iterdir():
        assert stat.S_IMODE(file.stat().st_mode) == 0o600


def test_a_deleted_cache_loses_nothing(data_dir, saved):
    first = dicts(HistoryStore(data_dir).all())
    month_cache.MonthCache(cache_folder(data_dir)).remove()
    assert dicts(HistoryStore(data_dir).all()) == first
    assert (cache_folder(data_dir) / "2025-11.json").exists()  # made again


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "digest", "foreign",
                                    "bad row", "moments cut", "moments only"])
def test_a_damaged_or_foreign_cache_file_is_ignored_and_made_again(data_dir, saved, damage):
    first = dicts(HistoryStore(data_dir).all())
    path = cache_folder(data_dir) / "2025-11.json"
    text = path.read_bytes()
    header, _, body = text.partition(b"\n")
    if damage == "truncated":
        path.write_bytes(text[: len(text) // 2])
    elif damage == "garbage":
        path.write_bytes(os.urandom(3000))
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "digest":  # the body changed, the header not: a note said otherwise
        path.write_bytes(header + b"\n" + body.replace(b"note 01", b"note XX"))
    elif damage == "foreign":
        path.write_text(json.dumps({"entries": {}}) + "\n[]")
    elif damage == "moments cut":  # ends inside the moments' line (insights reads only it)
        path.write_bytes(header + b"\n" + body[: body.index(b"\n") // 2])
    elif damage == "moments only":  # the moments' line whole, nothing after it
        path.write_bytes(header + b"\n" + body[: body.index(b"\n")])
    else:  # shaped right, digests right, but rows that are not rows
        bad = json.dumps([["not", "a", "row"]]).encode()
        head = json.loads(header)
        head["digests"] = [month_cache._digest(bad)] * 2
        path.write_bytes(json.dumps(head).encode() + b"\n" + bad + b"\n" + bad)
        assert [e.id for e in HistoryStore(data_dir).moments()] == [d["id"] for d in first]
    moments = HistoryStore(data_dir).moments()
    assert [m.id for m in moments] == [d["id"] for d in first]
    assert [m.started_at for m in moments] == [e.started_at for e in saved]
    assert dicts(HistoryStore(data_dir).all()) == first
    assert path.read_bytes().partition(b"\n")[0] == header  # written again, whole


def test_a_fifo_in_place_of_a_cached_month_never_hangs_a_read(data_dir, saved):
    import threading

    first = dicts(HistoryStore(data_dir).all())
    path = cache_folder(data_dir) / "2025-11.json"
    path.unlink()
    os.mkfifo(path)
    found: list[list[dict]] = []
    reader = threading.Thread(target=lambda: found.append(dicts(HistoryStore(data_dir).all())),
                              daemon=True)
    reader.start()
    reader.join(timeout=20)
    assert not reader.is_alive(), "the read waited on the FIFO"
    assert found == [first]


def test_a_cache_older_than_its_month_file_is_not_used(data_dir, saved):
    HistoryStore(data_dir).all()
    late = Entry(kind="checkin", started_at=NOV + timedelta(days=10), note="added later")
    HistoryStore(data_dir, fsync=False).save(late)
    assert "added later" in [e.note for e in HistoryStore(data_dir).all()]
    edited = saved[0].with_changes(note="edited")
    HistoryStore(data_dir, fsync=False).save(edited)
    notes = [e.note for e in HistoryStore(data_dir).all()]
    assert "edited" in notes and saved[0].note not in notes
    HistoryStore(data_dir, fsync=False).delete(saved[1])
    assert saved[1].id not in [e.id for e in HistoryStore(data_dir).all()]


def test_a_month_file_edited_by_hand_to_the_same_size_and_time_is_seen(data_dir, saved):
    HistoryStore(data_dir).all()
    path = data_dir / "history" / own_file("2025-11")
    before = path.stat()
    text = path.read_text()
    assert "note 03" in text
    # In place (same inode), same size, and the modification time put back: only the
    # change time tells.
    with open(path, "r+") as handle:
        handle.write(text.replace("note 03", "note 33"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size, before.st_mtime_ns, before.st_ino)
    notes = [e.note for e in HistoryStore(data_dir).all()]
    assert "note 33 [b]x[/b]" in notes and "note 03 [b]x[/b]" not in notes


def test_a_month_file_replaced_by_a_sync_tool_is_seen(data_dir, saved):
    HistoryStore(data_dir).all()
    path = data_dir / "history" / own_file("2025-11")
    before = path.stat()
    copy = path.with_name("incoming.tmp")
    copy.write_text(path.read_text().replace("note 04", "note 44"))
    os.utime(copy, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(copy, path)  # a new inode, as a sync tool's rename gives
    notes = [e.note for e in HistoryStore(data_dir).all()]
    assert "note 44 [b]x[/b]" in notes


def test_another_machines_files_arriving_are_seen(data_dir, saved, tmp_path):
    HistoryStore(data_dir).all()
    other = HistoryStore(data_dir, fsync=False, state_dir=tmp_path / "other-machine")
    other.save(Entry(kind="checkin", started_at=NOV + timedelta(days=12), note="from afar"))
    assert "from afar" in [e.note for e in HistoryStore(data_dir).all()]
    # Its deletion travels in its device file alone: this machine's month file is unchanged.
    own = (data_dir / "history" / own_file("2025-11")).stat()
    other.delete(saved[2])
    assert (data_dir / "history" / own_file("2025-11")).stat().st_mtime_ns == own.st_mtime_ns
    assert saved[2].id not in [e.id for e in HistoryStore(data_dir).all()]


def test_a_years_read_uses_the_cache_and_a_weeks_read_does_not_need_it(data_dir, saved):
    year = HistoryStore(data_dir).between(datetime(2025, 1, 1, tzinfo=UTC),
                                          datetime(2026, 1, 1, tzinfo=UTC))
    assert (cache_folder(data_dir) / "2025-11.json").exists()
    again = HistoryStore(data_dir).between(datetime(2025, 1, 1, tzinfo=UTC),
                                           datetime(2026, 1, 1, tzinfo=UTC))
    assert dicts(again) == dicts(year) and len(year) == 8
    week = HistoryStore(data_dir).between(NOV, NOV + timedelta(days=3))
    assert [e.note for e in week] == ["note 00 [b]x[/b]", "note 01 [b]x[/b]",
                                      "note 02 [b]x[/b]"]


def test_part_of_a_cached_month_is_read_from_the_cache(data_dir, saved, monkeypatch):
    """A year's read starts and ends inside months (its first week's Sunday), as the views'
    reads do: those months come from the cache too, with only the asked-for part kept."""
    from companion import history

    span = (NOV + timedelta(days=1), NOV + timedelta(days=4))
    uncached = HistoryStore(data_dir, cache=False).between(*span)
    assert not cache_folder(data_dir).exists()  # a part is never what is cached
    HistoryStore(data_dir).all()  # the months kept
    parsed: list[str] = []
    read = history.read_month_file

    def counted(path, *args, **kwargs):
        parsed.append(path.name)
        return read(path, *args, **kwargs)

    monkeypatch.setattr(history, "read_month_file", counted)
    part = HistoryStore(data_dir).between(*span)
    assert dicts(part) == dicts(uncached) and len(part) == 3
    assert parsed == []


def test_forget_removes_the_cache(data_dir, saved):
    HistoryStore(data_dir).all()
    assert cache_folder(data_dir).exists()
    HistoryStore(data_dir, fsync=False).forget()
    assert not cache_folder(data_dir).exists()
    assert HistoryStore(data_dir).all() == []


def test_forget_from_the_command_line_removes_it(data_dir, saved, capsys):
    from companion.cli import main

    assert main(["--data-dir", str(data_dir), "insights", "--all"]) == 0
    assert cache_folder(data_dir).exists()
    assert main(["--data-dir", str(data_dir), "forget", "--yes"]) == 0
    assert not cache_folder(data_dir).exists()


def test_forget_removes_a_cache_left_from_files_deleted_by_hand(data_dir, saved, capsys):
    from companion.cli import main

    HistoryStore(data_dir).all()
    for path in (data_dir / "history").iterdir():
        path.unlink()
    assert cache_folder(data_dir).exists()
    assert main(["--data-dir", str(data_dir), "forget", "--yes"]) == 0
    assert not cache_folder(data_dir).exists()


def test_a_cache_folder_that_cannot_be_made_is_no_cache_and_no_error(data_dir, saved,
                                                                     tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(month_cache.CACHE_ENV, str(blocked))
    store = HistoryStore(data_dir)
    assert dicts(store.all()) == dicts(sorted(saved, key=lambda e: e.started_at))
    assert store.problems == {} and blocked.read_text() == "not a folder"


def test_a_full_disk_leaves_no_cache_and_no_temporary_file(data_dir, saved, monkeypatch):
    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(month_cache.os, "replace", full)
    first = dicts(HistoryStore(data_dir).all())
    assert first == dicts(sorted(saved, key=lambda e: e.started_at))
    assert list(cache_folder(data_dir).iterdir()) == []


def test_a_read_only_cache_folder_is_no_cache_and_no_error(data_dir, saved):
    HistoryStore(data_dir).all()
    folder = cache_folder(data_dir)
    for file in folder.iterdir():
        file.unlink()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("this user can write to a read-only folder (root)")
        assert len(HistoryStore(data_dir).all()) == 8
    finally:
        folder.chmod(0o700)


def test_a_damaged_month_file_is_never_cached_and_said_every_time(data_dir, saved):
    (data_dir / "history" / "2025-11.json").write_text("{ not json")
    for _ in range(2):
        store = HistoryStore(data_dir)
        assert len(store.all()) == 8
        assert [p.name for p in store.problems] == ["2025-11.json"]
    assert not (cache_folder(data_dir) / "2025-11.json").exists()


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/London"])
def test_insights_over_a_dst_month_print_the_same_from_the_cache_as_from_the_files(
        data_dir, zone, monkeypatch, capsys):
    """Every 5 hours from late February to early April 2025 (both zones change their clocks
    in March): the local day, month, part of day and weekday move with the offset. What
    insights prints with the cache made is byte for byte what it prints reading the files."""
    import time

    from companion.cli import main

    start = datetime(2025, 2, 26, 0, 30, tzinfo=UTC)
    made = [Entry(kind="checkin", started_at=start + timedelta(hours=5 * i),
                  activation_before=4 + i % 6, activation_after=2 + i % 3,
                  needs=(("tired",), ("rest", "tired"), ())[i % 3],
                  body_signals=(("tight_chest",), ())[i % 2],
                  breathing=Breathing("box", 60.0 + (i % 4) * 30.5, 4, True) if i % 2 else None,
                  senses_steps=5 if i % 3 == 0 else 0)
            for i in range(220)]
    HistoryStore(data_dir, fsync=False).add_missing(made)
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        for fmt in ("table", "markdown", "json"):
            for span in (["--all"], ["--months", "24"]):
                argv = ["--data-dir", str(data_dir), "insights", *span, "--format", fmt]
                month_cache.MonthCache(cache_folder(data_dir)).remove()
                assert main(argv) == 0
                from_files = capsys.readouterr().out
                assert (cache_folder(data_dir) / "2025-03.json").exists()
                assert main(argv) == 0
                assert capsys.readouterr().out == from_files
    finally:
        monkeypatch.undo()
        time.tzset()
