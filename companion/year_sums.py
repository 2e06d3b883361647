"""What each local day of a UTC month held, kept beside the month's cached copy: a year from
fourteen months' day tallies instead of fourteen months' entries read and tallied again.

A Tally adds up (spans.py), so a local day across the start of a UTC month is the sum of its
two months' tallies, earliest first, as spans.day_tallies adds it up from the entries: the
same to the last bit. Local days depend on the zone, so a month's tallies are made under the
zone's offsets over that month (insights_sums.zone_key) and used only while they are the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from companion.insights_sums import MonthPart, month_bounds, tally_of_row, tally_row, zone_key
from companion.spans import Tally, day_tallies, span_times, total, year_days

if TYPE_CHECKING:
    from companion.history import HistoryStore

# Raised with anything that changes what a month's day tallies hold, so older ones are made again.
DAYS_VERSION = 1
# What the store keeps them as (month_cache: <YYYY-MM>.days.json).
KIND = "days"


def made_under(month: str) -> list[Any]:
    """What a month's day tallies are keyed by: their version and the zone's offsets."""
    return [DAYS_VERSION, *zone_key(month)]


def to_json(tallies: dict[date, Tally]) -> list[list[Any]]:
    return [[day.isoformat(), *tally_row(tally)] for day, tally in tallies.items()]


def from_json(data: Any) -> dict[date, Tally]:
    """The day tallies `to_json` wrote; raises on anything else (the caller tallies anew)."""
    if not isinstance(data, list):
        raise ValueError("not a list of days")
    return {date.fromisoformat(row[0]): tally_of_row(row[1:]) for row in data}


def days_of_months(parts: Sequence[MonthPart]) -> dict[date, Tally] | None:
    """What each local day held, from the store's months (HistoryStore.derived_months): a
    month's kept day tallies, else its moments tallied (and kept for the next time), merged a
    UTC month at a time. None if a month holds an entry from another month (files made
    elsewhere): the caller tallies the entries as before."""
    by_day: dict[date, list[Tally]] = {}
    for part in parts:
        days = None
        if part.kept is not None:
            try:
                days = from_json(part.kept)
            except Exception:  # not as written here: tallied again and kept anew
                days = None
        if days is None:
            moments = part.moments()
            start, end = month_bounds(part.month)
            if any(not start <= e.started_at < end for e in moments):
                return None
            days = day_tallies(moments)
            if part.keep is not None:
                part.keep(to_json(days))
        for day, tally in days.items():
            found = by_day.get(day)
            if found is None:
                by_day[day] = [tally]
            else:
                found.append(tally)
    return {day: found[0] if len(found) == 1 else total(found)
            for day, found in by_day.items()}


def year_tallies(store: HistoryStore, year: int) -> dict[date, Tally]:
    """What each local day of `year` and of its first and last weeks held (more days may be
    there), in the system's zone: from the day tallies kept for each UTC month when they can
    stand for it, else from the entries as they always were read."""
    start, end = span_times(*year_days(year))
    whole = _whole_months(start, end)
    if whole is not None:
        parts = store.derived_months(KIND, made_under, whole)
        found = None if parts is None else days_of_months(parts)
        if found is not None:
            return found
    return day_tallies(store.between(start, end))


def _whole_months(start: datetime, end: datetime) -> tuple[datetime, datetime] | None:
    """From the start of `start`'s UTC month to the end of the UTC month before `end`; None at
    the calendar's edges (read as before)."""
    lowest, highest = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
    if start <= lowest or end >= highest:
        return None
    first, _ = month_bounds(f"{start.year:04d}-{start.month:02d}")
    last = end.astimezone(UTC)
    if (last.day, last.hour, last.minute, last.second, last.microsecond) == (1, 0, 0, 0, 0):
        return first, last
    _, after = month_bounds(f"{last.year:04d}-{last.month:02d}")
    return (None if after >= highest else (first, after))
