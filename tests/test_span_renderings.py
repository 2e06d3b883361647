"""A month and a year, rendered from their summaries without the store or the command line: the
markdown a person hands on and the terminal table compared whole, the calendar's characters and
colours, and the json (companion/spans_report.py)."""

from __future__ import annotations

import io
import json
import time
from datetime import date, datetime

import pytest
from rich.console import Console
from rich.text import Text

from companion.content import Content
from companion.entries import Breathing, Entry, Feeling, Repair
from companion.spans import MonthSummary, Tally, summarize_month, summarize_year
from companion.spans_report import (
    breathing_text,
    change_text,
    month_json,
    month_markdown,
    month_table,
    shade,
    spark,
    status_words,
    write_month,
    write_year,
    year_json,
    year_markdown,
    year_table,
)

NOVEMBER = date(2026, 11, 1)  # a Sunday
TODAY = date(2026, 11, 9)  # the days after it are still to come


@pytest.fixture(autouse=True)
def _new_york(monkeypatch):
    # Times are shown in the system's zone, as `companion month` shows them.
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute).astimezone()


def month_entries() -> list[Entry]:
    def day(n: int) -> date:
        return date(2026, 11, n)

    return [
        Entry(kind="checkin", id="00000000-0000-4000-8000-000000000001",
              started_at=at(day(2), 7, 5), activation_before=8, activation_after=5,
              needs=("tired", "need_a_break"), breathing=Breathing("box", 90.0, 5, True),
              feelings=(Feeling("frazzled", "high_unpleasant"),
                        Feeling("[i]mine[/i]", "low_unpleasant"))),
        Entry(kind="breathing", id="00000000-0000-4000-8000-000000000002",
              started_at=at(day(2), 15), activation_after=2,
              breathing=Breathing("coherent", 3600.0, 300, True)),
        Entry(kind="checkin", id="00000000-0000-4000-8000-000000000003",
              started_at=at(day(3), 9), activation_before=5, activation_after=4),
        Entry(kind="checkin", id="00000000-0000-4000-8000-000000000004",
              started_at=at(day(4), 9), activation_before=3, activation_after=2, needs=("tired",),
              feelings=(Feeling("calm", "low_pleasant"),)),
        Entry(kind="checkin", id="00000000-0000-4000-8000-000000000005",
              started_at=at(day(5), 9)),
        Entry(kind="repair", id="00000000-0000-4000-8000-000000000006",
              started_at=at(day(6), 19), repair=Repair(
                  "child", "I *snapped*", "my tone", "apologised", "done",
                  done_at=at(day(6), 20))),
        Entry(kind="checkin", id="00000000-0000-4000-8000-000000000007",
              started_at=at(day(7), 22), activation_before=10),
        Entry(kind="repair", id="00000000-0000-4000-8000-000000000008",
              started_at=at(day(9), 19), repair=Repair("partner", "cold shoulder",
                                                       step="will_try_later")),
        # Saved after today by a machine whose clock runs ahead: its day shows no shade yet.
        Entry(kind="checkin", id="00000000-0000-4000-8000-000000000009",
              started_at=at(day(20), 9), activation_before=6),
        # The month before.
        Entry(kind="checkin", id="00000000-0000-4000-8000-000000000010",
              started_at=at(date(2026, 10, 12), 9), activation_before=9, activation_after=4,
              breathing=Breathing("box", 150.0, 9, True)),
    ]


def november() -> MonthSummary:
    return summarize_month(month_entries(), NOVEMBER)


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


def year_entries() -> list[Entry]:
    return [
        Entry(kind="checkin", started_at=at(date(2026, 1, 1), 9), activation_before=2,
              activation_after=1),
        Entry(kind="checkin", started_at=at(date(2026, 1, 2), 9), activation_before=5,
              activation_after=3),
        Entry(kind="checkin", started_at=at(date(2026, 2, 28), 9), activation_before=8),
        Entry(kind="breathing", started_at=at(date(2026, 3, 30), 9),
              breathing=Breathing("box", 60.0, 4, True)),
        Entry(kind="breathing", started_at=at(date(2026, 3, 31), 9),
              breathing=Breathing("box", 150.0, 9, True)),
        Entry(kind="checkin", started_at=at(date(2026, 11, 16), 9), activation_before=10,
              activation_after=0),
        Entry(kind="checkin", started_at=at(date(2026, 12, 31), 9), activation_before=9,
              activation_after=7),
    ]


MONTH_MARKDOWN = """\
# My month: November 2026

```
  Mo   Tu   We   Th   Fr   Sa   Su
                                1·
  2▓   3▒   4░   5○   6○   7█   8·
  9○  10   11   12   13   14   15
 16   17   18   19   20   21   22
 23   24   25   26   27   28   29
 30
```

· nothing saved  ○ no activation noted  ░ 0–3  ▒ 4–6  ▓ 7–8  █ 9–10. Each day shows the highest activation you noted that day.

## Day by day

| Day | Check-ins | Breaks | Breathing | Highest | Before → after | Pairs |
| --- | ---: | ---: | ---: | ---: | --- | ---: |
| Sun 1 Nov |  |  |  |  |  |  |
| Mon 2 Nov | 1 | 1 | 1.0 h | 8 | 8 → 5 | 1 |
| Tue 3 Nov | 1 |  |  | 5 | 5 → 4 | 1 |
| Wed 4 Nov | 1 |  |  | 3 | 3 → 2 | 1 |
| Thu 5 Nov | 1 |  |  |  |  |  |
| Fri 6 Nov |  |  |  |  |  |  |
| Sat 7 Nov | 1 |  |  | 10 |  |  |
| Sun 8 Nov |  |  |  |  |  |  |
| Mon 9 Nov |  |  |  |  |  |  |
| Tue 10 Nov |  |  |  |  |  |  |
| Wed 11 Nov |  |  |  |  |  |  |
| Thu 12 Nov |  |  |  |  |  |  |
| Fri 13 Nov |  |  |  |  |  |  |
| Sat 14 Nov |  |  |  |  |  |  |
| Sun 15 Nov |  |  |  |  |  |  |
| Mon 16 Nov |  |  |  |  |  |  |
| Tue 17 Nov |  |  |  |  |  |  |
| Wed 18 Nov |  |  |  |  |  |  |
| Thu 19 Nov |  |  |  |  |  |  |
| Fri 20 Nov | 1 |  |  | 6 |  |  |
| Sat 21 Nov |  |  |  |  |  |  |
| Sun 22 Nov |  |  |  |  |  |  |
| Mon 23 Nov |  |  |  |  |  |  |
| Tue 24 Nov |  |  |  |  |  |  |
| Wed 25 Nov |  |  |  |  |  |  |
| Thu 26 Nov |  |  |  |  |  |  |
| Fri 27 Nov |  |  |  |  |  |  |
| Sat 28 Nov |  |  |  |  |  |  |
| Sun 29 Nov |  |  |  |  |  |  |
| Mon 30 Nov |  |  |  |  |  |  |

Before → after averages grounding pairs only: one entry's activation before grounding and its own after.

## Feelings

- ▲ High energy, unpleasant: 1
- ✦ High energy, pleasant: 0
- ● Low energy, pleasant: 1
- ▼ Low energy, unpleasant: 1

Words used most: frazzled (1), \\[i\\]mine\\[/i\\] (1), calm (1)

## Needs that came up most

- Tired: 2
- Need a break: 1

## Repairs

- Fri 6 Nov 19:00 · My child · Said sorry · done. What happened: I \\*snapped\\*. My part: my tone
- Mon 9 Nov 19:00 · My partner · Later, once I'm calm · planned, still open. What happened: cold shoulder

## Beside October 2026

| | November | October |
| --- | ---: | ---: |
| Check-ins | 6 | 1 |
| Breathing breaks | 1 | 0 |
| Breathing | 1.0 h | 2 min |
| Before → after | 5.3 → 3.7 (3 pairs) | 9 → 4 (1 pair) |
"""  # noqa: E501 (lines of the report as they are)


MONTH_TABLE = """\
Your month · November 2026
  Mo   Tu   We   Th   Fr   Sa   Su
                                1·
  2▓   3▒   4░   5○   6○   7█   8·
  9○  10   11   12   13   14   15
 16   17   18   19   20   21   22
 23   24   25   26   27   28   29
 30
· nothing saved  ○ no activation noted  ░ 0–3  ▒ 4–6  ▓ 7–8  █ 9–10
Each day shows the highest activation you noted that day.

 Day          Check-ins   Breaks   Breathing   Highest   Before → after   Pairs
 ──────────────────────────────────────────────────────────────────────────────
 Sun 1 Nov
 Mon 2 Nov            1        1       1.0 h         8   8 → 5                1
 Tue 3 Nov            1                              5   5 → 4                1
 Wed 4 Nov            1                              3   3 → 2                1
 Thu 5 Nov            1
 Fri 6 Nov
 Sat 7 Nov            1                             10
 Sun 8 Nov
 Mon 9 Nov
 Tue 10 Nov
 Wed 11 Nov
 Thu 12 Nov
 Fri 13 Nov
 Sat 14 Nov
 Sun 15 Nov
 Mon 16 Nov
 Tue 17 Nov
 Wed 18 Nov
 Thu 19 Nov
 Fri 20 Nov           1                              6
 Sat 21 Nov
 Sun 22 Nov
 Mon 23 Nov
 Tue 24 Nov
 Wed 25 Nov
 Thu 26 Nov
 Fri 27 Nov
 Sat 28 Nov
 Sun 29 Nov
 Mon 30 Nov

Before → after averages grounding pairs only: one entry's activation before grounding and its own
after.
Feelings
  ▲ High energy, unpleasant: 1
  ✦ High energy, pleasant: 0
  ● Low energy, pleasant: 1
  ▼ Low energy, unpleasant: 1
Words used most: frazzled (1), [i]mine[/i] (1), calm (1)
Needs that came up most: Tired (2), Need a break (1)

Repairs: 2 logged, 1 still open
  Fri 6 Nov 19:00 · My child · Said sorry · done
  Mon 9 Nov 19:00 · My partner · Later, once I'm calm · planned, still open

Beside October 2026

                               November          October
 ───────────────────────────────────────────────────────
 Check-ins                            6                1
 Breathing breaks                     1                0
 Breathing                        1.0 h            2 min
 Before → after     5.3 → 3.7 (3 pairs)   9 → 4 (1 pair)

"""


YEAR_MARKDOWN = """\
# My year: 2026

```
    1        10        20        30  Check-ins Breaks Breathing Before → after
Jan ░▒·····························          2                  3.5 → 2
Feb ···························▓             1
Mar ·····························○○                 2     4 min
Apr ······························
May ·······························
Jun ······························
Jul ·······························
Aug ·······························
Sep ······························
Oct ·······························
Nov ···············█····                     1                  10 → 0
Dec                                          1                  9 → 7
```

· nothing saved  ○ no activation noted  ░ 0–3  ▒ 4–6  ▓ 7–8  █ 9–10. Each day shows the highest activation you noted that day.

| Month | Check-ins | Breaks | Breathing | Before → after | Pairs |
| --- | ---: | ---: | ---: | --- | ---: |
| January | 2 | 0 |  | 3.5 → 2 | 2 |
| February | 1 | 0 |  |  | 0 |
| March | 0 | 2 | 4 min |  | 0 |
| April | 0 | 0 |  |  | 0 |
| May | 0 | 0 |  |  | 0 |
| June | 0 | 0 |  |  | 0 |
| July | 0 | 0 |  |  | 0 |
| August | 0 | 0 |  |  | 0 |
| September | 0 | 0 |  |  | 0 |
| October | 0 | 0 |  |  | 0 |
| November | 1 | 0 |  | 10 → 0 | 1 |
| December | 1 | 0 |  | 9 → 7 | 1 |
| **The year** | 5 | 2 | 4 min | 6.5 → 2.8 | 4 |

Before → after averages grounding pairs only: one entry's activation before grounding and its own after.

```
Each week's before → after, W01–W53 (· no pairs that week):
before ▃·············································█·····▇
after  ▂·············································▁·····▆
```
"""  # noqa: E501 (lines of the report as they are)


YEAR_TABLE = """\
Your year · 2026
    1        10        20        30  Check-ins Breaks Breathing Before → after
Jan ░▒·····························          2                  3.5 → 2
Feb ···························▓             1
Mar ·····························○○                 2     4 min
Apr ······························
May ·······························
Jun ······························
Jul ·······························
Aug ·······························
Sep ······························
Oct ·······························
Nov ···············█····                     1                  10 → 0
Dec                                          1                  9 → 7
· nothing saved  ○ no activation noted  ░ 0–3  ▒ 4–6  ▓ 7–8  █ 9–10
Each day shows the highest activation you noted that day.

The year: 5 check-ins, 2 breathing breaks, 4 min; before → after 6.5 → 2.8 over
4 grounding pairs.

Each week's before → after, W01–W53 (· no pairs that week):
before ▃·············································█·····▇
after  ▂·············································▁·····▆
"""


# -- a month -----------------------------------------------------------------------------------


def test_the_markdown_of_a_month_reads_as_a_whole(content: Content):
    assert month_markdown(november(), content, "monday", TODAY) == MONTH_MARKDOWN


def test_the_terminal_table_of_a_month_reads_as_a_whole(content: Content):
    summary = november()
    assert table_text(lambda c: month_table(summary, content, "monday", TODAY, c)) == (
        MONTH_TABLE)


def test_the_month_table_shades_each_day_in_its_colour_and_sets_headings_in_bold(
    content: Content,
):
    summary = november()
    colour = {q.key: q.colour for q in content.quadrants}
    assert styled_pieces(lambda c: month_table(summary, content, "monday", TODAY, c)) == [
        ("Your month · November 2026", "bold"),
        ("Mo   Tu   We   Th   Fr   Sa   Su", "bold"),
        ("·", "dim"), ("▓", "bold color(6)"), ("▒", "color(6)"), ("░", "dim color(6)"),
        ("○", "dim"), ("○", "dim"), ("█", "bold color(14)"), ("·", "dim"), ("○", "dim"),
        ("· nothing saved  ○ no activation noted  ░ 0–3  ▒ 4–6  ▓ 7–8  █ 9–10", "dim"),
        ("Each day shows the highest activation you noted that day.", "dim"),
        ("Day", "bold"), ("Check-ins", "bold"), ("Breaks", "bold"), ("Breathing", "bold"),
        ("Highest", "bold"), ("Before → after", "bold"), ("Pairs", "bold"),
        ("Before → after averages grounding pairs only: one entry's activation before "
         "grounding and its own", "dim"), ("after.", "dim"),
        ("Feelings", "bold"),
        ("▲", colour["high_unpleasant"]), ("✦", colour["high_pleasant"]),
        ("●", colour["low_pleasant"]), ("▼", colour["low_unpleasant"]),
        ("Repairs: 2 logged, 1 still open", "bold"),
        ("Beside October 2026", "bold"), ("November", "bold"), ("October", "bold"),
    ]


def test_a_calendar_of_weeks_from_sunday(content: Content):
    text = month_markdown(november(), content, "sunday", TODAY)
    calendar = text.split("```\n", 2)[1].splitlines()
    assert calendar == ["  Su   Mo   Tu   We   Th   Fr   Sa",
                        "  1·   2▓   3▒   4░   5○   6○   7█",
                        "  8·   9○  10   11   12   13   14",
                        " 15   16   17   18   19   20   21",
                        " 22   23   24   25   26   27   28",
                        " 29   30"]


def test_a_month_without_feelings_needs_or_repairs_leaves_their_sections_out(content: Content):
    quiet = [Entry(kind="breathing", started_at=at(date(2026, 11, 10), 9),
                   breathing=Breathing("box", 59.0, 4, True))]
    summary = summarize_month(quiet, NOVEMBER)
    text = month_markdown(summary, content, "monday", date(2026, 12, 1))
    assert "## Feelings" not in text and "## Needs" not in text and "## Repairs" not in text
    assert "| Tue 10 Nov |  | 1 | 1 min |  |  |  |" in text
    assert text.endswith("| Breathing breaks | 1 | 0 |\n| Breathing | 1 min | none |\n"
                         "| Before → after | no pairs | no pairs |\n")
    table = table_text(lambda c: month_table(summary, content, "monday", date(2026, 12, 1), c))
    assert "Feelings" not in table and "Needs" not in table and "Repairs" not in table
    assert " Before → after     no pairs   no pairs" in table


def test_an_empty_month_says_so_and_shows_its_calendar(content: Content):
    summary = summarize_month([], date(2026, 2, 1))
    assert month_markdown(summary, content, "monday", TODAY) == (
        "# My month: February 2026\n\nNothing saved this month.\n\n```\n"
        "  Mo   Tu   We   Th   Fr   Sa   Su\n"
        "                                1·\n"
        "  2·   3·   4·   5·   6·   7·   8·\n"
        "  9·  10·  11·  12·  13·  14·  15·\n"
        " 16·  17·  18·  19·  20·  21·  22·\n"
        " 23·  24·  25·  26·  27·  28·\n"
        "```\n\n· nothing saved  ○ no activation noted  ░ 0–3  ▒ 4–6  ▓ 7–8  █ 9–10. "
        "Each day shows the highest activation you noted that day.\n\n\n"
        "## Beside January 2026\n\n| | February | January |\n| --- | ---: | ---: |\n"
        "| Check-ins | 0 | 0 |\n| Breathing breaks | 0 | 0 |\n| Breathing | none | none |\n"
        "| Before → after | no pairs | no pairs |\n")
    table = table_text(lambda c: month_table(summary, content, "monday", TODAY, c))
    assert table.splitlines()[:3] == ["Your month · February 2026", "Nothing saved this month.",
                                      "  Mo   Tu   We   Th   Fr   Sa   Su"]
    assert "Day " not in table and "Beside January 2026" in table


def test_the_first_month_of_the_calendar_has_no_month_before(content: Content):
    summary = summarize_month([], date(1, 1, 1), tz=None)
    text = month_markdown(summary, content, "monday", TODAY)
    assert text.endswith("Each day shows the highest activation you noted that day.\n\n")
    assert "Beside" not in table_text(
        lambda c: month_table(summary, content, "monday", TODAY, c))


def test_the_month_json_is_the_days_and_the_summary_with_typed_controls_escaped():
    entries = [*month_entries(), Entry(kind="repair", started_at=at(date(2026, 11, 10), 9),
                                       repair=Repair("friend", "esc \x1b[31m del \x7f é"))]
    summary = summarize_month(entries, NOVEMBER)
    text = month_json(summary, "sunday")
    document = json.loads(text)
    assert document == {"schema": 1, "month": "2026-11", "start": "2026-11-01",
                        "end": "2026-11-30", "week_start": "sunday",
                        "days": [d.to_dict() for d in summary.days],
                        "summary": summary.summary_dict()}
    assert list(document) == ["schema", "month", "start", "end", "week_start", "days", "summary"]
    assert text.startswith('{\n  "schema": 1,\n  "month": "2026-11",') and text.endswith("}\n")
    assert '"what_happened": "esc \\u001b[31m del \\u007f é"' in text


# -- a year ------------------------------------------------------------------------------------


def test_the_markdown_of_a_year_reads_as_a_whole():
    summary = summarize_year(year_entries(), 2026)
    assert year_markdown(summary, date(2026, 11, 20)) == YEAR_MARKDOWN


def test_the_terminal_table_of_a_year_reads_as_a_whole_in_80_columns():
    summary = summarize_year(year_entries(), 2026)
    text = table_text(lambda c: year_table(summary, date(2026, 11, 20), c), width=80)
    assert text == YEAR_TABLE
    assert max(len(line) for line in text.splitlines()) <= 80


def test_the_year_shades_each_day_in_its_colour():
    summary = summarize_year(year_entries(), 2026)
    pieces = styled_pieces(lambda c: year_table(summary, date(2026, 11, 20), c), width=80)
    assert [p for p in pieces if p != ("·", "dim")] == [
        ("Your year · 2026", "bold"),
        ("1        10        20        30  Check-ins Breaks Breathing Before → after", "bold"),
        ("Jan", "bold"), ("░", "dim color(6)"), ("▒", "color(6)"),
        ("Feb", "bold"), ("▓", "bold color(6)"),
        ("Mar", "bold"), ("○", "dim"), ("○", "dim"),
        *((month, "bold") for month in ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct")),
        ("Nov", "bold"), ("█", "bold color(14)"),
        ("Dec", "bold"),
        ("· nothing saved  ○ no activation noted  ░ 0–3  ▒ 4–6  ▓ 7–8  █ 9–10", "dim"),
        ("Each day shows the highest activation you noted that day.", "dim"),
    ]
    # Every day up to today has its cell: 324 days of 2026 to 20 November.
    assert sum(1 for p in pieces if p[0] in "·○░▒▓█") == 324


def test_an_empty_year_says_so_and_has_no_sentence_or_sparks():
    summary = summarize_year([], 2025)
    text = table_text(lambda c: year_table(summary, date(2026, 1, 1), c), width=80)
    lines = text.splitlines()
    assert lines[:2] == ["Your year · 2025", "Nothing saved this year."]
    assert lines[-1] == "Each day shows the highest activation you noted that day."
    markdown = year_markdown(summary, date(2026, 1, 1))
    assert markdown.startswith("# My year: 2025\n\nNothing saved this year.\n\n```\n")
    assert "| **The year** | 0 | 0 |  |  | 0 |" in markdown
    assert markdown.endswith("```\nEach week's before → after, W01–W52 (· no pairs that "
                             "week):\nbefore " + "·" * 52 + "\nafter  " + "·" * 52 + "\n```\n")


def test_the_year_json_is_the_days_and_the_summary():
    summary = summarize_year(year_entries(), 2026, week_start="sunday")
    text = year_json(summary)
    document = json.loads(text)
    assert document == {"schema": 1, "year": 2026, "week_start": "sunday",
                        "days": [d.to_dict() for d in summary.days],
                        "summary": summary.summary_dict()}
    assert list(document) == ["schema", "year", "week_start", "days", "summary"]
    assert text.startswith('{\n  "schema": 1,\n  "year": 2026,') and text.endswith("}\n")


# -- each format, and the pieces ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "markdown", "table"])
def test_each_format_is_written_where_it_is_asked_for(fmt, content: Content, capsys):
    month, year = november(), summarize_year(year_entries(), 2026)
    console = Console(file=io.StringIO(), width=100, color_system=None, highlight=False)
    write_month(month, fmt, content, "monday", TODAY, console)
    write_year(year, fmt, date(2026, 11, 20), console)
    out = capsys.readouterr().out
    expected = {"json": month_json(month, "monday") + year_json(year),
                "markdown": MONTH_MARKDOWN + YEAR_MARKDOWN, "table": ""}[fmt]
    assert out == expected
    shown = console.file.getvalue()
    assert (shown.startswith("Your month · November 2026\n") and "Your year · 2026\n" in shown
            ) is (fmt == "table")


@pytest.mark.parametrize(
    ("highest", "cell"),
    [(0, ("░", "cyan dim")), (3, ("░", "cyan dim")), (4, ("▒", "cyan")), (6, ("▒", "cyan")),
     (7, ("▓", "bold cyan")), (8, ("▓", "bold cyan")), (9, ("█", "bold bright_cyan")),
     (10, ("█", "bold bright_cyan"))],
)
def test_a_day_is_shaded_by_its_highest_activation(highest, cell):
    assert shade(Tally(entries=1, activation_max=highest)) == cell


def test_a_day_with_nothing_or_no_activation_has_a_character_of_its_own():
    assert shade(Tally()) == ("·", "dim")
    assert shade(Tally(entries=2)) == ("○", "dim")


@pytest.mark.parametrize(
    ("average", "mark"),
    [(None, "·"), (0, "▁"), (0.7, "▁"), (0.8, "▂"), (5, "▅"), (9.2, "▇"), (9.3, "█"),
     (10, "█")],
)
def test_a_weeks_average_is_one_of_eight_sparks(average, mark):
    # Eight heights for 0 to 10: the nearest of 0, 10/7, 20/7 … 10.
    assert spark(average) == mark


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, ""), (29, "0 min"), (60, "1 min"), (3570, "60 min"), (3594, "60 min"),
     (3600, "1.0 h"), (6300, "1.8 h"), (36000, "10.0 h")],
)
def test_breathing_in_minutes_then_hours(seconds, text):
    assert breathing_text(Tally(breathing_seconds=seconds)) == text


def test_before_and_after_only_over_pairs():
    assert change_text(Tally()) == ""
    assert change_text(Tally(pairs=2, before_sum=13, after_sum=7)) == "6.5 → 3.5"
    assert change_text(Tally(pairs=1, before_sum=9, after_sum=4)) == "9 → 4"


def test_a_repairs_status_in_words():
    assert [status_words(s) for s in ("planned", "done", "let_go", "tried_twice")] == [
        "planned, still open", "done", "let go", "tried twice"]


# -- a narrow terminal -------------------------------------------------------------------------


def test_a_narrow_terminal_crops_the_years_rows_and_sparks_rather_than_wrapping_them():
    summary = summarize_year(year_entries(), 2026)
    lines = table_text(lambda c: year_table(summary, date(2026, 11, 20), c), width=40
                       ).splitlines()
    assert lines[1:4] == ["    1        10        20        30  Che",
                          "Jan ░▒" + "·" * 29,
                          "Feb " + "·" * 27 + "▓"]
    assert lines[12:14] == ["Nov " + "·" * 15 + "█····", "Dec"]
    assert lines[-3:] == ["Each week's before → after, W01–W53 (· n",
                          "before ▃" + "·" * 32, "after  ▂" + "·" * 32]


def test_a_narrow_terminal_keeps_each_day_and_each_repair_of_the_month_on_one_line(
    content: Content,
):
    lines = table_text(lambda c: month_table(november(), content, "monday", TODAY, c),
                       width=56).splitlines()
    rule = lines.index(" " + "─" * 54)
    # The column heads are cut too, each on the one line above the rule.
    assert lines[rule - 2:rule] == [
        "", " Day       Chec…   Br…   Brea…   Hig…   Before → …   P…"]
    days = lines[rule + 1:][:31]
    assert [line[:8] for line in days[:3]] == [" Sun 1 …", " Mon 2 …", " Tue 3 …"]
    assert days[30] == "" and all(len(line) <= 56 for line in days)
    assert "  Mon 9 Nov 19:00 · My partner · Later, once I'm calm ·…" in lines


def test_an_empty_month_or_year_says_so_in_italics(content: Content):
    month = summarize_month([], date(2026, 2, 1))
    assert styled_pieces(lambda c: month_table(month, content, "monday", TODAY, c))[1] == (
        "Nothing saved this month.", "italic")
    year = summarize_year([], 2025)
    assert styled_pieces(lambda c: year_table(year, date(2026, 1, 1), c), width=80)[1] == (
        "Nothing saved this year.", "italic")


def test_the_years_sentence_counts_one_of_each_in_the_singular():
    one_each = [Entry(kind="checkin", started_at=at(date(2026, 3, 2), 9), activation_before=9,
                      activation_after=4),
                Entry(kind="breathing", started_at=at(date(2026, 3, 3), 9),
                      breathing=Breathing("box", 60.0, 4, True))]
    text = table_text(lambda c: year_table(summarize_year(one_each, 2026), date(2026, 12, 31), c),
                      width=200)
    assert ("The year: 1 check-in, 1 breathing break, 1 min; before → after 9 → 4 over 1 "
            "grounding pair.") in text.splitlines()
    unrated = [Entry(kind="checkin", started_at=at(date(2026, 3, 2), 9))]
    text = table_text(lambda c: year_table(summarize_year(unrated, 2026), date(2026, 12, 31), c),
                      width=200)
    assert ("The year: 1 check-in, 0 breathing breaks, no breathing; before → after – over 0 "
            "grounding pairs.") in text.splitlines()
