"""The week's three renderings from one summary, without the store or the command line: the
markdown a person hands on, the terminal table, and the json, each compared whole."""

from __future__ import annotations

import io
import json
import time
from datetime import date, datetime, timedelta

import pytest
from rich.console import Console
from rich.text import Text

from companion.content import Content
from companion.entries import Breathing, Entry, Feeling, Repair
from companion.report import (
    grounding_bar,
    md,
    week_json,
    week_markdown,
    week_table,
    which_week,
)
from companion.summary import summarize_week

MONDAY = date(2026, 11, 16)  # 2026-W47


@pytest.fixture(autouse=True)
def _new_york(monkeypatch):
    # Times are shown in the system's zone, as `companion week` shows them.
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute).astimezone()


def week_entries() -> list[Entry]:
    wednesday, thursday = MONDAY + timedelta(days=2), MONDAY + timedelta(days=3)
    return [
        Entry(kind="checkin", id="00000000-0000-4000-8000-000000000001",
              started_at=at(MONDAY, 7, 5), activation_before=8, activation_after=5,
              state="revved_up", body_signals=("tight_chest",), needs=("tired", "need_a_break"),
              note="bedtime *again* | <b>", breathing=Breathing("box", 90.0, 5, True),
              feelings=(Feeling("frazzled", "high_unpleasant"),
                        Feeling("[i]mine[/i]", "low_unpleasant")),
              repair=Repair(with_whom="child", what_happened="I *snapped*", my_part="my tone",
                            step="apologised", status="done", done_at=at(MONDAY, 8))),
        Entry(kind="breathing", id="00000000-0000-4000-8000-000000000002",
              started_at=at(wednesday, 15, 30), breathing=Breathing("coherent", 45.0, 4, False),
              complete=False),
        Entry(kind="checkin", id="00000000-0000-4000-8000-000000000003",
              started_at=at(wednesday, 23, 10), activation_before=3, activation_after=6,
              senses_steps=3, feelings=(Feeling("calm", "low_pleasant"),), needs=("tired",),
              complete=False),
        Entry(kind="repair", id="00000000-0000-4000-8000-000000000004",
              started_at=at(thursday, 19), repair=Repair(
                  with_whom="partner", what_happened="cold shoulder", step="will_try_later")),
    ]


INTRO = ("Written with companion. Activation is how activated I felt, from 0 (settled) to 10 "
         "(as activated as it gets), before and after grounding.")

MARKDOWN = r"""# My week: 2026-W47 (Mon 16 Nov – Sun 22 Nov 2026)

INTRO

## Day by day

| Day | Check-ins | Breathing breaks | Breathing | Grounding: before → after |
| --- | ---: | ---: | ---: | --- |
| Mon 16 Nov | 1 |  | 1.5 min | 8 → 5 (1 pair) |
| Tue 17 Nov |  |  |  |  |
| Wed 18 Nov | 1 | 1 | 0.8 min | 3 → 6 (1 pair) |
| Thu 19 Nov |  |  |  |  |
| Fri 20 Nov |  |  |  |  |
| Sat 21 Nov |  |  |  |  |
| Sun 22 Nov |  |  |  |  |

## Grounding: before → after

- Mon 16 Nov 07:05: 8 → 5
- Wed 18 Nov 23:10: 3 → 6

## Feelings

- ▲ High energy, unpleasant: 1
- ✦ High energy, pleasant: 0
- ● Low energy, pleasant: 1
- ▼ Low energy, unpleasant: 1

Words used most: frazzled (1), \[i\]mine\[/i\] (1), calm (1)

## Needs that came up most

- Tired: 2
- Need a break: 1

## When activation showed up

- Morning (05–12): 1, activation around 8
- Afternoon (12–17): 1
- Evening (17–22): 0
- Night (22–05): 1, activation around 3

## Repairs

- Mon 16 Nov 07:05 · My child · Said sorry · done. What happened: I \*snapped\*. My part: my tone
- Thu 19 Nov 19:00 · My partner · Later, once I'm calm · planned, still open. What happened: cold shoulder

## Moments

### Mon 16 Nov 07:05 · check-in

- Activation: 8 → 5
- Where I was: Revved up
- Body: Tight chest
- Needs: Tired, Need a break
- Breathing: Box breathing, 1.5 min, 5 breaths
- Feelings: frazzled, \[i\]mine\[/i\]
- Repair: My child · Said sorry · done
- What happened: I \*snapped\*
- My part: my tone
- Note: bedtime \*again\* \| &lt;b&gt;

### Wed 18 Nov 15:30 · breathing break

- Breathing: Coherent breathing, 0.8 min, 4 breaths, stopped early
- Saved: part-way, as it was

### Wed 18 Nov 23:10 · check-in

- Activation: 3 → 6
- Needs: Tired
- Senses: 3 of 5 steps
- Feelings: calm
- Saved: part-way, as it was

### Thu 19 Nov 19:00 · repair

- Repair: My partner · Later, once I'm calm · planned
- What happened: cold shoulder
""".replace("INTRO", INTRO)  # noqa: E501 (a line of the report as it is)


def test_the_markdown_report_of_a_week_reads_as_a_whole(content: Content):
    entries = week_entries()
    summary = summarize_week(entries, MONDAY)
    assert week_markdown(summary, entries, content) == MARKDOWN


TABLE = """\
Your week · 2026-W47 · Mon 16 Nov – Sun 22 Nov 2026

 Day          Check-ins   Breaks   Breathing   Grounding: before → after
 ───────────────────────────────────────────────────────────────────────
 Mon 16 Nov           1              1.5 min   8 → 5 (1 pair)
 Tue 17 Nov
 Wed 18 Nov           1        1     0.8 min   3 → 6 (1 pair)
 Thu 19 Nov
 Fri 20 Nov
 Sat 21 Nov
 Sun 22 Nov

Grounding: before → after
  Mon 16 Nov 07:05   8 → 5  ██████████░░░░░░
  Wed 18 Nov 23:10   3 → 6  ██████▓▓▓▓▓▓
  █ after   ░ eased while grounding   ▓ rose

Feelings
  ▲ High energy, unpleasant: 1
  ✦ High energy, pleasant: 0
  ● Low energy, pleasant: 1
  ▼ Low energy, unpleasant: 1
Words used most: frazzled (1), [i]mine[/i] (1), calm (1)
Needs that came up most: Tired (2), Need a break (1)
When activation showed up: morning 1 · afternoon 1 · night 1

Repairs
  Mon 16 Nov 07:05 · My child · Said sorry · done — I *snapped*
  Thu 19 Nov 19:00 · My partner · Later, once I'm calm · planned, still open — cold shoulder

Moments
  Mon 16 Nov 07:05  check-in         8 → 5    frazzled, [i]mine[/i] — bedtime *again* | <b>
  Wed 18 Nov 15:30  breathing break
  Wed 18 Nov 23:10  check-in         3 → 6    calm
  Thu 19 Nov 19:00  repair
"""


def table_text(summary, entries, content: Content, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    week_table(summary, entries, content, console)
    # Rich pads table rows to the table's width; the words are what matter here.
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines()) + "\n"


def test_the_terminal_table_of_a_week_reads_as_a_whole(content: Content):
    entries = week_entries()
    assert table_text(summarize_week(entries, MONDAY), entries, content) == TABLE


def test_a_moment_too_long_for_the_terminal_is_cut_with_an_ellipsis(content: Content):
    entries = week_entries()[:1]
    text = table_text(summarize_week(entries, MONDAY), entries, content, width=64)
    moments = text.split("Moments\n", 1)[1]
    # 64 columns leave 18 for what was said, the last of them an ellipsis.
    assert moments == "  Mon 16 Nov 07:05  check-in         8 → 5    frazzled, [i]mine…\n"


def test_an_empty_week_says_something_kind_and_changes_from_week_to_week(content: Content):
    seen = set()
    for weeks in range(len(content.empty_week)):
        start = MONDAY + timedelta(weeks=weeks)
        summary = summarize_week([], start)
        words = week_markdown(summary, [], content).split("\n")
        assert words[0].startswith("# My week: ") and words[1] == "" and words[3:] == [""]
        table = table_text(summary, [], content).splitlines()
        assert table[1:] == [words[2]] and table[0].startswith("Your week · ")
        seen.add(words[2])
    assert seen == {md(line) for line in content.empty_week}


def test_the_json_is_the_summary_and_entries_with_typed_controls_escaped():
    entries = week_entries()
    entries[1] = entries[1].with_changes(note="esc \x1b[31m del \x7f c1 \x85 rtl \u202e é 🌧️")
    summary = summarize_week(entries, MONDAY)
    text = week_json(summary, entries, "monday")
    document = json.loads(text)
    assert document == {"schema": 1, "week": "2026-W47", "start": "2026-11-16",
                        "week_start": "monday", "summary": summary.to_dict(),
                        "entries": [entry.to_dict() for entry in entries]}
    assert list(document) == ["schema", "week", "start", "week_start", "summary", "entries"]
    assert text.startswith('{\n  "schema": 1,\n  "week": "2026-W47",')  # indented for reading
    assert ('"note": "esc \\u001b[31m del \\u007f c1 \\u0085 rtl \\u202e é 🌧️"'
            in text)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("# not a heading", "\\# not a heading"),
        ("[a link](x) `code` *em* _em_ ~gone~ a|b \\", "\\[a link\\](x) \\`code\\` \\*em\\* "
                                                        "\\_em\\_ \\~gone\\~ a\\|b \\\\"),
        ("<b>bold</b> & co", "&lt;b&gt;bold&lt;/b&gt; &amp; co"),
        ("  two\nlines\tand a tab  ", "two lines and a tab"),
        ("esc \x1b[31m rtl \u202e", "esc \ufffd\\[31m rtl \ufffd"),
        ("plain words, é 🌧️", "plain words, é 🌧️"),
    ],
)
def test_your_text_in_markdown_is_one_line_shown_as_typed(typed, shown):
    assert md(typed) == shown


@pytest.mark.parametrize(
    ("before", "after", "cells"),
    [(8, 5, [("█" * 10, "cyan"), ("░" * 6, "cyan")]),
     (3, 6, [("█" * 6, "cyan"), ("▓" * 6, "yellow")]),
     (4, 4, [("█" * 8, "cyan")]),
     (0, 2, [("▓" * 4, "yellow")])],
)
def test_the_grounding_bar_is_solid_to_after_light_where_it_eased_dark_where_it_rose(
    before, after, cells
):
    bar = grounding_bar(before, after)
    assert [(bar.plain[s.start:s.end], s.style) for s in bar.spans if s.end > s.start] == cells
    assert len(grounding_bar(before, after, cells_per_point=1).plain) == max(before, after)


def styled_pieces(summary, entries, content: Content) -> list[tuple[str, str]]:
    """What the table shows with a style of its own, in order, as (text, style)."""
    console = Console(file=io.StringIO(), width=100, color_system="truecolor",
                      force_terminal=True, highlight=False)
    week_table(summary, entries, content, console)
    pieces = []
    for line in console.file.getvalue().splitlines():
        text = Text.from_ansi(line)
        pieces += [(text.plain[span.start:span.end].strip(), str(span.style))
                   for span in text.spans if text.plain[span.start:span.end].strip()]
    return pieces


def test_the_table_sets_headings_in_bold_and_each_quadrant_in_its_colour(content: Content):
    entries = week_entries()
    colour = {q.key: q.colour for q in content.quadrants}
    assert styled_pieces(summarize_week(entries, MONDAY), entries, content) == [
        ("Your week · 2026-W47 · Mon 16 Nov – Sun 22 Nov 2026", "bold"),
        ("Day", "bold"), ("Check-ins", "bold"), ("Breaks", "bold"), ("Breathing", "bold"),
        ("Grounding: before → after", "bold"),
        ("Grounding: before → after", "bold"),
        ("██████████", "color(6)"), ("░░░░░░", "color(6)"),  # cyan: after, and what eased
        ("██████", "color(6)"), ("▓▓▓▓▓▓", "color(3)"),  # yellow: what rose
        ("█ after   ░ eased while grounding   ▓ rose", "dim"),
        ("Feelings", "bold"),
        ("▲", colour["high_unpleasant"]), ("✦", colour["high_pleasant"]),
        ("●", colour["low_pleasant"]), ("▼", colour["low_unpleasant"]),
        ("Repairs", "bold"),
        ("Moments", "bold"),
    ]
    quiet = summarize_week([], MONDAY)
    assert styled_pieces(quiet, [], content)[1][1] == "italic"  # the kind words of an empty week


def test_a_narrow_terminal_crops_the_chart_and_cuts_each_moment_with_an_ellipsis(content):
    entries = week_entries()
    text = table_text(summarize_week(entries, MONDAY), entries, content, width=40)
    chart = text.split("Grounding: before → after\n", 1)[1].splitlines()[:2]
    assert chart == ["  Mon 16 Nov 07:05   8 → 5  ██████████░░",
                     "  Wed 18 Nov 23:10   3 → 6  ██████▓▓▓▓▓▓"]
    moments = text.split("Moments\n", 1)[1].splitlines()
    assert len(moments) == 4 and all(len(line) <= 40 for line in moments)
    assert moments[0] == "  Mon 16 Nov 07:05  check-in         8 …"
    assert moments[3] == "  Thu 19 Nov 19:00  repair"


def test_a_break_on_a_pattern_no_longer_known_is_shown_by_its_name(content: Content):
    # A pattern of your own that you have since removed from patterns.toml.
    gone = Entry(kind="breathing", id="00000000-0000-4000-8000-000000000005",
                 started_at=at(MONDAY, 9), breathing=Breathing("my-old-one", 120.0, 8, True))
    text = week_markdown(summarize_week([gone], MONDAY), [gone], content)
    assert "- Breathing: my-old-one, 2.0 min, 8 breaths\n" in text


@pytest.mark.parametrize(
    ("asked", "offset", "week_start", "first"),
    [
        (date(2026, 12, 2), 0, "monday", date(2026, 11, 30)),  # the week holding the day asked
        (date(2026, 12, 2), 5, "sunday", date(2026, 11, 29)),  # a day asked for wins over offset
        (None, 0, "monday", date(2026, 11, 16)),  # this week
        (None, -2, "sunday", date(2026, 11, 1)),
        (None, 1, "monday", date(2026, 11, 23)),
    ],
)
def test_the_week_shown_is_the_one_asked_for_or_this_one_moved_by_the_offset(
    asked, offset, week_start, first
):
    assert which_week(asked, offset, week_start, today=date(2026, 11, 18)) == first


def test_a_moment_shows_the_kind_steps_taken_and_each_part_of_its_repair(content: Content):
    entry = Entry(kind="checkin", id="00000000-0000-4000-8000-000000000006",
                  started_at=at(MONDAY, 9), needs=("thirsty",), kind_steps=("thirsty",),
                  repair=Repair(with_whom="partner", what_happened="I *snapped*",
                                my_part="my tone", their_side="tired too", next_time="pause",
                                to_a_friend="be <gentle>", step="apologised"))
    text = week_markdown(summarize_week([entry], MONDAY), [entry], content)
    assert text.split("### Mon 16 Nov 09:00 · check-in\n\n", 1)[1] == (
        "- Needs: Thirsty\n- Kind steps: Some water\n"
        "- Repair: My partner · Said sorry · planned\n- What happened: I \\*snapped\\*\n"
        "- My part: my tone\n- Their side: tired too\n- To a friend: be &lt;gentle&gt;\n"
        "- Next time: pause\n")
