"""The app counts from the per-month sums as the command line does (companion/insights_sums.py):
What helps through insights_sums.count_insights, and home's open repairs from the repairs
kept whole with each month's sums, with no whole entry read. What they show is what they
showed when every entry was read, and is fresh after a change from the app or elsewhere."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from test_insights_sums_store import history
from test_looking_back_views import older_repair, said
from test_review import settle, week_entries
from textual.screen import Screen

from companion.app import CompanionApp
from companion.history import HistoryStore
from companion.insights import gather_insights, is_open
from companion.insights_sums import open_repairs
from companion.looking import print_insights
from companion.read_ahead import helps_reading, read_ahead
from companion.screens.repairs import RepairsScreen
from companion.spans import span_times

# After history() (28 Sep to about 24 Dec 2025): its last three months are whole.
MOMENT = datetime(2026, 1, 20, 12, 0).astimezone()


@pytest.fixture
def london(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A zone whose November midnight is UTC's: the three months' span is whole UTC months."""
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def no_whole_reads(monkeypatch: pytest.MonkeyPatch, *also: str) -> None:
    """Every way of reading all the entries or moments (and `also`) fails from now on."""
    def read(*_: Any, **__: Any) -> None:
        raise AssertionError("every entry was read")

    for name in ("all", "entries", "moments", *also):
        monkeypatch.setattr(HistoryStore, name, read)


def counted_before(store: HistoryStore, everything: bool) -> dict[str, Any]:
    """What helps as the app counted it before the sums: every entry of the span."""
    today = MOMENT.date()
    if everything:
        entries = store.all()
        first = min(e.started_at.astimezone().date() for e in entries)
    else:
        first = date(2025, 11, 1)
        entries = store.between(*span_times(first, today + timedelta(days=1)))
    return gather_insights(entries, first, today, now=MOMENT, week_start="sunday").to_dict()


@pytest.mark.parametrize("everything", [False, True])
def test_what_helps_in_the_app_is_counted_from_the_kept_sums(data_dir, london, monkeypatch,
                                                             everything):
    history(data_dir)
    expected = counted_before(HistoryStore(data_dir), everything)
    first = read_ahead(HistoryStore(data_dir)).get(
        helps_reading(HistoryStore(data_dir), everything, MOMENT, "sunday"))
    assert first.summary.to_dict() == expected  # the sums made, from the moments
    no_whole_reads(monkeypatch, "between")
    store = HistoryStore(data_dir)  # a fresh app: nothing kept in memory
    again = read_ahead(store).get(helps_reading(store, everything, MOMENT, "sunday"))
    assert again.summary.to_dict() == expected
    assert again.problems == ()


def test_what_helps_in_the_app_says_what_insights_prints(data_dir, london, capsys):
    history(data_dir)
    for everything, months in ((True, None), (False, 3)):
        store = HistoryStore(data_dir)
        found = read_ahead(store).get(helps_reading(store, everything, MOMENT, "monday"))
        assert print_insights(data_dir, months, "json", now=MOMENT) == 0
        printed = json.loads(capsys.readouterr().out)
        expected = json.loads(json.dumps(found.summary.to_dict()))
        assert {key: printed[key] for key in expected} == expected


def test_open_repairs_are_the_open_ones_of_every_entry(data_dir, london):
    made = history(data_dir)
    expected = [e for e in HistoryStore(data_dir).all() if is_open(e)]
    assert len(expected) == sum(is_open(e) for e in made) == 5
    assert open_repairs(HistoryStore(data_dir)) == expected  # sums made
    assert open_repairs(HistoryStore(data_dir)) == expected  # sums read


async def test_home_counts_open_repairs_reading_no_entry_and_sees_other_processes(
        data_dir, monkeypatch):
    store = HistoryStore(data_dir, fsync=False)
    entries = [*week_entries(), older_repair()]
    for entry in entries:
        store.save(entry)
    open_repairs(HistoryStore(data_dir))  # the sums made, as an earlier run of the app would
    no_whole_reads(monkeypatch)
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert said(app.screen, "#open-repairs") == (
            "2 repairs still open, the oldest from 3 Sep 2026 (o)")
        # Another companion marks the oldest done: home says so when it comes back.
        oldest = entries[-1]
        assert oldest.repair is not None
        HistoryStore(data_dir, fsync=False).save(oldest.with_changes(repair=replace(
            oldest.repair, status="done", done_at=oldest.started_at + timedelta(days=2))))
        app.push_screen(Screen())
        await settle(app, pilot)
        app.pop_screen()
        await settle(app, pilot)
        line = said(app.screen, "#open-repairs")
        assert line.startswith("1 repair still open, the oldest from ")
        assert "Sep" not in line
        # And in the app (its repairs view reads every entry): the last one let go.
        monkeypatch.undo()
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, RepairsScreen)
        await pilot.press("o", "g", "escape")
        await settle(app, pilot)
        assert not app.screen.query_one("#open-repairs").display
