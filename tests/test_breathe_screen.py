"""The quick breathing break: `companion breathe` starts at once and exits once it is saved;
from home, choose first and rate activation after."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from breathing_waits import breath_begun
from keys_at_once import keys_at_once
from textual.screen import Screen
from textual.widgets import Static

from companion.app import CompanionApp
from companion.entries import Breathing
from companion.history import HistoryStore
from companion.plain import breathe_request
from companion.screens.breathe import BreatheScreen
from companion.screens.home import HomeScreen
from companion.screens.widgets.breath_shape import BreathShape
from companion.screens.widgets.breathing import BreathingVisual
from companion.storage import SaveFailed


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


async def advance(app: CompanionApp, pilot, clock: FakeClock, seconds: float) -> None:
    await breath_begun(app, pilot)
    clock.now += seconds
    app.screen.query_one(BreathingVisual).sync()
    await pilot.pause()


async def open_break(app: CompanionApp, pilot, **options) -> None:
    """The quick break, opened over home as b opens it (the options are BreatheScreen's)."""
    await pilot.pause()
    app.push_screen(BreatheScreen(**options))
    await pilot.pause()


async def breathe_for(app: CompanionApp, pilot, clock: FakeClock, seconds: float) -> None:
    """Enter on the highlighted pattern, and breathe it for `seconds` on the fake clock."""
    await pilot.press("enter")
    await advance(app, pilot, clock, seconds)


def text(app: CompanionApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def saved(data_dir: Path) -> list:
    return HistoryStore(data_dir).all()


async def test_companion_breathe_starts_at_once_and_exits_once_saved(data_dir: Path):
    request = breathe_request(data_dir, "box", None, 2)
    app = CompanionApp(data_dir=data_dir, start="breathe", breathe=request)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BreatheScreen)
        assert app.screen.query_one(BreathingVisual).running  # no key pressed
        await breath_begun(app, pilot)
        assert text(app, "#cue") == "in"
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 0
    [entry] = saved(data_dir)
    assert entry.kind == "breathing" and not entry.complete
    assert entry.breathing.pattern == "box"
    assert (entry.breathing.cycles, entry.breathing.completed) == (0, False)
    assert 0 <= entry.breathing.seconds < 5


async def test_a_whole_break_is_saved_as_completed_and_the_app_exits(data_dir: Path):
    request = breathe_request(data_dir, "cyclic-sigh", None, 3)
    app = CompanionApp(data_dir=data_dir)
    clock = FakeClock()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_break(app, pilot, request=request, exit_after=True, clock=clock)
        await advance(app, pilot, clock, 2.5)
        assert text(app, "#cue") == "in again"
        await advance(app, pilot, clock, 30)
        await app.workers.wait_for_complete()
        await pilot.pause()
    [entry] = saved(data_dir)
    assert entry.breathing == Breathing("cyclic-sigh", 27, 3, True)
    assert entry.complete


async def test_from_home_choose_breathe_stop_early_and_rate(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    clock = FakeClock()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_break(app, pilot, clock=clock)
        assert "Length: 1 min (5 breaths)" in text(app, "#length")  # coherent, from settings
        await pilot.press("plus")
        assert "Length: 2 min (11 breaths)" in text(app, "#length")
        await breathe_for(app, pilot, clock, 30)
        await pilot.press("space")
        await advance(app, pilot, clock, 600)  # paused: not breathing
        await pilot.press("x")
        assert "Stopped early, and that's fine. You breathed 30 s (2 breaths)." in text(
            app, "#summary"
        )
        await keys_at_once(app, pilot, "4", "enter")  # as quickly as tmux sends them
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    [entry] = saved(data_dir)
    assert entry.breathing == Breathing("coherent", 30, 2, False)
    assert entry.activation_after == 4


async def test_the_dizzy_note_comes_before_a_patterns_first_break_only(data_dir: Path, content):
    app = CompanionApp(data_dir=data_dir)
    note = content.safety.dizzy_note
    async with app.run_test(size=(80, 24)) as pilot:
        for first in (True, False):
            await open_break(app, pilot, pattern="coherent", clock=FakeClock())
            assert (note in text(app, "#about")) is first
            await pilot.press("enter")
            await pilot.pause()
            assert (text(app, "#dizzy") == note) is first
            await pilot.press("x", "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)


async def test_a_longer_4_7_8_from_the_command_line_is_kept_to_eight_kindly(
    data_dir: Path, content
):
    request = breathe_request(data_dir, "4-7-8", None, 20)
    app = CompanionApp(data_dir=data_dir, start="breathe", breathe=request)
    async with app.run_test(size=(80, 24)) as pilot:
        await breath_begun(app, pilot)
        assert text(app, "#left").endswith("breath 1 of 8")
        assert text(app, "#dizzy") == (
            f"{content.pattern('4-7-8').cap_note}\n{content.safety.dizzy_note}")
        await pilot.press("x")
        await app.workers.wait_for_complete()


async def test_rating_after_a_break_is_optional(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    clock = FakeClock()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_break(app, pilot, pattern="long-exhale", clock=clock)
        await pilot.press("u", "minus", "minus", "minus")  # 3 breaths
        assert "Length: 3 breaths" in text(app, "#length")
        await breathe_for(app, pilot, clock, 30)
        assert "You breathed 30 s (3 breaths)." in text(app, "#summary")
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    [entry] = saved(data_dir)
    assert entry.breathing == Breathing("long-exhale", 30, 3, True)
    assert entry.activation_after is None


async def test_quitting_mid_breath_keeps_what_was_breathed(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    clock = FakeClock()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_break(app, pilot, pattern="box", clock=clock)
        await breathe_for(app, pilot, clock, 12)
        await pilot.press("ctrl+q")
        await pilot.pause()
    [entry] = saved(data_dir)
    assert entry.breathing == Breathing("box", 12, 0, False)


async def test_escape_before_breathing_goes_home_without_saving(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, BreatheScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert saved(data_dir) == []


async def test_resizing_mid_breath_changes_the_shape_not_the_timing(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    clock = FakeClock()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_break(app, pilot, pattern="box", clock=clock)
        await breathe_for(app, pilot, clock, 4)
        shape = app.screen.query_one(BreathShape)
        wide = str(shape.render())
        await pilot.resize_terminal(40, 16)
        await advance(app, pilot, clock, 1)
        narrow = str(shape.render())
        assert max(map(len, narrow.splitlines())) <= shape.size.width == 40
        assert narrow.count("█") < wide.count("█")
        assert (text(app, "#cue"), text(app, "#left")) == ("hold", "3 s  ·  breath 1 of 4")
        await pilot.press("x")
    [entry] = saved(data_dir)
    assert entry.breathing.seconds == 5


async def test_a_break_that_cannot_be_saved_says_so_exits_1_and_is_kept(
    data_dir: Path, monkeypatch, capsys
):
    from companion.recovery import find_recovery, read_recovery

    request = breathe_request(data_dir, "box", None, 1)
    app = CompanionApp(data_dir=data_dir, start="breathe", breathe=request)

    def full_disk(entry):
        raise SaveFailed("The disk is full, so /tmp/[/b]/2026-11.json could not be saved.")

    monkeypatch.setattr(app.store, "save", full_disk)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # Enter while breathing stops, like x
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 1
    [kept] = find_recovery(data_dir)
    [entry] = read_recovery(kept)
    assert (entry.kind, entry.breathing.pattern) == ("breathing", "box")
    # As Textual prints it as it exits: one line, and the path in it is not markup.
    assert capsys.readouterr().err == (
        "companion: 1 entry could not be saved: The disk is full, so /tmp/[/b]/2026-11.json "
        f"could not be saved. It is kept in {kept} and will be added to your history the next "
        "time companion starts.\n"
    )


async def test_each_phase_change_rings_the_bell_when_asked(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    app.settings = replace(app.settings, bell=True)
    rings = []
    app.bell = lambda: rings.append(1)
    clock = FakeClock()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_break(app, pilot, pattern="coherent", clock=clock)
        await pilot.press("u", "minus", "minus", "minus", "minus")  # 1 breath
        await pilot.press("enter")
        assert rings == []  # the first cue is on screen, no bell needed
        await advance(app, pilot, clock, 5.5)
        assert len(rings) == 1
        await advance(app, pilot, clock, 5.5)  # the end rings too
        assert len(rings) == 2


async def test_help_over_the_breathing_pauses_it_until_you_come_back(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    clock = FakeClock()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_break(app, pilot, pattern="box", clock=clock)
        await pilot.press("enter")
        clock.now += 3
        app.push_screen(Screen())  # stands in for help
        await pilot.pause()
        clock.now += 100
        app.pop_screen()
        await pilot.pause()
        await advance(app, pilot, clock, 2)
        assert text(app, "#cue") == "hold"
        await pilot.press("x")
    [entry] = saved(data_dir)
    assert entry.breathing.seconds == 5


def _breathe_app(data_dir: Path, seconds: float | None):
    app = CompanionApp(data_dir=data_dir)
    clock = FakeClock()

    async def open_breathe(pilot) -> None:
        await open_break(app, pilot, pattern="4-7-8", clock=clock)
        if seconds is not None:
            await breathe_for(app, pilot, clock, seconds)

    return app, open_breathe


def test_choosing_a_break_looks_right(data_dir: Path, snap_compare):
    app, run_before = _breathe_app(data_dir, None)
    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))


def test_a_break_in_progress_looks_right(data_dir: Path, snap_compare):
    app, run_before = _breathe_app(data_dir, 14.5)  # 4-7-8: into the long out-breath
    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))


async def test_a_break_looks_the_same_from_the_command_line_as_from_home(data_dir: Path):
    def layout(app) -> list:
        return [(type(w).__name__, w.region) for w in app.screen.query("BreathingVisual, "
                "BreathingVisual > *, #dizzy")]

    request = breathe_request(data_dir, "coherent", None, 2)  # the note before a first breath
    asked = CompanionApp(data_dir=data_dir, start="breathe", breathe=request)
    async with asked.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        from_the_command_line = layout(asked)
    home = CompanionApp(data_dir=data_dir)
    async with home.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home.push_screen(BreatheScreen(pattern="coherent"))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        from_home = layout(home)
    assert from_the_command_line == from_home
    assert len(from_home) == 6  # the visual, its four lines, and the dizzy line
