"""The weekly summary on hand-made weeks: local calendar days, DST, week edges, Sunday starts."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from companion.entries import Breathing, Entry, Feeling, Repair
from companion.summary import (
    PARTS_OF_DAY,
    RepairNote,
    WordCount,
    activation_change,
    grounding_change,
    local_midnight,
    minutes_text,
    part_of_day,
    status_words,
    summarize_week,
    week_bounds,
    week_label,
    week_times,
)

NEW_YORK = ZoneInfo("America/New_York")
MONDAY = date(2026, 11, 16)  # ISO week 2026-W47


def at(day: date, hour: int, minute: int = 0, tz=NEW_YORK) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def checkin(started_at: datetime, **fields) -> Entry:
    return Entry(kind="checkin", started_at=started_at, **fields)


# -- the calendar ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "week_start", "first"),
    [
        (date(2026, 11, 16), "monday", date(2026, 11, 16)),  # a Monday is its own week's start
        (date(2026, 11, 22), "monday", date(2026, 11, 16)),  # Sunday ends a Monday week
        (date(2026, 11, 22), "sunday", date(2026, 11, 22)),  # and begins a Sunday week
        (date(2026, 11, 21), "sunday", date(2026, 11, 15)),  # Saturday ends a Sunday week
        (date(2027, 1, 1), "monday", date(2026, 12, 28)),  # a week across the new year
    ],
)
def test_week_bounds_give_the_local_calendar_week_holding_a_day(day, week_start, first):
    assert week_bounds(day, week_start) == (first, first + timedelta(days=7))


def test_a_week_can_only_start_on_monday_or_sunday():
    with pytest.raises(ValueError, match="monday or sunday"):
        week_bounds(MONDAY, "friday")


@pytest.mark.parametrize(
    ("start", "label"),
    [
        (date(2026, 11, 16), "2026-W47"),
        (date(2026, 11, 15), "2026-W47"),  # a Sunday week is named by the Monday inside it
        (date(2026, 12, 28), "2026-W53"),
        (date(2027, 1, 4), "2027-W01"),
    ],
)
def test_weeks_are_named_by_their_iso_week(start, label):
    assert week_label(start) == label


def test_a_week_across_the_end_of_summer_time_still_has_seven_days():
    start, end = week_times(date(2026, 10, 26), NEW_YORK)  # clocks go back on Sun 1 Nov
    assert start == datetime(2026, 10, 26, 4, tzinfo=UTC)
    assert end == datetime(2026, 11, 2, 5, tzinfo=UTC)
    assert end - start == timedelta(days=7, hours=1)
    summary = summarize_week([], date(2026, 10, 26), tz=NEW_YORK)
    assert [d.day for d in summary.days] == [date(2026, 10, 26) + timedelta(i) for i in range(7)]


@pytest.mark.parametrize(
    ("hour", "part"),
    [(0, "night"), (4, "night"), (5, "morning"), (11, "morning"), (12, "afternoon"),
     (16, "afternoon"), (17, "evening"), (21, "evening"), (22, "night"), (23, "night")],
)
def test_each_hour_belongs_to_one_part_of_the_day(hour, part):
    assert part_of_day(hour) == part


# -- the summary ----------------------------------------------------------------------------


def test_an_empty_week_is_a_summary_too():
    summary = summarize_week([], MONDAY, tz=NEW_YORK)
    assert summary.is_empty
    assert summary.label == "2026-W47"
    assert len(summary.days) == 7
    assert all(d.moments == 0 and d.activation_before is None for d in summary.days)
    assert summary.grounding == () and summary.words == () and summary.needs == ()
    assert [q.count for q in summary.quadrants] == [0, 0, 0, 0]
    assert [p.moments for p in summary.parts_of_day] == [0, 0, 0, 0]
    assert summary.repairs == () and summary.open_repairs == ()


def test_one_check_in_shows_on_its_day_with_everything_it_held():
    entry = checkin(
        at(MONDAY + timedelta(days=2), 18, 30),
        activation_before=8,
        activation_after=5,
        needs=("tired", "need_a_break"),
        breathing=Breathing("box", 90.0, 5, True),
        feelings=(Feeling("frazzled", "high_unpleasant"), Feeling("tired", "low_unpleasant")),
    )
    summary = summarize_week([entry], MONDAY, tz=NEW_YORK)
    wednesday = summary.days[2]
    assert (wednesday.check_ins, wednesday.breathing_breaks) == (1, 0)
    assert wednesday.breathing_minutes == 1.5
    assert (wednesday.activation_before, wednesday.activation_after) == (8, 5)
    assert all(d.moments == 0 for i, d in enumerate(summary.days) if i != 2)
    assert [(g.entry_id, g.before, g.after) for g in summary.grounding] == [(entry.id, 8, 5)]
    assert {q.quadrant: q.count for q in summary.quadrants} == {
        "high_unpleasant": 1, "high_pleasant": 0, "low_pleasant": 0, "low_unpleasant": 1}
    assert [(w.word, w.count) for w in summary.words] == [("frazzled", 1), ("tired", 1)]
    assert [(n.need, n.count) for n in summary.needs] == [("tired", 1), ("need_a_break", 1)]
    evening = next(p for p in summary.parts_of_day if p.part == "evening")
    assert (evening.moments, evening.activation_before) == (1, 8)
    assert summary.entry_count == 1 and not summary.is_empty


def test_days_average_what_was_noted_and_count_breaks_apart_from_check_ins():
    tuesday = MONDAY + timedelta(days=1)
    entries = [
        checkin(at(tuesday, 8), activation_before=8, activation_after=4),
        checkin(at(tuesday, 9), activation_before=7),  # grounding skipped: no after
        Entry(kind="breathing", started_at=at(tuesday, 13),
              breathing=Breathing("4-7-8", 30.0, 1, False), complete=False),
    ]
    day = summarize_week(entries, MONDAY, tz=NEW_YORK).days[1]
    assert (day.check_ins, day.breathing_breaks, day.breathing_seconds) == (2, 1, 30.0)
    assert (day.activation_before, day.activation_after) == (7.5, 4)
    summary = summarize_week(entries, MONDAY, tz=NEW_YORK)
    assert len(summary.grounding) == 1  # only the check-in with both before and after


def test_entries_are_placed_by_the_local_day_not_the_utc_day():
    # 23:30 on Sunday in New York is already Monday in UTC; 00:30 Monday is the next week.
    sunday_late = at(MONDAY + timedelta(days=6), 23, 30)
    next_monday_early = at(MONDAY + timedelta(days=7), 0, 30)
    monday_early = at(MONDAY, 0, 0)
    sunday_before = at(MONDAY - timedelta(days=1), 23, 59)
    entries = [checkin(t) for t in (sunday_late, next_monday_early, monday_early, sunday_before)]
    summary = summarize_week(entries, MONDAY, tz=NEW_YORK)
    assert [d.check_ins for d in summary.days] == [1, 0, 0, 0, 0, 0, 1]
    assert summary.entry_count == 2
    night = next(p for p in summary.parts_of_day if p.part == "night")
    assert night.moments == 2


def test_an_entry_saved_with_another_offset_lands_on_its_local_day():
    # Saved while travelling (+01:00), read at home in New York: 03:00 in Paris is 21:00 the
    # evening before in New York.
    paris = ZoneInfo("Europe/Paris")
    entry = checkin(datetime(2026, 11, 18, 3, 0, tzinfo=paris))
    summary = summarize_week([entry], MONDAY, tz=NEW_YORK)
    assert [d.check_ins for d in summary.days] == [0, 1, 0, 0, 0, 0, 0]
    assert summary.parts_of_day[2].part == "evening" and summary.parts_of_day[2].moments == 1


def test_a_dst_week_keeps_its_seven_local_days_and_the_extra_hour():
    start = date(2026, 10, 26)  # Mon; clocks go back at 02:00 on Sun 1 Nov
    entries = [
        checkin(datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK)),  # 01:30 EDT
        checkin(datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK)),  # 01:30 again, EST
        checkin(datetime(2026, 11, 1, 23, 30, tzinfo=NEW_YORK)),  # the last half hour
        checkin(datetime(2026, 11, 2, 0, 0, tzinfo=NEW_YORK)),  # next week
        checkin(datetime(2026, 10, 26, 0, 0, tzinfo=NEW_YORK)),  # the first moment
    ]
    summary = summarize_week(entries, start, tz=NEW_YORK)
    assert [d.check_ins for d in summary.days] == [1, 0, 0, 0, 0, 0, 3]
    # Read from UTC, in the store's form: the same answer.
    as_stored = [Entry.from_dict(e.to_dict()) for e in entries]
    assert summarize_week(as_stored, start, tz=NEW_YORK) == summary


def test_a_week_across_the_start_of_summer_time_keeps_its_seven_days():
    start = date(2026, 3, 9 - 7)  # Mon 2 Mar .. Sun 8 Mar; clocks go forward on 8 Mar
    start_at, end_at = week_times(start, NEW_YORK)
    assert end_at - start_at == timedelta(days=7) - timedelta(hours=1)
    entries = [checkin(datetime(2026, 3, 8, 3, 30, tzinfo=NEW_YORK)),
               checkin(datetime(2026, 3, 8, 23, 59, tzinfo=NEW_YORK))]
    assert [d.check_ins for d in summarize_week(entries, start, tz=NEW_YORK).days][-1] == 2


def test_week_53_runs_across_the_new_year():
    start = date(2026, 12, 28)
    entries = [checkin(at(date(2026, 12, 31), 23, 50)), checkin(at(date(2027, 1, 1), 0, 10)),
               checkin(at(date(2027, 1, 3), 22, 0))]
    summary = summarize_week(entries, start, tz=NEW_YORK)
    assert summary.label == "2026-W53"
    assert [d.check_ins for d in summary.days] == [0, 0, 0, 1, 1, 0, 1]
    assert summary.days[-1].day == date(2027, 1, 3)


def test_a_sunday_week_starts_on_sunday():
    start, _ = week_bounds(MONDAY, "sunday")
    assert start == date(2026, 11, 15)
    entries = [checkin(at(date(2026, 11, 15), 10)), checkin(at(date(2026, 11, 21), 20)),
               checkin(at(date(2026, 11, 22), 10))]  # the next Sunday begins the next week
    summary = summarize_week(entries, start, tz=NEW_YORK)
    assert summary.days[0].day.weekday() == 6
    assert [d.check_ins for d in summary.days] == [1, 0, 0, 0, 0, 0, 1]
    assert summary.label == "2026-W47"


def test_the_words_and_needs_used_most_come_first_and_your_own_words_count_as_one():
    tuesday = MONDAY + timedelta(days=1)
    entries = [
        checkin(at(tuesday, 8), needs=("tired",),
                feelings=(Feeling("Frazzled", "high_unpleasant"),)),
        checkin(at(tuesday, 9), needs=("tired", "lonely"),
                feelings=(Feeling("calm", "low_pleasant"),
                          Feeling("frazzled ", "high_unpleasant"))),
        checkin(at(tuesday, 10), needs=("lonely", "tired"),
                feelings=(Feeling("calm", "low_pleasant"),)),
        checkin(at(tuesday, 11), needs=("hungry",),
                feelings=(Feeling("frazzled", "high_unpleasant"),)),
    ]
    summary = summarize_week(entries, MONDAY, tz=NEW_YORK)
    assert [(w.word, w.count) for w in summary.words] == [("Frazzled", 3), ("calm", 2)]
    needs = [(n.need, n.count) for n in summary.needs]
    assert needs == [("tired", 3), ("lonely", 2), ("hungry", 1)]
    assert {q.quadrant: q.count for q in summary.quadrants}["high_unpleasant"] == 3


def test_repairs_logged_and_planned_ones_still_open():
    tuesday = MONDAY + timedelta(days=1)
    done = checkin(at(tuesday, 20), repair=Repair(
        with_whom="child", what_happened="I snapped", step="apologised", status="done",
        done_at=at(tuesday, 21)))
    planned = Entry(kind="repair", started_at=at(tuesday, 22), repair=Repair(
        with_whom="partner", what_happened="cold shoulder", step="will_try_later"))
    summary = summarize_week([planned, done], MONDAY, tz=NEW_YORK)
    assert [r.entry_id for r in summary.repairs] == [done.id, planned.id]  # in the week's order
    assert [r.entry_id for r in summary.open_repairs] == [planned.id]
    assert summary.repairs[0].what_happened == "I snapped"
    # A repair on its own is not a moment of activation.
    assert sum(p.moments for p in summary.parts_of_day) == 1


def test_the_summary_json_holds_every_part_without_a_score():
    entry = checkin(at(MONDAY, 7), activation_before=6, activation_after=3,
                    breathing=Breathing("box", 64.0, 4, True),
                    feelings=(Feeling("tense", "high_unpleasant"),), needs=("tired",))
    data = summarize_week([entry], MONDAY, tz=NEW_YORK).to_dict()
    assert set(data) == {"days", "grounding", "feelings", "words", "needs", "times_of_day",
                         "repairs", "open_repairs"}
    assert data["days"][0] == {"date": "2026-11-16", "check_ins": 1, "breathing_breaks": 0,
                               "breathing_minutes": 1.1, "activation_before": 6,
                               "activation_after": 3, "pairs": 1, "before_avg": 6,
                               "after_avg": 3}
    assert data["grounding"] == [{"id": entry.id, "started_at": "2026-11-16T07:00:00-05:00",
                                  "before": 6, "after": 3}]
    assert data["times_of_day"][0] == {"part": "morning", "hours": "05-12", "moments": 1,
                                       "activation_before": 6}
    assert data["times_of_day"][-1]["hours"] == "22-05"
    assert "score" not in repr(data) and "streak" not in repr(data)


def test_parts_of_day_cover_every_hour_once():
    assert [p for p, _ in PARTS_OF_DAY] == ["morning", "afternoon", "evening", "night"]
    assert sorted(part_of_day(h) for h in range(24)).count("night") == 7


@pytest.mark.parametrize(
    ("before", "after", "text"),
    [(8, 5, "8 → 5"), (7.5, None, "7.5 → –"), (None, 3, "– → 3"), (None, None, "")],
)
def test_activation_change_reads_as_before_and_after(before, after, text):
    assert activation_change(before, after) == text


def test_a_repair_let_go_is_closed_not_open_and_not_called_done():
    tuesday = MONDAY + timedelta(days=1)
    let_go = Entry(kind="repair", started_at=at(tuesday, 22), repair=Repair(
        with_whom="co_parent", what_happened="the handover", status="let_go"))
    planned = Entry(kind="repair", started_at=at(tuesday, 23), repair=Repair(with_whom="partner"))
    summary = summarize_week([let_go, planned], MONDAY, tz=NEW_YORK)
    assert [r.entry_id for r in summary.open_repairs] == [planned.id]
    assert summary.to_dict()["open_repairs"] == [planned.id]
    assert [r["status"] for r in summary.to_dict()["repairs"]] == ["let_go", "planned"]
    assert [status_words(r.status) for r in summary.repairs] == ["let go", "planned"]
    assert status_words("done") == "done"


# -- what the json and the renderings rely on -------------------------------------------------


@pytest.fixture
def system_zone_new_york(monkeypatch):
    """The system's own zone is New York (what `companion week` uses when it gives no zone)."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_week_starts_on_monday_unless_asked_otherwise():
    assert week_bounds(date(2026, 11, 22)) == (MONDAY, MONDAY + timedelta(days=7))


def test_without_a_zone_the_week_is_the_systems_local_week_in_utc(system_zone_new_york):
    assert local_midnight(date(2026, 11, 1)).isoformat() == "2026-11-01T00:00:00-04:00"
    start, end = week_times(date(2026, 10, 26))  # clocks go back on Sun 1 Nov
    # In UTC, as HistoryStore.between compares them (see week_times).
    assert (start.isoformat(), end.isoformat()) == (
        "2026-10-26T04:00:00+00:00", "2026-11-02T05:00:00+00:00")


def test_the_week_json_keeps_every_key_of_words_needs_and_repairs():
    # The json is a documented contract (README, `companion week --format json`): each item is
    # compared whole, so a renamed or missing key shows here.
    tuesday = MONDAY + timedelta(days=1)
    worried = checkin(at(tuesday, 8), activation_before=7, activation_after=4, needs=("tired",),
                      breathing=Breathing("box", 75.0, 4, True),
                      feelings=(Feeling("Frazzled", "high_unpleasant"),))
    done = Entry(kind="repair", started_at=at(tuesday, 20, 15), repair=Repair(
        with_whom="child", what_happened="I snapped", my_part="my tone", step="apologised",
        status="done", done_at=at(tuesday, 21)))
    planned = Entry(kind="repair", started_at=at(tuesday, 22), repair=Repair(
        what_happened="cold shoulder"))
    data = summarize_week([planned, worried, done], MONDAY, tz=NEW_YORK).to_dict()
    assert data["words"] == [{"word": "Frazzled", "quadrant": "high_unpleasant", "count": 1}]
    assert data["needs"] == [{"need": "tired", "count": 1}]
    assert data["repairs"] == [
        {"id": done.id, "started_at": "2026-11-17T20:15:00-05:00", "with_whom": "child",
         "step": "apologised", "status": "done", "done_at": "2026-11-17T21:00:00-05:00"},
        {"id": planned.id, "started_at": "2026-11-17T22:00:00-05:00", "with_whom": None,
         "step": None, "status": "planned", "done_at": None},
    ]
    assert data["open_repairs"] == [planned.id]
    assert data["feelings"] == {"high_unpleasant": 1, "high_pleasant": 0, "low_pleasant": 0,
                                "low_unpleasant": 0}
    assert data["days"][1] == {"date": "2026-11-17", "check_ins": 1, "breathing_breaks": 0,
                               "breathing_minutes": 1.2, "activation_before": 7,
                               "activation_after": 4, "pairs": 1, "before_avg": 7,
                               "after_avg": 4}
    assert [part["moments"] for part in data["times_of_day"]] == [1, 0, 0, 0]


def test_a_repair_is_noted_with_everything_its_entry_holds():
    tuesday = MONDAY + timedelta(days=1)
    entry = Entry(kind="repair", started_at=at(tuesday, 20).astimezone(UTC), repair=Repair(
        with_whom="co_parent", what_happened="the handover", my_part="I was curt",
        step="named_it", status="done", done_at=at(tuesday, 21)))
    [note] = summarize_week([entry], MONDAY, tz=NEW_YORK).repairs
    assert note == RepairNote(
        entry_id=entry.id, started_at=at(tuesday, 20), with_whom="co_parent",
        what_happened="the handover", my_part="I was curt", step="named_it", status="done",
        done_at=at(tuesday, 21))
    assert note.started_at.utcoffset() == timedelta(hours=-5)  # shown in the local zone


def test_averages_are_rounded_to_one_decimal():
    tuesday = MONDAY + timedelta(days=1)
    entries = [checkin(at(tuesday, 8 + i), activation_before=before, activation_after=after)
               for i, (before, after) in enumerate([(7, 2), (8, 3), (8, 3)])]
    summary = summarize_week(entries, MONDAY, tz=NEW_YORK)
    assert (summary.days[1].activation_before, summary.days[1].activation_after) == (7.7, 2.7)
    assert summary.parts_of_day[0].activation_before == 7.7


def test_only_the_eight_words_and_needs_used_most_are_listed():
    tuesday = MONDAY + timedelta(days=1)
    words = [f"word{i}" for i in range(10)]
    needs = [f"need{i}" for i in range(10)]
    entries = [
        checkin(at(tuesday, 8), feelings=tuple(Feeling(w, "low_pleasant") for w in words),
                needs=tuple(needs)),
        checkin(at(tuesday, 9), feelings=(Feeling("word9", "low_pleasant"),), needs=("need9",)),
    ]
    summary = summarize_week(entries, MONDAY, tz=NEW_YORK)
    # The most used first, then ties in the order they came; the rest stay in the entries.
    assert [(w.word, w.count) for w in summary.words] == [
        ("word9", 2), *((f"word{i}", 1) for i in range(7))]
    assert [(n.need, n.count) for n in summary.needs] == [
        ("need9", 2), *((f"need{i}", 1) for i in range(7))]


def test_your_own_words_count_as_one_however_they_are_spaced():
    tuesday = MONDAY + timedelta(days=1)
    entries = [checkin(at(tuesday, 8), feelings=(Feeling("worn  out", "low_unpleasant"),)),
               checkin(at(tuesday, 9), feelings=(Feeling(" Worn out ", "low_unpleasant"),))]
    summary = summarize_week(entries, MONDAY, tz=NEW_YORK)
    assert summary.words == (WordCount("worn  out", "low_unpleasant", 2),)


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, ""), (-1, ""), (0.5, "0.5 min"), (1, "1.0 min"), (12.5, "12.5 min")],
)
def test_breathing_minutes_read_to_a_tenth_and_nothing_when_there_were_none(minutes, text):
    assert minutes_text(minutes) == text


def test_a_days_grounding_averages_its_pairs_only():
    # Issue 16: a day with one check-in 1 → 0 and two breaks rated only afterwards (3 and 4)
    # read "1 → 2.3", as if grounding raised activation. Only one entry's before and its after
    # make a pair.
    tuesday = MONDAY + timedelta(days=1)
    pair = checkin(at(tuesday, 8), activation_before=1, activation_after=0)
    after_only = [Entry(kind="breathing", started_at=at(tuesday, hour), activation_after=after,
                        breathing=Breathing("box", 60.0, 4, True))
                  for hour, after in ((12, 3), (18, 4))]
    before_only = checkin(at(tuesday, 21), activation_before=9)
    day = summarize_week([pair, *after_only, before_only], MONDAY, tz=NEW_YORK).days[1]
    assert (day.pairs, day.before_avg, day.after_avg) == (1, 1, 0)
    assert grounding_change(day) == "1 → 0 (1 pair)"
    # Every value noted is still there for the json's readers.
    assert (day.activation_before, day.activation_after) == (5, 2.3)
    second = checkin(at(tuesday, 22), activation_before=6, activation_after=4)
    day = summarize_week([pair, second], MONDAY, tz=NEW_YORK).days[1]
    assert grounding_change(day) == "3.5 → 2 (2 pairs)"
    assert grounding_change(summarize_week([], MONDAY, tz=NEW_YORK).days[1]) == ""


def test_a_repairs_status_in_words_and_one_from_a_newer_companion_as_itself():
    from companion.summary import status_words

    assert [status_words(s) for s in ("done", "planned", "let_go", "tried_again_later")] == [
        "done", "planned", "let go", "tried again later"]
