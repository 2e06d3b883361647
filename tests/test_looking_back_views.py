"""The review's other views: Month, Year, What helps, Repairs and Search, and home's open
repairs. Keys switch views, arrows move by day, Enter opens, marks are saved in the store."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from test_review import MONDAY, local, settle, week_entries
from textual.widgets import DataTable, Input, Static

from companion.app import CompanionApp
from companion.entries import Entry, Repair
from companion.history import HistoryStore
from companion.screens.entry import EntryScreen
from companion.screens.helps import HelpsScreen
from companion.screens.month import MonthScreen
from companion.screens.repairs import RepairsScreen
from companion.screens.review import ReviewScreen
from companion.screens.search import SearchScreen
from companion.screens.widgets.day_grid import MonthGrid, YearGrid
from companion.screens.year import YearScreen

TODAY = date(2026, 11, 26)
NOW = local(TODAY, 12)


def older_repair() -> Entry:
    return Entry(kind="repair", started_at=local(date(2026, 9, 3), 20),
                 repair=Repair(with_whom="friend", what_happened="missed her call",
                               step="will_try_later"))


@pytest.fixture
def history(data_dir: Path) -> list[Entry]:
    store = HistoryStore(data_dir, fsync=False)
    entries = [*week_entries(), older_repair()]
    for entry in entries:
        store.save(entry)
    return entries


def said(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def rows(screen, selector: str = "DataTable") -> list[list[str]]:
    table = screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def push(app, pilot, screen):
    await pilot.pause()
    app.push_screen(screen)
    await settle(app, pilot)
    return screen


# -- switching -----------------------------------------------------------------------------------


async def test_number_keys_switch_views_and_escape_goes_home(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await push(app, pilot, ReviewScreen(MONDAY))
        depth = len(app.screen_stack)
        for key, kind in (("2", MonthScreen), ("3", YearScreen), ("4", HelpsScreen),
                          ("5", RepairsScreen), ("1", ReviewScreen)):
            await pilot.press(key)
            await settle(app, pilot)
            assert isinstance(app.screen, kind)
            assert len(app.screen_stack) == depth
        await pilot.press("slash")
        await settle(app, pilot)
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen_stack) == depth - 1


async def test_the_month_opens_on_the_week_it_came_from(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await push(app, pilot, ReviewScreen(MONDAY))
        await pilot.press("2")
        await settle(app, pilot)
        assert app.screen.query_one(MonthGrid).cursor == MONDAY
        assert "November 2026" in said(app.screen, "#month-title")


async def test_the_palette_lists_the_other_views(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await push(app, pilot, MonthScreen(MONDAY, today=TODAY))
        await pilot.press("ctrl+p")
        await pilot.press(*"show year")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, YearScreen)


# -- month and year ------------------------------------------------------------------------------


async def test_the_month_shades_each_day_and_arrows_move_by_day(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await push(app, pilot, MonthScreen(MONDAY, today=TODAY))
        grid = str(screen.query_one(MonthGrid).render())
        assert "16▓" in grid  # Monday's highest activation was 8
        assert "18○" in grid and "17·" in grid  # a breathing break with no rating; nothing
        assert "27 " in grid  # days still to come are blank
        assert said(screen, "#month-day").startswith("Mon 16 Nov: 1 check-in")
        await pilot.press("right")
        assert screen.query_one(MonthGrid).cursor == MONDAY + timedelta(days=1)
        assert said(screen, "#month-day").startswith("Tue 17 Nov: nothing saved")
        await pilot.press("up")
        assert screen.query_one(MonthGrid).cursor == MONDAY - timedelta(days=6)
        assert "Check-ins: 1" in said(screen, "#month-totals")


async def test_moving_past_the_month_reads_the_next(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await push(app, pilot, MonthScreen(date(2026, 9, 30), today=TODAY))
        await pilot.press("right")
        await settle(app, pilot)
        assert "October 2026" in said(screen, "#month-title")
        assert screen.summary is not None and screen.summary.first == date(2026, 10, 1)
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert screen.summary is not None and screen.summary.first == date(2026, 9, 1)
        assert "3▓" not in str(screen.query_one(MonthGrid).render())
        assert "3○" in str(screen.query_one(MonthGrid).render())  # a repair, no rating


async def test_enter_opens_the_days_entries(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await push(app, pilot, MonthScreen(MONDAY, today=TODAY))
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.start == MONDAY
        assert app.screen.query_one("#moments", DataTable).has_focus
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        assert app.screen.entry.id == history[0].id


async def test_the_year_moves_by_day_and_month_and_opens_a_day(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await push(app, pilot, YearScreen(date(2026, 10, 16), today=TODAY))
        grid = str(screen.query_one(YearGrid).render())
        nov = next(line for line in grid.splitlines() if line.startswith("Nov"))
        assert nov[4:4 + 16] == "·" * 15 + "▓"  # the 16th: highest activation 8
        assert "1 in · 1 br" in nov  # the month's totals beside
        await pilot.press("down")
        assert screen.query_one(YearGrid).cursor == MONDAY
        assert said(screen, "#year-day").startswith("Mon 16 Nov")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen) and app.screen.start == MONDAY


# -- what helps ----------------------------------------------------------------------------------


async def test_what_helps_says_too_few_plainly(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await push(app, pilot, HelpsScreen(at=NOW))
        body = said(screen, "#helps-body")
        assert "What helps you" in body
        assert "too few to say yet" in body
        assert "Box" in body or "box" in body


# -- repairs -------------------------------------------------------------------------------------


async def test_marking_a_repair_done_saves_it_and_u_puts_it_back(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await push(app, pilot, RepairsScreen(at=NOW))
        assert [r[1] for r in rows(screen)] == ["open, 83 days", "done", "open, 6 days"]
        await pilot.press("d")
        await settle(app, pilot)
        saved = HistoryStore(data_dir).get(history[-1].id)
        assert saved is not None and saved.repair is not None
        assert saved.repair.status == "done" and saved.repair.done_at is not None
        assert rows(screen)[0][1] == "done"
        await pilot.press("u")
        await settle(app, pilot)
        saved = HistoryStore(data_dir).get(history[-1].id)
        assert saved is not None and saved.repair is not None
        assert saved.repair.status == "planned" and saved.repair.done_at is None


async def test_letting_a_repair_go_saves_it(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await push(app, pilot, RepairsScreen(at=NOW))
        await pilot.press("down", "down", "g")
        await settle(app, pilot)
        saved = HistoryStore(data_dir).get(history[2].id)
        assert saved is not None and saved.repair is not None
        assert saved.repair.status == "let_go"
        assert rows(screen)[2][1] == "let go"
        await pilot.press("o")
        await settle(app, pilot)
        assert len(rows(screen)) == 1  # only the September one is still open


async def test_the_weeks_repair_can_be_let_go(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await push(app, pilot, ReviewScreen(MONDAY))
        await pilot.press("r", "down", "g")
        await settle(app, pilot)
        saved = HistoryStore(data_dir).get(history[2].id)
        assert saved is not None and saved.repair is not None
        assert saved.repair.status == "let_go"


async def test_home_says_how_many_repairs_are_open_and_o_opens_them(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        line = said(app.screen, "#open-repairs")
        assert line.startswith("2 repairs still open, the oldest from 3 Sep 2026")
        assert line.endswith("(o)")
        await pilot.press("o")
        await settle(app, pilot)
        assert isinstance(app.screen, RepairsScreen)
        await pilot.press("d", "escape")
        await settle(app, pilot)
        assert said(app.screen, "#open-repairs").startswith("1 repair still open")


async def test_home_says_nothing_when_no_repair_is_open(data_dir):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert not app.screen.query_one("#open-repairs").display


# -- search --------------------------------------------------------------------------------------


async def test_search_narrows_as_you_type_and_enter_opens_one(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await push(app, pilot, SearchScreen())
        assert len(rows(screen)) == 4
        await pilot.press(*"snapped")
        await settle(app, pilot)
        assert len(rows(screen)) == 1
        assert said(screen, "#search-said").startswith("1 entry")
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        assert app.screen.entry.id == history[0].id


async def test_search_says_when_nothing_matches(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await push(app, pilot, SearchScreen())
        await pilot.press(*"zebra")
        await settle(app, pilot)
        assert rows(screen) == []
        assert said(screen, "#search-said") == "Nothing found for that."


# -- bad data ------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda: MonthScreen(MONDAY, today=TODAY), lambda: YearScreen(MONDAY, today=TODAY),
    lambda: HelpsScreen(at=NOW), lambda: RepairsScreen(at=NOW), SearchScreen])
async def test_an_empty_history_shows_every_view(data_dir, make):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(40, 12)) as pilot:
        screen = await push(app, pilot, make())
        await pilot.press("right", "down", "enter")
        await settle(app, pilot)
        assert app.screen is screen or isinstance(app.screen, ReviewScreen)


async def test_a_damaged_month_file_is_said_and_the_view_still_shows(data_dir, history):
    month_file = next(data_dir.rglob("2026-11*.json"))
    month_file.write_text("{not json")
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await push(app, pilot, MonthScreen(MONDAY, today=TODAY))
        assert "Nothing saved this month." in said(screen, "#month-totals")


# -- looks ---------------------------------------------------------------------------------------


VIEWS = {
    "month": lambda: MonthScreen(MONDAY, today=TODAY),
    "year": lambda: YearScreen(MONDAY, today=TODAY),
    "helps": lambda: HelpsScreen(at=NOW),
    "repairs": lambda: RepairsScreen(at=NOW),
    "search": SearchScreen,
}


@pytest.mark.parametrize("size", [(80, 24), (40, 12)], ids=["80x24", "40x12"])
@pytest.mark.parametrize("view", list(VIEWS))
def test_each_view_looks_right(data_dir, history, snap_compare, view, size):
    app = CompanionApp(data_dir=data_dir)

    async def run_before(pilot) -> None:
        screen = await push(app, pilot, VIEWS[view]())
        for field in screen.query(Input):
            field.cursor_blink = False  # a blink caught mid-way is not a change of look
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=size)


def test_the_month_looks_right_without_colour(data_dir, history, snap_compare, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = CompanionApp(data_dir=data_dir)

    async def run_before(pilot) -> None:
        await push(app, pilot, MonthScreen(MONDAY, today=TODAY))

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))


async def test_the_grids_draw_in_every_theme_with_the_day_told_by_more_than_colour(data_dir,
                                                                                   history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await push(app, pilot, MonthScreen(MONDAY, today=TODAY))
        for theme in sorted(app.available_themes):
            app.theme = theme
            await pilot.pause()
            cell = screen.query_one(MonthGrid).cell(MONDAY, 4)
            assert cell.plain == " 16▓"
            assert any(span.style.reverse for span in cell.spans
                       if not isinstance(span.style, str))
            assert screen.query_one(MonthGrid).region.height == 7
