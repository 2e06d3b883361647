"""What helps you, your repairs and a search, rendered without the store or the command line:
the markdown and the terminal table compared whole, the too-few rule in words, the json, and
a search's lines cut to the terminal (companion/insights_report.py)."""

from __future__ import annotations

import io
import json
import time
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from companion import insights_report
from companion.content import Content
from companion.entries import Breathing, Entry, Feeling, Repair
from companion.insights import Insights, gather_insights, repair_items
from companion.insights_report import (
    grounding_name,
    insights_markdown,
    insights_table,
    plain_table_lines,
    query_dict,
    query_words,
    repairs_markdown,
    repairs_table,
    search_markdown,
    search_table,
    when,
    write_insights,
    write_repairs,
    write_search,
)
from companion.search import SearchQuery, find_entries

DAY = date(2026, 11, 16)  # a Monday
FIRST = date(2026, 9, 1)


@pytest.fixture(autouse=True)
def _new_york(monkeypatch):
    # Times are shown in the system's zone, as `companion insights` shows them.
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute).astimezone()


def grounded(pattern: str | None, before: int | None, after: int | None, when: datetime, *,
             seconds: float = 60.0, senses: int = 0, **fields) -> Entry:
    return Entry(kind="checkin", started_at=when, activation_before=before,
                 activation_after=after, senses_steps=senses,
                 breathing=None if pattern is None else Breathing(pattern, seconds, 3, True),
                 **fields)


def history() -> list[Entry]:
    entries = [
        # Box breathing: five short sessions in the mornings, five long ones in the evenings.
        *(grounded("box", 8, 8 - eased, at(DAY - timedelta(days=i), 8), needs=("tired",))
          for i, eased in enumerate([1, 2, 2, 3, 4])),
        *(grounded("box", 9, 9 - eased, at(DAY - timedelta(days=20 + i), 20), seconds=180.0,
                   body_signals=("tight_chest",))
          for i, eased in enumerate([3, 3, 4, 5, 5])),
        # A pattern of your own since removed, and the senses prompt: one use each.
        grounded("my-own", 6, 5, at(DAY - timedelta(days=3), 14)),
        grounded(None, 7, 7, at(DAY - timedelta(days=2), 23), senses=5),
    ]
    return [*entries, *repairs()]


def repairs() -> list[Entry]:
    return [
        Entry(kind="repair", id="1a2b3c4d-0000-4000-8000-000000000001",
              started_at=at(DAY - timedelta(days=9), 19),
              repair=Repair("partner", "cold shoulder", step="will_try_later")),
        Entry(kind="repair", id="2b3c4d5e-0000-4000-8000-000000000002",
              started_at=at(DAY - timedelta(days=30), 19),
              repair=Repair("child", "I *snapped*", "my tone", "apologised", "done",
                            done_at=at(DAY - timedelta(days=30), 21))),
        Entry(kind="repair", id="3c4d5e6f-0000-4000-8000-000000000003",
              started_at=at(DAY - timedelta(days=12), 19), repair=Repair("friend",
                                                                        status="let_go")),
    ]


def insights(entries: list[Entry] | None = None) -> Insights:
    return gather_insights(history() if entries is None else entries, FIRST, DAY,
                           now=at(DAY, 22))


def table_text(draw, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    draw(console)
    # Rich pads table rows to the table's width; the words are what matter here.
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines()) + "\n"


def styled_pieces(draw, width: int = 100) -> list[tuple[str, str]]:
    """What a table shows with a style of its own, in order, as (text, style)."""
    console = Console(file=io.StringIO(), width=width, color_system="truecolor",
                      force_terminal=True, highlight=False)
    draw(console)
    pieces = []
    for line in console.file.getvalue().splitlines():
        text = Text.from_ansi(line)
        pieces += [(text.plain[span.start:span.end].strip(), str(span.style))
                   for span in text.spans if text.plain[span.start:span.end].strip()]
    return pieces


def search_hits() -> tuple[list[Entry], SearchQuery]:
    entries = [
        grounded(None, 7, 3, at(DAY, 8), needs=("tired",), note="long *day* | <b>",
                 feelings=(Feeling("drained", "low_unpleasant"), Feeling("[i]x[/i]",
                                                                         "low_unpleasant"))),
        Entry(kind="breathing", started_at=at(DAY - timedelta(days=1), 15),
              breathing=Breathing("coherent", 45.0, 4, False), note="tired after lunch"),
        Entry(kind="repair", started_at=at(DAY - timedelta(days=2), 19),
              repair=Repair("child", "snapped when tired", step="apologised")),
        grounded(None, 5, 5, at(DAY - timedelta(days=9), 8), note="tired, long ago"),
    ]
    query = SearchQuery("tired", since=DAY - timedelta(days=3))
    return find_entries(entries, query, {"tired": "Tired"}), query


INSIGHTS_MARKDOWN = """\
# What helps me: Tue 1 Sep 2026 – Mon 16 Nov 2026

## What eases me

How much activation eased with each way of grounding: before − after, over the moments rated both times. The median is the middle use; the middle half is where half of the uses fall. A minus means it rose.

| Grounding | Uses | Eased (median) | Middle half |
| --- | ---: | ---: | --- |
| Box breathing | 10 | 3 | 2.25 to 4 |
| under 2 min | 5 | 2 | 2 to 3 |
| 2 min or more | 5 | 4 | 3 to 5 |
| my-own | 1 | too few to say yet |  |
| Senses prompt (5-4-3-2-1) | 1 | too few to say yet |  |

Under 5 uses: too few to say yet.

## Often came with high activation (7 or more)

11 of the 12 moments you rated before grounding.

What was there at the same time, beside how often it is there at all; never a cause.

| Needs | With high activation | In all rated moments |
| --- | ---: | ---: |
| Tired | 5 (45%) | 5 (42%) |

| Body | With high activation | In all rated moments |
| --- | ---: | ---: |
| Tight chest | 5 (45%) | 5 (42%) |

| Part of the day | With high activation | In all rated moments |
| --- | ---: | ---: |
| Morning | 5 (45%) | 5 (42%) |
| Afternoon | 0 (0%) | 1 (8%) |
| Evening | 5 (45%) | 5 (42%) |
| Night | 1 (9%) | 1 (8%) |

| Day of the week | With high activation | In all rated moments |
| --- | ---: | ---: |
| Monday | 2 (18%) | 2 (17%) |
| Tuesday | 1 (9%) | 1 (8%) |
| Wednesday | 0 (0%) | 0 (0%) |
| Thursday | 1 (9%) | 1 (8%) |
| Friday | 2 (18%) | 3 (25%) |
| Saturday | 3 (27%) | 3 (25%) |
| Sunday | 2 (18%) | 2 (17%) |

## Repairs

3 logged: 1 done, 1 let go, 1 still open.
The oldest still open is 9 days old: Sat 7 Nov 2026 19:00 · My partner · Later, once I'm calm.
From the moment to the repair: 2 h (the median of 1 with a time).

## Month by month

| Month | Check-ins | Breathing | Before → after | Pairs |
| --- | ---: | ---: | --- | ---: |
| Sep 2026 | 0 |  |  | 0 |
| Oct 2026 | 5 | 15 min | 9 → 5 | 5 |
| Nov 2026 | 7 | 6 min | 7.6 → 5.7 | 7 |

Before → after averages grounding pairs only: one entry's activation before grounding and its own after.
"""  # noqa: E501 (lines as they are)


INSIGHTS_TABLE = """\
What helps you · Tue 1 Sep 2026 – Mon 16 Nov 2026

What eases you
How much activation eased with each way of grounding: before − after, over the moments rated both
times. The median is the middle use; the middle half is where half of the uses fall. A minus means
it rose.

 Grounding                   Uses       Eased (median)   Middle half
 ───────────────────────────────────────────────────────────────────
 Box breathing                 10                    3   2.25 to 4
   under 2 min                  5                    2   2 to 3
   2 min or more                5                    4   3 to 5
 my-own                         1   too few to say yet
 Senses prompt (5-4-3-2-1)      1   too few to say yet

Under 5 uses: too few to say yet.

Often came with high activation (7 or more)
11 of the 12 moments you rated before grounding.
What was there at the same time, beside how often it is there at all; never a cause.

 Needs   With high activation   In all rated moments
 ───────────────────────────────────────────────────
 Tired                5 (45%)                5 (42%)


 Body          With high activation   In all rated moments
 ─────────────────────────────────────────────────────────
 Tight chest                5 (45%)                5 (42%)


 Part of the day   With high activation   In all rated moments
 ─────────────────────────────────────────────────────────────
 Morning                        5 (45%)                5 (42%)
 Afternoon                       0 (0%)                 1 (8%)
 Evening                        5 (45%)                5 (42%)
 Night                           1 (9%)                 1 (8%)


 Day of the week   With high activation   In all rated moments
 ─────────────────────────────────────────────────────────────
 Monday                         2 (18%)                2 (17%)
 Tuesday                         1 (9%)                 1 (8%)
 Wednesday                       0 (0%)                 0 (0%)
 Thursday                        1 (9%)                 1 (8%)
 Friday                         2 (18%)                3 (25%)
 Saturday                       3 (27%)                3 (25%)
 Sunday                         2 (18%)                2 (17%)

Repairs
  3 logged: 1 done, 1 let go, 1 still open.
  The oldest still open is 9 days old: Sat 7 Nov 2026 19:00 · My partner · Later, once I'm calm.
  From the moment to the repair: 2 h (the median of 1 with a time).

Month by month

 Month      Check-ins   Breathing   Before → after   Pairs
 ─────────────────────────────────────────────────────────
 Sep 2026           0                                    0
 Oct 2026           5      15 min   9 → 5                5
 Nov 2026           7       6 min   7.6 → 5.7            7

Before → after averages grounding pairs only: one entry's activation before grounding and its own
after.
"""


REPAIRS_MARKDOWN = """\
# Your repairs: 3, 1 still open

- `2b3c4d5e` · Sat 17 Oct 2026 19:00 · My child · Said sorry · done. What happened: I \\*snapped\\*. My part: my tone
- `3c4d5e6f` · Wed 4 Nov 2026 19:00 · A friend · let go
- `1a2b3c4d` · Sat 7 Nov 2026 19:00 · My partner · Later, once I'm calm · open, 9 days. What happened: cold shoulder
"""  # noqa: E501 (lines as they are)


REPAIRS_TABLE = """\
Your repairs: 3, 1 still open
  2b3c4d5e  Sat 17 Oct 2026 19:00   done              My child · Said sorry — I *snapped*
  3c4d5e6f  Wed 4 Nov 2026 19:00    let go            A friend
  1a2b3c4d  Sat 7 Nov 2026 19:00    open, 9 days      My partner · Later, once I'm calm — cold shou…
"""


SEARCH_MARKDOWN = """\
# Found 3 entries for "tired", since 2026-11-13

## Mon 16 Nov 2026 08:00 · check-in

- Activation: 7 → 3
- Needs: Tired
- Feelings: drained, \\[i\\]x\\[/i\\]
- Note: long \\*day\\* \\| &lt;b&gt;

## Sun 15 Nov 2026 15:00 · breathing break

- Breathing: Coherent breathing, 0.8 min, 4 breaths, stopped early
- Note: tired after lunch

## Sat 14 Nov 2026 19:00 · repair

- Repair: My child · Said sorry · planned
- What happened: snapped when tired
"""


SEARCH_TABLE = """\
Found 3 entries for "tired", since 2026-11-13
  Mon 16 Nov 2026 08:00   check-in         7 → 3    drained, [i]x[/i] — long *day* | <b>
  Sun 15 Nov 2026 15:00   breathing break           tired after lunch
  Sat 14 Nov 2026 19:00   repair                    snapped when tired
"""


# -- what helps you ------------------------------------------------------------------------------


def test_the_markdown_of_what_helps_reads_as_a_whole(content: Content):
    assert insights_markdown(insights(), content) == INSIGHTS_MARKDOWN


def test_the_terminal_table_of_what_helps_reads_as_a_whole(content: Content):
    found = insights()
    assert table_text(lambda c: insights_table(found, content, c)) == INSIGHTS_TABLE


def test_what_helps_sets_headings_in_bold_and_its_notes_dim(content: Content):
    found = insights()
    columns = [("With high activation", "bold"), ("In all rated moments", "bold")]
    assert styled_pieces(lambda c: insights_table(found, content, c)) == [
        ("What helps you · Tue 1 Sep 2026 – Mon 16 Nov 2026", "bold"),
        ("What eases you", "bold"),
        ("How much activation eased with each way of grounding: before − after, over the "
         "moments rated both", "dim"),
        ("times. The median is the middle use; the middle half is where half of the uses "
         "fall. A minus means", "dim"),
        ("it rose.", "dim"),
        ("Grounding", "bold"), ("Uses", "bold"), ("Eased (median)", "bold"),
        ("Middle half", "bold"),
        ("Under 5 uses: too few to say yet.", "dim"),
        ("Often came with high activation (7 or more)", "bold"),
        ("What was there at the same time, beside how often it is there at all; never a "
         "cause.", "dim"),
        ("Needs", "bold"), *columns, ("Body", "bold"), *columns,
        ("Part of the day", "bold"), *columns, ("Day of the week", "bold"), *columns,
        ("Repairs", "bold"),
        ("Month by month", "bold"), ("Month", "bold"), ("Check-ins", "bold"),
        ("Breathing", "bold"), ("Before → after", "bold"), ("Pairs", "bold"),
        ("Before → after averages grounding pairs only: one entry's activation before "
         "grounding and its own", "dim"), ("after.", "dim"),
    ]


def test_a_span_with_nothing_saved_says_so_and_nothing_else(content: Content):
    found = insights([])
    assert insights_markdown(found, content) == (
        "# What helps me: Tue 1 Sep 2026 – Mon 16 Nov 2026\n\nNothing saved in this span yet.\n")
    assert table_text(lambda c: insights_table(found, content, c)) == (
        "What helps you · Tue 1 Sep 2026 – Mon 16 Nov 2026\nNothing saved in this span yet.\n")
    assert styled_pieces(lambda c: insights_table(found, content, c))[1] == (
        "Nothing saved in this span yet.", "italic")


def test_with_too_few_moments_there_are_words_and_no_numbers(content: Content):
    # Four high moments, nothing rated twice, no repairs.
    few = [grounded(None, 9, None, at(DAY - timedelta(days=i), 9), needs=("tired",))
           for i in range(4)]
    found = insights(few)
    text = insights_markdown(found, content)
    assert text == (
        "# What helps me: Tue 1 Sep 2026 – Mon 16 Nov 2026\n\n## What eases me\n\n"
        "No grounding rated both before and after in this span yet.\n\n"
        "## Often came with high activation (7 or more)\n\n"
        "4 of the 4 moments you rated before grounding.\n\n"
        "Too few to say yet: under 5 such moments.\n\n## Repairs\n\n"
        "No repairs logged in this span.\n\n## Month by month\n\n"
        "| Month | Check-ins | Breathing | Before → after | Pairs |\n"
        "| --- | ---: | ---: | --- | ---: |\n| Sep 2026 | 0 |  |  | 0 |\n"
        "| Oct 2026 | 0 |  |  | 0 |\n| Nov 2026 | 4 |  |  | 0 |\n\n"
        "Before → after averages grounding pairs only: one entry's activation before "
        "grounding and its own after.\n")
    table = table_text(lambda c: insights_table(found, content, c))
    assert table.split("\n\n")[1:4] == [
        "What eases you\nNo grounding rated both before and after in this span yet.",
        "Often came with high activation (7 or more)\n"
        "4 of the 4 moments you rated before grounding.\n"
        "Too few to say yet: under 5 such moments.\nRepairs\n"
        "  No repairs logged in this span.",
        "Month by month"]


def test_a_section_with_nothing_among_high_moments_is_left_out(content: Content):
    # Five high moments with no need and no body signal: only parts of the day and weekdays.
    high = [grounded(None, 9, None, at(DAY - timedelta(days=i), 9)) for i in range(5)]
    found = insights(high)
    text = insights_markdown(found, content)
    assert "| Needs |" not in text and "| Body |" not in text
    assert "| Part of the day | With high activation | In all rated moments |" in text
    table = table_text(lambda c: insights_table(found, content, c))
    assert " Needs " not in table and " Body " not in table and " Part of the day " in table


@pytest.mark.parametrize(
    ("hours", "said"),
    [(0.5, "30 min"), (0.9, "54 min"), (1, "1 h"), (6.5, "6.5 h"), (47.9, "47.9 h"),
     (48, "2.0 days"), (60, "2.5 days")],
)
def test_the_median_time_to_repair_in_minutes_hours_or_days(hours, said, content: Content):
    started = at(DAY - timedelta(days=5), 9)
    done = Entry(kind="repair", started_at=started, repair=Repair(
        "child", status="done", done_at=started + timedelta(hours=hours)))
    lines = insights_markdown(insights([done]), content).split("## Repairs\n\n")[1]
    assert lines.split("\n\n")[0] == (
        f"1 logged: 1 done.\nFrom the moment to the repair: {said} (the median of 1 with a "
        "time).")


def test_a_repair_open_for_one_day_is_one_day_old(content: Content):
    opened = Entry(kind="repair", started_at=at(DAY, 22) - timedelta(days=1, hours=1),
                   repair=Repair("child", step="apologised"))
    lines = insights_markdown(insights([opened]), content).split("## Repairs\n\n")[1]
    assert lines.split("\n\n")[0] == (
        "1 logged: 1 still open.\nThe oldest still open is 1 day old: Sun 15 Nov 2026 21:00 · "
        "My child · Said sorry.")


def test_a_repair_status_from_a_newer_companion_is_counted_after_the_others(content: Content):
    newer = [Entry(kind="repair", started_at=at(DAY, 9), repair=Repair("child", status=status))
             for status in ("done", "tried_twice")]
    lines = insights_markdown(insights(newer), content).split("## Repairs\n\n")[1]
    assert lines.startswith("2 logged: 1 done, 1 tried twice.\n")


# -- repairs -------------------------------------------------------------------------------------


def test_the_repairs_as_markdown_and_table_read_as_a_whole(content: Content):
    items = repair_items(repairs(), at(DAY, 22))
    assert repairs_markdown(items, False, content) == REPAIRS_MARKDOWN
    assert table_text(lambda c: repairs_table(items, False, content, c)) == REPAIRS_TABLE


def test_the_repairs_still_open_and_none_at_all(content: Content):
    items = repair_items(repairs(), at(DAY, 22), open_only=True)
    assert repairs_markdown(items, True, content) == (
        "# Repairs still open: 1\n\n- `1a2b3c4d` · Sat 7 Nov 2026 19:00 · My partner · "
        "Later, once I'm calm · open, 9 days. What happened: cold shoulder\n")
    assert table_text(lambda c: repairs_table(items, True, content, c)) == (
        "Repairs still open: 1\n  1a2b3c4d  Sat 7 Nov 2026 19:00    open, 9 days      My partner · "
        "Later, once I'm calm — cold shou…\n")
    assert repairs_markdown((), True, content) == "# Repairs still open: 0\n\nNone to show.\n"
    assert table_text(lambda c: repairs_table((), False, content, c)) == (
        "Your repairs: 0, 0 still open\nNone to show.\n")
    assert styled_pieces(lambda c: repairs_table((), False, content, c)) == [
        ("Your repairs: 0, 0 still open", "bold"), ("None to show.", "italic")]


def test_a_repair_line_too_long_for_the_terminal_is_cut_with_an_ellipsis(content: Content):
    items = repair_items(repairs(), at(DAY, 22))
    lines = table_text(lambda c: repairs_table(items, False, content, c), width=60).splitlines()
    assert lines[1:] == ["  2b3c4d5e  Sat 17 Oct 2026 19:00   done              My ch…",
                         "  3c4d5e6f  Wed 4 Nov 2026 19:00    let go            A fri…",
                         "  1a2b3c4d  Sat 7 Nov 2026 19:00    open, 9 days      My pa…"]


# -- search --------------------------------------------------------------------------------------


def test_what_a_search_found_as_markdown_and_table_reads_as_a_whole(content: Content):
    hits, query = search_hits()
    assert search_markdown(hits, query, content) == SEARCH_MARKDOWN
    assert table_text(lambda c: search_table(hits, query, c)) == SEARCH_TABLE
    assert styled_pieces(lambda c: search_table(hits, query, c))[0] == (
        'Found 3 entries for "tired", since 2026-11-13', "bold")


def test_what_was_said_is_cut_to_the_room_the_terminal_leaves():
    hits, query = search_hits()
    # The time, the kind and the activation take 52 columns: 80 leave 27 for what was said
    # (never fewer than 10), the last of them an ellipsis.
    lines = table_text(lambda c: search_table(hits[:1], query, c), width=80).splitlines()
    assert lines[1] == (
        "  Mon 16 Nov 2026 08:00   check-in         7 → 3    drained, [i]x[/i] — long *…")
    # Never fewer than 10: at 63 columns exactly 10, the line one short of the edge.
    lines = table_text(lambda c: search_table(hits[:1], query, c), width=63).splitlines()
    assert lines[1] == "  Mon 16 Nov 2026 08:00   check-in         7 → 3    drained, …"
    # Narrower still, the terminal's edge cuts it.
    narrow = table_text(lambda c: search_table(hits[:1], query, c), width=60).splitlines()
    assert narrow[1] == "  Mon 16 Nov 2026 08:00   check-in         7 → 3    drained…"


def test_one_entry_found_and_none_found():
    hits, query = search_hits()
    assert table_text(lambda c: search_table(hits[1:2], query, c)).splitlines()[0] == (
        'Found 1 entry for "tired", since 2026-11-13')
    assert table_text(lambda c: search_table([], SearchQuery(), c)) == (
        "Found 0 entries for everything\n")


@pytest.mark.parametrize(
    ("query", "words"),
    [
        (SearchQuery(), "everything"),
        (SearchQuery("  "), "everything"),
        (SearchQuery("long day"), '"long day"'),
        (SearchQuery("", feeling="calm", need="tired", with_whom="child",
                     since=date(2026, 11, 1)),
         "feeling calm, need tired, with child, since 2026-11-01"),
    ],
)
def test_what_was_asked_in_words(query, words):
    assert query_words(query) == words


def test_what_was_asked_in_json():
    assert query_dict(SearchQuery("x", "calm", "tired", "child", date(2026, 11, 1))) == {
        "text": "x", "feeling": "calm", "need": "tired", "with": "child",
        "since": "2026-11-01"}
    assert query_dict(SearchQuery()) == {"text": "", "feeling": None, "need": None,
                                         "with": None, "since": None}


# -- json, and each format -------------------------------------------------------------------------


def test_the_json_of_each_command(content: Content, capsys):
    console = Console(file=io.StringIO(), width=100, color_system=None, highlight=False)
    found = insights()
    write_insights(found, "json", content, console)
    assert json.loads(capsys.readouterr().out) == {"schema": 1, **found.to_dict()}
    items = repair_items(repairs(), at(DAY, 22))
    write_repairs(items, False, "json", content, console)
    out = capsys.readouterr().out
    assert json.loads(out) == {"schema": 1, "repairs": [i.to_dict() for i in items]}
    assert out.startswith('{\n  "schema": 1,\n  "repairs": [') and out.endswith("}\n")
    hits, query = search_hits()
    write_search(hits, query, "json", content, console)
    assert json.loads(capsys.readouterr().out) == {
        "schema": 1, "query": query_dict(query), "count": 3,
        "entries": [e.to_dict() for e in hits]}
    assert console.file.getvalue() == ""


@pytest.mark.parametrize("fmt", ["markdown", "table"])
def test_markdown_is_written_out_and_a_table_drawn(fmt, content: Content, capsys):
    console = Console(file=io.StringIO(), width=100, color_system=None, highlight=False)
    items = repair_items(repairs(), at(DAY, 22))
    hits, query = search_hits()
    write_insights(insights(), fmt, content, console)
    write_repairs(items, False, fmt, content, console)
    write_search(hits, query, fmt, content, console)
    out, drawn = capsys.readouterr().out, console.file.getvalue()
    if fmt == "markdown":
        assert out == INSIGHTS_MARKDOWN + REPAIRS_MARKDOWN + SEARCH_MARKDOWN and drawn == ""
    else:
        assert out == ""
        assert "\n".join(line.rstrip() for line in drawn.splitlines()) + "\n" == (
            INSIGHTS_TABLE + REPAIRS_TABLE + SEARCH_TABLE)


# -- the pieces ----------------------------------------------------------------------------------


def test_a_grounding_by_the_name_you_see(content: Content):
    assert grounding_name("senses", content) == "Senses prompt (5-4-3-2-1)"
    assert grounding_name("box", content) == "Box breathing"
    assert grounding_name("my-old-one", content) == "my-old-one"


def test_a_moment_with_its_year_in_this_machines_zone():
    assert when(datetime.fromisoformat("2027-01-01T02:30:00+00:00")) == "Thu 31 Dec 2026 21:30"


def test_what_was_said_that_just_fits_is_not_cut():
    fits = "tired " + "x" * 21  # 27 characters: the room 80 columns leave
    entry = grounded(None, 7, 3, at(DAY, 8), note=fits)
    lines = table_text(lambda c: search_table([entry], SearchQuery(), c), width=80).splitlines()
    assert lines[1] == f"  Mon 16 Nov 2026 08:00   check-in         7 → 3    {fits}"
    longer = grounded(None, 7, 3, at(DAY, 8), note=fits + "y")
    lines = table_text(lambda c: search_table([longer], SearchQuery(), c), width=80).splitlines()
    assert lines[1].endswith(f"    {fits[:26]}…")


def test_a_repair_opened_today_is_0_days_old(content: Content):
    today = Entry(kind="repair", started_at=at(DAY, 20), repair=Repair("child"))
    lines = insights_markdown(insights([today]), content).split("## Repairs\n\n")[1]
    assert lines.split("\n\n")[0] == (
        "1 logged: 1 still open.\nThe oldest still open is 0 days old: Mon 16 Nov 2026 20:00 · "
        "My child.")


@pytest.mark.parametrize("fmt", ["markdown", "table"])
def test_the_repairs_still_open_in_each_format(fmt, content: Content, capsys):
    console = Console(file=io.StringIO(), width=100, color_system=None, highlight=False)
    items = repair_items(repairs(), at(DAY, 22), open_only=True)
    write_repairs(items, True, fmt, content, console)
    shown = capsys.readouterr().out + console.file.getvalue()
    assert shown.lstrip("# ").startswith("Repairs still open: 1\n")


# -- the month-by-month table without Rich -----------------------------------------------------

_CELL = st.text(alphabet=st.sampled_from([*"abcXYZ09 .-→()%", "[", ":", "\\", "é"]),
                max_size=12)


def _rich_lines(title: str | None, columns: list[tuple[str, str]], rows: list[tuple[str, ...]],
                width: int) -> list[str]:
    from rich import box
    from rich.table import Table

    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None, highlight=False)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title=title, title_justify="left",
                  title_style="bold")
    for name, justify in columns:
        table.add_column(name, justify="left" if justify == "left" else "right")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    return out.getvalue().split("\n")[:-1]


@settings(max_examples=300, deadline=None)
@given(data=st.data(), count=st.integers(1, 5), width=st.integers(10, 120))
def test_the_plain_table_is_rich_s_table_character_for_character(data, count, width):
    columns = [(data.draw(_CELL), data.draw(st.sampled_from(["left", "right"])))
               for _ in range(count)]
    rows = data.draw(st.lists(st.tuples(*[_CELL] * count), max_size=8))
    title = data.draw(st.sampled_from(["Month by month", "", "A title longer than most",
                                       None]))
    lines = plain_table_lines(title, columns, rows, width)
    if lines is None:  # not certain: Rich draws it
        cells = "".join(c for row in [tuple(n for n, _ in columns), *rows] for c in row)
        table_width = len(_rich_lines(None, columns, rows, 1000)[0])
        stripped = [c != c.rstrip(" ") or (j != "left" and c != c.lstrip(" "))
                    for row in [tuple(n for n, _ in columns), *rows]
                    for c, (_, j) in zip(row, columns, strict=True)]
        assert title == "" or not all(n for n, _ in columns) or set("[]:\\é") & set(
            cells + (title or "")) or table_width > width or len(title or "") > table_width \
            or any(stripped)
        return
    assert lines == _rich_lines(title, columns, rows, width)


@pytest.mark.parametrize(("cell", "justify"), [("0 ", "left"), ("0 ", "right"), (" 0", "right"),
                                             (" a b ", "left"), (" a b ", "right")])
def test_a_cell_with_spaces_rich_strips_is_left_to_rich(cell, justify):
    """Found by the property above: Rich strips a cell's spaces at its end before justifying
    it, and at its start too when it justifies it to the right."""
    for columns, rows in (([(cell, justify)], []), ([("Month", justify)], [(cell,)])):
        assert plain_table_lines(None, columns, rows, 40) is None
        assert plain_table_lines(None, [(c.strip(), j) for c, j in columns],
                                 [tuple(c.strip() for c in row) for row in rows], 40
                                 ) == _rich_lines(None, [(c.strip(), j) for c, j in columns],
                                                  [tuple(c.strip() for c in row)
                                                   for row in rows], 40)


def test_insights_piped_print_the_months_without_rich_and_a_terminal_gets_rich(content,
                                                                              monkeypatch):
    """Without colour the months' table is written as text (plain_table_lines), and reads
    as Rich's; with colour (a terminal) Rich draws it, bold title and all."""
    from datetime import UTC

    one = Entry(kind="checkin", started_at=datetime(2021, 1, 5, 9, tzinfo=UTC),
                activation_before=8)
    found = gather_insights([one], date(2021, 1, 1), date(2026, 11, 26),
                            now=datetime(2026, 11, 26, tzinfo=UTC))
    plain, colour = io.StringIO(), io.StringIO()
    calls: list[str] = []
    real = insights_report.plain_table_lines

    def spy(*args: object) -> list[str] | None:
        calls.append("plain")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(insights_report, "plain_table_lines", spy)
    insights_table(found, content, Console(file=plain, width=80, highlight=False))
    assert calls == ["plain"]
    insights_table(found, content, Console(file=colour, width=80, highlight=False,
                                           force_terminal=True, color_system="standard"))
    assert calls == ["plain"]
    assert "\x1b[1mMonth by month" in colour.getvalue()
    text = plain.getvalue()
    assert "Month by month" in text and "Nov 2026" in text and "Jan 2021" in text
    assert "\x1b" not in text


def test_an_indented_row_of_a_left_justified_column_stays_plain_and_reads_as_rich_s():
    columns = [("Grounding", "left"), ("Uses", "right")]
    rows = [("Box breathing", "839"), ("  under 2 min", "718")]
    lines = plain_table_lines(None, columns, rows, 80)
    assert lines is not None and lines == _rich_lines(None, columns, rows, 80)
    assert lines[4] == "   under 2 min    718 "
