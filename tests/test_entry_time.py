"""The editor's time field: a local time read back with its UTC offset, and the clocks' changes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from companion.entry_time import shown_time, typed_time

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_local_time_gets_the_offset_in_force_that_day():
    assert typed_time("2026-07-01 12:00", BERLIN).isoformat() == "2026-07-01T12:00:00+02:00"
    assert typed_time(" 2026-11-16 9:05 ", BERLIN).isoformat() == "2026-11-16T09:05:00+01:00"
    assert typed_time("2026-11-16T09:05", BERLIN).utcoffset() == timedelta(hours=1)


def test_the_time_shown_reads_back_as_the_same_moment():
    moment = datetime(2026, 11, 16, 23, 59, tzinfo=timezone(timedelta(hours=-7)))
    shown = shown_time(moment, BERLIN)
    assert shown == "2026-11-17 07:59"
    assert typed_time(shown, BERLIN) == moment


def test_a_time_the_clocks_skip_is_refused():
    with pytest.raises(ValueError, match=r"^2026-03-29 02:30 does not happen here: the clocks "
                                         r"skip that hour\. Pick a time before or after it\.$"):
        typed_time("2026-03-29 02:30", BERLIN)


def test_a_time_that_happens_twice_asks_which_and_takes_an_offset():
    with pytest.raises(ValueError, match=r"happens twice here \(the clocks go back\): add which "
                                         r"one, 2026-10-25 02:30 \+02:00 or 2026-10-25 02:30 "
                                         r"\+01:00\.$"):
        typed_time("2026-10-25 02:30", BERLIN)
    first = typed_time("2026-10-25 02:30 +02:00", BERLIN)
    second = typed_time("2026-10-25 02:30+01:00", BERLIN)
    assert second - first == timedelta(hours=1)
    assert typed_time("2026-10-25 01:30 Z", BERLIN).utcoffset() == timedelta(0)


@pytest.mark.parametrize(("typed", "said"), [
    ("yesterday", "Write the time as 2026-11-16 09:30 (year-month-day hour:minute)."),
    ("2026-11-16", "Write the time as 2026-11-16 09:30 (year-month-day hour:minute)."),
    ("2026-02-30 10:00", "2026-02-30 10:00 is not a date and time on the calendar."),
    ("2026-11-16 24:00", "2026-11-16 24:00 is not a date and time on the calendar."),
    ("2026-11-16 10:00 +25:00", "+25:00 is not a UTC offset."),
    ("0001-01-01 10:00", "The time has to be from 0001-02-01 to 9999-11-30."),
    ("9999-12-31 10:00 +01:00", "The time has to be from 0001-02-01 to 9999-11-30."),
])
def test_a_time_that_does_not_fit_says_why_in_one_sentence(typed, said):
    with pytest.raises(ValueError) as refused:
        typed_time(typed, BERLIN)
    assert str(refused.value) == said
