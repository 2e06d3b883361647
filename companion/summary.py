"""The weekly review as one value: what a week held, by local calendar day.

`summarize_week` is a pure function from entries to a `WeekSummary`; the review screen, the
`week` table, the markdown report and the json all render that one value. Weeks and days follow
the local calendar (a week across a daylight-saving change still has seven days), so an entry is
placed by its `started_at` converted to the local zone. The summary counts what happened and
says nothing about what did not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from companion.entries import Entry
from companion.vocabulary import QUADRANTS

WEEK_STARTS = ("monday", "sunday")
DAYS_IN_WEEK = 7
# How many feeling words and needs the review lists; the rest stay in the entries.
MOST_USED = 8

# The hour each part of the day begins. Night runs from its hour past midnight to morning.
PARTS_OF_DAY = (("morning", 5), ("afternoon", 12), ("evening", 17), ("night", 22))

KIND_NAMES = {"checkin": "check-in", "breathing": "breathing break", "repair": "repair"}
# A repair's status in a sentence: "let go" closes a repair without calling it done.
REPAIR_STATUS_WORDS = {"done": "done", "planned": "planned", "let_go": "let go"}


def status_words(status: str) -> str:
    """A repair's status as words; one from a newer companion shows as itself."""
    return REPAIR_STATUS_WORDS.get(status, status.replace("_", " "))


@dataclass(frozen=True, slots=True)
class DaySummary:
    """One local calendar day.

    `before_avg` → `after_avg` is the grounding effect: averaged over the day's grounding pairs
    only (one entry's before and its after), so a break rated only afterwards cannot make a day
    read as rising. `activation_before` and `activation_after` average every value noted, pair
    or not (kept in the week's json for its readers).
    """

    day: date
    check_ins: int
    breathing_breaks: int
    breathing_seconds: float
    activation_before: float | None
    activation_after: float | None
    pairs: int = 0
    before_avg: float | None = None
    after_avg: float | None = None

    @property
    def breathing_minutes(self) -> float:
        return self.breathing_seconds / 60

    @property
    def moments(self) -> int:
        return self.check_ins + self.breathing_breaks


@dataclass(frozen=True, slots=True)
class GroundingMoment:
    """Activation before and after grounding, for an entry that has both."""

    entry_id: str
    started_at: datetime  # in the local zone
    before: int
    after: int


@dataclass(frozen=True, slots=True)
class QuadrantCount:
    quadrant: str
    count: int


@dataclass(frozen=True, slots=True)
class WordCount:
    word: str
    quadrant: str
    count: int


@dataclass(frozen=True, slots=True)
class NeedCount:
    need: str
    count: int


@dataclass(frozen=True, slots=True)
class PartOfDay:
    """When activation showed up: how many moments fell in this part of the day."""

    part: str
    first_hour: int
    end_hour: int  # exclusive; smaller than first_hour when the part runs past midnight
    moments: int
    activation_before: float | None


@dataclass(frozen=True, slots=True)
class RepairNote:
    """A repair logged in the week, as its entry holds it."""

    entry_id: str
    started_at: datetime  # in the local zone
    with_whom: str | None
    what_happened: str
    my_part: str
    step: str | None
    status: str
    done_at: datetime | None

    @property
    def is_open(self) -> bool:
        """Still to come: a repair let go is closed, as one done is."""
        return self.status == "planned"


@dataclass(frozen=True, slots=True)
class WeekSummary:
    start: date
    days: tuple[DaySummary, ...]
    grounding: tuple[GroundingMoment, ...]
    quadrants: tuple[QuadrantCount, ...]
    words: tuple[WordCount, ...]
    needs: tuple[NeedCount, ...]
    parts_of_day: tuple[PartOfDay, ...]
    repairs: tuple[RepairNote, ...]
    entry_count: int

    @property
    def end(self) -> date:
        """The first day after the week."""
        return self.start + timedelta(days=DAYS_IN_WEEK)

    @property
    def label(self) -> str:
        return week_label(self.start)

    @property
    def is_empty(self) -> bool:
        return self.entry_count == 0

    @property
    def open_repairs(self) -> tuple[RepairNote, ...]:
        return tuple(r for r in self.repairs if r.is_open)

    def to_dict(self) -> dict[str, Any]:
        """The summary's json form (documented in the README under `week --format json`)."""
        return {
            "days": [
                {
                    "date": d.day.isoformat(),
                    "check_ins": d.check_ins,
                    "breathing_breaks": d.breathing_breaks,
                    "breathing_minutes": round(d.breathing_minutes, 1),
                    "activation_before": d.activation_before,
                    "activation_after": d.activation_after,
                    "pairs": d.pairs,
                    "before_avg": d.before_avg,
                    "after_avg": d.after_avg,
                }
                for d in self.days
            ],
            "grounding": [
                {"id": g.entry_id, "started_at": g.started_at.isoformat(),
                 "before": g.before, "after": g.after}
                for g in self.grounding
            ],
            "feelings": {q.quadrant: q.count for q in self.quadrants},
            "words": [
                {"word": w.word, "quadrant": w.quadrant, "count": w.count} for w in self.words
            ],
            "needs": [{"need": n.need, "count": n.count} for n in self.needs],
            "times_of_day": [
                {"part": p.part, "hours": f"{p.first_hour:02d}-{p.end_hour:02d}",
                 "moments": p.moments, "activation_before": p.activation_before}
                for p in self.parts_of_day
            ],
            "repairs": [
                {
                    "id": r.entry_id,
                    "started_at": r.started_at.isoformat(),
                    "with_whom": r.with_whom,
                    "step": r.step,
                    "status": r.status,
                    "done_at": None if r.done_at is None else r.done_at.isoformat(),
                }
                for r in self.repairs
            ],
            "open_repairs": [r.entry_id for r in self.open_repairs],
        }


# -- the calendar --------------------------------------------------------------------------


def week_bounds(day: date, week_start: str = "monday") -> tuple[date, date]:
    """The week holding `day`: its first day and the first day after it."""
    if week_start not in WEEK_STARTS:
        raise ValueError(f"a week starts on monday or sunday, not {week_start!r}")
    into_week = (day.weekday() + (1 if week_start == "sunday" else 0)) % DAYS_IN_WEEK
    first = day - timedelta(days=into_week)
    return first, first + timedelta(days=DAYS_IN_WEEK)


def week_label(start: date) -> str:
    """The ISO week (like 2026-W47) of the Monday inside the week that begins on `start`."""
    monday = start + timedelta(days=(DAYS_IN_WEEK - start.weekday()) % DAYS_IN_WEEK)
    year, week, _ = monday.isocalendar()
    return f"{year:04d}-W{week:02d}"


def local_midnight(day: date, tz: tzinfo | None = None) -> datetime:
    """The moment `day` begins in `tz` (the system's zone when None)."""
    if tz is None:
        return datetime.combine(day, time()).astimezone()
    return datetime.combine(day, time(), tzinfo=tz)


def week_times(start: date, tz: tzinfo | None = None) -> tuple[datetime, datetime]:
    """The week beginning on `start` as moments in UTC, for `HistoryStore.between`.

    In UTC because Python compares two times in the same zone by their wall clocks, which
    would make the extra hour of a daylight-saving change disappear.
    """
    end = start + timedelta(days=DAYS_IN_WEEK)
    return local_midnight(start, tz).astimezone(UTC), local_midnight(end, tz).astimezone(UTC)


def to_local(moment: datetime, tz: tzinfo | None = None) -> datetime:
    return moment.astimezone(tz)


def part_of_day(hour: int) -> str:
    """morning, afternoon, evening or night for an hour from 0 to 23."""
    name = PARTS_OF_DAY[-1][0]  # before the first part begins, it is still night
    for part, first_hour in PARTS_OF_DAY:
        if hour >= first_hour:
            name = part
    return name


# -- the summary ---------------------------------------------------------------------------


def summarize_week(
    entries: Iterable[Entry], start_day: date, *, tz: tzinfo | None = None
) -> WeekSummary:
    """What the week beginning on `start_day` held. Entries outside the week are left out."""
    by_day: list[list[Entry]] = [[] for _ in range(DAYS_IN_WEEK)]
    week: list[tuple[datetime, Entry]] = []
    for entry in entries:
        local = to_local(entry.started_at, tz)
        index = (local.date() - start_day).days
        if 0 <= index < DAYS_IN_WEEK:
            by_day[index].append(entry)
            week.append((local, entry))
    week.sort(key=lambda pair: pair[0])
    return WeekSummary(
        start=start_day,
        days=tuple(
            _day(start_day + timedelta(days=i), day_entries)
            for i, day_entries in enumerate(by_day)
        ),
        grounding=tuple(
            GroundingMoment(e.id, local, e.activation_before, e.activation_after)
            for local, e in week
            if e.activation_before is not None and e.activation_after is not None
        ),
        quadrants=_quadrants(e for _, e in week),
        words=_words(e for _, e in week),
        needs=tuple(
            NeedCount(need, count)
            for need, count in _most_used(n for _, e in week for n in dict.fromkeys(e.needs))
        ),
        parts_of_day=_parts_of_day(week),
        repairs=tuple(_repair(local, e) for local, e in week if e.repair is not None),
        entry_count=len(week),
    )


def _day(day: date, entries: list[Entry]) -> DaySummary:
    pairs = [e for e in entries if e.activation_before is not None
             and e.activation_after is not None]
    return DaySummary(
        day=day,
        check_ins=sum(e.kind == "checkin" for e in entries),
        breathing_breaks=sum(e.kind == "breathing" for e in entries),
        breathing_seconds=sum(e.breathing.seconds for e in entries if e.breathing is not None),
        activation_before=_average(e.activation_before for e in entries),
        activation_after=_average(e.activation_after for e in entries),
        pairs=len(pairs),
        before_avg=_average(e.activation_before for e in pairs),
        after_avg=_average(e.activation_after for e in pairs),
    )


def _quadrants(entries: Iterable[Entry]) -> tuple[QuadrantCount, ...]:
    counts = Counter(f.quadrant for e in entries for f in e.feelings)
    return tuple(QuadrantCount(q, counts[q]) for q in QUADRANTS)


def _words(entries: Iterable[Entry]) -> tuple[WordCount, ...]:
    # Your own words are counted whatever their case or spacing; shown as first written.
    first_seen: dict[str, tuple[str, str]] = {}
    keys = []
    for entry in entries:
        for feeling in entry.feelings:
            key = " ".join(feeling.word.split()).casefold()
            first_seen.setdefault(key, (feeling.word.strip(), feeling.quadrant))
            keys.append(key)
    return tuple(WordCount(*first_seen[key], count) for key, count in _most_used(keys))


def _most_used(items: Iterable[str]) -> list[tuple[str, int]]:
    # Counter keeps first-seen order among equal counts, so ties read in the order they came.
    return Counter(items).most_common(MOST_USED)


def _parts_of_day(week: list[tuple[datetime, Entry]]) -> tuple[PartOfDay, ...]:
    parts = []
    for index, (part, first_hour) in enumerate(PARTS_OF_DAY):
        end_hour = PARTS_OF_DAY[(index + 1) % len(PARTS_OF_DAY)][1]
        here = [e for local, e in week if e.kind != "repair" and part_of_day(local.hour) == part]
        parts.append(
            PartOfDay(
                part=part,
                first_hour=first_hour,
                end_hour=end_hour,
                moments=len(here),
                activation_before=_average(e.activation_before for e in here),
            )
        )
    return tuple(parts)


def _repair(local: datetime, entry: Entry) -> RepairNote:
    repair = entry.repair
    assert repair is not None
    return RepairNote(
        entry_id=entry.id,
        started_at=local,
        with_whom=repair.with_whom,
        what_happened=repair.what_happened,
        my_part=repair.my_part,
        step=repair.step,
        status=repair.status,
        done_at=repair.done_at,
    )


def _average(values: Iterable[int | None]) -> float | None:
    noted = [v for v in values if v is not None]
    return round(sum(noted) / len(noted), 1) if noted else None


# -- words shared by every rendering -------------------------------------------------------


def activation_change(before: float | None, after: float | None) -> str:
    """Activation before → after as text: "8 → 5", "7.5 → –", or "" when neither was noted."""
    if before is None and after is None:
        return ""
    return f"{_number(before)} → {_number(after)}"


def grounding_change(day: DaySummary) -> str:
    """A day's grounding effect: "8 → 4.5 (2 pairs)", or "" when no entry had both."""
    if not day.pairs:
        return ""
    return (f"{activation_change(day.before_avg, day.after_avg)} "
            f"({day.pairs} {'pair' if day.pairs == 1 else 'pairs'})")


def minutes_text(minutes: float) -> str:
    return "" if minutes <= 0 else f"{minutes:.1f} min"


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"
