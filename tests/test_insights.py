"""What helps you, on hand-made histories: medians and quartiles worked out by hand, the ranking,
the too-few rule, pairs only, what came with high activation, repairs, month by month."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from companion.entries import Breathing, Entry, Repair
from companion.insights import (
    SENSES,
    WEEKDAYS,
    WhatHelps,
    before_high,
    by_month,
    ease_of,
    find_repair,
    gather_insights,
    is_open,
    repair_items,
    repair_tally,
    short_ids,
    what_helps,
)

NEW_YORK = ZoneInfo("America/New_York")
DAY = date(2026, 11, 16)  # a Monday


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NEW_YORK)


def grounded(pattern: str | None, before: int | None, after: int | None, *, seconds=60.0,
             senses: int = 0, when: datetime | None = None, **fields) -> Entry:
    return Entry(kind="checkin", started_at=when or at(DAY, 9), activation_before=before,
                 activation_after=after, senses_steps=senses,
                 breathing=None if pattern is None else Breathing(pattern, seconds, 3, True),
                 **fields)


def uses(pattern: str | None, eased: list[int], **fields) -> list[Entry]:
    """One entry per value, each easing by that much (before 10 − value… after)."""
    return [grounded(pattern, 8, 8 - value, **fields) for value in eased]


# -- what helps -------------------------------------------------------------------------------


def test_the_median_and_the_middle_half_worked_out_by_hand():
    # 1 1 3 4 5: the median is 3; quartiles at positions 1 and 3 of 0..4: 1 and 4.
    odd = ease_of([3, 1, 4, 1, 5])
    assert (odd.uses, odd.median, odd.spread, odd.enough) == (5, 3.0, (1.0, 4.0), True)
    # 0 2 2 3 5 6: the median is (2 + 3) / 2; Q1 at 1.25 → 2, Q3 at 3.75 → 3 + 0.75 × 2 = 4.5.
    even = ease_of([6, 0, 2, 5, 2, 3])
    assert (even.median, even.spread) == (2.5, (2.0, 4.5))
    # Activation that rose counts as a negative easing.
    rose = ease_of([-2, -1, 0, 0, 1])
    assert (rose.median, rose.spread) == (0.0, (-1.0, 0.0))


def test_under_five_uses_there_is_no_number():
    few = ease_of([4, 4, 4, 4])
    assert (few.uses, few.enough, few.median, few.spread) == (4, False, None, None)
    assert few.to_dict() == {"uses": 4, "eased_median": None, "enough": False,
                             "eased_spread": None}


def test_uses_are_entries_with_that_grounding_and_both_a_before_and_an_after():
    entries = [
        *uses("box", [2, 2, 2, 2, 2]),
        grounded("box", None, 3),  # a break rated only afterwards
        grounded("box", 7, None),  # grounding, then left before rating again
        grounded(None, 9, 2),  # rated twice, no grounding: not a use of anything
    ]
    [box] = what_helps(entries)
    assert (box.pattern, box.ease.uses, box.ease.median) == ("box", 5, 2.0)


def test_ranked_by_median_then_uses_then_name_and_too_few_come_last():
    entries = [
        *uses("box", [1, 1, 2, 2, 2]),  # median 2, 5 uses
        *uses("4-7-8", [3, 3, 3, 3, 3]),  # median 3
        *uses("coherent", [2, 2, 2, 2, 2, 2]),  # median 2, 6 uses: before box
        *uses("long-exhale", [2, 2, 2, 2, 2]),  # median 2, 5 uses: after box by name
        *uses("cyclic-sigh", [9, 9, 9, 9]),  # eased most, but only 4 uses
        *uses("mine", [5]),  # one use
        *uses(None, [5, 5], senses=5),  # the senses prompt, 2 uses
    ]
    ranked = what_helps(entries)
    assert [(h.pattern, h.ease.uses, h.ease.median) for h in ranked] == [
        ("4-7-8", 5, 3.0), ("coherent", 6, 2.0), ("box", 5, 2.0), ("long-exhale", 5, 2.0),
        ("cyclic-sigh", 4, None), (SENSES, 2, None), ("mine", 1, None)]
    assert [h.to_dict()["enough"] for h in ranked] == [True] * 4 + [False] * 3


def test_an_entry_with_a_pattern_and_the_senses_prompt_counts_for_both():
    entries = uses("box", [1, 2, 3, 4, 5], senses=3)
    ranked = {h.pattern: h.ease for h in what_helps(entries)}
    assert ranked["box"].eased == ranked[SENSES].eased == (1, 2, 3, 4, 5)


def test_short_and_long_sessions_apart_only_when_both_have_enough():
    short = uses("box", [1, 1, 1, 2, 2], seconds=60.0)
    long = uses("box", [3, 3, 4, 4, 4], seconds=120.0)  # two minutes is long
    [box] = what_helps([*short, *long])
    assert box.short is not None and box.long is not None
    assert (box.short.median, box.long.median, box.ease.median) == (1.0, 4.0, 2.5)
    assert box.to_dict()["sessions"] == {
        "split_minutes": 2.0,
        "short": {"uses": 5, "eased_median": 1.0, "enough": True, "eased_spread": [1.0, 2.0]},
        "long": {"uses": 5, "eased_median": 4.0, "enough": True, "eased_spread": [3.0, 4.0]}}
    [box] = what_helps([*short, *long[:4]])
    assert box.short is None and box.long is None and box.to_dict()["sessions"] is None
    # Only both sides, or neither: one side alone is not a comparison.
    alone = WhatHelps("box", ease_of([1, 1, 1, 2, 2]), short=ease_of([1, 1, 1, 2, 2]))
    assert alone.to_dict()["sessions"] is None


# -- before high activation ------------------------------------------------------------------


def test_what_came_with_high_activation_beside_the_persons_own_baseline():
    monday, sunday = DAY, DAY + timedelta(days=6)
    entries = [
        # Five high moments (7 or more).
        grounded(None, 7, None, needs=("tired",), when=at(monday, 8)),
        grounded(None, 8, None, needs=("tired", "hungry"), when=at(monday, 18)),
        grounded(None, 9, None, needs=("tired",), body_signals=("tight_chest",),
                 when=at(sunday, 23)),
        grounded(None, 10, None, needs=("lonely",), when=at(sunday, 19)),
        grounded(None, 7, None, when=at(sunday, 20)),
        # Five lower ones, and one never rated before (not counted anywhere).
        grounded(None, 6, None, needs=("tired",), when=at(monday, 9)),
        grounded(None, 2, None, needs=("hungry",), when=at(monday, 10)),
        grounded(None, 0, None, body_signals=("tight_chest",), when=at(monday, 11)),
        grounded(None, 3, None, when=at(monday, 13)),
        grounded(None, 5, None, when=at(monday, 14)),
        grounded(None, None, 9, needs=("tired",), when=at(monday, 15)),
    ]
    high = before_high(entries, week_start="sunday", tz=NEW_YORK)
    assert (high.moments, high.rated, high.enough) == (5, 10, True)
    needs = [(s.key, s.count, s.share, s.baseline_count, s.baseline_share) for s in high.needs]
    assert needs == [("tired", 3, 0.6, 4, 0.4), ("hungry", 1, 0.2, 2, 0.2),
                     ("lonely", 1, 0.2, 1, 0.1)]
    assert [(s.key, s.count, s.baseline_count) for s in high.body_signals] == [
        ("tight_chest", 1, 2)]
    parts = [(s.key, s.count, s.baseline_count) for s in high.parts_of_day]
    assert parts == [("morning", 1, 4), ("afternoon", 0, 2), ("evening", 3, 3), ("night", 1, 1)]
    days = [(s.key, s.count, s.baseline_count) for s in high.weekdays]
    assert days[0] == ("sunday", 3, 3) and days[1] == ("monday", 2, 7)
    assert [d[0] for d in days] == ["sunday", "monday", "tuesday", "wednesday", "thursday",
                                    "friday", "saturday"]
    assert high.to_dict()["needs"][0] == {"need": "tired", "count": 3, "share": 0.6,
                                          "baseline_count": 4, "baseline_share": 0.4}


def test_fewer_than_five_high_moments_say_nothing_about_them():
    entries = [grounded(None, 9, None, needs=("tired",)) for _ in range(4)]
    high = before_high(entries, tz=NEW_YORK)
    assert (high.moments, high.enough, high.needs, high.weekdays) == (4, False, (), ())


def test_the_weekday_and_part_of_day_are_local():
    # 02:30 UTC on a Tuesday is 21:30 on Monday evening in New York.
    utc_tuesday = datetime.fromisoformat("2026-11-17T02:30:00+00:00")
    entries = [grounded(None, 9, None, when=utc_tuesday) for _ in range(5)]
    high = before_high(entries, tz=NEW_YORK)
    assert {s.key: s.count for s in high.weekdays}["monday"] == 5
    assert {s.key: s.count for s in high.parts_of_day}["evening"] == 5


# -- repairs ----------------------------------------------------------------------------------


def repair_entry(when: datetime, status: str, done_at: datetime | None = None,
                 who: str = "child") -> Entry:
    return Entry(kind="repair", started_at=when,
                 repair=Repair(who, "I snapped", step="apologised", status=status,
                               done_at=done_at))


def test_repairs_by_status_how_long_open_ones_have_been_open_and_the_median_time():
    now = at(DAY, 12)
    entries = [
        repair_entry(at(DAY - timedelta(days=10), 9), "done", at(DAY - timedelta(days=10), 11)),
        repair_entry(at(DAY - timedelta(days=9), 9), "done", at(DAY - timedelta(days=9), 13)),
        repair_entry(at(DAY - timedelta(days=8), 9), "done", at(DAY - timedelta(days=7), 15)),
        repair_entry(at(DAY - timedelta(days=30), 9), "planned", who="partner"),
        repair_entry(at(DAY - timedelta(days=3), 9), "planned"),
        repair_entry(at(DAY - timedelta(days=2), 9), "let_go", at(DAY - timedelta(days=1), 9)),
        grounded("box", 5, 3),  # no repair
    ]
    tally = repair_tally(entries, now, tz=NEW_YORK)
    assert tally.logged == 6
    assert tally.by_status == {"done": 2 + 1, "planned": 2, "let_go": 1}
    assert [(r.entry.repair.with_whom, r.days_open) for r in tally.open] == [
        ("partner", 30), ("child", 3)]
    # Closed with a time: 2 h, 4 h, 30 h and the let-go one 24 h: the median is (4 + 24) / 2.
    assert tally.hours_to_repair == (2.0, 4.0, 24.0, 30.0)
    assert tally.median_hours_to_repair == 14.0


def test_the_repairs_list_is_oldest_first_and_open_only_when_asked():
    now = at(DAY, 12)
    older = repair_entry(at(DAY - timedelta(days=5), 9), "planned")
    done = repair_entry(at(DAY - timedelta(days=7), 9), "done", at(DAY - timedelta(days=6), 9))
    newer = repair_entry(at(DAY - timedelta(days=1), 9), "planned")
    items = repair_items([newer, done, older], now, tz=NEW_YORK)
    assert [i.entry for i in items] == [done, older, newer]
    assert [i.days_open for i in items] == [None, 5, 1]
    assert [i.entry for i in repair_items([newer, done, older], now, open_only=True)] == [
        older, newer]
    stored = items[1].to_dict()
    assert stored == {"id": older.id, "started_at": "2026-11-11T09:00:00-05:00",
                      "with_whom": "child", "what_happened": "I snapped", "my_part": "",
                      "step": "apologised", "status": "planned", "done_at": None,
                      "their_side": "", "next_time": "", "to_a_friend": "", "days_open": 5}


def test_a_repairs_id_is_shown_by_its_first_8_characters_more_where_two_begin_alike():
    alike = "12345678-1111-4111-8111-111111111111"
    alike_too = "12345678-1122-4111-8111-111111111111"  # 11 characters in common
    near = "12345679-0000-4000-8000-000000000000"  # 7 in common with the two above
    alone = "ABCDEF01-0000-4000-8000-000000000000"  # from a file that wrote it in capitals
    assert short_ids([near, alone, alike_too, alike, alike]) == {
        alike: "12345678-111", alike_too: "12345678-112", near: "12345679",
        alone.lower(): "abcdef01"}
    assert short_ids([alone]) == {alone.lower(): "abcdef01"}
    assert short_ids([]) == {}


def test_done_takes_a_repair_by_the_beginning_of_its_id_in_any_case():
    first = repair_entry(at(DAY, 8), "planned")
    second = repair_entry(at(DAY, 9), "done", at(DAY, 10))
    first = replace(first, id="abcdef12-1111-4111-8111-111111111111")
    second = replace(second, id="abcdef12-11bb-4111-8111-111111111111")
    not_a_repair = replace(grounded("box", 5, 3), id="abcdef12-1111-4111-8111-222222222222")
    entries = [first, second, not_a_repair]
    assert find_repair(entries, "abcdef12-111") == [first]
    assert find_repair(entries, "  ABCDEF12-11B ") == [second]  # as typed, with spaces
    assert find_repair(entries, "abcdef12") == [first, second]  # several: say so, change none
    assert find_repair(entries, first.id.upper()) == [first]
    assert find_repair(entries, "abcdef13") == []
    assert (is_open(first), is_open(second), is_open(not_a_repair)) == (True, False, False)


# -- over time --------------------------------------------------------------------------------


def test_month_by_month_includes_empty_months_and_averages_pairs_only():
    entries = [
        grounded("box", 8, 4, when=at(date(2026, 9, 3), 9)),
        grounded("box", 6, 2, when=at(date(2026, 9, 30), 23)),
        Entry(kind="breathing", started_at=at(date(2026, 9, 4), 9), activation_after=9,
              breathing=Breathing("box", 300.0, 20, True)),
        grounded(None, 5, 5, when=at(date(2026, 11, 1), 1)),
    ]
    months = by_month(entries, date(2026, 9, 1), date(2026, 11, 20), tz=NEW_YORK)
    assert [m.first for m in months] == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    september = months[0].to_dict()
    assert september == {"month": "2026-09", "checkins": 2, "breaks": 1,
                         "breathing_minutes": 7.0, "pairs": 2, "before_avg": 7.0,
                         "after_avg": 3.0}
    assert months[1].tally.entries == 0 and months[1].to_dict()["before_avg"] is None


def test_insights_keep_to_their_span():
    entries = [*uses("box", [2, 2, 2, 2, 2], when=at(date(2026, 10, 1), 9)),
               *uses("box", [9, 9, 9], when=at(date(2026, 8, 31), 9))]
    found = gather_insights(entries, date(2026, 9, 1), DAY, now=at(DAY, 12), tz=NEW_YORK)
    assert found.entry_count == 5
    assert found.to_dict()["span"] == {"from": "2026-09-01", "to": "2026-11-16"}
    assert found.to_dict()["what_helps"] == [{
        "pattern": "box", "uses": 5, "eased_median": 2.0, "enough": True,
        "eased_spread": [2.0, 2.0], "sessions": None}]
    assert [m["month"] for m in found.to_dict()["by_month"]] == ["2026-09", "2026-10", "2026-11"]


# -- the json, compared whole ------------------------------------------------------------------


@pytest.fixture
def in_tokyo(monkeypatch):
    """This machine's own zone far from the person's, so only the zone given decides a day."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_insights_json_over_a_span_of_local_days_compared_whole(in_tokyo):
    first, last = date(2026, 10, 1), DAY  # a Thursday to a Monday
    now = at(DAY, 22)

    def use(day: date, hour: int, eased: int, minute: int = 0, **fields) -> Entry:
        return grounded("box", 8, 8 - eased, when=at(day, hour, minute), **fields)

    planned = repair_entry(at(date(2026, 10, 2), 9), "planned", who="partner")
    entries = [
        # A break rated only afterwards comes first: it is skipped, the rest still count.
        Entry(kind="breathing", started_at=at(date(2026, 10, 20), 12), activation_after=3,
              breathing=Breathing("box", 45.0, 4, True)),
        # The evening before the span (already 1 October in Tokyo): left out.
        use(date(2026, 9, 30), 23, 6, 30),
        use(first, 0, 1, 30, needs=("tired",)),  # Thursday night, the span's first minutes
        use(date(2026, 10, 6), 8, 2, needs=("tired", "hungry")),  # Tuesday morning
        use(date(2026, 10, 11), 13, 3, body_signals=("tight_chest",)),  # Sunday afternoon
        use(date(2026, 11, 1), 1, 4, 30),  # Sunday night, before the clocks go back
        use(DAY, 21, 6, needs=("lonely",)),  # Monday evening: 17 November in Tokyo
        # Rated before but not high, and not grounded: the baseline only.
        grounded(None, 3, None, needs=("tired",), when=at(date(2026, 10, 6), 9)),
        grounded(None, 6, None, when=at(date(2026, 11, 10), 18)),  # Tuesday evening
        planned,
        repair_entry(at(date(2026, 10, 3), 9), "done", at(date(2026, 10, 3), 15)),  # 6 h
        repair_entry(at(date(2026, 11, 2), 9), "done"),  # done, but when is not known
    ]
    found = gather_insights(entries, first, last, now=now, week_start="sunday", tz=NEW_YORK)
    assert found.entry_count == 11

    def share(key, count, share, baseline_count, baseline_share, name):
        return {name: key, "count": count, "share": share, "baseline_count": baseline_count,
                "baseline_share": baseline_share}

    assert found.to_dict() == {
        "span": {"from": "2026-10-01", "to": "2026-11-16"},
        # Eased 1 2 3 4 6: the median is 3, the quartiles the 2nd and 4th values.
        "what_helps": [{"pattern": "box", "uses": 5, "eased_median": 3.0, "enough": True,
                        "eased_spread": [2.0, 4.0], "sessions": None}],
        # Five moments rated 7 or more among seven rated before: shares of 5 and of 7.
        "before_high": {
            "threshold": 7, "moments": 5, "rated": 7, "enough": True,
            "needs": [share("tired", 2, 0.4, 3, 0.429, "need"),
                      share("hungry", 1, 0.2, 1, 0.143, "need"),
                      share("lonely", 1, 0.2, 1, 0.143, "need")],
            "body_signals": [share("tight_chest", 1, 0.2, 1, 0.143, "body_signal")],
            "parts_of_day": [share("morning", 1, 0.2, 2, 0.286, "part"),
                             share("afternoon", 1, 0.2, 1, 0.143, "part"),
                             share("evening", 1, 0.2, 2, 0.286, "part"),
                             share("night", 2, 0.4, 2, 0.286, "part")],
            "weekdays": [share("sunday", 2, 0.4, 2, 0.286, "weekday"),
                         share("monday", 1, 0.2, 1, 0.143, "weekday"),
                         share("tuesday", 1, 0.2, 3, 0.429, "weekday"),
                         share("wednesday", 0, 0.0, 0, 0.0, "weekday"),
                         share("thursday", 1, 0.2, 1, 0.143, "weekday"),
                         share("friday", 0, 0.0, 0, 0.0, "weekday"),
                         share("saturday", 0, 0.0, 0, 0.0, "weekday")],
        },
        "repairs": {
            "logged": 3, "by_status": {"done": 2, "planned": 1, "let_go": 0},
            # 2 October 13:00 UTC to 17 November 03:00 UTC: 45 whole days and 14 hours.
            "open": [{"id": planned.id, "started_at": "2026-10-02T09:00:00-04:00",
                      "with_whom": "partner", "days_open": 45}],
            "median_hours_to_repair": 6.0, "timed": 1,
        },
        "by_month": [
            # 3 × 60 s and 45 s of breathing: 3.75 minutes, said to one decimal.
            {"month": "2026-10", "checkins": 4, "breaks": 1, "breathing_minutes": 3.8,
             "pairs": 3, "before_avg": 8.0, "after_avg": 6.0},
            {"month": "2026-11", "checkins": 3, "breaks": 0, "breathing_minutes": 2.0,
             "pairs": 2, "before_avg": 8.0, "after_avg": 3.0},
        ],
    }


def test_weeks_start_on_monday_unless_you_say_sunday():
    entries = [grounded(None, 9, None, when=at(DAY + timedelta(days=6), 9)) for _ in range(5)]
    for found in (before_high(entries, tz=NEW_YORK),
                  gather_insights(entries, DAY, DAY + timedelta(days=6), now=at(DAY, 9),
                                  tz=NEW_YORK).before_high):
        assert [(s.key, s.count) for s in found.weekdays] == [
            ("monday", 0), ("tuesday", 0), ("wednesday", 0), ("thursday", 0), ("friday", 0),
            ("saturday", 0), ("sunday", 5)]
    sunday_first = before_high(entries, week_start="sunday", tz=NEW_YORK).weekdays
    assert [s.key for s in sunday_first][:2] == ["sunday", "monday"]


def test_under_five_high_moments_the_json_has_the_counts_and_empty_lists():
    entries = [*(grounded(None, 9, None, needs=("tired",)) for _ in range(4)),
               grounded(None, 0, None), grounded(None, 6, 2)]
    assert before_high(entries, tz=NEW_YORK).to_dict() == {
        "threshold": 7, "moments": 4, "rated": 6, "enough": False, "needs": [],
        "body_signals": [], "parts_of_day": [], "weekdays": []}


def test_exactly_five_uses_are_enough_and_the_senses_prompt_counts_from_one_step():
    entries = [*uses(None, [0, 1, 2, 2], senses=5), *uses(None, [5], senses=1)]
    [senses] = what_helps(entries)
    assert senses.to_dict() == {"pattern": SENSES, "uses": 5, "eased_median": 2.0,
                                "enough": True, "eased_spread": [1.0, 2.0], "sessions": None}


def test_a_grounding_that_eased_nothing_ranks_below_one_that_eased_a_little():
    # Box is used more, but eased nothing.
    entries = [*uses("box", [0, 0, 0, 0, 0, 0]), *uses("coherent", [0, 0, 1, 1, 1])]
    assert [(h.pattern, h.ease.median) for h in what_helps(entries)] == [
        ("coherent", 1.0), ("box", 0.0)]
    entries = [*uses("box", [0, 0, 0, 0, 0]), *uses("coherent", [-1, 0, 0, 1, 1, 0])]
    assert [(h.pattern, h.ease.median) for h in what_helps(entries)] == [
        ("coherent", 0.0), ("box", 0.0)]  # the same median: more uses first


def test_no_repairs_is_a_tally_of_zeros():
    assert repair_tally([grounded("box", 5, 3)], at(DAY, 12), tz=NEW_YORK).to_dict() == {
        "logged": 0, "by_status": {"done": 0, "planned": 0, "let_go": 0}, "open": [],
        "median_hours_to_repair": None, "timed": 0}


def test_a_repair_open_for_hours_is_0_days_open_and_one_done_at_once_took_0_hours():
    now = at(DAY, 12)
    this_morning = repair_entry(at(DAY, 8), "planned")
    # From a machine whose clock runs ahead: begun "after" now.
    ahead = repair_entry(at(DAY, 13), "planned")
    at_once = repair_entry(at(DAY, 9), "done", at(DAY, 9))
    assert [i.days_open for i in repair_items([this_morning, ahead, at_once], now)] == [
        0, None, 0]
    tally = repair_tally([this_morning, ahead, at_once], now)
    assert tally.hours_to_repair == (0.0,) and tally.median_hours_to_repair == 0.0


def test_a_repair_items_start_is_local_in_the_zone_given(in_tokyo):
    entry = repair_entry(at(DAY, 21), "planned")
    [item] = repair_items([entry], at(DAY, 22), tz=NEW_YORK)
    assert item.started_at == at(DAY, 21) and item.started_at.utcoffset() == timedelta(hours=-5)
    assert (item.started_at.hour, item.started_at.day) == (21, 16)


def test_shares_are_said_to_three_decimals():
    # One in seven high moments, one in nine rated.
    entries = [grounded(None, 9, None, needs=("tired",)),
               *(grounded(None, 8, None) for _ in range(6)), grounded(None, 2, None),
               grounded(None, 3, None)]
    [tired] = before_high(entries, tz=NEW_YORK).to_dict()["needs"]
    assert tired == {"need": "tired", "count": 1, "share": 0.143, "baseline_count": 1,
                     "baseline_share": 0.111}


# -- local time at its edges -------------------------------------------------------------------

KOLKATA = ZoneInfo("Asia/Kolkata")  # +05:30, no summer time: a half-hour offset


def high_at(when: datetime, times: int = 5) -> list[Entry]:
    return [grounded(None, 9, None, when=when) for _ in range(times)]


def counts(shares) -> dict[str, int]:
    return {s.key: s.count for s in shares if s.count}


@pytest.mark.parametrize(("hour", "minute", "part"), [
    (0, 0, "night"), (4, 59, "night"), (5, 0, "morning"), (11, 59, "morning"),
    (12, 0, "afternoon"), (16, 59, "afternoon"), (17, 0, "evening"), (21, 59, "evening"),
    (22, 0, "night"), (23, 59, "night"),
])
def test_each_part_of_the_day_begins_on_its_hour(hour, minute, part):
    # The parts the week shows: morning from 05:00, afternoon 12:00, evening 17:00, night 22:00.
    entries = high_at(at(DAY, hour, minute))
    for found in (before_high(entries, tz=NEW_YORK),
                  gather_insights(entries, DAY, DAY, now=at(DAY, 23), tz=NEW_YORK).before_high):
        assert counts(found.parts_of_day) == {part: 5}


def test_every_hour_of_the_day_has_its_part():
    entries = [e for hour in range(24) for e in high_at(at(DAY, hour, 30), 1)]
    found = before_high(entries, tz=NEW_YORK)
    # night 22–5 (7 hours), morning 5–12 (7), afternoon 12–17 (5), evening 17–22 (5).
    assert [(s.key, s.count, s.baseline_count) for s in found.parts_of_day] == [
        ("morning", 7, 7), ("afternoon", 5, 5), ("evening", 5, 5), ("night", 7, 7)]


@pytest.mark.parametrize(("utc", "weekday", "part"), [
    ("2026-11-16T18:29:00+00:00", "monday", "night"),  # 23:59 on Monday in Kolkata
    ("2026-11-16T18:30:00+00:00", "tuesday", "night"),  # 00:00 on Tuesday there
    ("2026-11-22T18:30:00+00:00", "monday", "night"),  # Sunday's last minute → Monday
    ("2026-11-16T23:30:00+00:00", "tuesday", "morning"),  # 05:00 on Tuesday there
])
def test_the_weekday_near_midnight_is_the_one_on_the_persons_clock(in_tokyo, utc, weekday,
                                                                    part):
    # Tokyo (this machine) and UTC both disagree with Kolkata about the day or the hour.
    entries = high_at(datetime.fromisoformat(utc))
    day = datetime.fromisoformat(utc).astimezone(KOLKATA).date()
    for found in (before_high(entries, tz=KOLKATA),
                  gather_insights(entries, day, day, now=at(DAY, 23),
                                  tz=KOLKATA).before_high):
        assert counts(found.weekdays) == {weekday: 5}
        assert counts(found.parts_of_day) == {part: 5}
    # Without a zone, the machine's own (Tokyo, +09:00) decides.
    tokyo = datetime.fromisoformat(utc).astimezone(ZoneInfo("Asia/Tokyo"))
    assert counts(before_high(entries).weekdays) == {WEEKDAYS[tokyo.weekday()]: 5}


def test_the_part_of_day_follows_the_clock_across_summer_time():
    # 09:30 UTC is 05:30 in a New York summer (morning) and 04:30 in its winter (night).
    summer = high_at(datetime.fromisoformat("2026-10-31T09:30:00+00:00"))
    winter = high_at(datetime.fromisoformat("2026-11-02T09:30:00+00:00"))
    assert counts(before_high(summer, tz=NEW_YORK).parts_of_day) == {"morning": 5}
    assert counts(before_high(winter, tz=NEW_YORK).parts_of_day) == {"night": 5}
    # The night the clocks go back, 01:30 comes twice: both are Sunday night.
    twice = [*high_at(datetime.fromisoformat("2026-11-01T05:30:00+00:00"), 3),
             *high_at(datetime.fromisoformat("2026-11-01T06:30:00+00:00"), 2)]
    found = before_high(twice, tz=NEW_YORK)
    assert (counts(found.weekdays), counts(found.parts_of_day)) == (
        {"sunday": 5}, {"night": 5})


def test_a_month_holds_the_moments_of_its_local_days():
    entries = [
        grounded("box", 8, 4, when=at(date(2026, 10, 1), 0)),  # October's first minute
        # 31 October 23:30 in New York is already 1 November in UTC: still October.
        grounded("box", 6, 4, when=at(date(2026, 10, 31), 23, 30)),
        # 1 November 00:30 (still summer time) and 01:30 after the clocks went back.
        grounded("box", 9, 3, when=at(date(2026, 11, 1), 0, 30)),
        grounded("box", 7, 3, when=datetime.fromisoformat("2026-11-01T06:30:00+00:00")),
        grounded("box", 5, 1, when=at(date(2026, 11, 30), 23, 59)),  # November's last minute
        grounded("box", 2, 2, when=at(date(2026, 12, 1), 0)),  # December's first
    ]
    first, last = date(2026, 10, 1), date(2026, 12, 1)
    for months in (by_month(entries, first, last, tz=NEW_YORK),
                   gather_insights(entries, first, last, now=at(DAY, 12),
                                   tz=NEW_YORK).by_month):
        assert [(m.to_dict()["month"], m.tally.checkins, m.tally.before_avg, m.tally.after_avg)
                for m in months] == [("2026-10", 2, 7.0, 4.0), ("2026-11", 3, 7.0, 2.3),
                                     ("2026-12", 1, 2.0, 2.0)]


def test_months_run_on_across_the_new_year_and_keep_to_the_days_asked():
    entries = [
        grounded("box", 8, 4, when=at(date(2026, 11, 30), 23)),  # the day before the span
        grounded("box", 6, 4, when=at(date(2026, 12, 1), 0)),
        grounded("box", 9, 3, when=at(date(2026, 12, 31), 23, 59)),
        grounded("box", 7, 3, when=at(date(2027, 1, 1), 0)),
        grounded("box", 5, 1, when=at(date(2027, 2, 10), 12)),
        grounded("box", 4, 1, when=at(date(2027, 2, 11), 0)),  # the day after the span
    ]
    first, last = date(2026, 12, 1), date(2027, 2, 10)
    for months in (by_month(entries, first, last, tz=NEW_YORK),
                   gather_insights(entries, first, last, now=at(DAY, 12),
                                   tz=NEW_YORK).by_month):
        assert [(m.first, m.tally.checkins) for m in months] == [
            (date(2026, 12, 1), 2), (date(2027, 1, 1), 1), (date(2027, 2, 1), 1)]
        assert [m.to_dict()["month"] for m in months] == ["2026-12", "2027-01", "2027-02"]
