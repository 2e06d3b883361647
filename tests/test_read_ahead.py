"""The looking-back views read ahead (companion/read_ahead.py): once the week is shown, the
month, year and what helps are read and kept, shown in a view's first frame, and never shown
out of date after a save, an edit or a delete in the app, or a change from outside it."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from test_review import MONDAY, local, settle, week_entries
from textual.widgets import Footer as TextualFooter
from textual.widgets import Input

from companion.app import CompanionApp
from companion.entries import Entry
from companion.history import HistoryStore
from companion.read_ahead import (
    KEEP_AT_MOST,
    Reading,
    helps_reading,
    month_reading,
    read_ahead,
    year_reading,
)
from companion.screens.entry import ConfirmDelete, EntryScreen
from companion.screens.helps import HelpsScreen
from companion.screens.home import HomeScreen
from companion.screens.looking_back import now
from companion.screens.month import MonthScreen
from companion.screens.reading_ahead import read_ahead_views
from companion.screens.review import ReviewScreen
from companion.screens.widgets.footer import Footer
from companion.screens.year import YearScreen
from companion.spans import Tally, month_start
from companion.storage import StoreError
from companion.summary import week_bounds

NOVEMBER = month_start(MONDAY)


@pytest.fixture
def history(data_dir: Path) -> list[Entry]:
    store = HistoryStore(data_dir, fsync=False)
    entries = week_entries()
    for entry in entries:
        store.save(entry)
    return entries


def day_tally(screen: MonthScreen | YearScreen, day: date) -> Tally:
    assert screen.summary is not None
    return next(d.tally for d in screen.summary.days if d.day == day)


async def open_week(app: CompanionApp, pilot) -> ReviewScreen:
    """The week, with everything it reads ahead read."""
    await pilot.pause()
    review = ReviewScreen(MONDAY)
    app.push_screen(review)
    await settle(app, pilot)
    assert read_ahead(app.store).ready(("month", NOVEMBER)) is not None
    assert read_ahead(app.store).ready(("year", 2026, "monday")) is not None
    return review


# -- in the app ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (40, 12)])
async def test_each_view_draws_what_was_read_ahead_when_it_opens(data_dir, history, size,
                                                                 monkeypatch):
    # The views' own reads do nothing here: what they show can only be what was kept.
    monkeypatch.setattr(MonthScreen, "load_month", lambda self, first: None)
    monkeypatch.setattr(YearScreen, "load_year", lambda self, year: None)
    monkeypatch.setattr(HelpsScreen, "load_insights", lambda self, everything: None)
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=size) as pilot:
        await open_week(app, pilot)
        keys = {"2": ("month", NOVEMBER), "3": ("year", 2026, "monday"),
                "4": helps_reading(app.store, False, now(), "monday").key}
        for key, kind in (("2", MonthScreen), ("3", YearScreen), ("4", HelpsScreen)):
            await pilot.press(key)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, kind)
            assert screen.shown is not None
            assert screen.shown is read_ahead(app.store).ready(keys[key])
            assert "Reading your" not in str(screen.query_one(
                "#month-day, #year-day, #helps-body").render())
            await pilot.press("1")
            await settle(app, pilot)
            assert isinstance(app.screen, ReviewScreen)


async def test_the_month_is_fresh_after_a_check_in_is_saved(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_week(app, pilot)
        wednesday = MONDAY + timedelta(days=2)
        app.save_entry(Entry(kind="checkin", started_at=local(wednesday, 9),
                             activation_before=9))
        await settle(app, pilot)
        assert read_ahead(app.store).ready(("month", NOVEMBER)) is None
        await pilot.press("2")
        await settle(app, pilot)
        tally = day_tally(app.screen, wednesday)
        assert (tally.checkins, tally.breaks, tally.activation_max) == (1, 1, 9)


async def test_the_year_is_fresh_after_an_entry_is_edited(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_week(app, pilot)
        await pilot.press("m", "enter", "e")
        assert app.screen.focused is app.screen.query_one("#before", Input)
        await pilot.press("backspace", "6", "ctrl+s")  # before 8 → 6 (after 5)
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        assert day_tally(app.screen, MONDAY).activation_max == 6


async def test_the_month_is_fresh_after_an_entry_is_deleted(data_dir, history):
    wednesday = MONDAY + timedelta(days=2)
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_week(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        assert day_tally(app.screen, wednesday).breaks == 1
        await pilot.press("1")
        await settle(app, pilot)
        await pilot.press("m", "down", "enter", "x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDelete)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, EntryScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        assert day_tally(app.screen, wednesday) == Tally()


async def test_a_repair_marked_in_the_week_leaves_nothing_kept_from_before(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_week(app, pilot)
        before = read_ahead(app.store).ready(("year", 2026, "monday"))
        await pilot.press("r", "down", "d")
        await pilot.pause()
        await app.workers.wait_for_complete()
        # The save is in: what was read before it is not shown again, however it compares.
        assert read_ahead(app.store).ready(("year", 2026, "monday")) is not before
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        assert app.screen.shown is not before


async def test_a_change_made_outside_the_app_is_shown(data_dir, history):
    """Another companion (or a sync tool) writes: the kept month is drawn at once, then
    the view's worker sees the files changed and reads again."""
    thursday = MONDAY + timedelta(days=3)
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_week(app, pilot)
        HistoryStore(data_dir, fsync=False).save(
            Entry(kind="checkin", started_at=local(thursday, 8), activation_before=2))
        await pilot.press("2")
        await settle(app, pilot)
        assert day_tally(app.screen, thursday).checkins == 1


def todays_keys(store: HistoryStore) -> dict[str, tuple[object, ...]]:
    """What keys 2-4 show from this week's review (the week of today, weeks from Monday)."""
    first = week_bounds(date.today(), "monday")[0]
    return {"2": ("month", month_start(first)), "3": ("year", first.year, "monday"),
            "4": helps_reading(store, False, now(), "monday").key}


async def test_home_reads_the_views_ahead_before_the_week_is_opened(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        for key in todays_keys(app.store).values():
            assert read_ahead(app.store).ready(key) is not None


@pytest.mark.parametrize("key, kind", [("2", MonthScreen), ("3", YearScreen),
                                       ("4", HelpsScreen)])
async def test_a_view_asked_for_as_the_week_appears_shows_its_data_at_once(
        data_dir, history, key, kind, monkeypatch):
    """The key pressed as soon as the week is shown, before the review has read anything
    ahead: what home read is drawn in the view's first frame."""
    monkeypatch.setattr(ReviewScreen, "read_ahead_views", lambda self: None)
    for view, load in ((MonthScreen, "load_month"), (YearScreen, "load_year"),
                       (HelpsScreen, "load_insights")):
        monkeypatch.setattr(view, load, lambda self, asked: None)
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.action_review()
        await settle(app, pilot)
        await pilot.press(key)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, kind)
        assert screen.shown is read_ahead(app.store).ready(todays_keys(app.store)[key])
        assert "Reading your" not in str(screen.query_one(
            "#month-day, #year-day, #helps-body").render())


def test_the_review_leaves_what_is_kept_and_looks_at_no_file(data_dir, history, monkeypatch):
    """What home read is not looked at again as the week appears (the view looks when it
    opens): the review's reading ahead touches no disk when everything is kept."""
    store = HistoryStore(data_dir, fsync=False)
    content = CompanionApp(data_dir=data_dir).content
    read_ahead_views(store, MONDAY, "monday", content, 80)
    before = read_ahead(store).ready(("month", NOVEMBER)).summary.total.checkins
    looked: list[int] = []
    looks = store.looks
    monkeypatch.setattr(store, "looks", lambda: looked.append(1) or looks())
    read_ahead_views(store, MONDAY, "monday", content, 80)
    assert looked == []
    store.save(Entry(kind="checkin", started_at=local(MONDAY, 7)))  # now something changed
    read_ahead_views(store, MONDAY, "monday", content, 80)
    assert looked != []
    assert read_ahead(store).ready(("month", NOVEMBER)).summary.total.checkins == before + 1


class FirstFrames:
    """What each view said in the first frame the compositor drew of it (its day line, or
    What helps' body)."""

    def __init__(self, app: CompanionApp) -> None:
        self.said: dict[str, str] = {}
        display = app._display

        def noted(screen, renderable) -> None:
            display(screen, renderable)
            view = getattr(screen, "VIEW", "")
            if renderable is not None and view in ("month", "year", "helps") and (
                    view not in self.said):
                self.said[view] = str(screen.query_one(
                    "#month-day, #year-day, #helps-body").render())

        app._display = noted


@pytest.mark.parametrize("key, view", [("2", "month"), ("3", "year"), ("4", "helps")])
async def test_a_view_nothing_was_read_ahead_for_waits_briefly_and_shows_whole(
        data_dir, history, key, view, monkeypatch):
    """Opened as `companion review` and asked for at once: nothing is kept, and a quick read
    is waited for (at most BRIEF_WAIT) so the first frame shows the data, not "Reading…"."""
    monkeypatch.setattr(ReviewScreen, "read_ahead_views", lambda self: None)
    app = CompanionApp(data_dir=data_dir, start="review")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert read_ahead(app.store).ready(todays_keys(app.store)[key]) is None
        frames = FirstFrames(app)
        await pilot.press(key)
        await settle(app, pilot)
        shown = app.screen.VIEW
        assert shown == view
        assert frames.said[view] and not frames.said[view].startswith("Reading your")


async def test_a_slow_read_is_not_waited_for(data_dir, history, monkeypatch):
    """A read longer than BRIEF_WAIT (a first run making the cache, a slow disk): the view is
    drawn at once saying it is reading, and shows the year when the read is done."""
    from companion import year_sums

    monkeypatch.setattr(ReviewScreen, "read_ahead_views", lambda self: None)
    tallies = year_sums.year_tallies

    def slow(store, year):
        time.sleep(0.4)
        return tallies(store, year)

    monkeypatch.setattr(year_sums, "year_tallies", slow)
    app = CompanionApp(data_dir=data_dir, start="review")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        frames = FirstFrames(app)
        await pilot.press("3")
        await settle(app, pilot)
        assert frames.said["year"].startswith("Reading your year")
        assert app.screen.summary is not None
        assert "Reading your" not in str(app.screen.query_one("#year-day").render())


async def test_home_counts_and_reads_ahead_only_once_it_is_shown(data_dir, history):
    """`companion review` opens over home at once: home's reads wait until it is shown, so
    they do not share the interpreter with the week opening."""
    app = CompanionApp(data_dir=data_dir, start="review")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        home = app.screen_stack[0]
        assert isinstance(home, HomeScreen) and isinstance(app.screen, ReviewScreen)
        assert not home.query_one("#open-repairs").display
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is home
        assert "still open" in str(home.query_one("#open-repairs").render())


# -- the footer ----------------------------------------------------------------------------------


async def test_the_footer_is_made_again_only_when_its_keys_change(data_dir, history,
                                                                 monkeypatch):
    made: list[Footer] = []
    remake = TextualFooter.recompose

    async def counted(self: TextualFooter) -> None:
        made.append(self)
        await remake(self)

    monkeypatch.setattr(TextualFooter, "recompose", counted)
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        review = await open_week(app, pilot)
        made.clear()
        for _ in range(5):
            review.refresh_bindings()
        await settle(app, pilot)
        assert made == []  # nothing it shows changed
        await pilot.press("r", "down")  # a planned repair: "d Done" becomes possible
        await settle(app, pilot)
        assert 1 <= len(made) <= 2
        keys = [key.key for key in review.query_one(Footer).query("FooterKey")]
        assert "d" in keys


async def test_keys_the_footer_does_not_show_do_not_make_it_again(data_dir, history,
                                                                  monkeypatch):
    """Moving between the week's tables changes only keys not shown (the arrows, Page Down):
    nothing is made again."""
    made: list[Footer] = []
    remake = TextualFooter.recompose

    async def counted(self: TextualFooter) -> None:
        made.append(self)
        await remake(self)

    monkeypatch.setattr(TextualFooter, "recompose", counted)
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        review = await open_week(app, pilot)
        made.clear()
        await pilot.press("m")
        await settle(app, pilot)
        assert review.focused is review.query_one("#moments")
        await pilot.press("escape")
        await settle(app, pilot)
        assert made == []


async def test_a_footer_shows_its_keys_before_its_screen_has_read_anything(data_dir, history,
                                                                           monkeypatch):
    monkeypatch.setattr(ReviewScreen, "load_week", lambda self, start: None)
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.action_review()
        await settle(app, pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen) and review.summary is None
        keys = [key.key for key in review.query_one(Footer).query("FooterKey")]
        assert "left_square_bracket" in keys and "escape" in keys


# -- the kept summaries --------------------------------------------------------------------------


def test_a_summary_is_kept_until_the_store_changes_anything(data_dir, history):
    store = HistoryStore(data_dir, fsync=False)
    kept = read_ahead(store)
    reading = month_reading(store, NOVEMBER)
    assert kept.ready(reading.key) is None
    first = kept.get(reading)
    assert kept.ready(reading.key) is first
    assert kept.get(reading) is first  # the files look as they did
    store.save(Entry(kind="checkin", started_at=local(MONDAY, 7)))
    assert kept.ready(reading.key) is None
    again = kept.get(reading)
    assert again is not first
    assert again.summary.total.checkins == first.summary.total.checkins + 1


def test_a_delete_or_an_import_leaves_nothing_kept(data_dir, history):
    store = HistoryStore(data_dir, fsync=False)
    kept = read_ahead(store)
    reading = year_reading(store, 2026, "monday")
    first = kept.get(reading)
    store.delete(history[1])
    assert kept.ready(reading.key) is None
    second = kept.get(reading)
    assert second.summary.total.breaks == first.summary.total.breaks - 1
    assert store.add_missing([history[1]]) == 1  # imported again
    assert kept.ready(reading.key) is None
    assert kept.get(reading).summary.total.breaks == first.summary.total.breaks


def test_files_changed_by_another_store_are_read_again(data_dir, history):
    store = HistoryStore(data_dir, fsync=False)
    kept = read_ahead(store)
    reading = month_reading(store, NOVEMBER)
    first = kept.get(reading)
    HistoryStore(data_dir, fsync=False).save(Entry(kind="checkin", started_at=local(MONDAY, 7)))
    assert kept.ready(reading.key) is first  # no disk looked at: what a first frame shows
    again = kept.get(reading)  # a worker looks at the files
    assert again.summary.total.checkins == first.summary.total.checkins + 1


def test_a_file_a_sync_tool_replaced_keeping_its_size_and_time_is_read_again(data_dir,
                                                                             history):
    """rclone or rsync may put a month file in place with the size and modified time it had:
    it is still another file (its inode, its change time), as the month cache sees it."""
    import os

    store = HistoryStore(data_dir, fsync=False)
    kept = read_ahead(store)
    reading = month_reading(store, NOVEMBER)
    first = kept.get(reading)
    [month] = [p for p in (data_dir / "history").iterdir() if p.name.startswith("2026-11.")]
    before = month.stat()
    copy = month.with_name(".arriving")
    copy.write_bytes(month.read_bytes())
    os.utime(copy, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(copy, month)
    assert (month.stat().st_size, month.stat().st_mtime_ns) == (before.st_size,
                                                                before.st_mtime_ns)
    assert kept.ready(reading.key) is first  # no disk looked at
    assert kept.get(reading) is not first  # the files looked at: read again


def test_one_summary_is_read_once_at_a_time(data_dir, history):
    store = HistoryStore(data_dir, fsync=False)
    kept = read_ahead(store)
    reads: list[int] = []
    started = threading.Event()

    def slow_read() -> list[Entry]:
        reads.append(1)
        started.set()
        time.sleep(0.2)
        return store.all()

    reading = Reading(("slow",), slow_read, len)
    found = []
    first = threading.Thread(target=lambda: found.append(kept.get(reading)))
    first.start()
    started.wait()
    second = threading.Thread(target=lambda: found.append(kept.get(reading)))
    second.start()
    first.join()
    second.join()
    assert reads == [1]
    assert found[0] is found[1] and found[0].summary == len(history)


def test_a_read_that_fails_keeps_nothing(data_dir, history):
    store = HistoryStore(data_dir, fsync=False)
    kept = read_ahead(store)

    def failing() -> list[Entry]:
        raise StoreError("The history could not be read.")

    with pytest.raises(StoreError):
        kept.get(Reading(("failing",), failing, len))
    assert kept.ready(("failing",)) is None
    assert kept.get(Reading(("failing",), store.all, len)).summary == len(history)


def test_only_the_latest_summaries_are_kept(data_dir, history):
    store = HistoryStore(data_dir, fsync=False)
    kept = read_ahead(store)
    for n in range(KEEP_AT_MOST + 3):
        kept.get(Reading(("n", n), list, len))
    assert kept.ready(("n", 2)) is None
    assert kept.ready(("n", 3)) is not None
    assert kept.ready(("n", KEEP_AT_MOST + 2)) is not None


def test_each_store_has_its_own(data_dir: Path, history):
    one, other = HistoryStore(data_dir), HistoryStore(data_dir)
    assert read_ahead(one) is read_ahead(one)
    assert read_ahead(one) is not read_ahead(other)
