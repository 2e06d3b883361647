"""The check-in's Notice step: activation by keys (10 reachable), choices, a note that keeps
its digits, leaving with a question only when something was entered."""

from __future__ import annotations

from pathlib import Path

from conftest import StepInApp
from keys_at_once import keys_at_once
from textual.widgets import Input, Static

from companion.app import CompanionApp
from companion.checkin import CheckInDraft
from companion.entries import MAX_NOTE
from companion.screens.help import HelpScreen
from companion.screens.notice import NOTE_CUT, NoticeScreen
from companion.screens.widgets.choices import ChoiceGrid
from companion.screens.widgets.leaving import LeaveCheckIn


class Notice(StepInApp):
    """A Notice step open in a running app, and what it answered."""

    def make_screen(self) -> NoticeScreen:
        return NoticeScreen(self.draft)


async def test_digits_set_activation_and_plus_reaches_10(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        # Where help is came up already in this check-in, so it does not come up at 9 or 10.
        notice = await Notice(app, pilot, CheckInDraft(help_offered=True)).open()
        await pilot.press("7")
        assert notice.draft.activation_before == 7
        await pilot.press("0")
        assert notice.draft.activation_before == 0
        await pilot.press("9", "minus", "minus")
        assert notice.draft.activation_before == 7
        await pilot.press("plus", "plus", "plus", "plus")
    assert notice.draft.activation_before == 10


async def test_from_9_where_to_find_help_shows_once_a_check_in(data_dir: Path, content):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        notice = await Notice(app, pilot).open()
        await pilot.press("8")
        assert not notice.screen.query_one("#high").display
        assert app.screen is notice.screen
        await pilot.press("9")
        assert notice.screen.query_one("#high").display
        assert content.safety.high_activation in notice.text("#high")
        assert isinstance(app.screen, HelpScreen) and app.screen.topic == "safety"
        body = str(app.screen.query_one("#topic-body", Static).render())
        assert content.safety.offered in body  # says why it came up, and how to go back
        await pilot.press("escape")  # straight back to where you were
        assert app.screen is notice.screen and notice.draft.activation_before == 9
        await pilot.press("plus", "minus", "plus")  # 10, 9, 10: once a check-in is enough
        assert app.screen is notice.screen and notice.draft.activation_before == 10
        await pilot.press("exclamation_mark")  # ! always finds help
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("enter")
    assert notice.answers == ["next"]


async def test_help_offered_in_one_step_is_not_offered_again_in_the_next(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        notice = await Notice(app, pilot).open()
        await pilot.press("9", "escape", "enter")
        assert notice.draft.help_offered
        again = await Notice(app, pilot, notice.draft).open()  # back to the step, say
        assert app.screen is again.screen
        assert again.draft.activation_before == 9


async def test_a_digit_and_enter_typed_together_keep_the_rating(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        notice = await Notice(app, pilot).open()
        await keys_at_once(app, pilot, "4", "enter")
        assert notice.answers == ["next"]
    assert notice.draft.activation_before == 4


async def test_the_rating_shows_the_steps_activation_whichever_key_set_it(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        notice = await Notice(app, pilot, CheckInDraft(help_offered=True)).open()
        assert "Now: —" in notice.text("ActivationRating")
        await pilot.press("minus")  # from nothing, - starts at the top
        assert "Now: 10" in notice.text("ActivationRating")
        assert notice.draft.activation_before == 10
        await pilot.press("3", "plus")
        assert "Now: 4" in notice.text("ActivationRating")
        assert notice.draft.activation_before == 4


async def test_picks_go_into_the_draft(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        notice = await Notice(app, pilot).open()
        assert notice.screen.focused is notice.screen.query_one("#state")
        await pilot.press("space")  # revved up
        await pilot.press("tab", "space", "right", "space", "down", "space")  # body
        await pilot.press("tab", "right", "right", "space")  # needs
        await pilot.press("enter")
    draft = notice.draft
    assert draft.state == "revved_up"
    assert draft.body_signals == ["tight_chest", "racing_heart", "shallow_breath"]  # 3 a row
    assert draft.needs == ["tired"]
    assert notice.answers == ["next"]


async def test_a_second_space_unpicks_and_where_you_are_is_one_choice(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        notice = await Notice(app, pilot).open()
        await pilot.press("space", "right", "space")
        assert notice.draft.state == "shut_down"
        await pilot.press("space")
        assert notice.draft.state is None
        await pilot.press("tab", "space", "space")
        assert notice.draft.body_signals == []


async def test_typing_a_note_keeps_its_digits_and_escape_gives_them_back(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        notice = await Notice(app, pilot).open()
        await pilot.press("4")
        notice.screen.query_one("#note", Input).focus()
        await pilot.press(*"2 kids, 1 dog + s q!")
        assert notice.draft.note == "2 kids, 1 dog + s q!"
        assert notice.draft.activation_before == 4
        assert notice.answers == []
        await pilot.press("escape")  # leaves the note, not the step
        assert notice.answers == []
        await pilot.press("6")
        assert notice.draft.activation_before == 6
        assert notice.draft.note == "2 kids, 1 dog + s q!"


async def test_enter_in_the_note_continues(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        notice = await Notice(app, pilot).open()
        notice.screen.query_one("#note", Input).focus()
        await pilot.press(*"long day", "enter")
    assert notice.answers == ["next"]
    assert notice.draft.note == "long day"


async def test_a_long_note_is_cut_with_a_visible_note(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        notice = await Notice(app, pilot).open()
        assert not notice.screen.query_one("#cut").display
        note = notice.screen.query_one("#note", Input)
        note.focus()
        note.insert_text_at_cursor("x" * (MAX_NOTE + 500))  # as a paste would
        await pilot.pause()
        assert len(notice.draft.note) == MAX_NOTE
        assert notice.screen.query_one("#cut").display
        assert notice.text("#cut") == NOTE_CUT
        note.clear()  # back under the limit: nothing is being left out any more
        await pilot.pause()
        assert notice.draft.note == ""
        assert not notice.screen.query_one("#cut").display


def footer_keys(screen) -> dict[str, str]:
    """What the footer shows: each shown key and what it says it does."""
    return {b.binding.key: b.binding.description for b in screen.active_bindings.values()
            if b.binding.show and b.enabled}


async def test_in_the_note_the_footer_says_what_enter_and_escape_do(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        notice = await Notice(app, pilot).open()
        notice.screen.query_one("#note", Input).focus()
        await pilot.pause()
        keys = footer_keys(notice.screen)
        assert keys.get("enter") == "Continue"
        assert keys.get("escape") == "Leave the note"
        await pilot.press("escape")
        await pilot.pause()
        assert footer_keys(notice.screen).get("escape") == "Back"


async def test_skip_and_escape_on_an_empty_step(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        notice = await Notice(app, pilot).open()
        await pilot.press("s")
        again = await Notice(app, pilot).open()
        await pilot.press("escape")
    assert notice.answers == ["skip"]
    assert again.answers == ["back"]  # nothing entered: no question


async def test_escape_with_something_entered_asks_once(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        notice = await Notice(app, pilot).open()
        await pilot.press("5", "escape")
        assert isinstance(app.screen, LeaveCheckIn)
        await pilot.press("n")  # stay
        assert app.screen is notice.screen and notice.answers == []
        await pilot.press("q")
        assert isinstance(app.screen, LeaveCheckIn)
        await pilot.press("y")
    assert notice.answers == ["leave"]
    assert notice.draft.activation_before == 5


async def test_coming_back_shows_what_was_entered(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    draft = CheckInDraft(activation_before=3, state="steady", body_signals=["shaky"],
                         needs=["thirsty"], note="hi")
    async with app.run_test(size=(80, 24)) as pilot:
        notice = await Notice(app, pilot, draft).open()
        screen = notice.screen
        assert screen.query_one("#state", ChoiceGrid).picked == ("steady",)
        assert screen.query_one("#body", ChoiceGrid).picked == ("shaky",)
        assert screen.query_one("#needs", ChoiceGrid).picked == ("thirsty",)
        assert screen.query_one("#note", Input).value == "hi"
        assert "Now: 3" in notice.text("ActivationRating")
        await pilot.press("enter")
    assert draft.activation_before == 3 and draft.note == "hi"


def test_the_notice_step_looks_right(data_dir: Path, snap_compare):
    app = CompanionApp(data_dir=data_dir)

    async def run_before(pilot) -> None:
        await pilot.pause()
        app.push_screen(NoticeScreen(CheckInDraft()))
        await pilot.pause()
        await pilot.press("6", "space", "tab", "right", "space")

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))


async def test_tab_and_shift_tab_go_from_field_to_field_with_no_invisible_stop(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(40, 12)) as pilot:
        notice = await Notice(app, pilot).open()
        order = [app.focused.id]
        for _ in range(4):
            await pilot.press("tab")
            order.append(app.focused.id)
        assert order == ["state", "body", "needs", "note", "state"]
        await pilot.press("shift+tab")
        assert app.focused.id == "note"  # backwards from the first field: the note, in view
        await pilot.press(*"a1")
        assert notice.draft.note == "a1"
        assert notice.screen.query_one("#note").region.y < 12


async def test_a_short_terminal_opens_on_the_question(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(40, 12)) as pilot:
        notice = await Notice(app, pilot).open()
        for _ in range(3):
            await pilot.pause()
        assert notice.screen.query_one("#notice").scroll_y == 0
        rating = notice.screen.query_one("ActivationRating").region
        assert rating.y >= 1 and rating.bottom <= 11  # below the header, above the footer
        assert app.focused is notice.screen.query_one("#state")
        await pilot.press("4")
        assert notice.draft.activation_before == 4
