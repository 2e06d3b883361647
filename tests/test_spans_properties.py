"""Months and years on many generated histories: a month's days add up to its entries, and a
year's months are the months' own summaries. Kept apart from tests/test_spans.py, whose fast
hand-made cases are what tools/mutation.py runs each mutant of companion/spans.py against."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.entries import Breathing, Entry
from companion.spans import summarize_month, summarize_year

NEW_YORK = ZoneInfo("America/New_York")
NOVEMBER = date(2026, 11, 1)

# -- properties -------------------------------------------------------------------------------

OFFSETS = st.sampled_from([timezone(timedelta(hours=h)) for h in (-11, -5, 0, 1, 5.5, 14)])
MOMENTS = st.builds(
    lambda minutes, tz: (datetime(2026, 9, 15, tzinfo=UTC) + timedelta(minutes=minutes))
    .astimezone(tz),
    st.integers(0, 60 * 24 * 120), OFFSETS)
ACTIVATION = st.none() | st.integers(0, 10)
ENTRIES = st.lists(
    st.builds(
        lambda kind, moment, before, after, seconds: Entry(
            kind=kind, started_at=moment, activation_before=before, activation_after=after,
            breathing=None if seconds is None else Breathing("box", seconds, 1, True)),
        st.sampled_from(["checkin", "breathing", "repair"]), MOMENTS, ACTIVATION, ACTIVATION,
        st.none() | st.floats(0, 600, allow_nan=False)),
    max_size=60)


@settings(max_examples=60, deadline=None)
@given(ENTRIES)
def test_a_months_days_add_up_to_the_entries_in_it(entries):
    summary = summarize_month(entries, NOVEMBER, tz=NEW_YORK)
    inside = [e for e in entries if e.started_at.astimezone(NEW_YORK).date().month == 11]
    assert sum(d.tally.entries for d in summary.days) == len(inside) == summary.total.entries
    assert sum(d.tally.checkins for d in summary.days) == sum(
        e.kind == "checkin" for e in inside)
    pairs = [e for e in inside if e.activation_before is not None
             and e.activation_after is not None]
    assert summary.total.pairs == len(pairs)
    assert summary.total.before_sum == sum(e.activation_before or 0 for e in pairs)
    assert summary.total.breathing_seconds == pytest.approx(
        sum(e.breathing.seconds for e in inside if e.breathing is not None))


@settings(max_examples=40, deadline=None)
@given(ENTRIES)
def test_a_years_months_are_the_months_summaries(entries):
    year = summarize_year(entries, 2026, tz=NEW_YORK)
    for number, in_year in enumerate(year.month_totals, start=1):
        month = summarize_month(entries, date(2026, number, 1), tz=NEW_YORK)
        assert month.total.entries == in_year.entries
        assert month.total.pairs == in_year.pairs
        assert month.total.activation_max == in_year.activation_max
