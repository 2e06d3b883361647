"""Months and years as values: every local day, and what the span held.

`summarize_month` and `summarize_year` are pure functions from entries to a value that the
`month` and `year` commands (and later the review's views) render. Days follow the local
calendar as the week does (summary.py): an entry lands on the local day of its `started_at`,
and a day across a daylight-saving change is still one day.

What a stretch of days held is a `Tally`, and tallies add up: a month is the sum of its days,
a year the sum of its months. Before → after is averaged over grounding pairs only (one entry's
before and its own after), so a breathing break rated only afterwards never makes a day look as
if grounding raised it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, Protocol, TypeVar

from companion.entries import Entry
from companion.summary import (
    DAYS_IN_WEEK,
    NeedCount,
    QuadrantCount,
    RepairNote,
    WordCount,
    _most_used,
    _quadrants,
    _repair,
    _words,
    local_midnight,
    to_local,
    week_bounds,
)

MONTHS_IN_YEAR = 12


@dataclass(frozen=True, slots=True)
class Tally:
    """What some days held. Sums, so that tallies add: `day + day` is the two days together."""

    entries: int = 0
    checkins: int = 0
    breaks: int = 0
    breathing_seconds: float = 0.0
    activation_max: int | None = None  # the highest activation noted, before or after
    pairs: int = 0  # entries with both a before and an after
    before_sum: int = 0  # over the pairs only
    after_sum: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            entries=self.entries + other.entries,
            checkins=self.checkins + other.checkins,
            breaks=self.breaks + other.breaks,
            breathing_seconds=self.breathing_seconds + other.breathing_seconds,
            activation_max=_highest(self.activation_max, other.activation_max),
            pairs=self.pairs + other.pairs,
            before_sum=self.before_sum + other.before_sum,
            after_sum=self.after_sum + other.after_sum,
        )

    @property
    def breathing_minutes(self) -> float:
        return self.breathing_seconds / 60

    @property
    def before_avg(self) -> float | None:
        return round(self.before_sum / self.pairs, 1) if self.pairs else None

    @property
    def after_avg(self) -> float | None:
        return round(self.after_sum / self.pairs, 1) if self.pairs else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            "checkins": self.checkins,
            "breaks": self.breaks,
            "breathing_minutes": round(self.breathing_minutes, 1),
            "activation_max": self.activation_max,
            "before_avg": self.before_avg,
            "after_avg": self.after_avg,
            "pairs": self.pairs,
        }


class Breath(Protocol):
    """What the tallies read of an entry's breathing (entries.Breathing is one)."""

    @property
    def pattern(self) -> str: ...
    @property
    def seconds(self) -> float: ...


class Moment(Protocol):
    """What the tallies and insights read of an entry. An Entry is one; so is the lighter
    month_cache.Moment the store gives for a long look back (which never holds a repair: the
    store gives each repair as its Entry)."""

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def started_at(self) -> datetime: ...
    @property
    def activation_before(self) -> int | None: ...
    @property
    def activation_after(self) -> int | None: ...
    @property
    def breathing(self) -> Breath | None: ...
    @property
    def senses_steps(self) -> int: ...
    @property
    def needs(self) -> tuple[str, ...]: ...
    @property
    def body_signals(self) -> tuple[str, ...]: ...


AnyMoment = TypeVar("AnyMoment", bound=Moment)


def tally_of(entry: Entry) -> Tally:
    """One entry as a tally."""
    return tally_entries((entry,))


def tally_entries(entries: Iterable[Moment]) -> Tally:
    """What the entries held together.

    One pass with plain numbers: adding frozen Tallies an entry at a time made a new object
    each time, and took 110 ms over 18,000 entries.
    """
    count = checkins = breaks = pairs = before_sum = after_sum = 0
    seconds = 0.0
    highest: int | None = None
    for entry in entries:
        count += 1
        if entry.kind == "checkin":
            checkins += 1
        elif entry.kind == "breathing":
            breaks += 1
        if entry.breathing is not None:
            seconds += entry.breathing.seconds
        before, after = entry.activation_before, entry.activation_after
        for value in (before, after):
            if value is not None and (highest is None or value > highest):
                highest = value
        if before is not None and after is not None:
            pairs += 1
            before_sum += before
            after_sum += after
    return Tally(count, checkins, breaks, seconds, highest, pairs, before_sum, after_sum)


def total(tallies: Iterable[Tally]) -> Tally:
    """Tallies added up, in one pass."""
    count = checkins = breaks = pairs = before_sum = after_sum = 0
    seconds = 0.0
    highest: int | None = None
    for t in tallies:
        count += t.entries
        checkins += t.checkins
        breaks += t.breaks
        seconds += t.breathing_seconds
        highest = _highest(highest, t.activation_max)
        pairs += t.pairs
        before_sum += t.before_sum
        after_sum += t.after_sum
    return Tally(count, checkins, breaks, seconds, highest, pairs, before_sum, after_sum)


@dataclass(frozen=True, slots=True)
class SpanDay:
    """One local calendar day and what it held."""

    day: date
    tally: Tally = field(default_factory=Tally)

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), **self.tally.to_dict()}


# -- the calendar ----------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(first: date) -> date | None:
    """The first day of the month after; None after December 9999."""
    if first.month == MONTHS_IN_YEAR:
        return None if first.year == date.max.year else date(first.year + 1, 1, 1)
    return date(first.year, first.month + 1, 1)


def previous_month(first: date) -> date | None:
    """The first day of the month before; None before January of year 1."""
    if first.month == 1:
        return None if first.year == date.min.year else date(first.year - 1, MONTHS_IN_YEAR, 1)
    return date(first.year, first.month - 1, 1)


def shift_months(first: date, months: int) -> date:
    """The first day of the month `months` after (or before) the one beginning on `first`;
    raises ValueError outside years 1 to 9999."""
    index = first.year * MONTHS_IN_YEAR + first.month - 1 + months
    return date(index // MONTHS_IN_YEAR, index % MONTHS_IN_YEAR + 1, 1)


def days_from(first: date, end: date | None) -> list[date]:
    """Every day from `first` up to `end` (not included; None runs to the calendar's end)."""
    last = date.max.toordinal() if end is None else end.toordinal() - 1
    return [date.fromordinal(n) for n in range(first.toordinal(), last + 1)]


def month_weeks(first: date, week_start: str = "monday") -> list[list[date | None]]:
    """The month as a calendar: rows of seven days from `week_start`, None outside the month."""
    days = days_from(first, next_month(first))
    lead = (first - week_start_of(first, week_start)).days
    cells: list[date | None] = [None] * lead + list(days)
    cells += [None] * (-len(cells) % DAYS_IN_WEEK)
    return [cells[i : i + DAYS_IN_WEEK] for i in range(0, len(cells), DAYS_IN_WEEK)]


def week_start_of(day: date, week_start: str) -> date:
    """The first day of the week holding `day` (never before the calendar's first day)."""
    try:
        return week_bounds(day, week_start)[0]
    except OverflowError:
        return date.min


def span_times(first: date, end: date | None, tz: tzinfo | None = None
               ) -> tuple[datetime, datetime]:
    """Local days from `first` up to `end` (None: to the calendar's end) as UTC moments, for
    `HistoryStore.between`. At the calendar's edges the moment is the earliest or latest one."""
    return _utc_midnight(first, tz, edge=datetime.min), _utc_midnight(end, tz, edge=datetime.max)


def _utc_midnight(day: date | None, tz: tzinfo | None, edge: datetime) -> datetime:
    if day is not None:
        try:
            return local_midnight(day, tz).astimezone(UTC)
        except (OverflowError, ValueError, OSError):
            pass  # midnight in this zone is outside what datetime can hold
    return edge.replace(tzinfo=UTC)


# -- by day ---------------------------------------------------------------------------------


def by_local_day(entries: Iterable[AnyMoment], tz: tzinfo | None = None
                 ) -> Iterator[tuple[date, datetime, AnyMoment]]:
    """Each entry with its local day and local start."""
    for entry in entries:
        local = to_local(entry.started_at, tz)
        yield local.date(), local, entry


def day_tallies(entries: Iterable[Moment], tz: tzinfo | None = None) -> dict[date, Tally]:
    """What each local day held, for the days that held anything.

    A day across the start of a UTC month is added up a UTC month at a time, earliest first:
    as the day tallies kept for each month file add up (year_sums.py), to the last bit of
    the breathing seconds (a float's sum depends on its order)."""
    days: dict[date, list[Moment]] = {}
    for day, _, entry in by_local_day(entries, tz):
        found = days.get(day)
        if found is None:
            days[day] = [entry]
        else:
            found.append(entry)
    return {day: _day_tally(day, held) for day, held in days.items()}


def _day_tally(day: date, held: list[Moment]) -> Tally:
    # A UTC month begins on the local 1st or on a month's last day, whatever the offset.
    if day.day != 1 and (day == date.max or (day + timedelta(days=1)).day != 1):
        return tally_entries(held)
    by_month: dict[tuple[int, int], list[Moment]] = {}
    for entry in held:
        by_month.setdefault(_utc_month(entry.started_at), []).append(entry)
    if len(by_month) == 1:
        return tally_entries(held)
    return total(tally_entries(by_month[month]) for month in sorted(by_month))


def _utc_month(moment: datetime) -> tuple[int, int]:
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:  # before year 1 or after 9999 in UTC
        return (0, 0) if moment.year == 1 else (date.max.year + 1, 1)
    return utc.year, utc.month


def span_days(tallies: dict[date, Tally], first: date, end: date | None) -> tuple[SpanDay, ...]:
    """Every day from `first` up to `end`, empty ones too."""
    return tuple(SpanDay(d, tallies.get(d, Tally())) for d in days_from(first, end))


# -- a month --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthSummary:
    first: date
    days: tuple[SpanDay, ...]
    total: Tally
    previous: Tally | None  # the month before, to set beside this one (None before year 1)
    quadrants: tuple[QuadrantCount, ...]
    words: tuple[WordCount, ...]
    needs: tuple[NeedCount, ...]
    repairs: tuple[RepairNote, ...]
    repair_entries: tuple[Entry, ...]  # the same repairs' entries, for their stored form

    @property
    def label(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def previous_first(self) -> date | None:
        return previous_month(self.first)

    @property
    def is_empty(self) -> bool:
        return self.total.entries == 0

    @property
    def open_repairs(self) -> tuple[RepairNote, ...]:
        return tuple(r for r in self.repairs if r.is_open)

    def weeks(self, week_start: str = "monday") -> list[list[SpanDay | None]]:
        """The month as calendar rows of seven, from `week_start`."""
        by_day = {d.day: d for d in self.days}
        return [[None if day is None else by_day[day] for day in row]
                for row in month_weeks(self.first, week_start)]

    def summary_dict(self) -> dict[str, Any]:
        """The `summary` object of `month --format json` (see the README)."""
        previous = None
        if self.previous is not None and self.previous_first is not None:
            previous = {"month": f"{self.previous_first:%Y-%m}", **self.previous.to_dict()}
        return {
            **self.total.to_dict(),
            "feelings": {q.quadrant: q.count for q in self.quadrants},
            "words": [
                {"word": w.word, "quadrant": w.quadrant, "count": w.count} for w in self.words
            ],
            "needs": [{"need": n.need, "count": n.count} for n in self.needs],
            "repairs": [repair_dict(e) for e in self.repair_entries],
            "open_repairs": [r.entry_id for r in self.open_repairs],
            "previous": previous,
        }


def summarize_month(entries: Iterable[Entry], first: date, *, tz: tzinfo | None = None
                    ) -> MonthSummary:
    """What the month beginning on `first` held, and the month before it in total.

    `entries` may hold more than the two months; the rest are left out.
    """
    first = month_start(first)
    end = next_month(first)
    before = previous_month(first)
    by_day: dict[date, list[Entry]] = {}
    earlier: list[Entry] = []
    month: list[tuple[datetime, Entry]] = []
    for day, local, entry in by_local_day(entries, tz):
        if first <= day and (end is None or day < end):
            by_day.setdefault(day, []).append(entry)
            month.append((local, entry))
        elif before is not None and before <= day < first:
            earlier.append(entry)
    month.sort(key=lambda pair: pair[0])
    days = span_days({d: tally_entries(held) for d, held in by_day.items()}, first, end)
    in_month = [e for _, e in month]
    return MonthSummary(
        first=first,
        days=days,
        total=total(d.tally for d in days),
        previous=None if before is None else tally_entries(earlier),
        quadrants=_quadrants(in_month),
        words=_words(in_month),
        needs=tuple(NeedCount(need, count) for need, count in
                    _most_used(n for e in in_month for n in dict.fromkeys(e.needs))),
        repairs=tuple(_repair(local, e) for local, e in month if e.repair is not None),
        repair_entries=tuple(e for _, e in month if e.repair is not None),
    )


def repair_dict(entry: Entry) -> dict[str, Any]:
    """A repair as `repairs --format json` writes it: its entry's id and start, and the whole
    repair object as the export has it (fields a later version adds come along)."""
    stored = entry.to_dict()
    return {"id": stored["id"], "started_at": stored["started_at"], **stored["repair"]}


# -- a year ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WeekPoint:
    """One week of the year, for a line of weekly averages."""

    start: date
    label: str  # the ISO week, like 2026-W53
    tally: Tally


@dataclass(frozen=True, slots=True)
class YearSummary:
    year: int
    days: tuple[SpanDay, ...]
    weeks: tuple[WeekPoint, ...]
    week_start: str

    @property
    def months(self) -> tuple[tuple[SpanDay, ...], ...]:
        """Twelve rows, one a month, of 28 to 31 days."""
        rows: list[list[SpanDay]] = [[] for _ in range(MONTHS_IN_YEAR)]
        for day in self.days:
            rows[day.day.month - 1].append(day)
        return tuple(tuple(row) for row in rows)

    @property
    def month_totals(self) -> tuple[Tally, ...]:
        return tuple(total(d.tally for d in row) for row in self.months)

    @property
    def total(self) -> Tally:
        return total(d.tally for d in self.days)

    @property
    def is_empty(self) -> bool:
        return self.total.entries == 0

    def summary_dict(self) -> dict[str, Any]:
        """The `summary` object of `year --format json` (see the README)."""
        return {
            **self.total.to_dict(),
            "months": [
                {"month": f"{self.year:04d}-{i + 1:02d}", **tally.to_dict()}
                for i, tally in enumerate(self.month_totals)
            ],
            "weeks": [
                {"week": w.label, "start": w.start.isoformat(), "pairs": w.tally.pairs,
                 "before_avg": w.tally.before_avg, "after_avg": w.tally.after_avg}
                for w in self.weeks
            ],
        }


def year_weeks(year: int, week_start: str = "monday") -> list[tuple[date, str]]:
    """The weeks named in `year` (ISO weeks W01 to W52, or W53 in a long year): each week's
    first day (a Sunday before the Monday when weeks start on Sunday) and its name."""
    count = date(year, 12, 28).isocalendar().week  # 28 December is always in the last week
    weeks = []
    for number in range(1, count + 1):
        monday = date.fromisocalendar(year, number, 1)
        start = monday if week_start == "monday" else _day_before(monday)
        weeks.append((start, f"{year:04d}-W{number:02d}"))
    return weeks


def year_read_span(year: int, week_start: str = "monday") -> tuple[date, date | None]:
    """The local days a year's summary needs: the year and the edges of its first and last
    weeks (None: to the calendar's end)."""
    weeks = year_weeks(year, week_start)
    first = min(date(year, 1, 1), weeks[0][0])
    end = _days_after(weeks[-1][0], DAYS_IN_WEEK)
    year_end = None if year == date.max.year else date(year + 1, 1, 1)
    if end is None or year_end is None:
        return first, None
    return first, max(end, year_end)


def year_days(year: int) -> tuple[date, date | None]:
    """The local days a year's summary needs under either week start (None: to the
    calendar's end): Sunday's weeks begin a day earlier, Monday's end a day later."""
    first, _ = year_read_span(year, "sunday")
    _, end = year_read_span(year, "monday")
    return first, end


def summarize_year(entries: Iterable[Entry], year: int, *, week_start: str = "monday",
                   tz: tzinfo | None = None) -> YearSummary:
    """Every local day of `year`, and its weeks (see `year_weeks`)."""
    return year_of(day_tallies(entries, tz), year, week_start=week_start)


def year_of(tallies: dict[date, Tally], year: int, *, week_start: str = "monday"
            ) -> YearSummary:
    """`year` from what each local day held (`day_tallies`; days outside the year and its
    weeks are left out)."""
    end = None if year == date.max.year else date(year + 1, 1, 1)
    weeks = tuple(
        WeekPoint(start, label, total(tallies.get(d, Tally())
                                      for d in days_from(start, _days_after(start, 7))))
        for start, label in year_weeks(year, week_start)
    )
    return YearSummary(year=year, days=span_days(tallies, date(year, 1, 1), end), weeks=weeks,
                       week_start=week_start)


def _day_before(day: date) -> date:
    return day if day == date.min else day - timedelta(days=1)


def _days_after(day: date, days: int) -> date | None:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def _highest(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)
