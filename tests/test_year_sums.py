"""The year from each UTC month's day tallies kept beside the month cache (year_sums.py):
by hand across a UTC month's start, equal to summarize_year over the entries in several
zones, and through the `year` command kept, never needed (deleted, damaged) and never stale
(older than its month file), and never standing for an entry filed in another month."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from companion import month_cache, year_sums
from companion.cli import main
from companion.entries import Breathing, Entry
from companion.history import HistoryStore
from companion.spans import Tally, span_times, summarize_year, year_days, year_of
from companion.year_sums import year_tallies


def breath(when: datetime, before: int | None, after: int | None, seconds: float) -> Entry:
    return Entry(kind="breathing", started_at=when, activation_before=before,
                 activation_after=after, breathing=Breathing("box", seconds, 4, True))


def history(data_dir: Path) -> list[Entry]:
    """Every seven hours from late December 2025 to early 2027, with breathing seconds whose
    float sums depend on their order."""
    start = datetime(2025, 12, 20, 1, 30, tzinfo=UTC)
    made = [breath(start + timedelta(hours=7 * i), 3 + i % 8 if i % 5 else None, 1 + i % 4,
                   45.1 + i % 7 * 40.3) if i % 3 else
            Entry(kind="checkin", started_at=start + timedelta(hours=7 * i),
                  activation_before=i % 11)
            for i in range(1300)]
    HistoryStore(data_dir, fsync=False).add_missing(made)
    return made


def days_files(data_dir: Path) -> list[str]:
    folder = month_cache.folder_for(data_dir)
    return sorted(p.name for p in folder.glob("*.days.json")) if folder.exists() else []


def test_a_local_day_across_a_utc_months_start_is_its_two_months_added(data_dir, zone):
    zone("America/New_York")  # 31 January 19:00 is 1 February 00:00 in UTC
    store = HistoryStore(data_dir, fsync=False)
    store.add_missing([breath(datetime(2026, 1, 31, 23, 0, tzinfo=UTC), 7, 3, 0.1),
                       breath(datetime(2026, 2, 1, 1, 0, tzinfo=UTC), 9, 4, 0.2),
                       breath(datetime(2026, 2, 1, 2, 0, tzinfo=UTC), None, 2, 0.3),
                       Entry(kind="checkin", started_at=datetime(2026, 2, 1, 6, tzinfo=UTC),
                             activation_before=5)])
    for _ in range(2):  # made, then kept
        days = year_tallies(store, 2026)
        assert days[date(2026, 1, 31)] == Tally(entries=3, checkins=0, breaks=3,
                                                 breathing_seconds=0.1 + (0.2 + 0.3),
                                                 activation_max=9, pairs=2, before_sum=16,
                                                 after_sum=7)
        assert days[date(2026, 2, 1)] == Tally(1, 1, 0, 0.0, 5, 0, 0, 0)
        assert set(days) == {date(2026, 1, 31), date(2026, 2, 1)}
        assert days_files(data_dir)[:2] == ["2026-01.days.json", "2026-02.days.json"]
    assert 0.1 + (0.2 + 0.3) != 0.1 + 0.2 + 0.3  # the order the sums add in matters
    # Tallied from the entries, the day is added up the same way, to the last bit.
    entries = store.between(*span_times(*year_days(2026)))
    assert summarize_year(entries, 2026) == year_of(year_tallies(store, 2026), 2026)


@pytest.mark.parametrize("name", ["America/New_York", "Asia/Kolkata", "Europe/London", "UTC"])
@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_the_year_from_kept_tallies_is_the_year_from_the_entries(data_dir, zone, name, year,
                                                                  monkeypatch):
    zone(name)
    history(data_dir)
    store = HistoryStore(data_dir, fsync=False)
    entries = store.between(*span_times(*year_days(year)))
    made = year_tallies(store, year)
    assert days_files(data_dir)

    def no_moments(*_: Any) -> None:
        raise AssertionError("a whole month's moments were loaded")

    monkeypatch.setattr(month_cache.MonthCache, "load_moments", no_moments)
    kept = year_tallies(HistoryStore(data_dir, fsync=False), year)
    for week_start in ("monday", "sunday"):
        expected = summarize_year(entries, year, week_start=week_start)
        assert year_of(made, year, week_start=week_start) == expected
        assert year_of(kept, year, week_start=week_start) == expected


def test_monday_weeks_last_week_holds_its_sunday_in_the_next_year(data_dir, zone, capsys):
    """2022's last ISO week runs to Sunday 1 January 2023, a day past Sunday weeks' end."""
    zone("UTC")
    HistoryStore(data_dir, fsync=False).add_missing(
        [Entry(kind="checkin", started_at=datetime(2023, 1, 1, 12, tzinfo=UTC),
               activation_before=6, activation_after=2)])
    assert main(["--data-dir", str(data_dir), "year", "--year", "2022", "--format", "json"]) == 0
    weeks = json.loads(capsys.readouterr().out)["summary"]["weeks"]
    assert weeks[-1]["week"] == "2022-W52"
    assert weeks[-1]["pairs"] == 1


def run(data_dir: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["--data-dir", str(data_dir), "year", *argv]) == 0
    return capsys.readouterr().out


def from_files(data_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch, *argv: str) -> str:
    """What year prints with no cache at all (a fresh cache folder each time)."""
    fresh = tmp_path / f"fresh-{time.monotonic_ns()}"
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(fresh))
    try:
        return run(data_dir, capsys, *argv)
    finally:
        monkeypatch.setenv("COMPANION_CACHE_DIR", str(tmp_path / "cache"))


ARGS = [["--year", "2026"], ["--year", "2026", "--format", "json"],
        ["--year", "2025", "--format", "markdown"]]


@pytest.mark.parametrize("argv", ARGS)
def test_deleted_tallies_lose_nothing(data_dir, capsys, tmp_path, monkeypatch, zone, argv):
    zone("America/New_York")
    history(data_dir)
    expected = from_files(data_dir, capsys, tmp_path, monkeypatch, *argv)
    assert run(data_dir, capsys, *argv) == expected
    made = days_files(data_dir)
    assert "2026-01.days.json" in made
    for name in made:
        (month_cache.folder_for(data_dir) / name).unlink()
    assert run(data_dir, capsys, *argv) == expected
    assert days_files(data_dir) == made  # made again


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "digest", "foreign",
                                    "shape", "fifo"])
def test_damaged_tallies_are_ignored_and_made_again(data_dir, capsys, tmp_path, monkeypatch,
                                                    zone, damage):
    zone("Asia/Kolkata")
    history(data_dir)
    argv = ("--year", "2026", "--format", "json")
    expected = from_files(data_dir, capsys, tmp_path, monkeypatch, *argv)
    run(data_dir, capsys, *argv)
    path = month_cache.folder_for(data_dir) / "2026-03.days.json"
    text = path.read_bytes()
    header, _, body = text.partition(b"\n")
    if damage == "truncated":
        path.write_bytes(text[: len(text) // 2])
    elif damage == "garbage":
        path.write_bytes(os.urandom(2000))
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "digest":  # a count changed, the header not
        path.write_bytes(header + b"\n" + body.replace(b'-01",', b'-01",9', 1))
    elif damage == "foreign":
        path.write_text(json.dumps({"days": 1}) + "\n[]")
    elif damage == "shape":  # digest right, but not day tallies as written here
        bad = json.dumps([json.loads(body)[0], [["2026-03-01", "many"]]]).encode()
        head = json.loads(header)
        head["digest"] = month_cache._digest(bad)
        path.write_bytes(json.dumps(head).encode() + b"\n" + bad)
    else:
        path.unlink()
        os.mkfifo(path)
    assert run(data_dir, capsys, *argv) == expected
    if damage != "fifo":
        assert path.read_bytes() == text  # written again, whole
    assert run(data_dir, capsys, *argv) == expected


def test_tallies_older_than_their_month_file_are_not_used(data_dir, capsys, tmp_path,
                                                          monkeypatch, zone):
    zone("Europe/London")
    made = history(data_dir)
    argv = ("--year", "2026", "--format", "json")
    before = run(data_dir, capsys, *argv)
    store = HistoryStore(data_dir, fsync=False)
    store.save(breath(datetime(2026, 3, 12, 8, tzinfo=UTC), 10, 0, 333.0))
    store.save(made[400].with_changes(activation_before=0, activation_after=10))
    store.delete(made[401])
    expected = from_files(data_dir, capsys, tmp_path, monkeypatch, *argv)
    assert expected != before
    assert run(data_dir, capsys, *argv) == expected


def test_tallies_made_in_another_zone_are_not_used(data_dir, capsys, tmp_path, monkeypatch,
                                                   zone):
    history(data_dir)
    for name in ("America/New_York", "Asia/Kolkata", "America/New_York"):
        zone(name)
        expected = from_files(data_dir, capsys, tmp_path, monkeypatch, "--year", "2026",
                              "--format", "json")
        assert run(data_dir, capsys, "--year", "2026", "--format", "json") == expected
        assert run(data_dir, capsys, "--year", "2026", "--format", "json") == expected


def test_an_entry_in_another_months_file_is_tallied_as_before(data_dir, capsys, tmp_path,
                                                              monkeypatch, zone):
    from machines import own_file

    zone("Europe/London")
    history(data_dir)
    run(data_dir, capsys, "--year", "2026")
    march = data_dir / "history" / own_file("2026-03")
    april = data_dir / "history" / own_file("2026-04")
    moved = next(iter(json.loads(april.read_text())["entries"].values()))
    data = json.loads(march.read_text())
    data["entries"][str(10 ** 6)] = moved  # an April entry in March's file too
    march.write_text(json.dumps(data))
    store = HistoryStore(data_dir)
    parts = store.derived_months(year_sums.KIND, year_sums.made_under)
    assert parts is None or year_sums.days_of_months(parts) is None
    for argv in (["--year", "2026"], ["--year", "2026", "--format", "json"]):
        expected = from_files(data_dir, capsys, tmp_path, monkeypatch, *argv)
        assert run(data_dir, capsys, *argv) == expected


# -- the months asked for, and the edges (by hand, with a store that only answers) ---------------


class Part:
    """One UTC month as derived_months gives it: no tallies kept, its moments given."""

    def __init__(self, month: str, moments: list[Entry]) -> None:
        self.month, self.kept, self.keep = month, None, None
        self._moments = moments

    def moments(self) -> list[Entry]:
        return self._moments


class Store:
    """Gives `parts` for the months (None: they cannot stand for the span) and `entries` for
    between(); notes what it was asked."""

    def __init__(self, parts: list[Part] | None, entries: list[Entry] = ()) -> None:
        self.parts, self.entries = parts, list(entries)
        self.asked: list[tuple[Any, ...]] = []

    def derived_months(self, kind: str, made_under: Any, between: Any = None,
                       derive: Any = None) -> Any:
        self.asked.append(("derived_months", kind, between))
        return self.parts

    def between(self, start: datetime, end: datetime) -> list[Entry]:
        self.asked.append(("between", start, end))
        return [e for e in self.entries if start <= e.started_at < end]


def test_a_year_asks_for_its_whole_utc_months_only(zone):
    zone("UTC")
    # 2023's Monday weeks end on Sunday 31 December: the span ends exactly as 2024 begins.
    store = Store([])
    year_tallies(store, 2023)
    first, _ = span_times(*year_days(2023))
    assert first == datetime(2023, 1, 1, tzinfo=UTC)
    assert store.asked == [("derived_months", year_sums.KIND,
                            (datetime(2023, 1, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC)))]
    # 2026 reads into 2027's first days: up to the end of January 2027, from December 2025.
    later = Store([])
    year_tallies(later, 2026)
    assert later.asked == [("derived_months", year_sums.KIND,
                            (datetime(2025, 12, 1, tzinfo=UTC), datetime(2027, 2, 1, tzinfo=UTC)))]


def test_months_that_cannot_stand_for_the_year_are_read_as_entries(zone):
    zone("UTC")
    made = [breath(datetime(2023, 3, 4, 9, tzinfo=UTC), 6, 2, 60.0)]
    store = Store(None, made)
    found = year_tallies(store, 2023)
    assert [kind for kind, *_ in store.asked] == ["derived_months", "between"]
    assert found[date(2023, 3, 4)].breaks == 1


def test_a_moment_on_its_months_first_instant_is_the_months_own(zone):
    zone("UTC")
    first = breath(datetime(2023, 3, 1, tzinfo=UTC), 6, 2, 60.0)
    found = year_sums.days_of_months([Part("2023-03", [first])])
    assert found is not None and found[date(2023, 3, 1)].breaks == 1
    # The next month's first instant is not March's: the months cannot stand for the span.
    stray = breath(datetime(2023, 4, 1, tzinfo=UTC), 6, 2, 60.0)
    assert year_sums.days_of_months([Part("2023-03", [first, stray])]) is None


def test_the_calendars_edges_are_read_as_before():
    lowest, highest = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
    middle = datetime(2023, 6, 15, tzinfo=UTC)
    assert year_sums._whole_months(lowest, middle) is None
    assert year_sums._whole_months(middle, highest) is None
    # A span ending in December 9999 has no month after it to end on.
    assert year_sums._whole_months(middle, datetime(9999, 12, 15, tzinfo=UTC)) is None
    assert year_sums._whole_months(middle, datetime(9999, 11, 15, tzinfo=UTC)) == (
        datetime(2023, 6, 1, tzinfo=UTC), datetime(9999, 12, 1, tzinfo=UTC))
