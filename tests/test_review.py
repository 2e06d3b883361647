"""The review screen: the week, moving between weeks, repairs marked done, edit and delete."""

from __future__ import annotations

import json
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select, Static, TextArea

from companion.app import CompanionApp
from companion.entries import Breathing, Entry, Feeling, Repair
from companion.export import export_history
from companion.history import HistoryStore
from companion.screens.entry import ConfirmDelete, EntryScreen
from companion.screens.review import GroundingChart, ReviewScreen
from companion.screens.widgets.choices import ChoiceGrid
from companion.summary import week_bounds, week_label

MONDAY = date(2026, 11, 16)  # 2026-W47


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute).astimezone()


def week_entries() -> list[Entry]:
    return [
        Entry(kind="checkin", started_at=local(MONDAY, 12), activation_before=8,
              activation_after=5, needs=("tired",), note="bedtime [bold]again[/bold] \x1b[31m",
              breathing=Breathing("box", 90.0, 5, True),
              feelings=(Feeling("frazzled", "high_unpleasant"),
                        Feeling("[i]mine[/i]", "low_unpleasant")),
              repair=Repair(with_whom="child", what_happened="I snapped", step="apologised",
                            status="done", done_at=local(MONDAY, 13))),
        Entry(kind="breathing", started_at=local(MONDAY + timedelta(days=2), 15),
              breathing=Breathing("coherent", 120.0, 11, True)),
        Entry(kind="repair", started_at=local(MONDAY + timedelta(days=3), 19),
              repair=Repair(with_whom="partner", what_happened="cold shoulder",
                            step="will_try_later")),
    ]


@pytest.fixture
def history(data_dir: Path) -> list[Entry]:
    store = HistoryStore(data_dir, fsync=False)
    entries = week_entries()
    for entry in entries:
        store.save(entry)
    return entries


async def settle(app, pilot) -> None:
    """Let the store workers finish and the screen show what they read."""
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def open_review(app, pilot, week: date = MONDAY) -> ReviewScreen:
    await pilot.pause()
    screen = ReviewScreen(week)
    app.push_screen(screen)
    await settle(app, pilot)
    return screen


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def rows(screen, selector: str) -> list[list[str]]:
    table = screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def stored(data_dir: Path, entry: Entry) -> Entry | None:
    return HistoryStore(data_dir).get(entry.id)


async def test_the_week_shows_each_day_the_grounding_and_what_came_up(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(app, pilot)
        assert text(screen, "#week-title") == "Your week · Mon 16 Nov – Sun 22 Nov 2026 · 2026-W47"
        days = rows(screen, "#days")
        assert len(days) == 7
        assert days[0] == ["Mon 16 Nov", "1", "", "1.5 min", "8 → 5 (1 pair)"]
        assert days[2] == ["Wed 18 Nov", "", "1", "2.0 min", ""]
        chart = str(screen.query_one(GroundingChart).render())
        assert "Mon 16 Nov 12:00   8 → 5" in chart and "░" in chart
        feelings = text(screen, "#feelings")
        assert "▲ High energy, unpleasant: 1" in feelings
        assert "▼ Low energy, unpleasant: 1" in feelings
        assert text(screen, "#words") == "Words used most: frazzled (1), [i]mine[/i] (1)"
        assert text(screen, "#needs") == "Tired (1)"
        assert ("Afternoon (12–17): 2 check-ins and breaks, activation around 8"
                in text(screen, "#times"))
        assert rows(screen, "#repairs") == [
            ["Mon 16 Nov 12:00", "My child", "Said sorry", "done"],
            ["Thu 19 Nov 19:00", "My partner", "Later, once I'm calm", "planned · open"],
        ]
        moments = rows(screen, "#moments")
        assert [m[1] for m in moments] == ["check-in", "breathing break", "repair"]
        # Your text as typed: markup shown, the escape character replaced.
        assert moments[0][3] == "frazzled, [i]mine[/i] · bed…"
        assert moments[1][3] == ""


async def test_an_empty_week_says_something_kind(data_dir, content):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(app, pilot)
        assert text(screen, "#empty") in content.empty_week
        assert screen.query_one("#empty").display
        assert not screen.query_one("#sections").display


async def test_moving_between_weeks(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(app, pilot)
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert text(screen, "#week-title").endswith("2026-W48")
        assert screen.query_one("#empty").display  # nothing saved that week
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(app, pilot)
        assert text(screen, "#week-title") == "Your week · Mon 9 Nov – Sun 15 Nov 2026 · 2026-W46"
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert len(rows(screen, "#moments")) == 3
        await pilot.press("t")
        await settle(app, pilot)
        this_week = week_label(week_bounds(date.today())[0])
        assert text(screen, "#week-title").endswith(this_week)


async def test_the_command_palette_moves_between_weeks(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"previous week")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
        assert text(screen, "#week-title").endswith("2026-W46")


async def test_a_week_starts_on_sunday_when_set(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    app.settings = type(app.settings)(week_start="sunday")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(app, pilot)
        assert text(screen, "#week-title") == "Your week · Sun 15 Nov – Sat 21 Nov 2026 · 2026-W47"
        assert rows(screen, "#days")[1][0] == "Mon 16 Nov"


async def test_a_planned_repair_can_be_marked_done(data_dir, history):
    planned = history[2]
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(app, pilot)
        await pilot.press("r")
        assert not screen.check_action("mark_done", ())  # the first repair is done already
        await pilot.press("down", "d")
        await settle(app, pilot)
        repair = stored(data_dir, planned).repair
        assert repair.status == "done" and repair.done_at is not None
        assert repair.what_happened == "cold shoulder"  # the rest as it was
        assert rows(screen, "#repairs")[1][3] == "done"
        assert text(screen, "#repairs-hint") == "All the repairs logged this week are done."


async def test_an_entry_opens_in_full(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_review(app, pilot)
        await pilot.press("m", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        facts = text(app.screen, "#facts")
        assert "Activation: 8 → 5" in facts
        assert "Breathing: Box breathing, 1.5 min, 5 breaths" in facts
        assert "Feelings: frazzled, [i]mine[/i]" in facts
        assert "What happened: I snapped" in facts
        assert "Note: bedtime [bold]again[/bold] \ufffd[31m" in facts
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)


async def test_editing_an_entry_saves_it_and_the_week_shows_it(data_dir, history):
    entry = history[0]
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        review = await open_review(app, pilot)
        await pilot.press("m", "enter", "e")
        screen = app.screen
        assert screen.focused is screen.query_one("#before", Input)
        await pilot.press("backspace", "6")
        screen.query_one("#after", Input).value = ""
        screen.query_one("#words", Input).value = "frazzled, calm, zonked"
        screen.query_one("#own-quadrant", Select).value = "low_unpleasant"
        screen.query_one("#note", TextArea).text = "a calmer note\nsecond line"
        screen.query_one("#status", Select).value = "planned"
        screen.query_one("#what-happened", Input).value = "I raised my voice"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        saved = stored(data_dir, entry)
        assert (saved.activation_before, saved.activation_after) == (6, None)
        assert saved.feelings == (Feeling("frazzled", "high_unpleasant"),
                                  Feeling("calm", "low_pleasant"),
                                  Feeling("zonked", "low_unpleasant"))
        assert saved.note == "a calmer note\nsecond line"
        assert (saved.repair.status, saved.repair.done_at) == ("planned", None)
        assert saved.repair.what_happened == "I raised my voice"
        assert saved.started_at == entry.started_at and saved.needs == entry.needs
        assert "Activation: 6 → –" in text(screen, "#facts")
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is review
        # With its after cleared the entry is no grounding pair, so the day shows none.
        assert rows(review, "#days")[0][4] == ""
        assert len(review.summary.open_repairs) == 2


async def test_an_edit_that_does_not_fit_says_so_and_changes_nothing(data_dir, history):
    entry = history[0]
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_review(app, pilot)
        await pilot.press("m", "enter", "e", "backspace", "1", "1", "ctrl+s")
        await settle(app, pilot)
        assert text(app.screen, "#problem") == "Activation before goes from 0 to 10."
        app.screen.query_one("#before", Input).value = "7"
        app.screen.query_one("#words", Input).value = "x" * 41
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "longer than 40 characters" in text(app.screen, "#problem")
        assert stored(data_dir, entry) == entry
        await pilot.press("escape")  # leaves the form, as it was
        assert "Activation: 8 → 5" in text(app.screen, "#facts")


async def test_deleting_asks_first(data_dir, history):
    entry = history[1]
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        review = await open_review(app, pilot)
        await pilot.press("m", "down", "enter", "x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDelete)
        await pilot.press("n")
        await settle(app, pilot)
        assert stored(data_dir, entry) == entry
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert stored(data_dir, entry) is None
        assert text(app.screen, "#facts").startswith("Deleted. u brings it back")
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is review
        assert [m[1] for m in rows(review, "#moments")] == ["check-in", "repair"]
        assert stored(data_dir, history[0]) == history[0]


async def test_a_small_terminal_still_shows_the_week_and_opens_entries(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(40, 12)) as pilot:
        review = await open_review(app, pilot)
        assert review.query_one("#review").max_scroll_y > 0  # it scrolls rather than cuts
        await pilot.press("m", "enter", "e", "escape", "escape")
        await settle(app, pilot)
        await pilot.press("right_square_bracket", "t")
        await settle(app, pilot)
        assert app.screen is review


def _review_app(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)

    async def run_before(pilot) -> None:
        await open_review(app, pilot)

    return app, run_before


def test_the_week_looks_right(data_dir, history, snap_compare):
    app, run_before = _review_app(data_dir)
    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))


def test_an_entry_looks_right(data_dir, history, snap_compare):
    app, open_week = _review_app(data_dir)

    async def run_before(pilot) -> None:
        await open_week(pilot)
        await pilot.press("m", "enter")
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))


def test_the_entry_editor_looks_right(data_dir, history, snap_compare):
    app, open_week = _review_app(data_dir)

    async def run_before(pilot) -> None:
        await open_week(pilot)
        await pilot.press("m", "enter", "e")
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=(100, 40))


async def test_the_workers_report_by_message_and_the_screen_shows_what_they_said(
    data_dir, history
):
    """The review's reads and writes happen in threads; each posts what it found (WeekLoaded,
    EntrySaved), and only the handler on the main thread changes the screen."""
    from companion.screens.messages import EntrySaved, WeekLoaded

    posted = []
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24), message_hook=posted.append) as pilot:
        screen = await open_review(app, pilot)
        loaded = [m for m in posted if isinstance(m, WeekLoaded)]
        assert [m.summary.start for m in loaded] == [MONDAY]
        assert {e.id for e in loaded[0].entries} == {e.id for e in history}
        await pilot.press("r", "down", "d")
        await settle(app, pilot)
        saved = [m for m in posted if isinstance(m, EntrySaved)]
        assert [(m.entry.id, m.said) for m in saved] == [(history[2].id, "Marked done.")]
        assert saved[0].entry.repair.status == "done"
        # The save's handler read the week again: a second WeekLoaded, shown on screen.
        assert len([m for m in posted if isinstance(m, WeekLoaded)]) == 2
        assert rows(screen, "#repairs")[1][3] == "done"


def _own_words_entry() -> Entry:
    return Entry(kind="checkin", started_at=local(MONDAY, 9), activation_before=6,
                 note="one\rtwo\u2028three\r\nfour",
                 feelings=(Feeling("tired, wired", "high_unpleasant"),
                           Feeling(" calm ", "high_unpleasant"),
                           Feeling('say "hi"', "low_pleasant")),
                 repair=Repair(with_whom="child", what_happened="a\rb", status="planned"))


async def test_saving_an_unchanged_entry_leaves_it_as_it_was(data_dir):
    store = HistoryStore(data_dir, fsync=False)
    entry = store.save(_own_words_entry())
    before = store.get(entry.id).to_dict()
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_review(app, pilot)
        await pilot.press("m", "enter", "e")
        await pilot.pause()
        assert app.screen.query_one("#words", Input).value == (
            '"tired, wired", " calm ", "say ""hi"""')
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert HistoryStore(data_dir).get(entry.id).to_dict() == before
        # An edit elsewhere keeps each word whole, in its own quadrant, and the note as it was.
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#before", Input).value = "4"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        saved = HistoryStore(data_dir).get(entry.id)
        assert saved.activation_before == 4
        assert saved.feelings == entry.feelings and saved.note == entry.note
        assert saved.repair == entry.repair


async def test_the_editor_saves_the_words_on_screen_once_each(data_dir):
    store = HistoryStore(data_dir, fsync=False)
    entry = store.save(_own_words_entry())
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_review(app, pilot)
        await pilot.press("m", "enter", "e")
        await pilot.pause()
        app.screen.query_one("#words", Input).value = (
            '"tired, wired", relieved, relieved,  calm , Relieved')
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert HistoryStore(data_dir).get(entry.id).feelings == (
            Feeling("tired, wired", "high_unpleasant"), Feeling("relieved", "low_pleasant"),
            Feeling("calm", "low_pleasant"))


async def test_escape_discards_the_edits_and_the_form_opens_afresh(data_dir, history):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_review(app, pilot)
        await pilot.press("m", "enter", "e")
        await pilot.pause()
        app.screen.query_one("#words", Input).value = "discarded"
        app.screen.query_one("#note", TextArea).text = "discarded too"
        await pilot.press("escape", "e")
        await pilot.pause()
        assert app.screen.query_one("#words", Input).value == "frazzled, [i]mine[/i]"
        assert app.screen.query_one("#note", TextArea).text == history[0].note


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (40, 12)])
async def test_the_entry_screen_itself_never_scrolls(data_dir, history, size):
    """The read view and the form scroll inside; the screen shows no scrollbar of its own."""
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=size) as pilot:
        await open_review(app, pilot)
        await pilot.press("m", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EntryScreen)
        assert not app.screen.show_vertical_scrollbar
        assert app.screen.virtual_size.height <= size[1]
        await pilot.press("e")
        await pilot.pause()
        assert not app.screen.show_vertical_scrollbar


# -- every field a person entered, and an undo for a delete ----------------------------------


async def test_the_editor_saves_state_body_needs_who_step_and_time(data_dir, history):
    entry = history[0]
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_review(app, pilot)
        await pilot.press("m", "enter", "e")
        await pilot.pause()
        screen = app.screen
        assert screen.query_one("#when", Input).value == "2026-11-16 12:00"
        assert screen.query_one("#needs", ChoiceGrid).picked == ("tired",)
        screen.query_one("#state", ChoiceGrid).pick("revved_up")
        screen.query_one("#body", ChoiceGrid).pick("clenched_jaw")
        screen.query_one("#needs", ChoiceGrid).pick("tired")  # unpicked
        screen.query_one("#needs", ChoiceGrid).pick("need_quiet")
        screen.query_one("#with-whom", ChoiceGrid).pick("partner")
        screen.query_one("#step", ChoiceGrid).pick("named_it")
        screen.query_one("#when", Input).value = "2026-11-17 8:05"
        screen.query_one("#their-side", Input).value = "tired after school"
        screen.query_one("#to-a-friend", Input).value = "you came back to it"
        screen.query_one("#next-time", Input).value = "kneel down first"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        saved = stored(data_dir, entry)
        assert saved.state == "revved_up"
        assert saved.body_signals == ("clenched_jaw",)
        assert saved.needs == ("need_quiet",)
        assert (saved.repair.with_whom, saved.repair.step) == ("partner", "named_it")
        assert (saved.repair.their_side, saved.repair.to_a_friend, saved.repair.next_time) == (
            "tired after school", "you came back to it", "kneel down first")
        assert saved.started_at == local(MONDAY + timedelta(days=1), 8, 5)
        assert text(screen, "#title").startswith("Tue 17 Nov 08:05")
        assert saved.started_at.utcoffset() is not None
        assert saved.with_changes(
            state=None, body_signals=(), needs=entry.needs, started_at=entry.started_at,
            repair=entry.repair) == entry
        # A state cleared, and nothing else touched, saves as no state.
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#state", ChoiceGrid).pick("revved_up")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert stored(data_dir, entry) == saved.with_changes(state=None)


async def test_an_unchanged_form_with_every_field_writes_nothing(data_dir):
    store = HistoryStore(data_dir, fsync=False)
    # Keys from an older list, a time to the second in another offset: all kept as they are.
    entry = store.save(Entry(
        kind="checkin", started_at=datetime.fromisoformat("2026-11-16T09:00:07.5+05:30"),
        state="steady", body_signals=("gone_from_the_list", "clenched_jaw"),
        needs=("need_quiet", "tired"),
        repair=Repair(with_whom="my neighbour", step="an old step", status="planned",
                      their_side="a\rb", next_time=" spaced ")))
    files = {p: p.read_bytes() for p in data_dir.rglob("*.json")}
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_review(app, pilot)
        await pilot.press("m", "enter", "e")
        await pilot.pause()
        assert app.screen.query_one("#with-whom", ChoiceGrid).picked == ("my neighbour",)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert {p: p.read_bytes() for p in data_dir.rglob("*.json")} == files
    assert HistoryStore(data_dir).get(entry.id) == entry


async def test_a_time_that_does_not_fit_is_refused_and_nothing_saved(data_dir, history):
    entry = history[0]
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_review(app, pilot)
        await pilot.press("m", "enter", "e")
        await pilot.pause()
        app.screen.query_one("#when", Input).value = "yesterday at noon"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert text(app.screen, "#problem") == (
            "Write the time as 2026-11-16 09:30 (year-month-day hour:minute).")
        app.screen.query_one("#when", Input).value = "2026-02-30 10:00"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert text(app.screen, "#problem") == (
            "2026-02-30 10:00 is not a date and time on the calendar.")
        assert stored(data_dir, entry) == entry


async def test_a_time_the_clocks_skip_is_refused(data_dir, history, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        entry = history[0]
        app = CompanionApp(data_dir=data_dir)
        async with app.run_test(size=(100, 30)) as pilot:
            await open_review(app, pilot)
            await pilot.press("m", "enter", "e")
            await pilot.pause()
            app.screen.query_one("#when", Input).value = "2026-03-29 02:30"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert text(app.screen, "#problem") == (
                "2026-03-29 02:30 does not happen here: the clocks skip that hour. "
                "Pick a time before or after it.")
            assert stored(data_dir, entry) == entry
    finally:
        monkeypatch.undo()
        time.tzset()


async def test_a_time_in_another_month_moves_the_entry_whole(data_dir, history):
    entry = history[0]
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_review(app, pilot)
        await pilot.press("m", "enter", "e")
        await pilot.pause()
        app.screen.query_one("#when", Input).value = "2026-10-30 12:00"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    moved = local(date(2026, 10, 30), 12)
    store = HistoryStore(data_dir)
    assert store.get(entry.id) == entry.with_changes(started_at=moved)
    # Read a month at a time, the entry is in October only: no copy stays in November.
    november = store.between(local(date(2026, 11, 1), 0), local(date(2026, 12, 1), 0))
    assert entry.id not in [e.id for e in november]
    october = store.between(local(date(2026, 10, 1), 0), local(date(2026, 11, 1), 0))
    assert [e.id for e in october] == [entry.id]


def _exported(data_dir: Path, out: Path) -> list[object]:
    assert export_history(data_dir, "json", out) == 0
    return json.loads(out.read_text(encoding="utf-8"))["entries"]


async def test_a_delete_undone_gives_back_the_entry_exactly(data_dir, history, tmp_path):
    entry = history[0]
    before = _exported(data_dir, tmp_path / "before.json")
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        review = await open_review(app, pilot)
        await pilot.press("m", "enter", "x")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert stored(data_dir, entry) is None
        from test_footers import footer_cut  # here: test_footers imports this module

        assert not footer_cut(app)
        await pilot.press("u")
        await settle(app, pilot)
        assert stored(data_dir, entry) == entry
        assert "Activation: 8 → 5" in text(app.screen, "#facts")
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is review
        assert [m[1] for m in rows(review, "#moments")] == ["check-in", "breathing break", "repair"]
    assert _exported(data_dir, tmp_path / "after.json") == before
