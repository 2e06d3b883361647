"""Insights from per-month sums (companion/insights_sums.py): the same numbers as counting every
moment.

The merging is checked by hand (medians from histograms, counts, a local month across two UTC
months, a zone's clock change), then against counting the moments themselves for any history
(Hypothesis). Through the store and the command line (kept, deleted, damaged, stale):
tests/test_insights_sums_store.py.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion import insights_sums
from companion.entries import Breathing, Entry, Repair
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
