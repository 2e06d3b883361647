"""Finding past entries: every word anywhere, ignoring case and how accents were typed; by
feeling, need, person and day (companion/search.py)."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from companion.entries import Breathing, Entry, Feeling, Repair
from companion.search import SearchQuery, find_entries, folded, matches

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


def test_the_state_and_the_breathing_pattern_are_searched_by_key_and_label():
    entry = Entry(kind="checkin", started_at=at(DAY, 9), state="revved_up",
                  breathing=Breathing("coherent", 60.0, 5, True))
    labels = {"revved_up": "Revved up", "coherent": "Coherent breathing"}
    for text in ("revved", "revved up", "coherent", "breathing"):
        assert find_entries([entry], SearchQuery(text), labels) == [entry], text


def test_a_repairs_person_and_step_are_found_by_the_words_you_see_for_them():
    repair = Entry(kind="repair", started_at=at(DAY, 9), repair=Repair(
        "partner", "cold shoulder", step="will_try_later"))
    labels = {"partner": "My partner", "will_try_later": "Later, once I'm calm"}
    assert find_entries([repair], SearchQuery("calm"), labels) == [repair]
    assert find_entries([repair], SearchQuery("my partner"), labels) == [repair]
    assert find_entries([repair], SearchQuery("calm"), {}) == []


def test_a_repairs_times_are_not_searched_as_text():
    repair = Entry(kind="repair", started_at=at(DAY, 9), repair=Repair(
        "child", "snapped", status="done", done_at=at(DAY, 10)))
    assert repair.to_dict()["repair"]["done_at"] == "2026-11-16T10:00:00-05:00"
    for text in ("10:00", "2026-11-16", "05:00"):
        assert find_entries([repair], SearchQuery(text), LABELS) == [], text
    assert find_entries([repair], SearchQuery("done"), LABELS) == [repair]  # the status is


def test_a_need_no_longer_in_your_words_is_found_by_its_key_with_spaces():
    # An entry from before a need was renamed or removed: no label for its key any more.
    old = grounded(None, 5, 3, needs=("need_fresh_air",))
    assert find_entries([old], SearchQuery("", need="Need fresh air"), {}) == [old]
    assert find_entries([old], SearchQuery("", need="need_fresh_air"), {}) == [old]
    assert find_entries([old], SearchQuery("fresh"), {}) == [old]


@pytest.fixture
def in_tokyo(monkeypatch):
    """This machine's own zone far from the one the person's days are counted in."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_since_is_a_local_day_in_the_zone_given(in_tokyo):
    # 21:00 on Thursday in New York is already Friday in Tokyo (and in UTC).
    thursday_night = grounded(None, 5, 3, note="late", when=at(DAY - timedelta(days=4), 21))
    friday = grounded(None, 5, 3, note="late", when=at(DAY - timedelta(days=3), 9))
    query = SearchQuery("late", since=DAY - timedelta(days=3))
    assert find_entries([thursday_night, friday], query, LABELS, tz=NEW_YORK) == [friday]
    assert [matches(e, query, LABELS, NEW_YORK) for e in (thursday_night, friday)] == [
        False, True]
    assert find_entries([thursday_night, friday], query, LABELS, tz=ZoneInfo("Asia/Tokyo")) == [
        friday, thursday_night]


def test_one_entry_matches_as_find_entries_finds_it():
    tired = grounded(None, 7, 3, needs=("tired",), note="long day")
    for query, found in [(SearchQuery("long"), True), (SearchQuery("short"), False),
                         (SearchQuery("", need="Tired"), True),
                         (SearchQuery("day", with_whom="child"), False)]:
        assert matches(tired, query, LABELS) is found
        assert find_entries([tired], query, LABELS) == ([tired] if found else [])


# -- the month cache's first look (might_match) ------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from companion.search import might_match, own_text, searchable_text  # noqa: E402

# Letters, accents to combine, spaces of several kinds, and the compatibility characters that
# NFKC turns into more than one (ﬁ, ㎏, ½): what could make folding the pieces apart differ.
PIECE = st.text(alphabet="aAéE\u0301\u0308 \u00a0\u2003\tﬁ㎏½İı_-ß", max_size=12)


@settings(max_examples=300, deadline=None)
@given(note=PIECE, word=PIECE, label=PIECE, other=PIECE)
def test_a_first_look_never_misses_an_entry_the_search_would_find(note, word, label, other):
    entry = grounded("box", 3, 2, note=note, needs=("need_a_break",),
                     feelings=(Feeling(other or "calm", "low_pleasant"),),
                     breathing=Breathing("box", 60.0, 4, True))
    labels = {"need_a_break": label, "box": other}
    words = folded(word).split()
    text, keys = own_text(entry)
    whole = searchable_text(entry, labels)
    if all(w in whole for w in words):
        assert might_match(text, keys, words, {k: folded(v) for k, v in labels.items()})


def test_a_first_look_finds_words_in_labels_and_keys_and_passes_over_the_rest():
    entry = Entry(kind="repair", started_at=at(DAY, 12),
                  repair=Repair("partner", "rolled my eyes", step="will_try_later"))
    text, keys = own_text(entry)
    labels = {"partner": folded("My partner")}
    assert might_match(text, keys, ["partner"], labels)  # the key
    assert might_match(text, keys, ["my", "eyes"], labels)  # a label and the text
    assert might_match(text, keys, ["try", "later"], labels)  # the key with spaces
    assert not might_match(text, keys, ["calm"], labels)
