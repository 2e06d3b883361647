"""What `insights` counts, pre-summed a month at a time: sums that merge into the same numbers.

Everything `insights` shows is a count, a sum or a median of small integers, so a month's
moments can be summed once and kept (the store keeps each month's sums beside its cached
copy, month_cache.py): the easing of each grounding as a histogram of (before − after) —
activations are whole numbers from 0 to 10, so the histogram gives back the exact sorted
values, and with them the same median and middle half —; what came with high activation as
counts; each local month's tally; the repairs as their entries (few, and their "days open"
depends on today). Merged in month order, they give insights equal to counting the moments
themselves (a property test holds that).

Local days, hours and weekdays depend on the time zone, so a month's sums are made under the
zone's offsets over that month (`zone_key`) and used only while they are the same.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from itertools import repeat, takewhile
from typing import TYPE_CHECKING, Any, Protocol

from companion.entries import Entry
from companion.insights import (
    _PART_OF_HOUR,
    ENOUGH,
    HIGH,
    OPEN_STATUS,
    SENSES,
    SHORT_SESSION_SECONDS,
    WEEKDAYS,
    BeforeHigh,
    Ease,
    Insights,
    MonthPoint,
    RepairItem,
    RepairTally,
    Share,
    WhatHelps,
    _month_index,
    _rank,
    gather_insights,
    is_open,
)
from companion.month_cache import entry_of, row_of
from companion.spans import MONTHS_IN_YEAR, Moment, Tally, span_times, total
from companion.summary import MOST_USED, PARTS_OF_DAY, to_local

if TYPE_CHECKING:
    from companion.history import HistoryStore

# Raised with anything that changes what a month's sums hold, so older sums are made again.
SUMS_VERSION = 1
# What the store keeps them as (month_cache: <YYYY-MM>.sums.json).
KIND = "sums"
_PARTS = tuple(part for part, _ in PARTS_OF_DAY)


@dataclass(slots=True)
class Sums:
    """What insights counts of some moments, under one zone. Merged with `add`."""

    entries: int = 0
    first_day: date | None = None  # the earliest local day
    last_day: date | None = None  # the latest
    # Each grounding's (before − after) as a histogram; short and long: breathing only.
    eased: dict[str, Counter[int]] = field(default_factory=dict)
    short: dict[str, Counter[int]] = field(default_factory=dict)
    long: dict[str, Counter[int]] = field(default_factory=dict)
    rated: int = 0  # rated before grounding
    high: int = 0  # of those, HIGH or more
    # Over the rated moments, and over the high ones: a key named twice in a moment counts once.
    needs: Counter[str] = field(default_factory=Counter)
    needs_high: Counter[str] = field(default_factory=Counter)
    signals: Counter[str] = field(default_factory=Counter)
    signals_high: Counter[str] = field(default_factory=Counter)
    parts: Counter[str] = field(default_factory=Counter)
    parts_high: Counter[str] = field(default_factory=Counter)
    weekdays: Counter[str] = field(default_factory=Counter)
    weekdays_high: Counter[str] = field(default_factory=Counter)
    # Each local month's tallies, one for each UTC month it was counted in, in that order:
    # added up at the end (a float's sum depends on its order; both ways add alike).
    months: dict[tuple[int, int], list[Tally]] = field(default_factory=dict)
    # Repairs: how many of each status, each closed one's hours from the moment to its
    # repair, and the entries of those still open (few; how long they have been open
    # depends on today), in order.
    statuses: Counter[str] = field(default_factory=Counter)
    hours: list[float] = field(default_factory=list)
    open: list[Entry] = field(default_factory=list)

    def add(self, other: Sums) -> None:
        self.entries += other.entries
        if other.first_day is not None and (self.first_day is None
                                            or other.first_day < self.first_day):
            self.first_day = other.first_day
        if other.last_day is not None and (self.last_day is None
                                           or other.last_day > self.last_day):
            self.last_day = other.last_day
        for mine, theirs in ((self.eased, other.eased), (self.short, other.short),
                             (self.long, other.long)):
            for pattern, counts in theirs.items():
                mine.setdefault(pattern, Counter()).update(counts)
        self.rated += other.rated
        self.high += other.high
        for name in ("needs", "needs_high", "signals", "signals_high", "parts", "parts_high",
                     "weekdays", "weekdays_high"):
            getattr(self, name).update(getattr(other, name))
        for month, tallies in other.months.items():
            self.months.setdefault(month, []).extend(tallies)
        self.statuses.update(other.statuses)
        self.hours.extend(other.hours)
        self.open.extend(other.open)

    # -- kept as JSON -----------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        def counts(found: dict[str, Counter[int]]) -> dict[str, list[list[int]]]:
            return {k: sorted(map(list, c.items())) for k, c in found.items()}

        def pairs(every: Counter[str], high: Counter[str]) -> dict[str, list[int]]:
            return {k: [n, high[k]] for k, n in every.items()}

        return {
            "entries": self.entries,
            "first_day": None if self.first_day is None else self.first_day.isoformat(),
            "last_day": None if self.last_day is None else self.last_day.isoformat(),
            "eased": counts(self.eased), "short": counts(self.short), "long": counts(self.long),
            "rated": self.rated, "high": self.high,
            "needs": pairs(self.needs, self.needs_high),
            "signals": pairs(self.signals, self.signals_high),
            "parts": pairs(self.parts, self.parts_high),
            "weekdays": pairs(self.weekdays, self.weekdays_high),
            "months": [[year, month, [list(tally_row(t)) for t in tallies]]
                       for (year, month), tallies in self.months.items()],
            "statuses": self.statuses, "hours": self.hours,
            "open": [row_of(e) for e in self.open],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Sums:
        """The sums `to_json` wrote; raises on anything else (the caller counts anew)."""
        def counts(found: dict[str, list[list[int]]]) -> dict[str, Counter[int]]:
            return {str(k): Counter({int(v): int(n) for v, n in c}) for k, c in found.items()}

        def pairs(found: dict[str, list[int]]) -> tuple[Counter[str], Counter[str]]:
            every: Counter[str] = Counter()
            high: Counter[str] = Counter()
            for key, (n, h) in found.items():
                every[key] = int(n)
                if h:
                    high[key] = int(h)
            return every, high

        first, last = data["first_day"], data["last_day"]
        sums = cls(int(data["entries"]), None if first is None else date.fromisoformat(first),
                   None if last is None else date.fromisoformat(last),
                   counts(data["eased"]), counts(data["short"]), counts(data["long"]),
                   int(data["rated"]), int(data["high"]))
        sums.needs, sums.needs_high = pairs(data["needs"])
        sums.signals, sums.signals_high = pairs(data["signals"])
        sums.parts, sums.parts_high = pairs(data["parts"])
        sums.weekdays, sums.weekdays_high = pairs(data["weekdays"])
        sums.months = {(int(year), int(month)): [tally_of_row(row) for row in rows]
                       for year, month, rows in data["months"]}
        shared: dict[Any, Any] = {}
        sums.statuses = Counter({str(k): int(n) for k, n in data["statuses"].items()})
        sums.hours = [float(h) for h in data["hours"]]
        sums.open = [entry_of(row, shared) for row in data["open"]]
        if any(not is_open(e) for e in sums.open):
            raise ValueError("an open repair that is not one")
        return sums


def tally_row(t: Tally) -> tuple[Any, ...]:
    return (t.entries, t.checkins, t.breaks, t.breathing_seconds, t.activation_max, t.pairs,
            t.before_sum, t.after_sum)


def tally_of_row(row: list[Any]) -> Tally:
    entries, checkins, breaks, seconds, highest, pairs, before_sum, after_sum = row
    return Tally(int(entries), int(checkins), int(breaks), float(seconds),
                 None if highest is None else int(highest), int(pairs), int(before_sum),
                 int(after_sum))


# -- counting ----------------------------------------------------------------------------------


def sums_of(days: Iterable[tuple[date, datetime, Moment]]) -> Sums:
    """The sums of some moments, each with its local day and start, in order."""
    from companion.spans import tally_entries

    sums = Sums()
    held: dict[tuple[int, int], list[Moment]] = {}
    for day, local, entry in days:
        sums.entries += 1
        if sums.first_day is None or day < sums.first_day:
            sums.first_day = day
        if sums.last_day is None or day > sums.last_day:
            sums.last_day = day
        found = held.get((day.year, day.month))
        if found is None:
            held[(day.year, day.month)] = [entry]
        else:
            found.append(entry)
        before, after = entry.activation_before, entry.activation_after
        if before is not None and after is not None:
            eased = before - after
            if entry.breathing is not None:
                pattern, seconds = entry.breathing.pattern, entry.breathing.seconds
                _count(sums.eased, pattern, eased)
                _count(sums.short if seconds < SHORT_SESSION_SECONDS else sums.long, pattern,
                       eased)
            if entry.senses_steps > 0:
                _count(sums.eased, SENSES, eased)
        if before is not None:
            sums.rated += 1
            needs = dict.fromkeys(entry.needs).keys()
            signals = dict.fromkeys(entry.body_signals).keys()
            (part,) = _PART_OF_HOUR[local.hour]
            weekday = WEEKDAYS[local.weekday()]
            sums.needs.update(needs)
            sums.signals.update(signals)
            sums.parts[part] += 1
            sums.weekdays[weekday] += 1
            if before >= HIGH:
                sums.high += 1
                sums.needs_high.update(needs)
                sums.signals_high.update(signals)
                sums.parts_high[part] += 1
                sums.weekdays_high[weekday] += 1
        if isinstance(entry, Entry) and entry.repair is not None:
            repair = entry.repair
            sums.statuses[repair.status] += 1
            if repair.status == OPEN_STATUS:
                sums.open.append(entry)
            elif repair.done_at is not None:
                sums.hours.append(
                    max((repair.done_at - entry.started_at).total_seconds(), 0) / 3600)
    sums.months = {month: [tally_entries(found)] for month, found in held.items()}
    return sums


def _count(found: dict[str, Counter[int]], pattern: str, eased: int) -> None:
    counts = found.get(pattern)
    if counts is None:
        found[pattern] = Counter((eased,))
    else:
        counts[eased] += 1


def by_utc_month(days: Iterable[tuple[date, datetime, Moment]]) -> Sums:
    """The sums of moments counted a UTC month at a time and merged in month order: what a
    month file's sums merged give (each local month's tally added up the same way)."""
    held: dict[tuple[int, int], list[tuple[date, datetime, Moment]]] = {}
    for found in days:
        start = found[2].started_at
        offset = start.utcoffset()
        utc = start - offset if offset else start
        held.setdefault((utc.year, utc.month), []).append(found)
    merged = Sums()
    for month in sorted(held):
        merged.add(sums_of(held[month]))
    return merged


# -- the insights -----------------------------------------------------------------------------


def insights_of(sums: Sums, first: date, last: date, *, now: datetime,
                week_start: str = "monday", tz: tzinfo | None = None) -> Insights:
    """What `insights` shows, from the sums of the moments of the local days first to last."""
    return Insights(
        first=first,
        last=last,
        what_helps=_what_helps(sums),
        before_high=_before_high(sums, week_start),
        repairs=_repairs(sums, now, tz),
        by_month=_by_month(sums, first, last),
        entry_count=sums.entries,
    )


def _ease(counts: Counter[int] | None) -> Ease:
    if not counts:
        return Ease(())
    return Ease(tuple(v for v in sorted(counts) for v in repeat(v, counts[v])))


def _what_helps(sums: Sums) -> tuple[WhatHelps, ...]:
    found = []
    for pattern, counts in sums.eased.items():
        short, long = _ease(sums.short.get(pattern)), _ease(sums.long.get(pattern))
        both = short.enough and long.enough
        found.append(WhatHelps(pattern, _ease(counts), short if both else None,
                               long if both else None))
    return tuple(sorted(found, key=_rank))


def _before_high(sums: Sums, week_start: str) -> BeforeHigh:
    if sums.high < ENOUGH:
        return BeforeHigh(sums.high, sums.rated, (), (), (), ())

    def shares(every: Counter[str], high: Counter[str], order: Iterable[str] | None = None
               ) -> tuple[Share, ...]:
        if order is None:  # the most frequent with high activation, ties by the baseline
            shown = sorted((k for k in high if high[k]),
                           key=lambda k: (-high[k], -every[k], k))[:MOST_USED]
        else:
            shown = list(order)
        return tuple(Share(k, high[k], high[k] / sums.high, every[k], every[k] / sums.rated)
                     for k in shown)

    days = WEEKDAYS if week_start == "monday" else (WEEKDAYS[-1], *WEEKDAYS[:-1])
    return BeforeHigh(
        moments=sums.high,
        rated=sums.rated,
        needs=shares(sums.needs, sums.needs_high),
        body_signals=shares(sums.signals, sums.signals_high),
        parts_of_day=shares(sums.parts, sums.parts_high, _PARTS),
        weekdays=shares(sums.weekdays, sums.weekdays_high, days),
    )


def _repairs(sums: Sums, now: datetime, tz: tzinfo | None) -> RepairTally:
    """As insights.repair_tally counts the repairs' entries."""
    still_open = sorted(sums.open, key=lambda e: e.started_at)
    return RepairTally(
        logged=sum(sums.statuses.values()),
        by_status={"done": 0, "planned": 0, "let_go": 0} | dict(sorted(sums.statuses.items())),
        open=tuple(RepairItem(e, to_local(e.started_at, tz), max((now - e.started_at).days, 0))
                   for e in still_open),
        hours_to_repair=tuple(sorted(sums.hours)),
    )


def _by_month(sums: Sums, first: date, last: date) -> tuple[MonthPoint, ...]:
    points = []
    index, end = _month_index(first), _month_index(last)
    while index <= end:
        year, month_number = index // MONTHS_IN_YEAR, index % MONTHS_IN_YEAR + 1
        points.append(MonthPoint(date(year, month_number, 1),
                                 total(sums.months.get((year, month_number), ()))))
        index += 1
    return tuple(points)


# -- a month at a time, from the store ----------------------------------------------------------


class MonthPart(Protocol):
    """One UTC month of the history as the store gives it (HistoryStore.derived_months): its
    kept sums (JSON, or None), how to read its moments, and how to keep its sums."""

    @property
    def month(self) -> str: ...  # 2026-11
    @property
    def kept(self) -> Any | None: ...
    @property
    def moments(self) -> Callable[[], Sequence[Entry | Moment]]: ...
    @property
    def keep(self) -> Callable[[Any], None] | None: ...


def zone_key(month: str, offset_at: Callable[[int], int] | None = None) -> list[Any]:
    """The zone's UTC offsets over a UTC month (and the day either side), as a month's sums
    are keyed: the offset at its start, then each change as (when, new offset).

    `offset_at` gives the offset (seconds) at a POSIX time; the system's local zone (what
    `datetime.astimezone()` uses) unless given. Looked at once a day and searched to the
    second where two days differ: a zone's clock changes last longer than a day.
    """
    at = offset_at if offset_at is not None else _local_offset
    start, end = month_bounds(month)
    first, last = int(start.timestamp()) - 86_400, int(end.timestamp()) + 86_400
    before = at(first)
    key: list[Any] = [SUMS_VERSION, HIGH, SHORT_SESSION_SECONDS, before]
    moment = first
    while moment < last:
        step = min(moment + 86_400, last)
        if at(step) == before:
            moment = step
            continue
        low, high = moment, step  # at(low) is `before`, at(high) is not: the change between
        while high - low > 1:
            middle = (low + high) // 2
            if at(middle) == before:
                low = middle
            else:
                high = middle
        before = at(high)
        key.append([high, before])
        moment = high
    return key


def _local_offset(moment: int) -> int:
    return time.localtime(moment).tm_gmtoff


def month_bounds(month: str) -> tuple[datetime, datetime]:
    year, number = int(month[:4]), int(month[5:7])
    start = datetime(year, number, 1, tzinfo=UTC)
    if number == MONTHS_IN_YEAR:
        return start, datetime(year + 1, 1, 1, tzinfo=UTC) if year < date.max.year else \
            datetime.max.replace(tzinfo=UTC)
    return start, datetime(year, number + 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Gathered:
    """The sums of the local days first to last, and how many entries were read."""

    sums: Sums
    first: date
    last: date
    read: int


def gather_months(parts: Sequence[MonthPart], first: date | None, today: date
                  ) -> Gathered | None:
    """The sums of the local days from `first` (the earliest entry's if None) to `today`,
    from the store's months (HistoryStore.derived_months): a month's kept sums when all its
    days are in the span, its moments counted otherwise, and sums kept for the next time.
    Local means the system's zone (as zone_key keys the sums). None if a month holds an entry
    from another month (files made elsewhere): the caller counts every moment as before."""
    read: dict[str, Sequence[Entry | Moment]] = {}

    def moments(part: MonthPart) -> Sequence[Entry | Moment]:
        if part.month not in read:
            read[part.month] = part.moments()
        return read[part.month]

    whole: list[Sums] = []
    for part in parts:
        sums = None
        if part.kept is not None:
            try:
                sums = Sums.from_json(part.kept)
            except Exception:  # not as written here: counted again and kept anew
                sums = None
        if sums is None:
            made = month_sums(part.month, moments(part))
            if made is None:
                return None
            sums = Sums.from_json(made)
            if part.keep is not None:
                part.keep(made)
        whole.append(sums)
    if first is None:
        found = [s.first_day for s in whole if s.first_day is not None]
        first = min(found) if found else today
    last = max(first, today)
    merged = Sums()
    for part, sums in zip(parts, whole, strict=True):
        if (sums.first_day is not None and sums.last_day is not None
                and not first <= sums.first_day <= sums.last_day <= last):
            # Some of the month's moments are outside the span: counted on their days.
            sums = sums_of([(day, local, e) for day, local, e in _local_days(moments(part))
                            if first <= day <= last])
        merged.add(sums)
    return Gathered(merged, first, last, sum(s.entries for s in whole))


def month_sums(month: str, moments: Sequence[Entry | Moment]) -> Any | None:
    """A UTC month's sums as kept (JSON), from its moments; None when one of them is from
    another month (files made elsewhere): then no month's sums can stand for the span."""
    start, end = month_bounds(month)
    if any(not start <= e.started_at < end for e in moments):
        return None
    return sums_of(_local_days(moments)).to_json()


def _local_days(moments: Iterable[Moment]) -> list[tuple[date, datetime, Moment]]:
    days = []
    for entry in moments:
        local = entry.started_at.astimezone()
        days.append((local.date(), local, entry))
    return days


# -- from the store: what the command line and the app both count --------------------------------


@dataclass(frozen=True, slots=True)
class Counted:
    """What `insights` counts over the local days from `first` (the earliest entry's if None)
    to `today`, as read from the store: the months' sums when they can stand for the span
    (`gathered`), else the moments themselves."""

    first: date | None
    today: date
    gathered: Gathered | None = None
    moments: Sequence[Entry | Moment] = ()

    @property
    def read(self) -> int:
        """How many entries were read (none: nothing could be, or there is nothing)."""
        return self.gathered.read if self.gathered is not None else len(self.moments)

    def insights(self, now: datetime, week_start: str) -> Insights:
        found = self.gathered
        if found is not None and found.read:
            return insights_of(found.sums, found.first, found.last, now=now,
                               week_start=week_start)
        first = self.first if self.first is not None else _first_day(self.moments, self.today)
        return gather_insights(self.moments, first, max(first, self.today), now=now,
                               week_start=week_start)


def count_insights(store: HistoryStore, first: date | None, today: date) -> Counted:
    """What `insights` (and the app's What helps) counts, from `first` (everything if None) to
    `today`: each whole month from the sums kept beside its cached copy, so five years'
    moments are not loaded and counted again each time; the moments where the sums cannot
    stand for the months (an entry filed in another month: files made elsewhere)."""
    between = None
    if first is not None:
        # None on the calendar's last day, which has no day after it.
        between = span_times(first, None if today == date.max else today + timedelta(days=1))
    parts = store.derived_months(KIND, zone_key, between, derive=month_sums)
    gathered = None if parts is None else gather_months(parts, first, today)
    if gathered is not None:
        return Counted(first, today, gathered=gathered)
    # Moments: what the insights read of each entry, quicker to load than whole entries.
    return Counted(first, today,
                   moments=store.moments() if between is None else store.moments(*between))


def _first_day(entries: Sequence[Entry | Moment], today: date) -> date:
    """The local day of the earliest entry (oldest first): only the entries of its first two
    days in UTC can fall on it, whatever the zone (offsets are under a day)."""
    if not entries:
        return today
    near = entries[0].started_at + timedelta(days=2)
    return min(e.started_at.astimezone().date()
               for e in takewhile(lambda e: e.started_at < near, entries))


def open_repairs(store: HistoryStore) -> list[Entry]:
    """The repairs still open in all() (each month's kept with its sums, whole), in the order
    all() gives them: home's count reads no other entry. From the moments (where repairs are
    their entries) when the sums cannot stand for the months (an id in two months)."""
    parts = store.derived_months(KIND, zone_key, derive=month_sums)
    found = None if parts is None else _open_of(parts)
    if found is not None:
        return found
    return [e for e in store.moments() if isinstance(e, Entry) and is_open(e)]


def _open_of(parts: Sequence[MonthPart]) -> list[Entry] | None:
    """Each month's open repairs from its kept sums, or from its moments (its sums then kept);
    None if a month holds an entry from another month (as gather_months)."""
    found: list[Entry] = []
    for part in parts:
        if part.kept is not None:
            try:
                kept = [entry_of(row, {}) for row in part.kept["open"]]
            except Exception:  # not as written here: counted again and kept anew
                kept = None
            if kept is not None and all(is_open(e) for e in kept):
                found += kept
                continue
        moments = part.moments()
        start, end = month_bounds(part.month)
        if any(not start <= e.started_at < end for e in moments):
            return None
        sums = sums_of(_local_days(moments))
        if part.keep is not None:
            part.keep(sums.to_json())
        found += sums.open
    return found
