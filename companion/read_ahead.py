"""Summaries read ahead of being asked for: the looking-back views' month, year and what helps,
kept while the history is as it was when they were read.

Home reads them in the background once it has counted the open repairs, for the week `w`
opens, and the review once its week is shown (only what is not kept already), so switching to
a view shows its data in the view's first frame instead of after its own read. A read while a
screen is being drawn takes several times its CPU: each file it stats or opens gives up the
interpreter, and the drawing holds it for up to 5 ms before handing it back (a year on five
years: 8-13 ms of CPU, 90-200 ms of wall time beside a view being drawn). Nothing here is
written anywhere: it lives as long as the app.

A kept summary is used only while the store has made no change since it was read (a save, an
edit, a delete, an import, a forget: `changes_made`) and, checked in a worker before it is
used again, while every history file looks as it did (`looks`: another companion, a sync tool
or a hand may change them). Each summary is read once at a time: a view asking for one the
review is reading waits for that read rather than reading it again beside it.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from companion.entries import Entry
    from companion.history import HistoryStore


@dataclass(frozen=True)
class Summed:
    """A view's summary, with the problems met reading it (to be said when it is shown), and
    its drawings so far by what they were drawn for (a width), for a view to draw it once."""

    summary: Any
    problems: tuple[str, ...]
    drawn: dict[Hashable, Any] = field(default_factory=dict, compare=False)


class Reading(NamedTuple):
    """What one view asks for: its key (the view and its span), the read (entries, or what
    was counted of them) and the summing up."""

    key: Hashable
    read: Callable[[], list[Any]]
    summarize: Callable[[list[Any]], Any]


def month_reading(store: HistoryStore, first: date) -> Reading:
    """The month view's: the month beginning on `first`, beside the month before it."""
    from companion.spans import next_month, previous_month, span_times, summarize_month

    def read() -> list[Entry]:
        return store.between(*span_times(previous_month(first) or first, next_month(first)))

    return Reading(("month", first), read, lambda entries: summarize_month(entries, first))


def year_reading(store: HistoryStore, year: int, week_start: str) -> Reading:
    """The year view's: `year`'s days and weeks, from the day tallies kept for each UTC month
    when they can stand for it (year_sums.py), else from its entries."""
    from companion.spans import year_of
    from companion.year_sums import year_tallies

    def read() -> list[Any]:
        return [year_tallies(store, year)]

    return Reading(("year", year, week_start), read,
                   lambda found: year_of(found[0], year, week_start=week_start))


def helps_reading(store: HistoryStore, everything: bool, moment: datetime, week_start: str
                  ) -> Reading:
    """What helps, over the last DEFAULT_MONTHS months or `everything`, as at `moment`, counted
    as `companion insights` counts it (from the months' kept sums: insights_sums). Kept for
    the hour it was read in: how long a repair has been open counts from `moment`."""
    from companion.insights_sums import Counted, count_insights
    from companion.looking import DEFAULT_MONTHS
    from companion.spans import shift_months

    today = moment.date()
    first = None if everything else shift_months(today.replace(day=1), 1 - DEFAULT_MONTHS)

    def read() -> list[Counted]:
        return [count_insights(store, first, today)]

    def summarize(found: list[Counted]) -> Any:
        return found[0].insights(moment, week_start)

    return Reading(("helps", everything, week_start, today, moment.hour), read, summarize)


HOLD_AT_MOST = 1.0
# Summaries kept at most: every month or year moved to is kept, and what helps once an hour.
KEEP_AT_MOST = 24

_BY_STORE: weakref.WeakKeyDictionary[HistoryStore, ReadAhead] = weakref.WeakKeyDictionary()
_BY_STORE_LOCK = threading.Lock()


def read_ahead(store: HistoryStore) -> ReadAhead:
    """The store's one ReadAhead (made when first asked for)."""
    with _BY_STORE_LOCK:
        found = _BY_STORE.get(store)
        if found is None:
            found = _BY_STORE[store] = ReadAhead(store)
        return found


@dataclass(frozen=True)
class Kept:
    value: Summed
    changes_made: int
    looks: frozenset[tuple[str, int, int, int, int]]


class ReadAhead:
    """Summaries by what was asked (a hashable key naming the view, its span and settings)."""

    def __init__(self, store: HistoryStore) -> None:
        self.store = store
        self._kept: dict[Hashable, Kept] = {}
        self._reading: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()
        self._free = threading.Event()  # cleared while the person's switch is being drawn
        self._free.set()

    def hold(self) -> None:
        """The person asked for a view: a reading ahead waits (between its reads) until the
        view is drawn, so the two do not take the interpreter in turns."""
        self._free.clear()

    def go_on(self) -> None:
        self._free.set()

    def wait_turn(self) -> None:
        """Between two reads ahead: wait while held, at most HOLD_AT_MOST seconds (a view that
        is never drawn must not stop the reading for good)."""
        self._free.wait(HOLD_AT_MOST)

    def ready(self, key: Hashable) -> Summed | None:
        """The summary kept for `key` if the store has changed nothing since (no disk touched:
        for a screen's first frame); None otherwise. A worker's `get` then checks the files."""
        with self._lock:
            kept = self._kept.get(key)
        if kept is None or kept.changes_made != self.store.changes_made:
            return None
        return kept.value

    def get(self, reading: Reading) -> Summed:
        """In a worker: the summary `reading` asks for, the kept one if it is still true (the
        files looked at), else read and summed up now, and kept if nothing changed meanwhile.
        A read that fails (StoreError) keeps nothing and raises."""
        key = reading.key
        while True:
            with self._lock:
                busy = self._reading.get(key)
                if busy is None:
                    kept = self._kept.get(key)
                    busy = self._reading[key] = threading.Event()
                    break
            busy.wait()  # someone is reading it: theirs is then kept
        try:
            if (kept is not None and kept.changes_made == self.store.changes_made
                    and kept.looks == self.store.looks()):
                return kept.value
            return self._read(reading)
        finally:
            with self._lock:
                del self._reading[key]
            busy.set()

    def _read(self, reading: Reading) -> Summed:
        changes_made, looks = self.store.changes_made, self.store.looks()
        entries = reading.read()
        problems = tuple(str(problem) for problem in self.store.problems.values())
        value = Summed(reading.summarize(entries), problems)
        if changes_made == self.store.changes_made:
            with self._lock:
                self._kept.pop(reading.key, None)
                self._kept[reading.key] = Kept(value, changes_made, looks)
                while len(self._kept) > KEEP_AT_MOST:  # the longest unread goes first
                    del self._kept[next(iter(self._kept))]
        return value

