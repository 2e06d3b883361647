"""Insights from per-month sums (companion/insights_sums.py): the same numbers as counting every
moment.

The merging is checked by hand (medians from histograms, counts, a local month across two UTC
months, a zone's clock change), each rule on its own (the boundaries, the JSON kept and what is
refused, the fallbacks to counting the moments, with a stand-in store), then against counting the
moments themselves for any history (Hypothesis, last: the slowest). Through the store and the
command line (kept, deleted, damaged, stale): tests/test_insights_sums_store.py.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion import insights_sums
from companion.entries import Breathing, Entry, Repair
from companion.insights import Ease, WhatHelps, gather_insights
from companion.insights_sums import Sums, gather_months, insights_of, sums_of, zone_key
from companion.month_cache import row_of
from companion.spans import Tally

NOW = datetime(2025, 12, 20, 12, 0, tzinfo=UTC)


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


def test_the_zone_key_finds_every_change_over_the_month_and_the_day_either_side():
    start = int(datetime(2025, 6, 1, tzinfo=UTC).timestamp())
    end = int(datetime(2025, 7, 1, tzinfo=UTC).timestamp())
    head = [insights_sums.SUMS_VERSION, 7, 120.0]
    # An hour forward on 10 June at 00:00:04, back on the 20th at 00:00:07 (found to the
    # second, not the one after); on the day before the month and on the day after it; and
    # none a day and a second beyond either side.
    forward, back = start + 9 * 86_400 + 4, start + 19 * 86_400 + 7
    assert zone_key("2025-06", lambda t: 3600 if forward <= t < back else 0) == [
        *head, 0, [forward, 3600], [back, 0]]
    assert zone_key("2025-06", lambda t: 0 if t < start - 86_399 else 60) == [
        *head, 0, [start - 86_399, 60]]
    assert zone_key("2025-06", lambda t: 0 if t < start - 86_400 else 60) == [*head, 60]
    assert zone_key("2025-06", lambda t: 0 if t < end + 86_400 else 60) == [
        *head, 0, [end + 86_400, 60]]
    assert zone_key("2025-06", lambda t: 0 if t < end + 86_401 else 60) == [*head, 0]


def test_the_zone_key_reads_the_systems_zone(zone):
    zone("America/New_York")
    new_york = zone_key("2025-03")
    zone("Europe/London")
    assert zone_key("2025-03") != new_york
    assert zone_key("2025-03")[3:] == [0, [1743296400, 3600]]


# -- a month as the store gives it (HistoryStore.derived_months) --------------------------------


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


# -- each rule by hand ---------------------------------------------------------------------------


def repair(when: datetime, status: str, done_at: datetime | None = None,
           with_whom: str = "friend") -> Entry:
    return Entry(kind="repair", started_at=when,
                 repair=Repair(with_whom, "", "", "talk", status, done_at=done_at))


def test_merging_keeps_the_earliest_and_latest_day_and_adds_every_count(zone):
    zone("UTC")
    middle = sums_of(days_of([
        checkin(datetime(2025, 11, 12, 9, tzinfo=UTC), 8, 2, pattern="box", seconds=30,
                needs=("rest",), signals=("jaw",)),
        checkin(datetime(2025, 11, 10, 9, tzinfo=UTC), 3, 1, pattern="box", seconds=200,
                needs=("food",))]))
    # Out of order: the earliest and latest day are still found.
    assert (middle.first_day, middle.last_day) == (date(2025, 11, 10), date(2025, 11, 12))
    wider = sums_of(days_of([
        checkin(datetime(2025, 11, 20, 20, tzinfo=UTC), 9, 9, senses=5, needs=("rest",),
                signals=("jaw", "tight_chest")),
        checkin(datetime(2025, 11, 5, 9, tzinfo=UTC), 1, 1, pattern="box", seconds=150),
        repair(datetime(2025, 11, 6, 9, tzinfo=UTC), "done",
               datetime(2025, 11, 6, 15, tzinfo=UTC)),
        repair(datetime(2025, 11, 7, 9, tzinfo=UTC), "planned")]))
    narrower = sums_of(days_of([checkin(datetime(2025, 11, 11, 9, tzinfo=UTC), 4)]))
    merged = Sums()
    merged.add(Sums())  # nothing: no days yet
    assert (merged.first_day, merged.last_day) == (None, None)
    merged.add(middle)
    merged.add(Sums())  # nothing keeps the days
    assert (merged.first_day, merged.last_day) == (date(2025, 11, 10), date(2025, 11, 12))
    merged.add(wider)
    merged.add(narrower)
    assert (merged.first_day, merged.last_day) == (date(2025, 11, 5), date(2025, 11, 20))
    assert merged.entries == 7
    assert merged.eased == {"box": Counter({6: 1, 2: 1, 0: 1}), "senses": Counter({0: 1})}
    assert merged.short == {"box": Counter({6: 1})}
    assert merged.long == {"box": Counter({2: 1, 0: 1})}
    assert (merged.rated, merged.high) == (5, 2)
    assert merged.needs == Counter({"rest": 2, "food": 1})
    assert merged.needs_high == Counter({"rest": 2})
    assert merged.signals == Counter({"jaw": 2, "tight_chest": 1})
    assert merged.signals_high == Counter({"jaw": 2, "tight_chest": 1})
    assert merged.parts == Counter({"morning": 4, "evening": 1})
    assert merged.parts_high == Counter({"morning": 1, "evening": 1})
    # 5 and 12 November were Wednesdays, 10 a Monday, 11 a Tuesday, 20 a Thursday.
    assert merged.weekdays == Counter({"monday": 1, "tuesday": 1, "wednesday": 2,
                                       "thursday": 1})
    assert merged.weekdays_high == Counter({"wednesday": 1, "thursday": 1})
    assert list(merged.months) == [(2025, 11)]
    assert [t.entries for t in merged.months[(2025, 11)]] == [2, 4, 1]
    assert merged.statuses == Counter({"done": 1, "planned": 1})
    assert merged.hours == [6.0]
    assert [e.repair.status for e in merged.open] == ["planned"]


def test_a_session_of_two_minutes_is_long_and_seven_is_high(zone):
    zone("UTC")
    at = datetime(2025, 11, 3, 9, tzinfo=UTC)
    sums = sums_of(days_of([
        checkin(at, 7, 4, pattern="box", seconds=120.0),
        checkin(at, 6, 4, pattern="box", seconds=119.9),
        checkin(at, 6, None, pattern="box", seconds=10, senses=5),  # no after: not eased
        checkin(at, None, 3, pattern="box", seconds=10),  # no before: not eased, not rated
        checkin(at, 5, 1, senses=1),  # the senses alone
        checkin(at, 9, 2, pattern="4-7-8", seconds=300, senses=5),  # both
    ]))
    assert sums.eased == {"box": Counter({3: 1, 2: 1}), "senses": Counter({4: 1, 7: 1}),
                          "4-7-8": Counter({7: 1})}
    assert sums.short == {"box": Counter({2: 1})}
    assert sums.long == {"box": Counter({3: 1}), "4-7-8": Counter({7: 1})}
    assert (sums.rated, sums.high) == (5, 2)
    assert sums.entries == 6


def test_a_repair_done_before_it_began_took_no_hours_and_one_with_no_time_none(zone):
    zone("UTC")
    start = datetime(2025, 11, 3, 9, tzinfo=UTC)
    sums = sums_of(days_of([
        repair(start, "done", start - timedelta(hours=2)),
        repair(start, "done"),  # no time it was done: counted, not timed
        repair(start, "let_go", start + timedelta(minutes=90)),
        repair(start, "someday"),
        checkin(start, 3),
    ]))
    assert sums.statuses == Counter({"done": 2, "let_go": 1, "someday": 1})
    assert sums.hours == [0.0, 1.5]
    assert sums.open == []


def test_what_helps_splits_short_and_long_only_when_both_have_enough_uses(zone):
    zone("UTC")
    at = datetime(2025, 11, 3, 9, tzinfo=UTC)
    box = [checkin(at, 8, 8 - n, pattern="box", seconds=60) for n in range(5)] + [
        checkin(at, 8, 8 - n, pattern="box", seconds=300) for n in (2, 4, 4, 5, 6)]
    four = [checkin(at, 8, 8 - n, pattern="4-7-8", seconds=60) for n in range(5)] + [
        checkin(at, 8, 7, pattern="4-7-8", seconds=300)] * 4
    senses = [checkin(at, 3, 2, senses=5)] * 2
    found = insights_of(sums_of(days_of(box + four + senses)), date(2025, 11, 1),
                        date(2025, 11, 30), now=NOW).what_helps
    assert [h.pattern for h in found] == ["box", "4-7-8", "senses"]
    box_helps, four_helps, senses_helps = found
    assert box_helps.ease.median == 3.5 and box_helps.ease.uses == 10
    assert box_helps.short is not None and box_helps.long is not None
    assert box_helps.short.eased == (0, 1, 2, 3, 4)
    assert box_helps.long.eased == (2, 4, 4, 5, 6)
    assert (box_helps.long.median, box_helps.long.spread) == (4.0, (4.0, 5.0))
    # 4-7-8: four long sessions are too few to say, so no split at all.
    assert (four_helps.short, four_helps.long) == (None, None)
    assert four_helps.ease.eased == (0, 1, 1, 1, 1, 1, 2, 3, 4)
    assert senses_helps == WhatHelps("senses", Ease((1, 1)), None, None)


def test_sums_are_kept_as_plain_json_and_read_back_the_same(zone):
    zone("UTC")
    start = datetime(2025, 11, 3, 9, tzinfo=UTC)
    still_open = repair(start + timedelta(days=1), "planned", with_whom="sister")
    sums = sums_of(days_of([
        checkin(start, 8, 5, pattern="box", seconds=30, needs=("rest", "food"),
                signals=("jaw",)),
        checkin(start + timedelta(days=2, hours=12), 3, 1, pattern="box", seconds=121.5,
                needs=("rest",)),
        checkin(start + timedelta(days=3), None, None),
        repair(start, "done", start + timedelta(hours=3)),
        still_open,
    ]))
    kept = sums.to_json()
    assert json.loads(json.dumps(kept)) == {
        "entries": 5, "first_day": "2025-11-03", "last_day": "2025-11-06",
        "eased": {"box": [[2, 1], [3, 1]]}, "short": {"box": [[3, 1]]},
        "long": {"box": [[2, 1]]},
        "rated": 2, "high": 1,
        # Each key: how many rated moments named it, then how many of the high ones.
        "needs": {"rest": [2, 1], "food": [1, 1]},
        "signals": {"jaw": [1, 1]},
        "parts": {"morning": [1, 1], "evening": [1, 0]},
        "weekdays": {"monday": [1, 1], "wednesday": [1, 0]},
        # entries, check-ins, breaks, seconds, highest, pairs, before and after sums
        "months": [[2025, 11, [[5, 1, 2, 151.5, 8, 2, 11, 6]]]],
        "statuses": {"done": 1, "planned": 1}, "hours": [3.0],
        "open": [json.loads(json.dumps(row_of(still_open)))],
    }
    back = Sums.from_json(json.loads(json.dumps(kept)))
    assert back == sums
    assert back.needs_high == Counter({"rest": 1, "food": 1})  # no zero kept for "none high"
    assert back.parts_high == Counter({"morning": 1})
    assert back.open[0].repair.with_whom == "sister"
    empty = Sums.from_json(json.loads(json.dumps(Sums().to_json())))
    assert empty == Sums() and (empty.first_day, empty.last_day) == (None, None)


def test_a_month_with_no_activation_keeps_none_as_its_highest():
    sums = Sums(months={(2025, 1): [Tally(1, 1, 0, 0.0, None, 0, 0, 0)],
                        (2024, 12): [Tally(2, 0, 2, 61.25, 4, 1, 4, 2),
                                     Tally(1, 1, 0, 0.0, 10, 0, 0, 0)]})
    kept = json.loads(json.dumps(sums.to_json()))
    assert kept["months"] == [[2025, 1, [[1, 1, 0, 0.0, None, 0, 0, 0]]],
                              [2024, 12, [[2, 0, 2, 61.25, 4, 1, 4, 2],
                                          [1, 1, 0, 0.0, 10, 0, 0, 0]]]]
    back = Sums.from_json(kept)
    assert back.months == sums.months
    assert isinstance(back.months[(2024, 12)][0].breathing_seconds, float)


def _kept(**changes: Any) -> dict[str, Any]:
    kept = json.loads(json.dumps(Sums(
        entries=1, first_day=date(2025, 11, 3), last_day=date(2025, 11, 3),
        eased={"box": Counter({2: 1})}, rated=1, needs=Counter({"rest": 1}),
        months={(2025, 11): [Tally(1, 0, 1, 60.0, 5, 1, 5, 3)]}).to_json()))
    return kept | changes


@pytest.mark.parametrize("changes", [
    {"entries": None},
    {"first_day": "3 November"},
    {"last_day": 20251103},
    {"eased": {"box": [[2]]}},
    {"eased": {"box": [["two", 1]]}},
    {"short": [[2, 1]]},
    {"long": {"box": [[2, 1, 1]]}},
    {"rated": "one"},
    {"high": None},
    {"needs": {"rest": [1]}},
    {"signals": {"jaw": "1"}},
    {"parts": {"morning": [1, "x"]}},
    {"weekdays": [["monday", 1, 0]]},
    {"months": [[2025, 11]]},
    {"months": [[2025, 11, [[1, 0, 1, 60.0, 5, 1, 5]]]]},
    {"months": [[2025, 11, [[1, 0, 1, "a minute", 5, 1, 5, 3]]]]},
    {"statuses": [["done", 1]]},
    {"statuses": {"done": "once"}},
    {"hours": [None]},
    {"open": [["not", "a", "row"]]},
])
def test_kept_sums_of_another_shape_are_refused(changes):
    Sums.from_json(_kept())  # as written: read
    with pytest.raises((ValueError, TypeError, KeyError, AttributeError)):
        Sums.from_json(_kept(**changes))


@pytest.mark.parametrize("missing", ["entries", "first_day", "last_day", "eased", "short",
                                     "long", "rated", "high", "needs", "signals", "parts",
                                     "weekdays", "months", "statuses", "hours", "open"])
def test_kept_sums_missing_a_part_are_refused(missing):
    kept = _kept()
    del kept[missing]
    with pytest.raises(KeyError):
        Sums.from_json(kept)


def test_kept_sums_whose_open_repair_is_closed_are_refused():
    done = repair(datetime(2025, 11, 3, 9, tzinfo=UTC), "done")
    with pytest.raises(ValueError, match="open repair"):
        Sums.from_json(_kept(open=[json.loads(json.dumps(row_of(done)))]))
    not_one = checkin(datetime(2025, 11, 3, 9, tzinfo=UTC), 3)
    with pytest.raises(ValueError, match="open repair"):
        Sums.from_json(_kept(open=[json.loads(json.dumps(row_of(not_one)))]))


def test_before_high_needs_five_high_moments_and_shows_the_eight_most_named(zone):
    zone("UTC")
    monday = datetime(2025, 11, 3, 9, tzinfo=UTC)
    keys = [f"need{n}" for n in range(10)]
    # Four high: too few to say, but the moments are still counted.
    four = [checkin(monday, 9, needs=tuple(keys))] * 4 + [checkin(monday, 2)]
    found = insights_of(sums_of(days_of(four)), date(2025, 11, 1), date(2025, 11, 30),
                        now=NOW).before_high
    assert (found.moments, found.rated, found.needs, found.weekdays) == (4, 5, (), ())
    assert (found.body_signals, found.parts_of_day) == ((), ())
    # Five high (exactly 7 counts): ten needs, ranked by how often they came with high
    # activation, then by how often at all, then by name; only the first eight shown.
    high = [checkin(monday + timedelta(hours=13), 7, needs=("need9", "need1", "need2")),
            checkin(monday + timedelta(days=1), 8, needs=("need9", "need2", "need3")),
            checkin(monday + timedelta(days=1), 9, needs=("need9", "need3", "need1")),
            checkin(monday + timedelta(days=1), 9, needs=tuple(keys[:9])),
            checkin(monday + timedelta(days=6), 10, needs=("need0",), signals=("jaw",))]
    low = [checkin(monday, 6, needs=("need3", "need5", "need8", "need0"), signals=("jaw",))]
    sums = sums_of(days_of(high + low))
    found = insights_of(sums, date(2025, 11, 1), date(2025, 11, 30), now=NOW).before_high
    assert (found.moments, found.rated) == (5, 6)
    assert [(s.key, s.count, s.baseline_count) for s in found.needs] == [
        ("need3", 3, 4), ("need1", 3, 3), ("need2", 3, 3), ("need9", 3, 3), ("need0", 2, 3),
        ("need5", 1, 2), ("need8", 1, 2), ("need4", 1, 1)]
    assert found.needs[0].share == 3 / 5 and found.needs[0].baseline_share == 4 / 6
    assert [(s.key, s.count, s.share, s.baseline_count, s.baseline_share)
            for s in found.body_signals] == [("jaw", 1, 1 / 5, 2, 2 / 6)]
    assert [(s.key, s.count, s.baseline_count) for s in found.parts_of_day] == [
        ("morning", 4, 5), ("afternoon", 0, 0), ("evening", 0, 0), ("night", 1, 1)]
    assert [(s.key, s.count, s.baseline_count) for s in found.weekdays] == [
        ("monday", 1, 2), ("tuesday", 3, 3), ("wednesday", 0, 0), ("thursday", 0, 0),
        ("friday", 0, 0), ("saturday", 0, 0), ("sunday", 1, 1)]
    # A week that starts on Sunday shows Sunday first.
    sunday_first = insights_of(sums, date(2025, 11, 1), date(2025, 11, 30), now=NOW,
                               week_start="sunday").before_high
    assert [s.key for s in sunday_first.weekdays] == [
        "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    assert sunday_first.weekdays[0].count == 1
    assert sunday_first.needs == found.needs


def test_repairs_list_every_status_and_the_open_ones_oldest_first(zone):
    zone("UTC")
    start = datetime(2025, 11, 3, 23, 30, tzinfo=UTC)
    later = repair(start + timedelta(days=3), "planned", with_whom="later")
    earlier = repair(start, "planned", with_whom="earlier")
    sums = Sums()
    sums.add(sums_of(days_of([later])))  # merged out of order
    sums.add(sums_of(days_of([
        earlier,
        repair(start, "someday"),
        repair(start, "done", start + timedelta(hours=10)),
        repair(start, "done", start + timedelta(hours=2))])))
    tokyo = ZoneInfo("Asia/Tokyo")
    tally = insights_of(sums, date(2025, 11, 1), date(2025, 11, 30), now=start
                        + timedelta(days=2, hours=1), tz=tokyo).repairs
    assert tally.logged == 5
    assert list(tally.by_status.items()) == [
        ("done", 2), ("planned", 2), ("let_go", 0), ("someday", 1)]
    assert tally.hours_to_repair == (2.0, 10.0)
    assert [(r.entry.repair.with_whom, r.days_open) for r in tally.open] == [
        ("earlier", 2), ("later", 0)]  # "later" begins after now: open no days, not fewer
    # Shown in the zone asked for: 8:30 on 4 November in Tokyo (not just the same instant).
    local = tally.open[0].started_at
    assert (local.date(), local.hour, local.minute) == (date(2025, 11, 4), 8, 30)
    assert local.utcoffset() == timedelta(hours=9)
    none = insights_of(Sums(), date(2025, 11, 1), date(2025, 11, 30), now=NOW).repairs
    assert (none.logged, none.by_status, none.open, none.hours_to_repair) == (
        0, {"done": 0, "planned": 0, "let_go": 0}, (), ())


def test_month_by_month_runs_over_the_new_year_with_empty_months_in_between(zone):
    zone("UTC")
    sums = sums_of(days_of([
        checkin(datetime(2024, 11, 30, 9, tzinfo=UTC), 6, 2, pattern="box", seconds=60),
        checkin(datetime(2025, 1, 2, 9, tzinfo=UTC), 4),
        checkin(datetime(2025, 1, 5, 9, tzinfo=UTC), 8, 8)]))
    found = insights_of(sums, date(2024, 11, 15), date(2025, 2, 3), now=NOW)
    assert [(p.first, p.tally.entries, p.tally.activation_max) for p in found.by_month] == [
        (date(2024, 11, 1), 1, 6), (date(2024, 12, 1), 0, None), (date(2025, 1, 1), 2, 8),
        (date(2025, 2, 1), 0, None)]
    assert found.by_month[0].tally.breathing_seconds == 60.0
    assert (found.first, found.last, found.entry_count) == (
        date(2024, 11, 15), date(2025, 2, 3), 3)
    one = insights_of(sums, date(2025, 1, 31), date(2025, 1, 31), now=NOW).by_month
    assert [(p.first, p.tally.entries) for p in one] == [(date(2025, 1, 1), 2)]


def test_counted_a_utc_month_at_a_time_a_local_month_keeps_one_tally_per_file(zone):
    """In New York, 22:00 on 31 October is 1 November in UTC: counted with November's file,
    whatever order the moments come in."""
    zone("America/New_York")
    late_october = checkin(datetime(2025, 11, 1, 2, tzinfo=UTC), 8, 3, pattern="box")
    mid_october = checkin(datetime(2025, 10, 15, 2, tzinfo=UTC), 6, 2)
    mid_november = checkin(datetime(2025, 11, 15, 12, tzinfo=UTC), 4)
    sums = insights_sums.by_utc_month(days_of([mid_november, late_october, mid_october]))
    assert list(sums.months) == [(2025, 10), (2025, 11)]
    assert [t.entries for t in sums.months[(2025, 10)]] == [1, 1]
    assert [t.breaks for t in sums.months[(2025, 10)]] == [0, 1]  # October's file first
    assert [t.entries for t in sums.months[(2025, 11)]] == [1]
    assert sums.entries == 3 and sums.first_day == date(2025, 10, 14)
    # A start given in another zone is put in its UTC month; one with no zone at all is
    # taken as UTC already.
    new_york = ZoneInfo("America/New_York")
    zoned = checkin(datetime(2025, 10, 31, 22, tzinfo=new_york), 5)
    sums = insights_sums.by_utc_month(days_of([zoned, mid_october]))
    assert [t.entries for t in sums.months[(2025, 10)]] == [1, 1]
    naive = checkin(datetime(2025, 9, 30, 23), 5)
    plain = insights_sums.by_utc_month([(date(2025, 9, 30), naive.started_at, naive)])
    assert list(plain.months) == [(2025, 9)]


def test_a_months_bounds_in_utc_and_the_last_month_of_the_calendar():
    bounds = insights_sums.month_bounds
    assert bounds("2025-11") == (datetime(2025, 11, 1, tzinfo=UTC),
                                 datetime(2025, 12, 1, tzinfo=UTC))
    assert bounds("2025-12") == (datetime(2025, 12, 1, tzinfo=UTC),
                                 datetime(2026, 1, 1, tzinfo=UTC))
    assert bounds("9999-12") == (datetime(9999, 12, 1, tzinfo=UTC),
                                 datetime.max.replace(tzinfo=UTC))


# -- from the store's months -------------------------------------------------------------------


class CountingPart(Part):
    """A month whose reads are counted, and which may not be kept (keep is None)."""

    def __init__(self, month: str, found: list[Entry], kept: Any = None, *,
                 keeping: bool = True) -> None:
        super().__init__(month, found, kept)
        self.reads = 0
        if not keeping:
            self.keep = None  # type: ignore[assignment,method-assign]

    def moments(self) -> list[Entry]:
        self.reads += 1
        return self.found


def test_gathering_reads_kept_sums_and_counts_and_keeps_the_rest(zone):
    zone("UTC")
    october = [checkin(datetime(2025, 10, 2, 9, tzinfo=UTC), 6, 2, pattern="box"),
               checkin(datetime(2025, 10, 30, 9, tzinfo=UTC), 5)]
    november = [checkin(datetime(2025, 11, 4, 9, tzinfo=UTC), 9, 1, pattern="box")]
    december = [checkin(datetime(2025, 12, 1, 9, tzinfo=UTC), 3)]
    kept_october = json.loads(json.dumps(sums_of(days_of(october)).to_json()))
    parts = [CountingPart("2025-10", october, kept_october),
             CountingPart("2025-11", november, {"not": "sums"}),  # damaged: counted again
             CountingPart("2025-12", december, keeping=False)]
    found = gather_months(parts, None, date(2025, 12, 20))
    assert found is not None
    assert (found.first, found.last, found.read) == (date(2025, 10, 2), date(2025, 12, 20), 4)
    assert [p.reads for p in parts] == [0, 1, 1]  # October's moments were never read
    assert parts[0].kept_now is None
    assert parts[1].kept_now == json.loads(json.dumps(sums_of(days_of(november)).to_json()))
    assert found.sums.eased == {"box": Counter({4: 1, 8: 1})}
    assert found.sums.entries == 4
    # Before the earliest entry: today is as far as it goes, from the first day.
    early = gather_months([Part("2025-10", october)], None, date(2025, 9, 1))
    assert early is not None and (early.first, early.last) == (date(2025, 10, 2),
                                                               date(2025, 10, 2))


def test_gathering_from_a_day_inside_a_month_counts_only_its_days_and_reads_it_once(zone):
    zone("UTC")
    october = [checkin(datetime(2025, 10, d, 9, tzinfo=UTC), 8, 8 - d, pattern="box")
               for d in (1, 2, 3, 4)]
    kept = json.loads(json.dumps(sums_of(days_of(october)).to_json()))
    for part in (CountingPart("2025-10", october, kept), CountingPart("2025-10", october)):
        found = gather_months([part], date(2025, 10, 3), date(2025, 10, 20))
        assert found is not None
        assert found.sums.eased == {"box": Counter({3: 1, 4: 1})}
        assert (found.sums.first_day, found.sums.last_day) == (date(2025, 10, 3),
                                                               date(2025, 10, 4))
        assert (found.first, found.last, found.read) == (date(2025, 10, 3),
                                                         date(2025, 10, 20), 4)
        assert part.reads == 1
    # Up to a day inside it: the days after are left out too.
    found = gather_months([Part("2025-10", october, kept)], date(2025, 9, 1),
                          date(2025, 10, 2))
    assert found is not None and found.sums.eased == {"box": Counter({1: 1, 2: 1})}
    # A span after every entry: nothing of them.
    found = gather_months([Part("2025-10", october, kept)], date(2025, 11, 1),
                          date(2025, 11, 2))
    assert found is not None and found.sums.entries == 0 and found.read == 4


def test_gathering_nothing_is_today_and_an_entry_in_another_months_file_stops_it(zone):
    zone("UTC")
    found = gather_months([], None, date(2025, 12, 20))
    assert found is not None
    assert (found.first, found.last, found.read) == (date(2025, 12, 20), date(2025, 12, 20), 0)
    assert found.sums == Sums()
    stray = checkin(datetime(2025, 11, 1, 0, tzinfo=UTC), 5)
    on_its_edge = checkin(datetime(2025, 10, 31, 23, 59, 59, tzinfo=UTC), 5)
    assert gather_months([Part("2025-10", [on_its_edge, stray])], None, NOW.date()) is None
    first = checkin(datetime(2025, 10, 1, 0, tzinfo=UTC), 5)
    assert gather_months([Part("2025-10", [first, on_its_edge])], None, NOW.date()) is not None
    before = checkin(datetime(2025, 9, 30, 23, 59, tzinfo=UTC), 5)
    assert gather_months([Part("2025-10", [before, first])], None, NOW.date()) is None


class Store:
    """What count_insights and open_repairs ask of HistoryStore, with the months it holds."""

    def __init__(self, parts: list[Part] | None, moments: list[Entry]) -> None:
        self.parts, self.held = parts, moments
        self.asked: list[tuple[Any, ...]] = []

    def derived_months(self, kind: str, made_under: Any, between: Any = None,
                       derive: Any = None) -> Any:
        self.asked.append(("derived_months", kind, made_under, between))
        self.derive = derive
        return self.parts

    def moments(self, *between: datetime) -> list[Entry]:
        self.asked.append(("moments", *between))
        if not between:
            return self.held
        return [e for e in self.held if between[0] <= e.started_at < between[1]]


def test_counting_from_the_months_sums_asks_for_the_span_and_reads_no_moments(zone):
    zone("UTC")
    october = [checkin(datetime(2025, 10, 2, 9, tzinfo=UTC), 6, 2, pattern="box"),
               repair(datetime(2025, 10, 3, 9, tzinfo=UTC), "planned")] + [
        checkin(datetime(2025, 10, d, 9, tzinfo=UTC), 8) for d in range(6, 11)]
    store = Store(parts_of(october), october)
    counted = insights_sums.count_insights(store, date(2025, 10, 1), date(2025, 10, 31))
    assert store.asked == [("derived_months", "sums", zone_key,
                            (datetime(2025, 10, 1, tzinfo=UTC),
                             datetime(2025, 11, 1, tzinfo=UTC)))]
    assert store.derive is insights_sums.month_sums  # a first run derives each as it reads
    assert counted.gathered is not None and counted.moments == ()
    assert (counted.first, counted.today, counted.read) == (date(2025, 10, 1),
                                                             date(2025, 10, 31), 7)
    for week_start in ("sunday", "monday"):
        found = counted.insights(NOW, week_start)
        assert found == gather_insights(october, date(2025, 10, 1), date(2025, 10, 31),
                                        now=NOW, week_start=week_start)
        assert found.before_high.weekdays[0].key == week_start
    assert found.repairs.open[0].days_open == 78
    everything = Store(parts_of(october), october)
    counted = insights_sums.count_insights(everything, None, date(2025, 10, 31))
    assert everything.asked == [("derived_months", "sums", zone_key, None)]
    assert counted.insights(NOW, "monday").first == date(2025, 10, 2)
    # The calendar's last day has no day after it: the span runs to the calendar's end.
    last = Store(parts_of(october), october)
    insights_sums.count_insights(last, date(9999, 12, 1), date.max)
    assert last.asked[0][3][1] == datetime.max.replace(tzinfo=UTC)


def test_counting_falls_back_on_the_moments_when_the_months_cannot_stand_for_them(zone):
    zone("America/New_York")
    # 22:00 on 1 October in New York, filed in September: files made elsewhere.
    stray = checkin(datetime(2025, 10, 2, 2, tzinfo=UTC), 8, 3, pattern="box")
    later = [repair(datetime(2025, 10, 20, 12, tzinfo=UTC), "planned")] + [
        checkin(datetime(2025, 10, d, 12, tzinfo=UTC), 9) for d in range(21, 26)]
    held = [stray, *later]
    for parts in (None, [Part("2025-09", [stray]), Part("2025-10", later)]):
        store = Store(parts, held)
        counted = insights_sums.count_insights(store, date(2025, 9, 25), date(2025, 10, 31))
        start, end = datetime(2025, 9, 25, 4, tzinfo=UTC), datetime(2025, 11, 1, 4, tzinfo=UTC)
        assert store.asked[1:] == [("moments", start, end)]
        assert (counted.gathered, counted.moments, counted.read) == (None, held, 7)
        for week_start in ("sunday", "monday"):
            found = counted.insights(NOW, week_start)
            assert found == gather_insights(held, date(2025, 9, 25), date(2025, 10, 31),
                                            now=NOW, week_start=week_start)
            assert found.before_high.weekdays[0].key == week_start
        assert found.first == date(2025, 9, 25)  # the span asked for, not the first entry's
        assert found.repairs.open[0].days_open == 61
        everything = Store(parts, held)
        counted = insights_sums.count_insights(everything, None, date(2025, 10, 31))
        assert everything.asked[1:] == [("moments",)]
        # From the earliest entry's local day: 1 October in New York, though 2 in UTC.
        assert counted.insights(NOW, "monday").first == date(2025, 10, 1)
    nothing = insights_sums.count_insights(Store(None, []), None, date(2025, 10, 31))
    assert nothing.read == 0
    assert nothing.insights(NOW, "monday").first == date(2025, 10, 31)


def test_sums_of_no_entries_count_as_the_moments_would():
    counted = insights_sums.Counted(None, date(2025, 10, 31), gathered=insights_sums.Gathered(
        Sums(), date(2025, 10, 31), date(2025, 10, 31), 0), moments=())
    assert counted.read == 0
    assert counted.insights(NOW, "monday") == gather_insights(
        [], date(2025, 10, 31), date(2025, 10, 31), now=NOW)


def test_the_first_day_is_the_earliest_entrys_local_day(zone):
    zone("America/New_York")
    first_day = insights_sums._first_day
    entries = [checkin(datetime(2025, 11, 2, 3, 30, tzinfo=UTC), 5),  # 1 November there
               checkin(datetime(2025, 11, 3, 9, tzinfo=UTC), 5),
               checkin(datetime(2025, 12, 3, 9, tzinfo=UTC), 5)]
    assert first_day(entries, date(2025, 12, 20)) == date(2025, 11, 1)
    assert first_day([], date(2025, 12, 20)) == date(2025, 12, 20)
    assert first_day(entries[2:], date(2025, 12, 20)) == date(2025, 12, 3)
    zone("Asia/Tokyo")
    assert first_day(entries, date(2025, 12, 20)) == date(2025, 11, 2)


def test_gathering_keeps_a_months_sums_whose_one_day_is_the_whole_span(zone):
    zone("UTC")
    day = [checkin(datetime(2025, 10, 9, 9, tzinfo=UTC), 6, 2, pattern="box")]
    part = CountingPart("2025-10", day, json.loads(json.dumps(sums_of(days_of(day)).to_json())))
    found = gather_months([part], date(2025, 10, 9), date(2025, 10, 9))
    assert found is not None and found.sums.eased == {"box": Counter({4: 1})}
    assert part.reads == 0


def test_open_repairs_come_from_the_kept_sums_in_month_order(zone):
    zone("UTC")
    october = repair(datetime(2025, 10, 3, 9, tzinfo=UTC), "planned", with_whom="oct")
    november = [repair(datetime(2025, 11, 3, 9, tzinfo=UTC), "planned", with_whom="nov"),
                repair(datetime(2025, 11, 4, 9, tzinfo=UTC), "done")]
    december = [checkin(datetime(2025, 12, 1, 9, tzinfo=UTC), 3)]
    kept = [json.loads(json.dumps(sums_of(days_of(found)).to_json()))
            for found in ([october], november)]
    parts = [CountingPart("2025-10", [october], kept[0]),
             CountingPart("2025-11", november, kept[1]),
             CountingPart("2025-12", december)]
    store = Store(parts, [])
    found = insights_sums.open_repairs(store)
    assert store.asked == [("derived_months", "sums", zone_key, None)]
    assert store.derive is insights_sums.month_sums  # a first run holds one month at a time
    assert [e.repair.with_whom for e in found] == ["oct", "nov"]
    assert found[0] == october
    assert [p.reads for p in parts] == [0, 0, 1]  # only December had no sums kept
    assert parts[2].kept_now == json.loads(json.dumps(sums_of(days_of(december)).to_json()))


def test_open_repairs_count_a_month_again_when_its_kept_sums_will_not_do(zone):
    zone("UTC")
    planned = repair(datetime(2025, 11, 3, 9, tzinfo=UTC), "planned", with_whom="nov")
    done = repair(datetime(2025, 11, 4, 9, tzinfo=UTC), "done")
    closed_as_open = json.loads(json.dumps(sums_of(days_of([planned, done])).to_json()))
    closed_as_open["open"] = [json.loads(json.dumps(row_of(done)))]
    for kept in ({"not": "sums"}, {"open": [["not", "a", "row"]]}, closed_as_open):
        parts = [CountingPart("2025-11", [planned, done], kept)]
        assert insights_sums.open_repairs(Store(parts, [])) == [planned]
        assert parts[0].reads == 1
        assert parts[0].kept_now is not None
    unkept = CountingPart("2025-11", [planned, done], keeping=False)
    assert insights_sums.open_repairs(Store([unkept], [])) == [planned]


def test_open_repairs_come_from_every_moment_when_the_months_cannot_stand_for_them(zone):
    zone("UTC")
    planned = repair(datetime(2025, 11, 3, 9, tzinfo=UTC), "planned")
    stray = repair(datetime(2025, 12, 3, 9, tzinfo=UTC), "planned")
    moments = [checkin(datetime(2025, 11, 2, 9, tzinfo=UTC), 3), planned,
               repair(datetime(2025, 11, 4, 9, tzinfo=UTC), "done"), stray]
    for parts in (None, [Part("2025-11", moments)]):
        store = Store(parts, moments)
        assert insights_sums.open_repairs(store) == [planned, stray]
        assert store.asked[1:] == [("moments",)]
    # A month's file holds its first second, and not the next month's.
    edges = [repair(datetime(2025, 11, 1, tzinfo=UTC), "planned"),
             repair(datetime(2025, 12, 1, tzinfo=UTC), "planned")]
    store = Store([Part("2025-11", edges[:1])], edges)
    assert insights_sums.open_repairs(store) == edges[:1]
    assert store.asked[1:] == []
    store = Store([Part("2025-11", edges)], edges)
    assert insights_sums.open_repairs(store) == edges
    assert store.asked[1:] == [("moments",)]


# -- any history: the same as counting every moment -------------------------------------------


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
