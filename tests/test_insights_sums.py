"""Insights from per-month sums (companion/insights_sums.py): the same numbers as counting every
moment, kept beside the month cache, never stale.

The merging is checked by hand (medians from histograms, counts, a local month across two UTC
months, a zone's clock change), then against counting the moments themselves for any history
(Hypothesis), then through the store and the command line: sums deleted, damaged, older than
their month file, made under another zone, and histories the sums cannot stand for.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion import insights_sums, month_cache
from companion.cli import main
from companion.entries import Breathing, Entry, Repair
from companion.history import HistoryStore
from companion.insights import gather_insights
from companion.insights_sums import Sums, gather_months, insights_of, sums_of, zone_key

NOW = datetime(2025, 12, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Set the system's zone (what `astimezone()` uses) for one test."""
    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def checkin(when: datetime, before: int | None = None, after: int | None = None, *,
            pattern: str | None = None, seconds: float = 60.0, senses: int = 0,
            needs: tuple[str, ...] = (), signals: tuple[str, ...] = ()) -> Entry:
    return Entry(kind="checkin" if pattern is None else "breathing", started_at=when,
                 activation_before=before, activation_after=after, needs=needs,
                 body_signals=signals, senses_steps=senses,
                 breathing=None if pattern is None else Breathing(pattern, seconds, 4, True))


def days_of(moments: list[Entry]) -> list[tuple[date, datetime, Entry]]:
    return [(m.started_at.astimezone().date(), m.started_at.astimezone(), m) for m in moments]


# -- by hand ------------------------------------------------------------------------------------


def test_two_months_histograms_give_the_median_and_middle_half_of_every_use(zone):
    zone("UTC")
    october = sums_of(days_of([checkin(datetime(2025, 10, d, 9, tzinfo=UTC), 5, 5 - d,
                                       pattern="box") for d in (1, 2, 3)]))
    november = sums_of(days_of([checkin(datetime(2025, 11, d, 9, tzinfo=UTC), 9, 9 - d,
                                        pattern="box") for d in (3, 4)]))
    assert october.eased == {"box": Counter({1: 1, 2: 1, 3: 1})}
    merged = Sums()
    merged.add(october)
    merged.add(november)
    assert merged.eased == {"box": Counter({1: 1, 2: 1, 3: 2, 4: 1})}
    (helps,) = insights_of(merged, date(2025, 10, 1), date(2025, 11, 30), now=NOW).what_helps
    # 1 2 3 3 4: the middle use is 3; the quartiles (inclusive) are the 2nd and 4th uses.
    assert helps.ease.eased == (1, 2, 3, 3, 4)
    assert helps.ease.median == 3.0
    assert helps.ease.spread == (2.0, 3.0)


def test_high_activation_counts_add_across_months_and_a_need_twice_counts_once(zone):
    zone("UTC")
    # October: three rated 8 (two with "tired", one of them naming it twice), one rated 2.
    october = [checkin(datetime(2025, 10, 6, 9, tzinfo=UTC), 8, needs=("tired", "tired")),
               checkin(datetime(2025, 10, 7, 19, tzinfo=UTC), 8, needs=("tired",)),
               checkin(datetime(2025, 10, 8, 9, tzinfo=UTC), 8),
               checkin(datetime(2025, 10, 9, 9, tzinfo=UTC), 2, needs=("tired",))]
    # November: two rated 9 with "rest", one unrated (not counted at all).
    november = [checkin(datetime(2025, 11, 3, 23, tzinfo=UTC), 9, needs=("rest",)),
                checkin(datetime(2025, 11, 4, 9, tzinfo=UTC), 9, needs=("rest",)),
                checkin(datetime(2025, 11, 5, 9, tzinfo=UTC), None, 3, needs=("rest",))]
    merged = Sums()
    for month in (october, november):
        merged.add(sums_of(days_of(month)))
    high = insights_of(merged, date(2025, 10, 1), date(2025, 11, 30), now=NOW).before_high
    assert (high.moments, high.rated) == (5, 6)
    assert [(s.key, s.count, s.baseline_count) for s in high.needs] == [
        ("tired", 2, 3), ("rest", 2, 2)]
    assert high.needs[0].share == 2 / 5 and high.needs[0].baseline_share == 3 / 6
    # Mondays: Oct 6 and Nov 3 (both high); 19:00 is evening, 23:00 night.
    assert [(s.key, s.count, s.baseline_count) for s in high.weekdays][:2] == [
        ("monday", 2, 2), ("tuesday", 2, 2)]
    assert [(s.key, s.count) for s in high.parts_of_day] == [
        ("morning", 3), ("afternoon", 0), ("evening", 1), ("night", 1)]


def test_a_local_month_across_two_utc_months_is_the_sum_of_both_files(zone):
    """In New York, 22:00 on 31 October is 02:00 on 1 November in UTC: November's file."""
    zone("America/New_York")
    in_october_file = checkin(datetime(2025, 10, 20, 14, tzinfo=UTC), 6, 2, pattern="box",
                              seconds=90.5)
    in_november_file = checkin(datetime(2025, 11, 1, 2, tzinfo=UTC), 8, 3, pattern="box",
                               seconds=30.25)
    october_sums = sums_of(days_of([in_october_file]))
    november_sums = sums_of(days_of([in_november_file]))
    assert list(november_sums.months) == [(2025, 10)]  # local October
    merged = Sums()
    merged.add(october_sums)
    merged.add(november_sums)
    found = insights_of(merged, date(2025, 10, 1), date(2025, 11, 30), now=NOW)
    october, november = found.by_month
    assert (october.tally.entries, october.tally.pairs) == (2, 2)
    assert (october.tally.before_sum, october.tally.after_sum) == (14, 5)
    assert october.tally.breathing_seconds == 120.75
    assert november.tally.entries == 0
    both = [in_october_file, in_november_file]
    assert found == gather_insights(both, date(2025, 10, 1), date(2025, 11, 30), now=NOW)


def test_repairs_keep_the_open_ones_whole_and_the_closed_ones_as_hours(zone):
    zone("UTC")
    start = datetime(2025, 11, 2, 10, tzinfo=UTC)
    repairs = [
        Entry(kind="repair", started_at=start, repair=Repair(
            "partner", "", "", "apologised", "done", done_at=start + timedelta(hours=30))),
        Entry(kind="repair", started_at=start + timedelta(days=1),
              repair=Repair("friend", "", "", "talk", "planned")),
        Entry(kind="repair", started_at=start + timedelta(days=2),
              repair=Repair("friend", "", "", "talk", "let_go")),
    ]
    sums = Sums.from_json(json.loads(json.dumps(sums_of(days_of(repairs)).to_json())))
    assert sums.statuses == Counter({"done": 1, "planned": 1, "let_go": 1})
    assert sums.hours == [30.0]
    assert [e.id for e in sums.open] == [repairs[1].id]
    tally = insights_of(sums, date(2025, 11, 1), date(2025, 12, 20), now=NOW).repairs
    assert (tally.logged, tally.median_hours_to_repair) == (3, 30.0)
    assert [(r.entry.id, r.days_open) for r in tally.open] == [(repairs[1].id, 47)]


def test_the_zone_key_holds_each_clock_change_to_the_second():
    def offsets(name: str):
        return lambda moment: int(
            datetime.fromtimestamp(moment, ZoneInfo(name)).utcoffset().total_seconds())

    head = [insights_sums.SUMS_VERSION, 7, 120.0]
    # New York: 2:00 EST on 9 March 2025 is 07:00 UTC; 2:00 EDT on 2 November is 06:00 UTC.
    assert zone_key("2025-03", offsets("America/New_York")) == [
        *head, -18000, [int(datetime(2025, 3, 9, 7, tzinfo=UTC).timestamp()), -14400]]
    assert zone_key("2025-11", offsets("America/New_York")) == [
        *head, -14400, [int(datetime(2025, 11, 2, 6, tzinfo=UTC).timestamp()), -18000]]
    # London: 01:00 UTC on 30 March 2025.
    assert zone_key("2025-03", offsets("Europe/London")) == [
        *head, 0, [int(datetime(2025, 3, 30, 1, tzinfo=UTC).timestamp()), 3600]]
    # A change a day after the month still counts (a local day there reaches into it).
    assert zone_key("2025-10", offsets("Europe/London"))[-1] == [
        int(datetime(2025, 10, 26, 1, tzinfo=UTC).timestamp()), 0]
    assert zone_key("2025-06", offsets("Asia/Kolkata")) == [*head, 19800]
    assert zone_key("2025-06", offsets("UTC")) == [*head, 0]


def test_the_zone_key_reads_the_systems_zone(zone):
    zone("America/New_York")
    new_york = zone_key("2025-03")
    zone("Europe/London")
    assert zone_key("2025-03") != new_york
    assert zone_key("2025-03")[3:] == [0, [1743296400, 3600]]


# -- any history --------------------------------------------------------------------------------


class Part:
    def __init__(self, month: str, found: list[Entry], kept: Any = None) -> None:
        self.month, self.found, self.kept = month, found, kept
        self.kept_now: Any = None

    def moments(self) -> list[Entry]:
        return self.found

    def keep(self, value: Any) -> None:
        self.kept_now = json.loads(json.dumps(value))  # as the cache file holds it


def parts_of(moments: list[Entry]) -> list[Part]:
    months: dict[str, list[Entry]] = {}
    for entry in sorted(moments, key=lambda e: (e.started_at, e.id)):
        months.setdefault(f"{entry.started_at.astimezone(UTC):%Y-%m}", []).append(entry)
    return [Part(month, found) for month, found in sorted(months.items())]


START = datetime(2024, 12, 20, tzinfo=UTC)
moment_strategy = st.builds(
    lambda minutes, before, after, pattern, seconds, senses, needs, signals, status: (
        Entry(kind="repair", started_at=START + timedelta(minutes=minutes),
              activation_before=before, activation_after=after,
              repair=Repair("friend", "", "", "talk", status,
                            done_at=START + timedelta(minutes=minutes + seconds * 60)
                            if status == "done" else None))
        if status is not None else
        checkin(START + timedelta(minutes=minutes), before, after, pattern=pattern,
                seconds=seconds, senses=senses, needs=needs, signals=signals)),
    st.integers(0, 400 * 24 * 60),
    st.none() | st.integers(0, 10), st.none() | st.integers(0, 10),
    st.none() | st.sampled_from(["box", "4-7-8", "senses"]),
    st.floats(1.0, 400.0, allow_nan=False).map(lambda s: round(s, 3)),
    st.sampled_from([0, 0, 5]),
    st.lists(st.sampled_from(["tired", "rest", "food"]), max_size=3).map(tuple),
    st.lists(st.sampled_from(["tight_chest", "jaw"]), max_size=2).map(tuple),
    st.none() | st.none() | st.sampled_from(["done", "planned", "let_go", "someday"]),
)


@pytest.mark.parametrize("name", ["America/New_York", "Europe/London", "Asia/Kolkata", "UTC"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(moments=st.lists(moment_strategy, max_size=60), cut=st.integers(0, 400),
       today_at=st.integers(0, 420))
def test_insights_from_kept_sums_equal_counting_every_moment(zone, name, moments, cut,
                                                             today_at):
    zone(name)
    today = (START + timedelta(days=today_at)).date()
    now = datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=12)
    ordered = sorted(moments, key=lambda e: (e.started_at, e.id))
    for first in (None, (START + timedelta(days=cut)).date()):
        made = parts_of(moments)
        counted = gather_months(made, first, today)  # no sums kept yet: counted, then kept
        kept = [Part(p.month, p.found, p.kept_now) for p in made]
        assert all(p.kept is not None for p in kept)
        from_sums = gather_months(kept, first, today)
        assert counted is not None and from_sums is not None
        start = first
        if start is None:
            start = min((e.started_at.astimezone().date() for e in ordered), default=today)
        expected = gather_insights(
            [e for e in ordered if start <= e.started_at.astimezone().date()], start,
            max(start, today), now=now)
        for found in (counted, from_sums):
            assert insights_of(found.sums, found.first, found.last, now=now) == expected


# -- through the store and the command line -------------------------------------------------------


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
    for name in sums_files(data_dir):
        (month_cache.folder_for(data_dir) / name).unlink()
    assert run(data_dir, capsys, *argv) == expected
    assert len(sums_files(data_dir)) == 4  # made again


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
