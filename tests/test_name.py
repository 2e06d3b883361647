"""The check-in's Name step: a quadrant first, then words from it (found by typing), several
across quadrants, or your own word; never a judgement."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import StepInApp
from textual.widgets import Input, OptionList, Static

from companion.app import CompanionApp
from companion.checkin import CheckInDraft
from companion.entries import MAX_WORD, Feeling
from companion.screens.name import NameScreen
from companion.screens.widgets.quadrants import QuadrantCell, QuadrantGrid


class Name(StepInApp):
    def make_screen(self) -> NameScreen:
        return NameScreen(self.draft)

    async def type(self, text: str) -> None:
        await self.pilot.press(*text)

    def words_shown(self) -> list[str]:
        """The words offered, as quadrant:word (or the "your own word" choice)."""
        options = self.screen.query_one("#word-list", OptionList)
        return [options.get_option_at_index(i).id or "" for i in range(options.option_count)]

    def highlighted(self) -> str:
        options = self.screen.query_one("#word-list", OptionList)
        return (options.get_option_at_index(options.highlighted).id or "").partition(":")[2]


async def test_the_quadrants_are_named_by_energy_and_pleasantness(data_dir: Path, content):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        name = await Name(app, pilot).open()
        cells = list(name.screen.query(QuadrantCell))
        shown = [str(cell.render()) for cell in cells]
        assert [c.quadrant.key for c in cells] == [
            "high_unpleasant", "high_pleasant", "low_unpleasant", "low_pleasant"
        ]
        for cell, text in zip(cells, shown, strict=True):
            assert cell.quadrant.label in text and cell.quadrant.symbol in text
        screen_text = " ".join(
            str(w.render()) for w in name.screen.query(Static)
        ).lower()
        assert content.welcome.lower() in screen_text
        for judging in ("good", "bad", "positive", "negative"):
            assert not re.search(rf"\b{judging}\b", screen_text)


async def test_find_a_word_by_typing_and_enter_names_it_and_goes_on(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        name = await Name(app, pilot).open()
        await pilot.press("enter")  # high energy, unpleasant (top left)
        assert isinstance(name.screen.focused, Input)
        await name.type("fru")
        assert name.words_shown()[0] == "high_unpleasant:frustrated"
        await pilot.press("enter")
    assert name.draft.feelings == [Feeling("frustrated", "high_unpleasant")]
    assert name.answers == ["next"]


async def test_several_words_across_quadrants(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        name = await Name(app, pilot).open()
        await pilot.press("enter")
        await name.type("tense")
        await pilot.press("tab")  # named; the filter clears for the next word
        assert name.screen.query_one("#filter", Input).value == ""
        await name.type("worr")
        await pilot.press("tab", "escape")  # back to the quadrants
        assert isinstance(name.screen.focused, QuadrantGrid)
        await pilot.press("down", "right", "enter")  # low energy, pleasant
        await pilot.press("down", "tab")  # browsing: the second word
        second = name.highlighted()
        await pilot.press("escape", "c")
    assert name.draft.feelings == [
        Feeling("tense", "high_unpleasant"),
        Feeling("worried", "high_unpleasant"),
        Feeling(second, "low_pleasant"),
    ]
    assert name.answers == ["next"]


async def test_a_word_like_hopeless_brings_up_where_help_is_once(data_dir: Path, content):
    from companion.screens.help import HelpScreen

    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        name = await Name(app, pilot).open()
        await pilot.press("down", "enter")  # low energy, unpleasant
        await name.type("tired")
        await pilot.press("tab")
        assert app.screen is name.screen
        await name.type("numb")
        await pilot.press("tab")
        assert isinstance(app.screen, HelpScreen) and app.screen.topic == "safety"
        body = str(app.screen.query_one("#topic-body", Static).render())
        assert content.safety.offered in body
        await pilot.press("escape")  # back, with the word named, ready for the next
        assert app.screen is name.screen and name.answers == []
        await name.type("empty")
        await pilot.press("tab")  # once a check-in is enough
        assert app.screen is name.screen
    assert [f.word for f in name.draft.feelings] == ["tired", "numb", "empty"]


async def test_enter_on_such_a_word_goes_on_once_help_is_closed(data_dir: Path):
    from companion.screens.help import HelpScreen

    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        name = await Name(app, pilot).open()
        await pilot.press("down", "enter")
        await name.type("hopeless")
        await pilot.press("enter")
        assert isinstance(app.screen, HelpScreen) and name.answers == []
        await pilot.press("escape")
        await pilot.pause()
    assert name.answers == ["next"]  # never blocking: the check-in carries on
    assert name.draft.feelings == [Feeling("hopeless", "low_unpleasant")]
    assert name.draft.help_offered


async def test_tab_on_a_named_word_unnames_it(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    draft = CheckInDraft(feelings=[Feeling("sad", "low_unpleasant")])
    async with app.run_test(size=(80, 24)) as pilot:
        name = await Name(app, pilot, draft).open()
        assert name.screen.query_one(QuadrantGrid).highlighted == "low_unpleasant"
        assert "sad" in str(name.screen.query_one("#named", Static).render())
        await pilot.press("enter")
        await name.type("sad")
        await pilot.press("tab")
        assert draft.feelings == []
        await pilot.press("escape", "s")
    assert name.answers == ["skip"]


async def test_your_own_word(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        name = await Name(app, pilot).open()
        await pilot.press("right", "enter")  # high energy, pleasant
        await name.type("fizzy inside")
        assert name.words_shown() == ["\x00own"]
        await pilot.press("enter")
    assert name.draft.feelings == [Feeling("fizzy inside", "high_pleasant")]


async def test_a_word_from_another_quadrant_is_offered_where_it_belongs(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        name = await Name(app, pilot).open()
        await pilot.press("enter")  # high energy, unpleasant
        await name.type("calm")
        shown = name.words_shown()
        assert shown[0] == "low_pleasant:calm"
        assert "\x00own" not in shown  # a known word, so not offered as your own
        await pilot.press("enter")
    assert name.draft.feelings == [Feeling("calm", "low_pleasant")]


async def test_your_own_word_is_kept_to_its_limit(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        name = await Name(app, pilot).open()
        await pilot.press("enter")
        typed = name.screen.query_one("#filter", Input)
        assert not name.screen.query_one("#cut").display
        typed.insert_text_at_cursor("w" * (MAX_WORD + 10))
        await pilot.pause()
        assert len(typed.value) == MAX_WORD
        assert name.screen.query_one("#cut").display
        await pilot.press("enter")
    assert name.draft.feelings == [Feeling("w" * MAX_WORD, "high_unpleasant")]


async def test_escape_clears_the_filter_then_leaves_the_quadrant_then_goes_back(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        name = await Name(app, pilot).open()
        await pilot.press("down", "enter")  # low energy, unpleasant
        await name.type("xyz")
        await pilot.press("escape")
        assert name.screen.query_one("#filter", Input).value == ""
        assert "low_unpleasant:sad" in name.words_shown()
        await pilot.press("escape")
        assert name.answers == []
        await pilot.press("escape")
    assert name.answers == ["back"]
    assert name.draft.feelings == []


async def test_your_own_word_shows_as_text_not_markup(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        name = await Name(app, pilot).open()
        await pilot.press("enter")
        await name.type("[b]loud[/b]")
        await pilot.press("tab")
        assert "[b]loud[/b]" in str(name.screen.query_one("#named", Static).render())
    assert name.draft.feelings == [Feeling("[b]loud[/b]", "high_unpleasant")]


def test_the_name_step_looks_right(data_dir: Path, snap_compare):
    app = CompanionApp(data_dir=data_dir)

    async def run_before(pilot) -> None:
        await pilot.pause()
        draft = CheckInDraft(feelings=[Feeling("frustrated", "high_unpleasant")])
        app.push_screen(NameScreen(draft))
        await pilot.pause()
        await pilot.press("down", "right")

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))


def test_finding_a_word_looks_right(data_dir: Path, snap_compare):
    app = CompanionApp(data_dir=data_dir)

    async def run_before(pilot) -> None:
        await pilot.pause()
        app.push_screen(NameScreen(CheckInDraft()))
        await pilot.pause()
        await pilot.press("enter", "a", "n")

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))


async def test_a_meaning_is_cut_only_where_the_list_runs_out(data_dir: Path):
    """Wide, a meaning shows whole; narrow, each word stays one line, its meaning cut with "…"."""
    for size, whole in (((160, 30), True), ((40, 12), False)):
        app = CompanionApp(data_dir=data_dir)
        async with app.run_test(size=size) as pilot:
            await Name(app, pilot).open()
            await pilot.press("enter")  # high energy, unpleasant
            for _ in range(3):
                await pilot.pause()
            words = app.screen.query_one("#word-list", OptionList)
            first = words.render_line(0).text.rstrip()
            second = words.render_line(1).text.strip()
            if whole:
                assert first.endswith("matters to you."), first
            else:
                assert first.endswith("…") and second.startswith("frustrated"), (first, second)
