"""What helps you: the statistics behind `companion insights` and `companion repairs`.

Pure functions from entries to values. Every number here is said with how many moments it
rests on, and below `ENOUGH` moments there is no number at all ("too few to say yet"): a median
of three is a story, not a pattern. What came with high activation is set beside the person's
own baseline and never called a cause.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from itertools import chain, compress
from typing import Any

from companion.entries import Entry
from companion.spans import (
    MONTHS_IN_YEAR,
    Moment,
    Tally,
    by_local_day,
    repair_dict,
    tally_entries,
    total,
)
from companion.summary import MOST_USED, PARTS_OF_DAY, part_of_day, to_local

# Fewer uses than this and a pattern gets "too few to say yet" instead of a number.
ENOUGH = 5
# Activation from this up counts as high, for what came before it.
HIGH = 7
# Breathing shorter than this is a short session, the rest long.
SHORT_SESSION_SECONDS = 120.0
SENSES = "senses"
# The repair status that means it is still to do; every other status (done, let go…) closes it.
OPEN_STATUS = "planned"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


# -- what helps you ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ease:
    """How much activation eased (before − after) over some uses of one grounding."""

    eased: tuple[int, ...]  # one value a use, sorted

    @property
    def uses(self) -> int:
        return len(self.eased)

    @property
    def enough(self) -> bool:
        return self.uses >= ENOUGH

    @property
    def median(self) -> float | None:
        return float(statistics.median(self.eased)) if self.enough else None

    @property
    def spread(self) -> tuple[float, float] | None:
        """The middle half of the uses: the first and third quartiles, interpolated between
        values as a spreadsheet's QUARTILE.INC does. None below `ENOUGH` uses."""
        if not self.enough:
            return None
        q1, _, q3 = statistics.quantiles(self.eased, n=4, method="inclusive")
        return round(q1, 2), round(q3, 2)

    def to_dict(self) -> dict[str, Any]:
        return {"uses": self.uses, "eased_median": self.median, "enough": self.enough,
                "eased_spread": None if self.spread is None else list(self.spread)}


def ease_of(values: Iterable[int]) -> Ease:
    return Ease(tuple(sorted(values)))


@dataclass(frozen=True, slots=True)
class WhatHelps:
    """One way of grounding: a breathing pattern's name, or `senses` for the senses prompt."""

    pattern: str
    ease: Ease
    # Sessions under and over SHORT_SESSION_SECONDS, only when both have enough uses.
    short: Ease | None = None
    long: Ease | None = None

    def to_dict(self) -> dict[str, Any]:
        sessions = None
        if self.short is not None and self.long is not None:
            sessions = {"split_minutes": SHORT_SESSION_SECONDS / 60,
                        "short": self.short.to_dict(), "long": self.long.to_dict()}
        return {"pattern": self.pattern, **self.ease.to_dict(), "sessions": sessions}


def what_helps(entries: Iterable[Moment]) -> tuple[WhatHelps, ...]:
    """Each grounding used by an entry rated both before and after, best first.

    Ranked by the median easing (then by uses, then by name); those with too few uses come
    after every one with enough, most used first. An entry that used a pattern and the senses
    prompt counts for both.
    """
    eased: dict[str, list[int]] = {}
    seconds: dict[str, list[tuple[float, int]]] = {}
    for entry in entries:
        before, after = entry.activation_before, entry.activation_after
        if before is None or after is None:
            continue
        if entry.breathing is not None:
            eased.setdefault(entry.breathing.pattern, []).append(before - after)
            seconds.setdefault(entry.breathing.pattern, []).append(
                (entry.breathing.seconds, before - after))
        if entry.senses_steps > 0:
            eased.setdefault(SENSES, []).append(before - after)
    found = []
    for pattern, values in eased.items():
        short = ease_of(v for s, v in seconds.get(pattern, ()) if s < SHORT_SESSION_SECONDS)
        long = ease_of(v for s, v in seconds.get(pattern, ()) if s >= SHORT_SESSION_SECONDS)
        both = short.enough and long.enough
        found.append(WhatHelps(pattern, ease_of(values), short if both else None,
                               long if both else None))
    return tuple(sorted(found, key=_rank))


def _rank(helps: WhatHelps) -> tuple[bool, float, int, str]:
    median = helps.ease.median
    return (not helps.ease.enough, -(median or 0.0), -helps.ease.uses, helps.pattern)


# -- before high activation ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Share:
    """How often something came with high activation, beside how often it came at all."""

    key: str
    count: int  # among the high moments
    share: float  # count ÷ high moments
    baseline_count: int  # among every moment rated before
    baseline_share: float  # baseline_count ÷ moments rated

    def to_dict(self, name: str) -> dict[str, Any]:
        return {name: self.key, "count": self.count, "share": round(self.share, 3),
                "baseline_count": self.baseline_count,
                "baseline_share": round(self.baseline_share, 3)}


@dataclass(frozen=True, slots=True)
class BeforeHigh:
    """What came with activation of `HIGH` or more, over the moments rated before grounding."""

    moments: int  # rated HIGH or more
    rated: int  # rated at all
    needs: tuple[Share, ...]  # the MOST_USED most frequent among high moments
    body_signals: tuple[Share, ...]
    parts_of_day: tuple[Share, ...]  # all four, in the day's order
    weekdays: tuple[Share, ...]  # all seven, from the first day of the week

    @property
    def enough(self) -> bool:
        return self.moments >= ENOUGH

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": HIGH,
            "moments": self.moments,
            "rated": self.rated,
            "enough": self.enough,
            "needs": [s.to_dict("need") for s in self.needs],
            "body_signals": [s.to_dict("body_signal") for s in self.body_signals],
            "parts_of_day": [s.to_dict("part") for s in self.parts_of_day],
            "weekdays": [s.to_dict("weekday") for s in self.weekdays],
        }


def before_high(entries: Iterable[Moment], *, week_start: str = "monday",
                tz: tzinfo | None = None) -> BeforeHigh:
    return _before_high([(local, e) for _, local, e in by_local_day(entries, tz)],
                        week_start=week_start)


def _before_high(moments: Iterable[tuple[datetime, Moment]], *, week_start: str) -> BeforeHigh:
    """before_high over entries already paired with their local start."""
    rated = [(local, e) for local, e in moments if e.activation_before is not None]
    high = [(local, e) for local, e in rated if (e.activation_before or 0) >= HIGH]
    if len(high) < ENOUGH:
        return BeforeHigh(len(high), len(rated), (), (), (), ())

    # Each moment's keys worked out once, the high moments picked by a mask: counted by
    # Counter over flat lists, a third of the time of a generator per moment.
    is_high = [(e.activation_before or 0) >= HIGH for _, e in rated]

    def shares(keys: list[Iterable[str]], order: Iterable[str] | None = None
               ) -> tuple[Share, ...]:
        among_high = Counter(chain.from_iterable(compress(keys, is_high)))
        among_all = Counter(chain.from_iterable(keys))
        if order is None:  # the most frequent with high activation, ties by the baseline
            shown = sorted(among_high, key=lambda k: (-among_high[k], -among_all[k], k))
            shown = shown[:MOST_USED]
        else:
            shown = list(order)
        return tuple(Share(k, among_high[k], among_high[k] / len(high), among_all[k],
                           among_all[k] / len(rated)) for k in shown)

    days = WEEKDAYS if week_start == "monday" else (WEEKDAYS[-1], *WEEKDAYS[:-1])
    weekday = _WEEKDAY_KEYS
    return BeforeHigh(
        moments=len(high),
        rated=len(rated),
        # dict.fromkeys: a key named twice in one moment counts once.
        needs=shares([dict.fromkeys(e.needs) for _, e in rated]),
        body_signals=shares([dict.fromkeys(e.body_signals) for _, e in rated]),
        parts_of_day=shares([_PART_OF_HOUR[local.hour] for local, _ in rated],
                            [part for part, _ in PARTS_OF_DAY]),
        weekdays=shares([weekday[local.weekday()] for local, _ in rated], days),
    )


# Each hour's part of the day and each weekday as a one-key tuple, made once: looked up for
# every moment rated, where calling part_of_day took a fifth of the statistics' time.
_PART_OF_HOUR = tuple((part_of_day(hour),) for hour in range(24))
_WEEKDAY_KEYS = tuple((day,) for day in WEEKDAYS)


# -- repairs ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RepairItem:
    """A repair as its entry holds it, with how long it has been open (None once closed)."""

    entry: Entry
    started_at: datetime  # local
    days_open: int | None

    @property
    def status(self) -> str:
        assert self.entry.repair is not None
        return self.entry.repair.status

    def to_dict(self) -> dict[str, Any]:
        """The entry's id and start and the whole repair object, as the export writes it."""
        return {**repair_dict(self.entry), "days_open": self.days_open}


# A repair's id as `companion repairs` shows it (and `--done` takes): its first characters,
# more where two repairs' ids begin alike.
SHORT_ID = 8


def short_ids(ids: Iterable[str]) -> dict[str, str]:
    """Each id's shortest beginning (SHORT_ID characters at least) that no other id shares."""
    keys = sorted({entry_id.lower() for entry_id in ids})
    short = {}
    for index, key in enumerate(keys):
        shared = max((_common(key, keys[other]) for other in (index - 1, index + 1)
                      if 0 <= other < len(keys)), default=0)
        short[key] = key[:max(SHORT_ID, shared + 1)]
    return short


def _common(a: str, b: str) -> int:
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    return length


def find_repair(entries: Iterable[Entry], given: str) -> list[Entry]:
    """The repairs whose id begins with `given` (in any case): one, or none, or several."""
    wanted = given.strip().lower()
    return [e for e in entries if e.repair is not None and e.id.lower().startswith(wanted)]


def is_open(entry: Entry) -> bool:
    return entry.repair is not None and entry.repair.status == OPEN_STATUS


def repair_items(entries: Iterable[Entry], now: datetime, *, open_only: bool = False,
                 tz: tzinfo | None = None) -> tuple[RepairItem, ...]:
    """Every repair (or only the open ones), oldest first."""
    items = [
        RepairItem(e, to_local(e.started_at, tz),
                   max((now - e.started_at).days, 0) if is_open(e) else None)
        for e in entries
        if e.repair is not None and (is_open(e) or not open_only)
    ]
    return tuple(sorted(items, key=lambda item: item.entry.started_at))


@dataclass(frozen=True, slots=True)
class RepairTally:
    logged: int
    by_status: dict[str, int]  # done, planned and let_go always; any other status as found
    open: tuple[RepairItem, ...]  # oldest first
    hours_to_repair: tuple[float, ...]  # for each closed repair with a time: start → done_at

    @property
    def median_hours_to_repair(self) -> float | None:
        if not self.hours_to_repair:
            return None
        return round(statistics.median(self.hours_to_repair), 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "logged": self.logged,
            "by_status": self.by_status,
            "open": [{"id": r.entry.id, "started_at": r.entry.to_dict()["started_at"],
                      "with_whom": r.entry.repair.with_whom if r.entry.repair else None,
                      "days_open": r.days_open} for r in self.open],
            "median_hours_to_repair": self.median_hours_to_repair,
            "timed": len(self.hours_to_repair),
        }


def repair_tally(entries: Iterable[Entry], now: datetime, *, tz: tzinfo | None = None
                 ) -> RepairTally:
    items = repair_items(entries, now, tz=tz)
    statuses = Counter(item.status for item in items)
    by_status = {"done": 0, "planned": 0, "let_go": 0} | dict(sorted(statuses.items()))
    hours = []
    for item in items:
        repair = item.entry.repair
        if repair is not None and repair.status != OPEN_STATUS and repair.done_at is not None:
            hours.append(max((repair.done_at - item.entry.started_at).total_seconds(), 0) / 3600)
    return RepairTally(
        logged=len(items),
        by_status=by_status,
        open=tuple(item for item in items if item.days_open is not None),
        hours_to_repair=tuple(sorted(hours)),
    )


# -- over time ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthPoint:
    first: date
    tally: Tally

    def to_dict(self) -> dict[str, Any]:
        return {"month": f"{self.first:%Y-%m}", "checkins": self.tally.checkins,
                "breaks": self.tally.breaks,
                "breathing_minutes": round(self.tally.breathing_minutes, 1),
                "pairs": self.tally.pairs, "before_avg": self.tally.before_avg,
                "after_avg": self.tally.after_avg}


def by_month(entries: Iterable[Moment], first: date, last: date, *, tz: tzinfo | None = None
             ) -> tuple[MonthPoint, ...]:
    """Every local month from `first`'s to `last`'s, empty ones too."""
    return _by_month(by_local_day(entries, tz), first, last)


def _by_month(days: Iterable[tuple[date, datetime, Moment]], first: date, last: date
              ) -> tuple[MonthPoint, ...]:
    # Grouped by (year, month): a new date a moment (month_start) took a third of the time.
    held: dict[tuple[int, int], list[Moment]] = {}
    for day, _, entry in days:
        if first <= day <= last:
            month_key = (day.year, day.month)
            found = held.get(month_key)
            if found is None:
                held[month_key] = [entry]
            else:
                found.append(entry)
    points = []
    index, end = _month_index(first), _month_index(last)
    while index <= end:
        year, month_number = index // MONTHS_IN_YEAR, index % MONTHS_IN_YEAR + 1
        points.append(MonthPoint(date(year, month_number, 1),
                                 _month_tally(held.get((year, month_number), ()),
                                              year, month_number)))
        index += 1
    return tuple(points)


def _month_tally(entries: Sequence[Moment], year: int, month: int) -> Tally:
    """A local month's tally, added up a UTC month at a time, earliest first: as the sums of
    each month file add up (insights_sums.py), to the last bit of the breathing seconds (a
    float sum depends on its order). A local month starts and ends within a day of its UTC
    month, so it falls in that month and the ones either side."""
    start, ends = datetime(year, month, 1, tzinfo=UTC), _utc_month_after(year, month)
    if all(start <= e.started_at and (ends is None or e.started_at < ends) for e in entries):
        return tally_entries(entries)  # all in one UTC month: as it always was
    before = [e for e in entries if e.started_at < start]
    inside = [e for e in entries if start <= e.started_at and (ends is None
                                                               or e.started_at < ends)]
    after = [] if ends is None else [e for e in entries if ends <= e.started_at]
    return total(tally_entries(part) for part in (before, inside, after) if part)


def _utc_month_after(year: int, month: int) -> datetime | None:
    if month == MONTHS_IN_YEAR:
        return None if year == date.max.year else datetime(year + 1, 1, 1, tzinfo=UTC)
    return datetime(year, month + 1, 1, tzinfo=UTC)


def _month_index(day: date) -> int:
    return day.year * MONTHS_IN_YEAR + day.month - 1


# -- all of it ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Insights:
    first: date
    last: date  # included
    what_helps: tuple[WhatHelps, ...]
    before_high: BeforeHigh
    repairs: RepairTally
    by_month: tuple[MonthPoint, ...]
    entry_count: int

    def to_dict(self) -> dict[str, Any]:
        """The body of `insights --format json` (see the README)."""
        return {
            "span": {"from": self.first.isoformat(), "to": self.last.isoformat()},
            "what_helps": [w.to_dict() for w in self.what_helps],
            "before_high": self.before_high.to_dict(),
            "repairs": self.repairs.to_dict(),
            "by_month": [m.to_dict() for m in self.by_month],
        }


def gather_insights(entries: Iterable[Moment], first: date, last: date, *, now: datetime,
                    week_start: str = "monday", tz: tzinfo | None = None) -> Insights:
    """Everything `insights` shows, over the local days from `first` to `last`. Entries, or
    the store's lighter moments with every repair as its Entry (HistoryStore.moments)."""
    # Each entry's local start worked out once: over five years that is most of the time.
    days = []
    for entry in entries:  # by_local_day, inline: a generator's step a moment adds up
        local = entry.started_at.astimezone(tz)
        day = local.date()
        if first <= day <= last:
            days.append((day, local, entry))
    span = [e for _, _, e in days]
    return Insights(
        first=first,
        last=last,
        what_helps=what_helps(span),
        before_high=_before_high([(local, e) for _, local, e in days], week_start=week_start),
        repairs=repair_tally([e for e in span if isinstance(e, Entry)], now, tz=tz),
        by_month=_by_month(days, first, last),
        entry_count=len(span),
    )
