"""The whole check-in from the keyboard: notice → ground → name → repair → saved, and every
way of doing part of it. Each test asserts what the history holds afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from breathing_waits import breath_begun
from textual.widgets import Static

from companion.app import CompanionApp
from companion.entries import Feeling, Repair
from companion.guidance import suggested_pattern
from companion.history import HistoryStore
from companion.screens.ground import GroundScreen
from companion.screens.home import HomeScreen
from companion.screens.name import NameScreen
from companion.screens.notice import NoticeScreen
from companion.screens.repair import RepairScreen
from companion.screens.saved import SavedScreen
from companion.screens.widgets.breathing import BreathingVisual
from companion.screens.widgets.leaving import LeaveCheckIn


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The Ground step of every check-in breathes on this clock."""
    fake = FakeClock()
    step_screen = CompanionApp._step_screen

    def with_fake_clock(app, step, draft):
        if step == "ground":
            return GroundScreen(draft, clock=fake)
        return step_screen(app, step, draft)

    monkeypatch.setattr(CompanionApp, "_step_screen", with_fake_clock)
    return fake


async def settle(app: CompanionApp, pilot) -> None:
    """Let any save finish before looking at the store (the flow itself may still be waiting
    on the Saved screen, so only the store's workers are waited for)."""
    await pilot.pause()
    saving = [w for w in app.workers if w.group == "store"]
    if saving:  # (an empty list would mean every worker, the waiting flow too)
        await app.workers.wait_for_complete(saving)
    await pilot.pause()


def saved(data_dir: Path) -> list:
    return HistoryStore(data_dir).all()


async def test_a_whole_check_in_is_saved_as_it_was_done(data_dir: Path, clock, content):
    app = CompanionApp(data_dir=data_dir, start="checkin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NoticeScreen)
        await pilot.press("8", "space", "tab", "space", "tab", "right", "right", "space", "enter")
        assert isinstance(app.screen, GroundScreen)
        assert "Sit or lie down first?" in str(app.screen.query_one("#kind-hints").render())
        await pilot.press("space", "enter")  # sat down first (tired), then on to breathing
        await pilot.press("enter")  # the suggested pattern for revved up
        await breath_begun(app, pilot)
        clock.now += 3600
        app.screen.query_one(BreathingVisual).sync()
        await pilot.pause()
        await pilot.press("4", "enter")
        assert isinstance(app.screen, NameScreen)
        await pilot.press("enter", *"fru", "tab", *"tense", "enter")
        assert isinstance(app.screen, RepairScreen)
        await pilot.press("space", "tab", *"snapped at bedtime", "enter", "enter")
        await pilot.press(*"tired too", "enter", "enter")  # their side; nothing for next time
        await pilot.press(*["down"] * 5, "space", "tab", "space", "enter")  # a hug, done
        await settle(app, pilot)
        assert isinstance(app.screen, SavedScreen)
        shown = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "8 → 4" in shown and "frustrated" in shown and "tense" in shown
        assert "My child · A hug or gentle touch · done" in shown
        assert "Sat or lay down" in shown  # the kind step taken, said back
        await pilot.press("enter")
        assert isinstance(app.screen, HomeScreen)
    [entry] = saved(data_dir)
    suggested = suggested_pattern(content.patterns, state="revved_up", activation=8)
    assert (entry.kind, entry.complete) == ("checkin", True)
    assert (entry.activation_before, entry.activation_after) == (8, 4)
    assert entry.state == "revved_up"
    assert entry.body_signals == ("tight_chest",) and entry.needs == ("tired",)
    assert entry.kind_steps == ("tired",)
    assert suggested.name == "cyclic-sigh"  # revved up: no holds first
    assert entry.breathing.pattern == suggested.name and entry.breathing.completed
    assert entry.feelings == (Feeling("frustrated", "high_unpleasant"),
                              Feeling("tense", "high_unpleasant"))
    repair = entry.repair
    assert repair is not None and repair.done_at is not None
    assert repair == Repair("child", "snapped at bedtime", "", "hug", "done", repair.done_at,
                            their_side="tired too")


async def test_the_senses_instead_of_breathing(data_dir: Path):
    app = CompanionApp(data_dir=data_dir, start="checkin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("7", "enter", "5", *["enter"] * 5, "5", "enter")
        await pilot.press("s", "s")
        await settle(app, pilot)
        assert isinstance(app.screen, SavedScreen)
        await pilot.press("escape")
    [entry] = saved(data_dir)
    assert (entry.activation_before, entry.activation_after, entry.senses_steps) == (7, 5, 5)
    assert entry.breathing is None and entry.complete


async def test_skipping_every_step_saves_nothing(data_dir: Path):
    app = CompanionApp(data_dir=data_dir, start="checkin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s", "s", "s", "s")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
    assert saved(data_dir) == []


async def test_a_check_in_of_one_step_is_saved_whole(data_dir: Path):
    app = CompanionApp(data_dir=data_dir, start="checkin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s", "s", "right", "enter", *"glad", "enter", "s")
        await settle(app, pilot)
        assert isinstance(app.screen, SavedScreen)
    [entry] = saved(data_dir)
    assert entry.complete and entry.feelings == (Feeling("glad", "high_pleasant"),)
    assert entry.activation_before is None and entry.repair is None


async def test_going_back_keeps_what_was_entered(data_dir: Path):
    app = CompanionApp(data_dir=data_dir, start="checkin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("5", "enter", "s")  # to Name
        assert isinstance(app.screen, NameScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, GroundScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, NoticeScreen)
        assert "Now: [b]5[/b]" in str(app.screen.query_one("ActivationRating").content)
        await pilot.press("plus", "enter", "s", "enter", *"calm", "enter")
        assert isinstance(app.screen, RepairScreen)
        await pilot.press("escape")  # back to Name: the word is still there
        assert "calm" in str(app.screen.query_one("#named", Static).render())
        await pilot.press("c", "enter")
        await settle(app, pilot)
    [entry] = saved(data_dir)
    assert entry.complete and entry.activation_before == 6
    assert entry.feelings == (Feeling("calm", "low_pleasant"),)


async def test_leaving_mid_way_asks_once_then_keeps_what_was_done(data_dir: Path):
    app = CompanionApp(data_dir=data_dir, start="checkin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("6", "space", "enter")
        assert isinstance(app.screen, GroundScreen)
        await pilot.press("q")
        assert isinstance(app.screen, LeaveCheckIn)
        await pilot.press("escape")  # stay after all
        assert isinstance(app.screen, GroundScreen)
        assert saved(data_dir) == []
        await pilot.press("q", "y")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
    [entry] = saved(data_dir)
    assert (entry.kind, entry.complete) == ("checkin", False)
    assert (entry.activation_before, entry.state) == (6, "revved_up")


async def test_leaving_with_nothing_entered_asks_nothing_and_saves_nothing(data_dir: Path):
    app = CompanionApp(data_dir=data_dir, start="checkin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s", "q")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
    assert saved(data_dir) == []


async def test_quitting_the_app_mid_check_in_keeps_it(data_dir: Path):
    app = CompanionApp(data_dir=data_dir, start="checkin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("3", "enter", "s", "enter", *"numb", "tab")
        await pilot.press("ctrl+q")
        await pilot.pause()
    [entry] = saved(data_dir)
    assert not entry.complete and entry.activation_before == 3
    assert entry.feelings == (Feeling("numb", "low_unpleasant"),)  # offered where it belongs


def test_the_saved_summary_looks_right(data_dir: Path, snap_compare):
    from datetime import datetime, timedelta, timezone

    from companion.entries import Breathing, Entry

    app = CompanionApp(data_dir=data_dir)
    entry = Entry(
        kind="checkin",
        id="00000000-0000-4000-8000-000000000001",
        started_at=datetime(2026, 3, 4, 18, 30, tzinfo=timezone(timedelta(hours=1))),
        activation_before=8,
        activation_after=4,
        state="revved_up",
        body_signals=("tight_chest", "clenched_jaw"),
        needs=("tired",),
        breathing=Breathing("extended", 60, 6, True),
        feelings=(Feeling("frustrated", "high_unpleasant"), Feeling("tender", "low_pleasant")),
        repair=Repair("child", step="apologised", status="done"),
    )

    async def run_before(pilot) -> None:
        await pilot.pause()
        app.push_screen(SavedScreen(entry))
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))


async def test_quit_from_the_command_palette_mid_check_in_keeps_it(data_dir: Path):
    app = CompanionApp(data_dir=data_dir, start="checkin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("6")
        await app.run_action("quit")  # what the palette's built-in Quit command runs
        await pilot.pause()
    [entry] = saved(data_dir)
    assert not entry.complete and entry.activation_before == 6


async def test_a_quick_rating_then_enter_keeps_the_rating_at_both_steps(data_dir: Path):
    # In a real terminal "6" and Enter can both arrive before the rating's Changed message is
    # handled; the steps keep the number the moment it is set.
    app = CompanionApp(data_dir=data_dir, start="checkin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.action_rate(6)
        app.screen.action_next()  # no pause between them
        await pilot.pause()
        assert isinstance(app.screen, GroundScreen)
        await pilot.press("enter", "x")  # breathe, and stop at once: the after-rating shows
        await pilot.pause()
        app.screen.action_rate(3)
        app.screen.action_next()
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)
        assert app.draft is not None
        assert (app.draft.activation_before, app.draft.activation_after) == (6, 3)


async def test_the_saved_screen_says_saved_once_and_claims_no_step(data_dir: Path):
    """Whichever line comes up, nothing named is said to be named and "Saved" is said once."""
    from datetime import datetime

    from companion.entries import Entry

    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for line in range(len(app.content.saved_lines)):
            entry = Entry(kind="checkin", started_at=datetime.now().astimezone(),
                          id=f"00000000-0000-4000-8000-{line:012x}", activation_before=5)
            screen = SavedScreen(entry)
            app.push_screen(screen)
            await pilot.pause()
            said = " ".join(str(s.render()) for s in screen.query(Static)).casefold()
            assert said.count("saved") == 1, said
            assert "named" not in said
            app.pop_screen()
            await pilot.pause()


async def test_home_opens_a_repair_on_its_own_with_r(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RepairScreen)
        assert app.screen.draft.kind == "repair"
