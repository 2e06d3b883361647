"""Help: every topic one key away, each step's `?` opening its own, and where to find help now
(numbers from data/safety.toml and the person's own contacts, shown as plain text)."""

from __future__ import annotations

import importlib
import re
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from companion.app import CompanionApp
from companion.checkin import CheckInDraft
from companion.content import Content, load_content
from companion.screens.help import HelpScreen
from companion.settings import Contact, Settings, save_settings

STEP_TOPICS = ("about", "notice", "ground", "name", "repair", "good_enough", "keys")


def shown(app: CompanionApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def steady_content() -> Content:
    """The built-in content with one line of the day, so the home screen looks the same daily."""
    content = load_content()
    return replace(content, opening=replace(content.opening,
                                            lines_of_day=content.lines_of_day[:1]))


# -- the words ------------------------------------------------------------------------------------


def test_every_topic_the_screens_ask_for_is_written(content: Content):
    assert {t.key for t in content.help_topics} == set(STEP_TOPICS)
    for topic in content.help_topics:
        assert topic.title.strip() and len(topic.body) > 80


NEVER_SAID = (
    r"\bnegative\b",
    r"\bpositive\b",
    r"you should",
    r"calm down",
    r"\bstreaks?\b",
    r"\bscores?\b",
    r"\bmissed\b",
    r"\bbad feelings?\b",
    r"\bcure[sd]?\b",
    r"\bguarantee",
)


@pytest.mark.parametrize("text_of", ["help", "safety"])
def test_help_and_safety_words_never_judge_or_overclaim(content: Content, text_of: str):
    if text_of == "help":
        texts = [t.body for t in content.help_topics] + [t.title for t in content.help_topics]
    else:
        s = content.safety
        texts = [s.statement, s.high_activation, s.dizzy_note, s.elsewhere, s.no_contacts,
                 s.offered, s.afraid, s.afraid_elsewhere]
    for text in texts:
        for pattern in NEVER_SAID:
            assert not re.search(pattern, text, re.IGNORECASE), (pattern, text[:60])


def test_the_safety_text_says_what_companion_is_not_and_lists_numbers(content: Content):
    safety = content.safety
    assert "not a substitute for professional care" in safety.statement
    assert "emergency" in safety.statement
    numbers = {c.name: [line.number for line in c.lines] for c in safety.countries}
    assert "988" in numbers["United States"]
    assert {"999", "111", "116 123"} <= set(numbers["United Kingdom"])


def test_the_statement_covers_harming_someone_else_and_points_to_the_crisis_lines(
    content: Content,
):
    statement = content.safety.statement
    assert "harming yourself or someone else" in statement
    assert "crisis lines below" in statement


def test_the_uk_lines_say_where_each_one_works(content: Content):
    uk = {c.name: c for c in content.safety.countries}["United Kingdom"]
    labels = {line.number: line.label for line in uk.lines}
    # NHS 111 does not cover Northern Ireland, which has Lifeline for a crisis.
    assert "England, Scotland and Wales" in labels["111"]
    assert "Northern Ireland" in labels["0808 808 8000"]


def test_australia_offers_lifelines_text_number_too(content: Content):
    australia = {c.name: c for c in content.safety.countries}["Australia"]
    lines = {line.number: line.label for line in australia.lines}
    assert "13 11 14" in lines and "text" in lines["0477 13 11 14"]


def test_domestic_abuse_lines_are_listed_for_anyone_afraid_of_someone(content: Content):
    safety = content.safety
    abuse = {c.name: {line.number: line.label for line in c.abuse_lines}
             for c in safety.countries}
    assert "START to 88788" in abuse["United States"]["1-800-799-7233"]
    assert "England" in abuse["United Kingdom"]["0808 2000 247"]
    assert "Northern Ireland" in abuse["United Kingdom"]["0808 802 1414"]
    assert "1800 737 732" in abuse["Australia"]
    assert "afraid of someone" in safety.afraid and "not your job" in safety.afraid
    assert "afraid of someone" in content.repair_afraid and "not your job" in content.repair_afraid
    repair_help = content.help_topic("repair").body
    assert "afraid of someone" in repair_help and "not your job" in repair_help


async def test_the_safety_topic_lists_the_domestic_abuse_lines(data_dir: Path, content: Content):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("exclamation_mark")
        body = shown(app, "#topic-body")
        afraid = body[body.index(content.safety.afraid_title):]
        assert content.safety.afraid in afraid
        assert "United States\n  1-800-799-7233  National Domestic Violence Hotline" in afraid
        assert "1-800-799-7233" in afraid and "0808 2000 247" in afraid
        assert "0808 802 1414" in afraid and "1800 737 732" in afraid
        assert afraid.rstrip().endswith(content.safety.afraid_elsewhere)
        assert content.safety.offered not in body  # asked for, not offered: nothing to explain


def test_help_says_who_should_skip_holds_and_what_the_sigh_study_found(content: Content):
    ground = content.help_topic("ground").body
    for who in ("pregnant", "heart or lung condition", "brings on panic"):
        assert who in ground
    assert "dizzy, light-headed or tingly" in ground
    assert "2023 study" in ground and "mindfulness meditation" in ground


# -- the screen -----------------------------------------------------------------------------------


async def test_question_mark_opens_help_and_escape_closes_it(data_dir: Path, content: Content):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        about = content.help_topic("about")
        assert shown(app, "#topic-title") == about.title
        assert about.body.splitlines()[0] in shown(app, "#topic-body")
        await pilot.press("escape")
        assert type(app.screen).__name__ == "HomeScreen"


async def test_every_topic_can_be_read_from_the_list(data_dir: Path, content: Content):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        listed = app.screen.query_one("#topics", OptionList)
        ids = [listed.get_option_at_index(i).id for i in range(listed.option_count)]
        assert ids == ["safety", *STEP_TOPICS]
        titles = []
        for _ in ids:
            await pilot.press("down")
            titles.append(shown(app, "#topic-title"))
        expected = [t.title for t in content.help_topics[1:]] + [content.safety.title]
        assert titles == [*expected, content.help_topics[0].title]


async def test_left_and_right_move_between_topics_when_the_list_is_hidden(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.press("question_mark")
        screen = app.screen
        assert not screen.query_one("#topics", OptionList).display or screen.has_class("-narrow")
        assert screen.query_one("#topics", OptionList).region.width == 0
        await pilot.press("right")
        assert screen.topic == "notice"
        await pilot.press("left", "left")
        assert screen.topic == "safety"
        await pilot.press("down")  # scrolls the text instead
        assert screen.topic == "safety"
        assert screen.query_one("#text").scroll_y > 0


async def test_exclamation_mark_shows_where_to_find_help_from_anywhere(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("exclamation_mark")
        assert isinstance(app.screen, HelpScreen) and app.screen.topic == "safety"
        depth = len(app.screen_stack)
        await pilot.press("down", "exclamation_mark")
        assert app.screen.topic == "safety"
        assert len(app.screen_stack) == depth  # the same help, not another one on top


async def test_the_safety_topic_lists_numbers_and_your_own_people_as_plain_text(
    data_dir: Path, content: Content
):
    save_settings(
        data_dir,
        Settings(
            contacts=(
                Contact("[b]Mum[/b]", "07700 900123"),
                Contact("Jo \x1b[31m", "[link=http://x]next door[/link]"),
            )
        ),
    )
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("exclamation_mark")
        body = shown(app, "#topic-body")
        assert content.safety.statement in body
        assert "United Kingdom\n  999  Emergency\n" in body and "  116 123  Samaritans\n" in body
        assert "[b]Mum[/b]: 07700 900123" in body
        assert "Jo \ufffd[31m: [link=http://x]next door[/link]" in body
        assert "\x1b" not in body


async def test_without_contacts_the_safety_topic_says_where_to_add_them(
    data_dir: Path, content: Content
):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("exclamation_mark")
        assert content.safety.no_contacts in shown(app, "#topic-body")


async def test_help_text_from_data_is_never_markup(data_dir: Path, content: Content):
    odd = replace(
        content,
        help_topics=(
            replace(content.help_topics[0], body="Use [b]this[/b] \x1b[2J now"),
            *content.help_topics[1:],
        ),
    )
    app = CompanionApp(data_dir=data_dir, content=odd)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert shown(app, "#topic-body") == "Use [b]this[/b] \ufffd[2J now"


# -- each step opens its own topic ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "screen_class", "topic"),
    [
        ("companion.screens.ground", "GroundScreen", "ground"),
        ("companion.screens.notice", "NoticeScreen", "notice"),
        ("companion.screens.name", "NameScreen", "name"),
        ("companion.screens.repair", "RepairScreen", "repair"),
    ],
)
async def test_each_step_opens_its_own_help(data_dir: Path, module, screen_class, topic):
    try:
        step = getattr(importlib.import_module(module), screen_class)
    except ImportError:
        pytest.skip(f"{module} is not there yet")
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(step(CheckInDraft()))
        await pilot.pause()
        app.set_focus(None)  # `?` typed into a text box stays there
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.topic == topic


async def test_the_breathing_break_opens_the_breathing_topic(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b", "question_mark")
        assert isinstance(app.screen, HelpScreen) and app.screen.topic == "ground"


# -- the safety screen at activation 9 and 10 -----------------------------------------------------


async def test_where_to_find_help_appears_by_itself_from_activation_9(data_dir: Path):
    from companion.screens.ground import GroundScreen

    draft = CheckInDraft()
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(GroundScreen(draft))
        await pilot.pause()
        await pilot.press("5")  # the senses: no breathing timer needed
        for _ in range(5):
            await pilot.press("enter")
        await pilot.press("8")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("plus")
        assert isinstance(app.screen, HelpScreen) and app.screen.topic == "safety"
        assert draft.activation_after == 9
        await pilot.press("escape", "plus", "minus", "plus")  # once is enough, 10 included
        assert isinstance(app.screen, GroundScreen)
        assert draft.activation_after == 10


async def test_activation_10_after_a_breathing_break_shows_where_to_find_help(data_dir: Path):
    from companion.screens.breathe import BreatheScreen
    from companion.screens.widgets.breathing import BreathingVisual

    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("b", "enter", "x")  # breathe, then stop at once
        await pilot.pause()
        assert isinstance(app.screen, BreatheScreen)
        assert not app.screen.query(BreathingVisual).first().running
        await pilot.press("9", "plus")
        assert isinstance(app.screen, HelpScreen) and app.screen.topic == "safety"


# -- how it looks ---------------------------------------------------------------------------------


def test_help_looks_right(data_dir: Path, snap_compare):
    app = CompanionApp(data_dir=data_dir, content=steady_content())
    assert snap_compare(app, press=["question_mark", "down", "down"], terminal_size=(80, 24))


def test_find_help_now_with_your_people_looks_right(data_dir: Path, snap_compare):
    save_settings(data_dir, Settings(contacts=(Contact("Sam", "07700 900123"),)))
    app = CompanionApp(data_dir=data_dir, content=steady_content())
    assert snap_compare(app, press=["exclamation_mark"], terminal_size=(80, 24))


def test_help_fits_40_by_12(data_dir: Path, snap_compare):
    app = CompanionApp(data_dir=data_dir, content=steady_content())
    assert snap_compare(app, press=["question_mark"], terminal_size=(40, 12))
