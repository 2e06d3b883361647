"""Looking back on the command line: `month`, `year`, `insights`, `repairs` and `search`.

Each command reads the history it needs, hands the entries to a pure module (spans.py,
insights.py, search.py) and prints the value as a table, markdown or json (spans_report.py,
insights_report.py). Like `week`: if part of the history cannot be read, what could be read is
still printed, each problem is one line on stderr and the exit status is 1; if nothing could be
read, only the problems are printed.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from companion.content import Content, load_content
from companion.entries import Entry
from companion.exits import EXIT_OK, EXIT_PROBLEM, UsageError
from companion.history import HistoryStore
from companion.settings import load_settings
from companion.text import printable

if TYPE_CHECKING:
    from rich.console import Console

    from companion.insights import Insights

Read = TypeVar("Read")

# What `insights` looks back over unless asked: long enough for a few dozen grounding pairs in
# everyday use, short enough to say how things are now.
DEFAULT_MONTHS = 3


@dataclass(frozen=True, slots=True)
class Reading(Generic[Read]):
    """What a command read: the entries, the person's settings and words, and the problems."""

    entries: list[Read]
    week_start: str
    content: Content
    problems: int


def read_history(data_dir: Path, span: tuple[datetime, datetime] | None = None
                 ) -> Reading[Entry]:
    """The entries in `span` (all of them when None); notices and problems said on stderr."""
    return read_with(data_dir, lambda store, _: store.all() if span is None
                     else store.between(*span))


def read_with(data_dir: Path, read: Callable[[HistoryStore, Content], list[Read]]
              ) -> Reading[Read]:
    """What `read` reads of the history (given the person's words too); notices and problems
    said on stderr, in that order, then anything wrong with the person's words."""
    settings, warnings = load_settings(data_dir)
    for warning in warnings:
        say(warning)
    content = load_content(user_dir=data_dir)
    store = HistoryStore(data_dir)
    entries = read(store, content)
    for notice in store.notices:
        say(notice)
    for problem in store.problems.values():
        say(str(problem))
    for warning in content.warnings:
        say(warning)
    return Reading(entries, settings.week_start, content, len(store.problems))


def finish(reading: Reading[Any]) -> int:
    """The exit status once the output is printed: 1 when part of the history was unreadable."""
    if reading.problems:
        say("this may be missing entries from the file(s) above.")
        return EXIT_PROBLEM
    return EXIT_OK


def nothing_readable(reading: Reading[Any]) -> bool:
    if reading.problems and not reading.entries:
        say("nothing here could be read, so there is nothing to show.")
        return True
    return False


def say(line: str) -> None:
    print(f"companion: {printable(line)}", file=sys.stderr)


def console(fmt: str = "table") -> Console | None:
    """Where a table is drawn; None for json and markdown, which need no Rich."""
    from companion.spans_report import plain_console

    return plain_console() if fmt == "table" else None


# -- the commands ----------------------------------------------------------------------------


def print_month(data_dir: Path, month: date | None = None, offset: int = 0,
                fmt: str = "table", today: date | None = None) -> int:
    """The month `month` (its first day), or this month moved by `offset` months."""
    from companion import spans, spans_report

    today = today or date.today()
    first = month if month is not None else _shifted_month(today, offset)
    before = spans.previous_month(first) or first
    reading = read_history(data_dir, spans.span_times(before, spans.next_month(first)))
    if nothing_readable(reading):
        return EXIT_PROBLEM
    summary = spans.summarize_month(reading.entries, first)
    spans_report.write_month(summary, fmt, reading.content, reading.week_start, today,
                             console(fmt))
    return finish(reading)


def print_year(data_dir: Path, year: int | None = None, fmt: str = "table",
               today: date | None = None) -> int:
    from companion import spans, spans_report
    from companion.year_sums import year_tallies

    today = today or date.today()
    year = year if year is not None else today.year
    first, end = spans.year_days(year)

    # What each day held, from the day tallies kept for each month (as the app's Year view
    # reads it); nothing read unless a day of the span held something.
    def read(store: HistoryStore, _: Content) -> list[dict[date, spans.Tally]]:
        days = year_tallies(store, year)
        return [days] if any(first <= d and (end is None or d < end) for d in days) else []

    reading = read_with(data_dir, read)
    if nothing_readable(reading):
        return EXIT_PROBLEM
    days = reading.entries[0] if reading.entries else {}
    summary = spans.year_of(days, year, week_start=reading.week_start)
    spans_report.write_year(summary, fmt, today, console(fmt))
    return finish(reading)


def print_insights(data_dir: Path, months: int | None = DEFAULT_MONTHS, fmt: str = "table",
                   now: datetime | None = None) -> int:
    """What helps, over the last `months` months (this one included), or everything if None."""
    from companion import insights_report

    now = now or datetime.now().astimezone()
    with _no_collection():
        found, reading = _gather_insights(data_dir, months, now)
        if found is None:
            return EXIT_PROBLEM
        insights_report.write_insights(found, fmt, reading.content, console(fmt))
    return finish(reading)


@contextmanager
def _no_collection() -> Iterator[None]:
    """No garbage collection while a long history is loaded, counted and shown: the tens of
    thousands of values made are all kept until the end, and collecting looked through them
    again and again (a quarter of the time of loading five years' moments and counting them,
    in CPU). Anything that does form a cycle is collected once this is over."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _gather_insights(data_dir: Path, months: int | None, now: datetime
                     ) -> tuple[Insights | None, Reading[Any]]:
    """The insights over the last `months` months (everything if None), and what was read;
    None for the insights if nothing could be read. Counted as the app's What helps counts
    them (insights_sums.count_insights: each whole month from its kept sums)."""
    from companion.insights_sums import Counted, count_insights

    today = now.date()
    first = None if months is None else _shifted_month(today, 1 - months)

    def read(store: HistoryStore, _: Content) -> list[Counted]:
        counted = count_insights(store, first, today)
        return [counted] if counted.read else []

    reading = read_with(data_dir, read)
    if nothing_readable(reading):
        return None, reading
    counted = reading.entries[0] if reading.entries else Counted(first, today)
    return counted.insights(now, reading.week_start), reading


def print_repairs(data_dir: Path, open_only: bool = False, fmt: str = "table",
                  now: datetime | None = None) -> int:
    from companion import insights, insights_report

    now = now or datetime.now().astimezone()
    reading = read_history(data_dir)
    if nothing_readable(reading):
        return EXIT_PROBLEM
    items = insights.repair_items(reading.entries, now, open_only=open_only)
    # Unique among every repair, so an id shown with --open is the one shown without.
    short = insights.short_ids(e.id for e in reading.entries if e.repair is not None)
    insights_report.write_repairs(items, open_only, fmt, reading.content, console(fmt), short)
    return finish(reading)


def mark_repair(data_dir: Path, given: str, status: str, now: datetime | None = None) -> int:
    """`repairs --done ID` or `--let-go ID`: the repair whose id begins with `given` gets
    `status` (done: done now; let go: closed, not called done, without a time)."""
    from dataclasses import replace

    from companion import insights
    from companion.insights_report import when
    from companion.report import _repair_parts

    reading = read_history(data_dir)
    found = insights.find_repair(reading.entries, given)
    if not found:
        raise UsageError(f"no repair has an id beginning {given.strip()!r}; "
                         "`companion repairs` lists them with their ids.")
    if len(found) > 1:
        raise UsageError(f"{len(found)} repairs have ids beginning {given.strip()!r}; "
                         "give more of the id, as `companion repairs` shows it.")
    entry = found[0]
    assert entry.repair is not None
    parts = _repair_parts(entry.repair.with_whom, None, reading.content)
    which = " · ".join([when(entry.started_at), *parts])
    words = "done" if status == "done" else "let go"
    if entry.repair.status == status:
        print(printable(f"That repair ({which}) is already marked {words}; nothing changed."))
        return finish(reading)
    done_at = (now or datetime.now().astimezone()) if status == "done" else None
    repair = replace(entry.repair, status=status, done_at=done_at)
    HistoryStore(data_dir).save(entry.with_changes(repair=repair))
    print(printable(f"Marked {words}: your repair of {which}."))
    return finish(reading)


def print_search(data_dir: Path, text: str, *, feeling: str | None = None,
                 need: str | None = None, with_whom: str | None = None,
                 since: date | None = None, fmt: str = "table") -> int:
    from companion import insights_report, search

    query = search.SearchQuery(text, feeling, need, with_whom, since)
    words = search.folded(text).split()

    def read(store: HistoryStore, content: Content) -> list[Entry]:
        if not words:
            return store.all()
        labels = {key: search.folded(label) for key, label in labels_of(content).items()}
        return store.entries_where(
            lambda own, keys: search.might_match(own, keys, words, labels))

    # Everything, and --since filtered with the rest: an entry saved under a clock set ahead
    # is found with --since as it is without. Words asked: only the entries that might hold
    # them are made (from the month cache), then each checked as always.
    reading = read_with(data_dir, read)
    if nothing_readable(reading):
        return EXIT_PROBLEM
    found = search.find_entries(reading.entries, query, labels_of(reading.content))
    insights_report.write_search(found, query, fmt, reading.content, console(fmt))
    return finish(reading)


def labels_of(content: Content) -> dict[str, str]:
    """Every key a person may search by, with the label they see for it."""
    labels = {c.key: c.label for choices in (content.needs, content.body_signals,
                                             content.states, content.people,
                                             content.repair_steps) for c in choices}
    labels |= {p.name: p.label for p in content.patterns}
    return labels


def _shifted_month(today: date, months: int) -> date:
    from companion.spans import shift_months

    try:
        return shift_months(today.replace(day=1), months)
    except ValueError:
        raise UsageError("that month is outside the calendar (years 1 to 9999).") from None
