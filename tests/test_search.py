"""Finding past entries: every word anywhere, ignoring case and how accents were typed; by
feeling, need, person and day (companion/search.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from companion.entries import Entry, Feeling, Repair
from companion.search import SearchQuery, find_entries, folded

NEW_YORK = ZoneInfo("America/New_York")
DAY = date(2026, 11, 16)  # a Monday


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NEW_YORK)


def grounded(pattern: str | None, before: int | None, after: int | None, *,
             when: datetime | None = None, **fields) -> Entry:
    return Entry(kind="checkin", started_at=when or at(DAY, 9), activation_before=before,
                 activation_after=after, **fields)


# -- search -----------------------------------------------------------------------------------

LABELS = {"tired": "Tired", "need_a_break": "Need a break", "partner": "My partner",
          "child": "My child"}


def test_search_finds_every_word_anywhere_ignoring_case_and_how_accents_were_typed():
    cafe = grounded(None, 3, 2, note="Café with Lea", when=at(DAY, 9))
    decomposed = grounded(None, 3, 2, note="Cafe\u0301 alone", when=at(DAY, 10))
    feeling = grounded(None, 3, 2, feelings=(Feeling("Frazzled", "high_unpleasant"),),
                       when=at(DAY, 11))
    repair = Entry(kind="repair", started_at=at(DAY, 12),
                   repair=Repair("partner", "I rolled my eyes", "my TONE", "will_try_later"))
    entries = [cafe, decomposed, feeling, repair]
    assert find_entries(entries, SearchQuery("café"), LABELS) == [decomposed, cafe]
    assert find_entries(entries, SearchQuery("CAFE LEA"), LABELS) == []  # accents count
    assert find_entries(entries, SearchQuery("café lea"), LABELS) == [cafe]  # every word
    assert find_entries(entries, SearchQuery("frazz"), LABELS) == [feeling]
    assert find_entries(entries, SearchQuery("tone eyes"), LABELS) == [repair]
    assert find_entries(entries, SearchQuery("my partner"), LABELS) == [repair]  # the label
    assert find_entries(entries, SearchQuery("try later"), LABELS) == [repair]  # the step key
    assert find_entries(entries, SearchQuery(""), LABELS) == [repair, feeling, decomposed, cafe]
    assert folded("  Tab\tand  Ａ ") == "tab and a"


def test_search_filters_by_feeling_need_person_and_day():
    tired = grounded(None, 7, 3, needs=("tired",), note="long day",
                     feelings=(Feeling("Drained", "low_unpleasant"),), when=at(DAY, 9))
    a_break = grounded(None, 7, 3, needs=("need_a_break",), note="long queue",
                       when=at(DAY - timedelta(days=3), 9))
    with_child = Entry(kind="repair", started_at=at(DAY - timedelta(days=40), 9),
                       repair=Repair("child", "long bedtime"))
    entries = [tired, a_break, with_child]
    assert find_entries(entries, SearchQuery("long", feeling="drained"), LABELS) == [tired]
    assert find_entries(entries, SearchQuery("", need="need a break"), LABELS) == [a_break]
    assert find_entries(entries, SearchQuery("", need="TIRED"), LABELS) == [tired]
    assert find_entries(entries, SearchQuery("", need="break"), LABELS) == []  # whole names
    assert find_entries(entries, SearchQuery("", with_whom="My child"), LABELS) == [with_child]
    assert find_entries(entries, SearchQuery("", with_whom="child"), LABELS) == [with_child]
    assert find_entries(entries, SearchQuery("long", since=DAY - timedelta(days=3)), LABELS,
                        tz=NEW_YORK) == [tired, a_break]


@pytest.mark.parametrize("status", ["done", "planned", "let_go"])
def test_a_repairs_own_text_fields_are_searched_whatever_its_status(status):
    entry = Entry(kind="repair", started_at=at(DAY, 9),
                  repair=Repair("friend", "cancelled plans", status=status))
    assert find_entries([entry], SearchQuery("cancelled"), LABELS) == [entry]
