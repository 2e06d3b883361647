"""Months and years by local day, on hand-made histories: pairs only, DST, Sunday weeks, W53."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from companion.entries import Breathing, Entry, Feeling, Repair
from companion.spans import (
    Tally,
    days_from,
    month_weeks,
    next_month,
    previous_month,
    shift_months,
    span_times,
    summarize_month,
    summarize_year,
    tally_of,
    year_read_span,
    year_weeks,
)

NEW_YORK = ZoneInfo("America/New_York")
NOVEMBER = date(2026, 11, 1)  # a Sunday; clocks go back in New York at 02:00 that day


def at(day: date, hour: int, minute: int = 0, tz=NEW_YORK, fold: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz, fold=fold)


def checkin(started_at: datetime, before: int | None = None, after: int | None = None,
            **fields) -> Entry:
    return Entry(kind="checkin", started_at=started_at, activation_before=before,
                 activation_after=after, **fields)


def breathing_break(started_at: datetime, seconds: float = 60.0, after: int | None = None
                    ) -> Entry:
    return Entry(kind="breathing", started_at=started_at, activation_after=after,
                 breathing=Breathing("box", seconds, 3, True))


# -- a day ------------------------------------------------------------------------------------


def test_before_and_after_average_grounding_pairs_only():
    # The example: one check-in 1 → 0 and two breaks rated only afterwards (3, 4). The
    # week's average of every value said "1 → 2.3"; grounding eased it, so the day says 1 → 0.
    day = date(2026, 11, 18)
    entries = [checkin(at(day, 8), 1, 0), breathing_break(at(day, 12), after=3),
               breathing_break(at(day, 15), after=4), checkin(at(day, 20), before=9)]
    summary = summarize_month(entries, NOVEMBER, tz=NEW_YORK)
    tally = summary.days[17].tally
    assert summary.days[17].day == day
    assert (tally.before_avg, tally.after_avg, tally.pairs) == (1, 0, 1)
    assert tally.activation_max == 9  # the highest noted, before or after, any entry
    assert (tally.checkins, tally.breaks, tally.entries) == (2, 2, 4)
    assert tally.breathing_minutes == 2.0


def test_averages_over_several_pairs_are_of_the_values_not_of_the_days():
    first, second = date(2026, 11, 3), date(2026, 11, 4)
    entries = [checkin(at(first, 8), 8, 4), checkin(at(first, 9), 6, 5),
               checkin(at(second, 9), 3, 3)]
    summary = summarize_month(entries, NOVEMBER, tz=NEW_YORK)
    assert (summary.days[2].tally.before_avg, summary.days[2].tally.after_avg) == (7, 4.5)
    # The month: (8 + 6 + 3) / 3 = 5.67 and (4 + 5 + 3) / 3 = 4, not the mean of 7 and 3.
    assert (summary.total.before_avg, summary.total.after_avg, summary.total.pairs) == (
        5.7, 4, 3)


def test_tallies_add_up_and_an_empty_one_adds_nothing():
    a = tally_of(checkin(at(NOVEMBER, 8), 7, 3))
    b = tally_of(breathing_break(at(NOVEMBER, 9), seconds=90, after=2))
    both = a + b
    assert both == Tally(entries=2, checkins=1, breaks=1, breathing_seconds=90.0,
                         activation_max=7, pairs=1, before_sum=7, after_sum=3)
    assert both + Tally() == both and Tally() + both == both


def test_a_repair_on_its_own_is_an_entry_but_neither_a_check_in_nor_a_break():
    entry = Entry(kind="repair", started_at=at(NOVEMBER, 8), repair=Repair("child"))
    assert tally_of(entry) == Tally(entries=1)


# -- a month ----------------------------------------------------------------------------------


def test_a_month_has_every_local_day_even_empty_ones():
    summary = summarize_month([], NOVEMBER, tz=NEW_YORK)
    assert [d.day for d in summary.days] == [NOVEMBER + timedelta(i) for i in range(30)]
    assert summary.is_empty and summary.total == Tally()
    assert [q.count for q in summary.quadrants] == [0, 0, 0, 0]
    assert summary.label == "2026-11"


def test_the_day_clocks_go_back_is_one_day_with_its_extra_hour():
    entries = [
        checkin(at(NOVEMBER, 1, 30)),  # 01:30 summer time
        checkin(at(NOVEMBER, 1, 30, fold=1)),  # 01:30 again, winter time
        checkin(at(NOVEMBER, 23, 59)),
        checkin(at(date(2026, 10, 31), 23, 59)),  # the month before
        checkin(at(date(2026, 12, 1), 0, 0)),  # the month after
    ]
    # Read back in the store's form (UTC offsets, no zone): the same days.
    stored = [Entry.from_dict(e.to_dict()) for e in entries]
    summary = summarize_month(stored, NOVEMBER, tz=NEW_YORK)
    assert summary.days[0].tally.checkins == 3
    assert summary.total.checkins == 3
    assert summary.previous is not None and summary.previous.checkins == 1
    start, end = span_times(NOVEMBER, next_month(NOVEMBER), NEW_YORK)
    assert (start, end) == (datetime(2026, 11, 1, 4, tzinfo=UTC),
                            datetime(2026, 12, 1, 5, tzinfo=UTC))
    assert end - start == timedelta(days=30, hours=1)


def test_the_day_clocks_go_forward_is_one_day_an_hour_short():
    march = date(2026, 3, 1)
    start, end = span_times(date(2026, 3, 8), date(2026, 3, 9), NEW_YORK)
    assert end - start == timedelta(hours=23)
    entries = [checkin(at(date(2026, 3, 8), 0, 30)), checkin(at(date(2026, 3, 8), 3, 30)),
               checkin(at(date(2026, 3, 8), 23, 30))]
    assert summarize_month(entries, march, tz=NEW_YORK).days[7].tally.checkins == 3


def test_entries_land_on_their_local_day_wherever_they_were_saved():
    # 03:00 on 1 Dec in Paris is 21:00 on 30 Nov in New York; 23:30 on 30 Nov in New York is
    # already December in UTC (the store files it under 2026-12).
    paris = ZoneInfo("Europe/Paris")
    entries = [checkin(datetime(2026, 12, 1, 3, 0, tzinfo=paris)),
               checkin(at(date(2026, 11, 30), 23, 30))]
    summary = summarize_month(entries, NOVEMBER, tz=NEW_YORK)
    assert summary.days[-1].tally.checkins == 2


def test_the_month_before_is_told_in_total_and_older_entries_are_left_out():
    entries = [checkin(at(date(2026, 10, 5), 9), 8, 4), checkin(at(date(2026, 10, 31), 9), 6, 4),
               checkin(at(date(2026, 9, 30), 9), 2, 1), checkin(at(NOVEMBER, 9), 5, 5)]
    summary = summarize_month(entries, NOVEMBER, tz=NEW_YORK)
    assert summary.previous == Tally(entries=2, checkins=2, activation_max=8, pairs=2,
                                     before_sum=14, after_sum=8)
    assert summary.previous_first == date(2026, 10, 1)
    assert summary.summary_dict()["previous"] == {
        "month": "2026-10", "entries": 2, "checkins": 2, "breaks": 0, "breathing_minutes": 0.0,
        "activation_max": 8, "before_avg": 7.0, "after_avg": 4.0, "pairs": 2}


def test_january_is_set_beside_the_december_before_and_year_one_beside_nothing():
    january = summarize_month([checkin(at(date(2025, 12, 31), 12))], date(2026, 1, 1),
                              tz=NEW_YORK)
    assert january.previous is not None and january.previous.checkins == 1
    first = summarize_month([], date(1, 1, 1), tz=UTC)
    assert first.previous is None and first.summary_dict()["previous"] is None
    assert len(summarize_month([], date(9999, 12, 1), tz=UTC).days) == 31


def test_feelings_needs_and_repairs_of_the_month():
    day = date(2026, 11, 10)
    entries = [
        checkin(at(day, 8), needs=("tired", "tired", "lonely"),
                feelings=(Feeling("frazzled", "high_unpleasant"), Feeling("calm", "low_pleasant"))),
        checkin(at(day, 9), needs=("tired",), feelings=(Feeling("Frazzled", "high_unpleasant"),),
                repair=Repair("child", "I snapped", step="apologised", status="done",
                              done_at=at(day, 10))),
        Entry(kind="repair", started_at=at(day, 20), repair=Repair("partner", status="planned")),
        Entry(kind="repair", started_at=at(day, 21), repair=Repair("friend", status="let_go")),
    ]
    summary = summarize_month(entries, NOVEMBER, tz=NEW_YORK)
    assert {q.quadrant: q.count for q in summary.quadrants} == {
        "high_unpleasant": 2, "high_pleasant": 0, "low_pleasant": 1, "low_unpleasant": 0}
    assert [(w.word, w.count) for w in summary.words] == [("frazzled", 2), ("calm", 1)]
    assert [(n.need, n.count) for n in summary.needs] == [("tired", 2), ("lonely", 1)]
    assert [r.status for r in summary.repairs] == ["done", "planned", "let_go"]
    assert [r.with_whom for r in summary.open_repairs] == ["partner"]  # let go is not open


@pytest.mark.parametrize(
    ("week_start", "rows"),
    [
        # November 2026 begins on a Sunday and ends on a Monday.
        ("monday", [[None] * 6 + [1], list(range(2, 9)), list(range(9, 16)),
                    list(range(16, 23)), list(range(23, 30)), [30] + [None] * 6]),
        ("sunday", [list(range(1, 8)), list(range(8, 15)), list(range(15, 22)),
                    list(range(22, 29)), [29, 30] + [None] * 5]),
    ],
)
def test_the_month_as_a_calendar_starts_weeks_on_the_persons_day(week_start, rows):
    weeks = month_weeks(NOVEMBER, week_start)
    assert [[None if d is None else d.day for d in row] for row in weeks] == rows
    summary = summarize_month([checkin(at(date(2026, 11, 29), 9))], NOVEMBER, tz=NEW_YORK)
    cells = [cell for row in summary.weeks(week_start) for cell in row if cell is not None]
    assert [c.day.day for c in cells] == list(range(1, 31))
    assert [c.day.day for c in cells if c.tally.checkins] == [29]


def test_february_of_a_leap_year_as_a_sunday_calendar():
    weeks = month_weeks(date(2028, 2, 1), "sunday")  # 1 Feb 2028 is a Tuesday
    assert [d.day if d else None for d in weeks[0]] == [None, None, 1, 2, 3, 4, 5]
    assert [d.day if d else None for d in weeks[-1]] == [27, 28, 29, None, None, None, None]


@pytest.mark.parametrize(
    ("first", "months", "expected"),
    [(date(2026, 11, 1), -1, date(2026, 10, 1)), (date(2026, 11, 1), 2, date(2027, 1, 1)),
     (date(2026, 1, 1), -13, date(2024, 12, 1)), (date(2026, 11, 1), 0, date(2026, 11, 1))],
)
def test_moving_by_months(first, months, expected):
    assert shift_months(first, months) == expected


def test_the_calendar_has_edges():
    with pytest.raises(ValueError):
        shift_months(date(9999, 12, 1), 1)
    assert next_month(date(9999, 12, 1)) is None and previous_month(date(1, 1, 1)) is None
    assert span_times(date(1, 1, 1), None)[0] == datetime.min.replace(tzinfo=UTC)
    assert span_times(date(1, 1, 1), None)[1] == datetime.max.replace(tzinfo=UTC)
    assert days_from(date(9999, 12, 30), None) == [date(9999, 12, 30), date(9999, 12, 31)]


# -- a year -----------------------------------------------------------------------------------


def test_a_year_is_twelve_rows_of_its_days():
    summary = summarize_year([], 2028, tz=NEW_YORK)  # a leap year
    assert len(summary.days) == 366
    assert [len(row) for row in summary.months] == [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30,
                                                    31]
    assert [row[0].day for row in summary.months] == [date(2028, m, 1) for m in range(1, 13)]
    assert len(summarize_year([], 2026, tz=NEW_YORK).days) == 365


def test_a_year_with_53_iso_weeks_has_53_weekly_points():
    weeks = year_weeks(2026)
    assert len(weeks) == 53
    assert weeks[0] == (date(2025, 12, 29), "2026-W01")
    assert weeks[-1] == (date(2026, 12, 28), "2026-W53")
    assert len(year_weeks(2027)) == 52 and year_weeks(2027)[0] == (date(2027, 1, 4), "2027-W01")
    # Weeks that start on Sunday are named by the Monday inside them.
    assert year_weeks(2026, "sunday")[0] == (date(2025, 12, 28), "2026-W01")
    assert year_weeks(2026, "sunday")[-1] == (date(2026, 12, 27), "2026-W53")


def test_week_53_counts_its_days_in_the_next_year_but_the_year_does_not():
    entries = [checkin(at(date(2026, 12, 31), 9), 8, 2), checkin(at(date(2027, 1, 2), 9), 6, 4),
               checkin(at(date(2027, 1, 3), 9), 9, 9),  # Sunday: in W53 from Monday only
               checkin(at(date(2025, 12, 29), 9), 5, 5)]  # Monday of 2026-W01
    monday = summarize_year(entries, 2026, tz=NEW_YORK)
    assert monday.weeks[-1].label == "2026-W53"
    assert (monday.weeks[-1].tally.pairs, monday.weeks[-1].tally.before_avg) == (3, 7.7)
    assert monday.weeks[0].tally.pairs == 1
    assert monday.total.checkins == 1  # only 31 Dec is in the year itself
    sunday = summarize_year(entries, 2026, week_start="sunday", tz=NEW_YORK)
    assert (sunday.weeks[-1].start, sunday.weeks[-1].tally.pairs) == (date(2026, 12, 27), 2)
    assert year_read_span(2026, "sunday") == (date(2025, 12, 28), date(2027, 1, 3))
    assert year_read_span(2026, "monday") == (date(2025, 12, 29), date(2027, 1, 4))


def test_month_totals_of_the_year():
    entries = [checkin(at(date(2026, 2, 1), 9), 8, 4), checkin(at(date(2026, 2, 28), 9), 6, 4),
               breathing_break(at(date(2026, 12, 31), 23, 59), seconds=120)]
    summary = summarize_year(entries, 2026, tz=NEW_YORK)
    totals = summary.month_totals
    assert (totals[1].checkins, totals[1].before_avg, totals[1].after_avg) == (2, 7, 4)
    assert totals[11].breathing_minutes == 2
    data = summary.summary_dict()
    assert data["months"][1] == {"month": "2026-02", "entries": 2, "checkins": 2, "breaks": 0,
                                 "breathing_minutes": 0.0, "activation_max": 8,
                                 "before_avg": 7.0, "after_avg": 4.0, "pairs": 2}
    assert len(data["weeks"]) == 53 and data["weeks"][-1]["week"] == "2026-W53"


def test_the_last_year_of_the_calendar_still_has_its_weeks():
    summary = summarize_year([], 9999, tz=UTC)
    assert len(summary.days) == 365 and len(summary.weeks) == 52
    assert summary.weeks[0].start == date(9999, 1, 4)  # 1-3 Jan are in 9998-W52
    assert year_read_span(9999) == (date(9999, 1, 1), None)


# -- the json, compared whole ------------------------------------------------------------------


def test_the_month_json_summary_and_a_day_compared_whole():
    entries = [
        checkin(at(date(2026, 11, 3), 8), 8, 4, needs=("tired",),
                feelings=(Feeling("frazzled", "high_unpleasant"),),
                breathing=Breathing("box", 45.0, 3, True)),
        breathing_break(at(date(2026, 11, 3), 12), seconds=60, after=3),
        breathing_break(at(date(2026, 11, 20), 9), seconds=60),
        Entry(kind="repair", started_at=at(date(2026, 11, 10), 20),
              repair=Repair("partner", "cold shoulder", step="will_try_later")),
        checkin(at(date(2026, 10, 1), 0, 30), 6, 4),  # the first minutes of the month before
        checkin(at(date(2026, 9, 30), 23), 9, 9),  # two months back: in neither
        # The first minute of December: in none of November's lists.
        checkin(at(date(2026, 12, 1), 0, 0), 2, 1, needs=("lonely",),
                feelings=(Feeling("calm", "low_pleasant"),),
                repair=Repair("child", status="planned")),
    ]
    repair = entries[3]
    summary = summarize_month(entries, NOVEMBER, tz=NEW_YORK)
    assert summary.summary_dict() == {
        # 45 + 60 + 60 s of breathing: 2.75 minutes, said to one decimal.
        "entries": 4, "checkins": 1, "breaks": 2, "breathing_minutes": 2.8,
        "activation_max": 8, "before_avg": 8.0, "after_avg": 4.0, "pairs": 1,
        "feelings": {"high_unpleasant": 1, "high_pleasant": 0, "low_pleasant": 0,
                     "low_unpleasant": 0},
        "words": [{"word": "frazzled", "quadrant": "high_unpleasant", "count": 1}],
        "needs": [{"need": "tired", "count": 1}],
        "repairs": [{"id": repair.id, "started_at": "2026-11-10T20:00:00-05:00",
                     "with_whom": "partner", "what_happened": "cold shoulder", "my_part": "",
                     "step": "will_try_later", "status": "planned", "done_at": None,
                     "their_side": "", "next_time": "", "to_a_friend": ""}],
        "open_repairs": [repair.id],
        "previous": {"month": "2026-10", "entries": 1, "checkins": 1, "breaks": 0,
                     "breathing_minutes": 0.0, "activation_max": 6, "before_avg": 6.0,
                     "after_avg": 4.0, "pairs": 1},
    }
    assert summary.days[2].to_dict() == {
        "date": "2026-11-03", "entries": 2, "checkins": 1, "breaks": 1,
        "breathing_minutes": 1.8, "activation_max": 8, "before_avg": 8.0, "after_avg": 4.0,
        "pairs": 1}
    # The repair is at its local time, as the month's list of repairs shows it.
    assert [r.started_at for r in summary.repairs] == [at(date(2026, 11, 10), 20)]


def test_december_ends_on_the_31st_and_january_looks_back_to_the_december_before():
    new_year = checkin(at(date(2027, 1, 1), 0, 0), needs=("lonely",),
                       feelings=(Feeling("calm", "low_pleasant"),))
    december = summarize_month([new_year], date(2026, 12, 1), tz=NEW_YORK)
    assert december.days[-1].day == date(2026, 12, 31) and len(december.days) == 31
    assert december.words == () and december.needs == ()
    assert next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert previous_month(date(2027, 1, 1)) == date(2026, 12, 1)
    entries = [checkin(at(date(2026, 12, 1), 0, 30)), checkin(at(date(2026, 11, 30), 23)),
               new_year]
    january = summarize_month(entries, date(2027, 1, 1), tz=NEW_YORK)
    assert january.previous is not None and january.previous.checkins == 1
    assert january.summary_dict()["previous"]["month"] == "2026-12"


def test_breaks_on_several_days_add_up_in_the_month():
    entries = [breathing_break(at(date(2026, 11, d), 9)) for d in (2, 2, 9, 30)]
    summary = summarize_month(entries, NOVEMBER, tz=NEW_YORK)
    assert (summary.total.breaks, summary.total.entries) == (4, 4)
    assert summarize_year(entries, 2026, tz=NEW_YORK).month_totals[10].breaks == 4


def test_the_year_json_weeks_compared_whole():
    entries = [checkin(at(date(2026, 12, 27), 9), 8, 3), checkin(at(date(2026, 12, 31), 9), 7, 4)]
    summary = summarize_year(entries, 2026, week_start="sunday", tz=NEW_YORK)
    assert summary.week_start == "sunday"
    data = summary.summary_dict()
    assert data["weeks"][-1] == {"week": "2026-W53", "start": "2026-12-27", "pairs": 2,
                                 "before_avg": 7.5, "after_avg": 3.5}
    assert data["weeks"][0] == {"week": "2026-W01", "start": "2025-12-28", "pairs": 0,
                                "before_avg": None, "after_avg": None}


def test_a_year_whose_28_december_is_a_sunday():
    # 2025's last ISO week is W52, 22-28 December; 29 December is already in 2026-W01.
    assert len(year_weeks(2025)) == 52 and year_weeks(2025)[-1] == (date(2025, 12, 22),
                                                                  "2025-W52")
    # The read still covers the year to its last day (and from W01's Monday in 2024).
    assert year_read_span(2025) == (date(2024, 12, 30), date(2026, 1, 1))
    assert year_read_span(2025, "sunday") == (date(2024, 12, 29), date(2026, 1, 1))


def test_weeks_start_on_monday_unless_you_say_sunday():
    assert month_weeks(NOVEMBER) == month_weeks(NOVEMBER, "monday")
    assert year_read_span(2026) == year_read_span(2026, "monday")
    summary = summarize_month([], NOVEMBER, tz=NEW_YORK)
    first_row = [c.day.day if c else None for c in summary.weeks()[0]]
    assert first_row == [None] * 6 + [1]
    assert [c.day.day if c else None for c in summary.weeks("sunday")[0]] == list(range(1, 8))


def test_the_first_week_of_year_one_starting_on_sunday_begins_on_the_calendars_first_day():
    assert year_weeks(1, "sunday")[0] == (date(1, 1, 1), "0001-W01")
    assert summarize_year([], 1, week_start="sunday", tz=UTC).weeks[0].start == date(1, 1, 1)


def test_span_times_are_utc_moments_whatever_this_machines_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        start, end = span_times(NOVEMBER, next_month(NOVEMBER), NEW_YORK)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert start.tzinfo is UTC and end.tzinfo is UTC
    assert (start.isoformat(), end.isoformat()) == ("2026-11-01T04:00:00+00:00",
                                                    "2026-12-01T05:00:00+00:00")
