"""Insights from per-month sums kept beside the month cache, through the store and the
command line: kept and used, never needed (deleted, damaged), never stale (older than their
month file, changed by hand, made in another zone), and never standing for what they cannot
(an entry filed in another month, an id in two months). The sums themselves, by hand and
against counting every moment: tests/test_insights_sums.py.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from companion import insights_sums, month_cache
from companion.cli import main
from companion.entries import Breathing, Entry, Repair
from companion.history import HistoryStore
from companion.insights_sums import zone_key


def checkin(when: datetime, before: int | None = None, after: int | None = None, *,
            pattern: str | None = None, seconds: float = 60.0, senses: int = 0,
            needs: tuple[str, ...] = (), signals: tuple[str, ...] = ()) -> Entry:
    return Entry(kind="checkin" if pattern is None else "breathing", started_at=when,
                 activation_before=before, activation_after=after, needs=needs,
                 body_signals=signals, senses_steps=senses,
                 breathing=None if pattern is None else Breathing(pattern, seconds, 4, True))


def history(data_dir: Path) -> list[Entry]:
    start = datetime(2025, 9, 28, 1, 30, tzinfo=UTC)
    made = [checkin(start + timedelta(hours=7 * i), 3 + i % 8, 1 + i % 4,
                    pattern=("box", "4-7-8", None)[i % 3], seconds=45.5 + i % 5 * 40,
                    senses=5 if i % 4 == 0 else 0, needs=(("tired",), ("rest",), ())[i % 3],
                    signals=(("tight_chest",), ())[i % 2]) for i in range(300)]
    made += [Entry(kind="repair", started_at=start + timedelta(days=d, hours=5),
                   repair=Repair("partner", "", "", "talk", ("planned", "done")[d % 2],
                                 done_at=start + timedelta(days=d, hours=9) if d % 2 else None))
             for d in range(0, 80, 9)]
    HistoryStore(data_dir, fsync=False).add_missing(made)
    return made


def run(data_dir: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["--data-dir", str(data_dir), "insights", *argv]) == 0
    return capsys.readouterr().out


def from_files(data_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch, *argv: str) -> str:
    """What insights prints with no cache at all (a fresh cache folder each time)."""
    fresh = tmp_path / f"fresh-{time.monotonic_ns()}"
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(fresh))
    try:
        return run(data_dir, capsys, *argv)
    finally:
        monkeypatch.setenv("COMPANION_CACHE_DIR", str(tmp_path / "cache"))


def sums_files(data_dir: Path) -> list[str]:
    folder = month_cache.folder_for(data_dir)
    return sorted(p.name for p in folder.glob("*.sums.json")) if folder.exists() else []


# Every month of history() from this month back (it starts in September 2025).
ALL_MONTHS = str((date.today().year - 2025) * 12 + date.today().month - 9 + 1)
ARGS = [["--all"], ["--all", "--format", "json"], ["--months", ALL_MONTHS, "--format", "markdown"]]


@pytest.mark.parametrize("argv", ARGS)
def test_sums_are_kept_and_a_second_run_counts_no_moments(data_dir, capsys, monkeypatch,
                                                          zone, argv):
    zone("Europe/London")
    history(data_dir)
    first = run(data_dir, capsys, *argv)
    assert sums_files(data_dir) == ["2025-09.sums.json", "2025-10.sums.json",
                                    "2025-11.sums.json", "2025-12.sums.json"]

    def no_moments(*_: Any) -> None:
        raise AssertionError("a whole month's moments were loaded")

    monkeypatch.setattr(month_cache.MonthCache, "load_moments", no_moments)
    monkeypatch.setattr(month_cache.MonthCache, "load", no_moments)
    # Today is after the history: every month is whole in the span.
    assert run(data_dir, capsys, *argv) == first


@pytest.mark.parametrize("argv", ARGS)
def test_deleted_sums_lose_nothing(data_dir, capsys, tmp_path, monkeypatch, zone, argv):
    zone("America/New_York")
    history(data_dir)
    expected = from_files(data_dir, capsys, tmp_path, monkeypatch, *argv)
    assert run(data_dir, capsys, *argv) == expected
    made = sums_files(data_dir)
    # Every month, but with --months the first: its UTC month begins before the span does.
    assert made[-3:] == ["2025-10.sums.json", "2025-11.sums.json", "2025-12.sums.json"]
    for name in made:
        (month_cache.folder_for(data_dir) / name).unlink()
    assert run(data_dir, capsys, *argv) == expected
    assert sums_files(data_dir) == made  # made again


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "digest", "foreign",
                                    "shape", "fifo"])
def test_damaged_sums_are_ignored_and_made_again(data_dir, capsys, tmp_path, monkeypatch,
                                                 zone, damage):
    import os

    zone("Asia/Kolkata")
    history(data_dir)
    expected = from_files(data_dir, capsys, tmp_path, monkeypatch, "--all")
    run(data_dir, capsys, "--all")
    path = month_cache.folder_for(data_dir) / "2025-10.sums.json"
    text = path.read_bytes()
    header, _, body = text.partition(b"\n")
    if damage == "truncated":
        path.write_bytes(text[: len(text) // 2])
    elif damage == "garbage":
        path.write_bytes(os.urandom(2000))
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "digest":  # a count changed, the header not
        path.write_bytes(header + b"\n" + body.replace(b'"rated":', b'"rated":1'))
    elif damage == "foreign":
        path.write_text(json.dumps({"sums": 1}) + "\n[]")
    elif damage == "shape":  # digest right, but not sums as written here
        bad = json.dumps([json.loads(body)[0], {"entries": "many"}]).encode()
        head = json.loads(header)
        head["digest"] = month_cache._digest(bad)
        path.write_bytes(json.dumps(head).encode() + b"\n" + bad)
    else:
        path.unlink()
        os.mkfifo(path)
    assert run(data_dir, capsys, "--all") == expected
    if damage != "fifo":
        assert path.read_bytes() == text  # written again, whole
    assert run(data_dir, capsys, "--all") == expected


def test_sums_older_than_their_month_file_are_not_used(data_dir, capsys, tmp_path,
                                                       monkeypatch, zone):
    zone("UTC")
    made = history(data_dir)
    run(data_dir, capsys, "--all", "--format", "json")
    store = HistoryStore(data_dir, fsync=False)
    store.save(checkin(datetime(2025, 10, 12, 8, tzinfo=UTC), 10, 0, pattern="box",
                       seconds=333.0, needs=("food",)))
    store.save(made[40].with_changes(activation_before=0, activation_after=10))
    store.delete(made[41])
    for argv in (["--all", "--format", "json"], ["--all"]):
        expected = from_files(data_dir, capsys, tmp_path, monkeypatch, *argv)
        assert '"food"' in expected or argv[-1] == "--all"
        assert run(data_dir, capsys, *argv) == expected


def test_a_month_file_changed_by_hand_is_seen(data_dir, capsys, tmp_path, monkeypatch, zone):
    from machines import own_file

    zone("UTC")
    history(data_dir)
    before = run(data_dir, capsys, "--all", "--format", "json")
    path = data_dir / "history" / own_file("2025-10")
    stat = path.stat()
    path.write_text(path.read_text().replace('"activation_before": 9', '"activation_before": 2'))
    os_utime = __import__("os").utime
    os_utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    expected = from_files(data_dir, capsys, tmp_path, monkeypatch, "--all", "--format", "json")
    assert expected != before
    assert run(data_dir, capsys, "--all", "--format", "json") == expected


def test_sums_made_in_another_zone_are_not_used(data_dir, capsys, tmp_path, monkeypatch,
                                                zone):
    history(data_dir)
    for name in ("America/New_York", "Asia/Kolkata", "America/New_York"):
        zone(name)
        expected = from_files(data_dir, capsys, tmp_path, monkeypatch, "--all", "--format",
                              "json")
        assert run(data_dir, capsys, "--all", "--format", "json") == expected
        assert run(data_dir, capsys, "--all", "--format", "json") == expected


def test_an_entry_in_another_months_file_or_in_two_months_is_counted_as_before(
        data_dir, capsys, tmp_path, monkeypatch, zone):
    """Files made elsewhere: a month file holding an entry of another month, and the same id
    in two months (all() shows the first copy). The sums cannot stand for those: the moments
    are counted, and the output is what it always was."""
    from machines import own_file

    zone("Europe/London")
    made = history(data_dir)
    run(data_dir, capsys, "--all")
    october = data_dir / "history" / own_file("2025-10")
    november = data_dir / "history" / own_file("2025-11")
    data = json.loads(november.read_text())
    moved = next(iter(data["entries"].values()))
    october_data = json.loads(october.read_text())
    october_data["entries"][str(10 ** 6)] = moved  # a November entry in October's file too
    october.write_text(json.dumps(october_data))
    for argv in (["--all"], ["--all", "--format", "json"], ["--months", ALL_MONTHS]):
        expected = from_files(data_dir, capsys, tmp_path, monkeypatch, *argv)
        assert run(data_dir, capsys, *argv) == expected
    # The copy read first is October's: counted once, as all() shows it.
    store = HistoryStore(data_dir)
    assert sum(e.id == moved["id"] for e in store.all()) == 1
    assert store.derived_months(insights_sums.KIND, zone_key) is None
    assert len(made) == len(store.all())


def test_a_first_run_sums_each_month_as_it_reads_it_and_keeps_the_sums(data_dir, zone):
    """With `derive`, a month with no sums kept is summed as it is read and its moments let go
    (a first run on a long history holds one month at a time); what is handed back is the sums,
    kept for the next run, and its moments read again only if asked for."""
    zone("Europe/London")
    history(data_dir)
    store = HistoryStore(data_dir)
    parts = store.derived_months(insights_sums.KIND, zone_key, derive=insights_sums.month_sums)
    assert parts is not None and [p.month for p in parts] == [
        "2025-09", "2025-10", "2025-11", "2025-12"]
    for part in parts:
        assert part.keep is None and part.kept is not None
        assert part.kept == insights_sums.month_sums(part.month, part.moments())
    assert sums_files(data_dir) == [f"{p.month}.sums.json" for p in parts]
    again = HistoryStore(data_dir).derived_months(insights_sums.KIND, zone_key)
    assert again is not None
    assert [p.kept for p in again] == [json.loads(json.dumps(p.kept)) for p in parts]


def test_without_derive_a_first_run_hands_back_the_moments_to_sum(data_dir, zone):
    zone("Europe/London")
    history(data_dir)
    parts = HistoryStore(data_dir).derived_months(insights_sums.KIND, zone_key)
    assert parts is not None and parts
    assert all(p.kept is None and p.keep is not None for p in parts)
    assert sums_files(data_dir) == []
