"""The check-in's Ground step: choose, breathe (on a fake clock), or the senses; rate again."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from breathing_waits import breath_begun
from keys_at_once import keys_at_once
from textual.content import Content
from textual.widgets import OptionList, Static

from companion.app import CompanionApp
from companion.checkin import CheckInDraft
from companion.entries import Breathing
from companion.screens.ground import GroundScreen
from companion.screens.widgets.breath_shape import BreathShape
from companion.screens.widgets.breathing import BreathingVisual


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def box_app(data_dir: Path) -> CompanionApp:
    """An app whose person chose box breathing as their default (so it is suggested)."""
    app = CompanionApp(data_dir=data_dir)
    app.settings = replace(app.settings, default_pattern="box")
    return app


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

    async def breathe(self, seconds: float) -> None:
        """Enter on the highlighted pattern, and breathe it for `seconds` on the fake clock."""
        await self.pilot.press("enter")
        await self.advance(seconds)

    def text(self, selector: str) -> str:
        return str(self.screen.query_one(selector, Static).render())


def suggested(ground: Ground) -> list[str]:
    options = ground.screen.query_one(OptionList)
    marked = [options.get_option_at_index(i) for i in range(options.option_count)]
    return [o.id for o in marked if "suggested" in str(o.prompt)]


def highlighted(ground: Ground) -> str | None:
    options = ground.screen.query_one(OptionList)
    return options.get_option_at_index(options.highlighted).id


async def test_shut_down_is_offered_something_gentle(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, CheckInDraft(state="shut_down")).open()
        assert highlighted(ground) == "coherent"
        assert suggested(ground) == ["coherent"]


async def test_revved_up_is_offered_a_pattern_without_holds_first(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, CheckInDraft(state="revved_up",
                                                       activation_before=8)).open()
        assert highlighted(ground) == suggested(ground)[0] == "cyclic-sigh"


async def test_with_no_state_the_suggestion_follows_your_default_and_activation(data_dir: Path):
    app = box_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        calm = await Ground(app, pilot, CheckInDraft(activation_before=3)).open()
        assert suggested(calm) == ["box"]  # your own default, holds and all
        await pilot.press("escape")
        high = await Ground(app, pilot, CheckInDraft(activation_before=8)).open()
        assert suggested(high) == ["cyclic-sigh"]  # highly activated: no holds first


async def test_the_dizzy_note_comes_before_each_patterns_first_breath(data_dir: Path, content):
    app = CompanionApp(data_dir=data_dir)
    note = content.safety.dizzy_note
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, CheckInDraft(state="revved_up")).open()
        assert highlighted(ground) == "cyclic-sigh"  # no holds, and still the note first
        assert note in ground.text("#about")
        await pilot.press("enter")
        assert note in ground.text("#dizzy")
        await pilot.press("x", "b")  # breathe again: this pattern was breathed already
        assert note not in ground.text("#about")
        await pilot.press("up")  # coherent: a first time in this session
        assert note in ground.text("#about")
        await pilot.press("up")  # 4-7-8: a long hold has the note every time
        assert note in ground.text("#about")
        await pilot.press("down", "down", "enter")
        assert ground.text("#dizzy") == ""


async def test_4_7_8_is_four_breaths_and_eight_at_most_with_a_kind_line(data_dir: Path, content):
    app = CompanionApp(data_dir=data_dir)
    pattern = content.pattern("4-7-8")
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, CheckInDraft(state="steady")).open()
        await pilot.press("down")  # from box to 4-7-8
        assert highlighted(ground) == "4-7-8"
        assert "Length: 4 breaths" in ground.text("#length")
        await pilot.press(*["plus"] * 4)
        assert "Length: 8 breaths" in ground.text("#length")
        assert pattern.cap_note not in ground.text("#length")
        await pilot.press("plus")  # a ninth is asked for: kept at eight, and why
        assert "Length: 8 breaths" in ground.text("#length")
        assert pattern.cap_note in ground.text("#length")
        await pilot.press("u", "minus")  # counted in breaths whatever the unit
        assert ground.text("#length").startswith("Length: 7 breaths")
        await pilot.press("enter")
        assert ground.text("#left").endswith("breath 1 of 7")


async def test_breathing_shows_each_phase_as_it_comes(data_dir: Path):
    app = box_app(data_dir)
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
    app = box_app(data_dir)
    draft = CheckInDraft(activation_before=6)
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, draft).open()
        await ground.breathe(64)
        assert "You breathed 64 s (4 breaths)." in ground.text("#summary")
        await keys_at_once(app, pilot, "4", "enter")  # as quickly as tmux sends them
    assert ground.answers == ["next"]
    assert draft.breathing == Breathing("box", 64, 4, True)
    assert draft.activation_after == 4


async def test_pause_stops_the_clock(data_dir: Path):
    app = box_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, CheckInDraft()).open()
        await ground.breathe(2)
        await pilot.press("space")
        await ground.advance(300)
        assert ground.text("#cue") == "in · paused"
        await pilot.press("space")
        await ground.advance(3)
        assert ground.text("#cue") == "hold"
        await pilot.press("x")
    assert ground.draft.breathing == Breathing("box", 5, 0, False)


async def test_escape_first_stops_the_breathing_then_goes_back(data_dir: Path):
    app = box_app(data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, CheckInDraft()).open()
        await ground.breathe(20)
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


async def test_activation_reaches_10_and_shows_where_help_is_from_9(data_dir: Path, content):
    app = CompanionApp(data_dir=data_dir)
    draft = CheckInDraft()
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, draft).open()
        await pilot.press("enter", "x", "8")
        assert ground.text("#high") == ""
        await pilot.press("plus")
        assert draft.activation_after == 9
        assert content.safety.high_activation in ground.text("#high")
        assert getattr(app.screen, "topic", None) == "safety"  # shown by itself from 9
        assert content.safety.offered in str(app.screen.query_one("#topic-body").render())
        await pilot.press("escape", "plus")
        assert draft.activation_after == 10
        assert getattr(app.screen, "topic", None) is None  # once a check-in, not again at 10
        await pilot.press("minus", "minus")
    assert draft.activation_after == 8


async def test_breathing_again_adds_to_what_was_breathed(data_dir: Path):
    app = box_app(data_dir)
    draft = CheckInDraft()
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, draft).open()
        await ground.breathe(16)
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
    app = box_app(data_dir)
    app.settings = replace(app.settings, reduced_motion=True)
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


async def test_a_body_need_is_offered_its_kind_step_first(data_dir: Path, content):
    app = CompanionApp(data_dir=data_dir)
    draft = CheckInDraft(needs=["lonely", "thirsty", "need_fresh_air"])
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, draft).open()
        assert ground.screen.mode == "kind"
        hints = ground.text("#kind-hints")
        assert "Some water first?" in hints and "fresh air first?" in hints
        assert "lonely" not in hints.lower()  # not a body need: nothing to offer here
        await pilot.press("space")  # some water: done
        assert draft.kind_steps == ["thirsty"]
        await pilot.press("enter")  # on to breathing
        assert ground.screen.mode == "choose"
        await pilot.press("escape")  # back to the kind step, as it was
        assert ground.screen.mode == "kind" and draft.kind_steps == ["thirsty"]
        await pilot.press("enter", "s")  # or instead of breathing: straight on
    assert ground.answers == ["skip"]
    assert draft.kind_steps == ["thirsty"] and draft.breathing is None


async def test_a_kind_step_can_be_passed_by(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    draft = CheckInDraft(needs=["hungry"])
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, draft).open()
        assert ground.screen.mode == "kind"
        await pilot.press("enter")
        assert ground.screen.mode == "choose"
    assert draft.kind_steps == []


async def test_without_a_body_need_the_step_starts_on_the_breathing(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        ground = await Ground(app, pilot, CheckInDraft(needs=["lonely"])).open()
        assert ground.screen.mode == "choose"
        await pilot.press("escape")
    assert ground.answers == ["back"]


def test_a_kind_step_looks_right(data_dir: Path, snap_compare):
    app = CompanionApp(data_dir=data_dir)

    async def run_before(pilot) -> None:
        await pilot.pause()
        app.push_screen(GroundScreen(CheckInDraft(needs=["thirsty", "tired"])))
        await pilot.pause()
        await pilot.press("space")

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))
