"""The check-in's Ground step: choose, breathe (on a fake clock), or the senses; rate again."""

from __future__ import annotations

from pathlib import Path

from breathing_waits import breath_begun
from textual.content import Content
from textual.widgets import OptionList, Static

from companion.app import CompanionApp
from companion.checkin import CheckInDraft
from companion.entries import Breathing
from companion.screens.ground import GroundScreen
from companion.screens.widgets.breathing import BreathingVisual, BreathShape


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Ground:
    """A Ground step open in a running app, with its fake clock and what it answered."""

    def __init__(self, app: CompanionApp, pilot, draft: CheckInDraft) -> None:
        self.app, self.pilot, self.draft = app, pilot, draft
        self.clock = FakeClock()
        self.answers: list[str] = []

    async def open(self) -> Ground:
        await self.pilot.pause()
        self.screen = GroundScreen(self.draft, clock=self.clock)
        self.app.push_screen(self.screen, self.answers.append)
        await self.pilot.pause()
        return self

    async def advance(self, seconds: float) -> None:
        """Move the clock on and let the widget look at it, as its timers would."""
        await breath_begun(self.app, self.pilot)
        self.clock.now += seconds
        self.screen.query_one(BreathingVisual).sync()
        await self.pilot.pause()

    def text(self, selector: str) -> str:
        return str(self.screen.query_one(selector, Static).render())


async def test_the_suggested_pattern_is_chosen_and_marked(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, CheckInDraft(state="shut_down")).open()
        options = ground.screen.query_one(OptionList)
        highlighted = options.get_option_at_index(options.highlighted)
        assert highlighted.id == "box"
        assert "suggested" in str(highlighted.prompt)
        marked = [options.get_option_at_index(i) for i in range(options.option_count)]
        assert [o.id for o in marked if "suggested" in str(o.prompt)] == ["box"]


async def test_long_holds_show_the_dizzy_note(data_dir: Path, content):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, CheckInDraft(state="revved_up")).open()
        assert ground.screen.query_one(OptionList).highlighted == 1  # 4-7-8 suits revved up
        assert content.safety.dizzy_note in ground.text("#about")
        await pilot.press("enter")
        assert content.safety.dizzy_note in ground.text("#dizzy")


async def test_breathing_shows_each_phase_as_it_comes(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, CheckInDraft()).open()
        await pilot.press("enter")  # box, 1 minute: 4 breaths
        assert ground.text("#cue") == "in"
        assert ground.text("#left") == "4 s  ·  breath 1 of 4"
        await ground.advance(4)
        assert ground.text("#cue") == "hold"
        await ground.advance(6.5)
        assert ground.text("#cue") == "out"
        assert ground.text("#left") == "2 s  ·  breath 1 of 4"
        await ground.advance(6)
        assert ground.text("#left") == "4 s  ·  breath 2 of 4"


async def test_a_whole_breath_is_written_to_the_draft_with_activation_after(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    draft = CheckInDraft(activation_before=8)
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, draft).open()
        await pilot.press("enter")
        await ground.advance(64)
        assert "You breathed 64 s (4 breaths)." in ground.text("#summary")
        await pilot.press("4", "enter")
    assert ground.answers == ["next"]
    assert draft.breathing == Breathing("box", 64, 4, True)
    assert draft.activation_after == 4


async def test_pause_stops_the_clock(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, CheckInDraft()).open()
        await pilot.press("enter")
        await ground.advance(2)
        await pilot.press("space")
        await ground.advance(300)
        assert ground.text("#cue") == "in · paused"
        await pilot.press("space")
        await ground.advance(3)
        assert ground.text("#cue") == "hold"
        await pilot.press("x")
    assert ground.draft.breathing == Breathing("box", 5, 0, False)


async def test_escape_first_stops_the_breathing_then_goes_back(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, CheckInDraft()).open()
        await pilot.press("enter")
        await ground.advance(20)
        await pilot.press("escape")
        assert ground.draft.breathing == Breathing("box", 20, 1, False)
        assert "Stopped early, and that's fine" in ground.text("#summary")
        assert ground.answers == []
        await pilot.press("escape")
    assert ground.answers == ["back"]


async def test_the_senses_one_prompt_at_a_time(data_dir: Path, content):
    app = CompanionApp(data_dir=data_dir)
    draft = CheckInDraft()
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, draft).open()
        await pilot.press("5")
        shown = []
        for _ in content.senses:
            shown.append(ground.text("#sense-prompt"))
            await pilot.press("enter")
        assert shown == [step.prompt for step in content.senses]
        assert "You went through 5 of 5 senses." in ground.text("#summary")
        await pilot.press("3", "enter")
    assert (draft.senses_steps, draft.breathing, draft.activation_after) == (5, None, 3)
    assert ground.answers == ["next"]


async def test_leaving_the_senses_part_way_keeps_the_steps_done(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    draft = CheckInDraft()
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, draft).open()
        await pilot.press("5", "enter", "enter", "escape")
        assert "2 of 5 senses" in ground.text("#summary")
        await pilot.press("s")
    assert (draft.senses_steps, ground.answers) == (2, ["skip"])


async def test_skip_leaves_the_step_untouched(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    draft = CheckInDraft(activation_before=6)
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, draft).open()
        await pilot.press("s")
    assert ground.answers == ["skip"]
    assert draft == CheckInDraft(activation_before=6, started_at=draft.started_at, id=draft.id)


async def test_activation_reaches_10_and_shows_where_help_is(data_dir: Path, content):
    app = CompanionApp(data_dir=data_dir)
    draft = CheckInDraft()
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, draft).open()
        await pilot.press("enter", "x", "9")
        assert ground.text("#high") == ""
        await pilot.press("plus")
        assert draft.activation_after == 10
        assert content.safety.high_activation in ground.text("#high")
        assert getattr(app.screen, "topic", None) == "safety"  # shown by itself at 10
        await pilot.press("escape", "plus", "minus", "minus")
    assert draft.activation_after == 8


async def test_breathing_again_adds_to_what_was_breathed(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    draft = CheckInDraft()
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, draft).open()
        await pilot.press("enter")
        await ground.advance(16)
        await pilot.press("x", "b", "down", "down", "enter")  # now coherent
        await ground.advance(11)
        await pilot.press("x")
    assert draft.breathing == Breathing("coherent", 27, 2, False)


async def test_coming_back_to_the_step_shows_what_was_done(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    draft = CheckInDraft(breathing=Breathing("box", 32, 2, True), activation_after=5)
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, draft).open()
        assert "You breathed 32 s (2 breaths)." in ground.text("#summary")
        await pilot.press("enter")
    assert ground.answers == ["next"] and draft.activation_after == 5


async def test_reduced_motion_shows_text_and_countdown_only(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    app.settings = app.settings._replace(reduced_motion=True)
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, CheckInDraft()).open()
        await pilot.press("enter")
        await pilot.pause()
        assert ground.text("#cue") == "in"  # shown at once, not a second later
        await ground.advance(5)
        assert not ground.screen.query_one(BreathShape).display
        assert ground.text("#cue") == "hold"
        assert ground.text("#left") == "3 s  ·  breath 1 of 4"


def _ground_app(data_dir: Path, clock: FakeClock, seconds: float | None):
    app = CompanionApp(data_dir=data_dir)

    async def open_ground(pilot) -> None:
        await pilot.pause()
        app.push_screen(GroundScreen(CheckInDraft(state="steady"), clock=clock))
        await pilot.pause()
        if seconds is not None:
            await pilot.press("enter")
            await breath_begun(app, pilot)
            clock.now += seconds
            app.screen.query_one(BreathingVisual).sync()
            await pilot.pause()

    return app, open_ground


def test_the_ground_step_looks_right(data_dir: Path, snap_compare):
    app, run_before = _ground_app(data_dir, FakeClock(), None)
    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))


def test_breathing_in_the_ground_step_looks_right(data_dir: Path, snap_compare):
    app, run_before = _ground_app(data_dir, FakeClock(), 6.0)  # box, halfway through the hold
    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))


async def test_your_own_pattern_names_show_as_plain_text(data_dir: Path):
    data_dir.mkdir(parents=True)
    (data_dir / "patterns.toml").write_text(
        '[[pattern]]\nname = "mine"\nlabel = "[b]Mine[/b] \\u001b[31m"\n'
        'phases = [{ kind = "in", seconds = 3 }, { kind = "out", seconds = 5 }]\n'
    )
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, CheckInDraft()).open()
        options = ground.screen.query_one(OptionList)
        mine = options.get_option_at_index(5)
        assert mine.id == "mine"
        assert Content.from_markup(mine.prompt).plain.startswith("[b]Mine[/b] \ufffd[31m")
        await pilot.press("end", "up", "enter")
        assert ground.text("#title") == "Ground · [b]Mine[/b] \ufffd[31m · 3-5"
