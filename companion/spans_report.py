"""`companion month` and `companion year`: a month or a year printed as a table, markdown or json.

The pictures are made of characters, so they read the same without colour (NO_COLOR) and on a
screen reader's braille line; colour only repeats what the characters say. The year fits in 80
columns: twelve rows of up to 31 cells, one a day, with the month's totals beside.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

from companion.content import Content
from companion.entries import SCHEMA
from companion.report import _repair_parts, day_name, moment_name
from companion.spans import MonthSummary, Tally, YearSummary
from companion.text import md, printable, terminal_safe_json

if TYPE_CHECKING:  # Rich is imported where a table is drawn: json and markdown need none
    from rich.console import Console

# The day's highest activation, as a character (and a colour where there is colour).
SHADES = ((3, "░", "cyan dim"), (6, "▒", "cyan"), (8, "▓", "bold cyan"),
          (10, "█", "bold bright_cyan"))
NOTHING = "·"  # a day with nothing saved
UNRATED = "○"  # moments saved, none with an activation
NOT_A_DAY = " "  # past the month's end, or still to come
LEGEND = "· nothing saved  ○ no activation noted  ░ 0–3  ▒ 4–6  ▓ 7–8  █ 9–10"
SHADE_NOTE = "Each day shows the highest activation you noted that day."
SPARKS = "▁▂▃▄▅▆▇█"
PAIRS_NOTE = ("Before → after averages grounding pairs only: one entry's activation before "
              "grounding and its own after.")
WEEKDAY_NAMES = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def shade(tally: Tally) -> tuple[str, str]:
    """A day's cell: the character and its colour."""
    if tally.entries == 0:
        return NOTHING, "dim"
    if tally.activation_max is None:
        return UNRATED, "dim"
    return next((char, style) for top, char, style in SHADES if tally.activation_max <= top)


def spark(value: float | None) -> str:
    if value is None:
        return NOTHING
    return SPARKS[min(round(value / 10 * (len(SPARKS) - 1)), len(SPARKS) - 1)]


def change_text(tally: Tally) -> str:
    if not tally.pairs:
        return ""
    return f"{tally.before_avg:g} → {tally.after_avg:g}"


def breathing_text(tally: Tally) -> str:
    minutes = tally.breathing_minutes
    if minutes <= 0:
        return ""
    return f"{minutes:.0f} min" if minutes < 60 else f"{minutes / 60:.1f} h"


def _count(n: int) -> str:
    return "" if n == 0 else str(n)


def _counted(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def plain_console() -> Console:
    """Where the command line's tables are drawn: Rich, imported only for a table."""
    from rich.console import Console

    return Console(highlight=False)


def _json(document: dict[str, Any]) -> str:
    return terminal_safe_json(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


def _print_rows(rows: list[list[tuple[str, str]]], console: Console) -> None:
    from rich.text import Text

    for row in rows:
        line = Text()
        for text, style in row:
            line.append(text, style=style)
        console.print(line, no_wrap=True, crop=True)


def month_name(first: date) -> str:
    return f"{first:%B} {first.year}"


# -- a month --------------------------------------------------------------------------------


def write_month(summary: MonthSummary, fmt: str, content: Content, week_start: str,
                today: date, console: Console | None) -> None:
    if fmt == "json":
        sys.stdout.write(month_json(summary, week_start))
    elif fmt == "markdown":
        sys.stdout.write(month_markdown(summary, content, week_start, today))
    else:
        month_table(summary, content, week_start, today, console or plain_console())


def month_json(summary: MonthSummary, week_start: str) -> str:
    return _json({
        "schema": SCHEMA,
        "month": summary.label,
        "start": summary.first.isoformat(),
        "end": summary.days[-1].day.isoformat(),
        "week_start": week_start,
        "days": [d.to_dict() for d in summary.days],
        "summary": summary.summary_dict(),
    })


def calendar_lines(summary: MonthSummary, week_start: str, today: date
                   ) -> list[list[tuple[str, str]]]:
    """The month as calendar rows of (text, style) pieces: a day's number and its shade (none
    for days still to come)."""
    names = WEEKDAY_NAMES if week_start == "monday" else (WEEKDAY_NAMES[-1], *WEEKDAY_NAMES[:-1])
    rows = [[(" ".join(f"{n:>4}" for n in names), "bold")]]
    for week in summary.weeks(week_start):
        row: list[tuple[str, str]] = []
        for i, day in enumerate(week):
            gap = "" if i == 0 else " "
            if day is None:
                row.append((gap + "    ", ""))
                continue
            char, style = (NOT_A_DAY, "") if day.day > today else shade(day.tally)
            row += [(f"{gap}{day.day.day:>3}", ""), (char, style)]
        rows.append(row)
    return rows


def comparison_rows(summary: MonthSummary) -> list[tuple[str, str, str]]:
    """This month beside the one before, as (what, this month, the month before)."""
    this, before = summary.total, summary.previous or Tally()

    def change(t: Tally) -> str:
        if not t.pairs:
            return "no pairs"
        return f"{change_text(t)} ({t.pairs} {'pair' if t.pairs == 1 else 'pairs'})"

    return [
        ("Check-ins", str(this.checkins), str(before.checkins)),
        ("Breathing breaks", str(this.breaks), str(before.breaks)),
        ("Breathing", breathing_text(this) or "none", breathing_text(before) or "none"),
        ("Before → after", change(this), change(before)),
    ]


def month_table(summary: MonthSummary, content: Content, week_start: str, today: date,
                console: Console) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console.print(Text(f"Your month · {month_name(summary.first)}", style="bold"))
    if summary.is_empty:
        console.print(Text("Nothing saved this month.", style="italic"))
    _print_rows(calendar_lines(summary, week_start, today), console)
    console.print(Text(LEGEND, style="dim"))
    console.print(Text(SHADE_NOTE, style="dim"))
    if not summary.is_empty:
        days = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        for name in ("Day", "Check-ins", "Breaks", "Breathing", "Highest"):
            days.add_column(name, justify="left" if name == "Day" else "right", no_wrap=True)
        days.add_column("Before → after", no_wrap=True)
        days.add_column("Pairs", justify="right", no_wrap=True)
        for day in summary.days:
            t = day.tally
            days.add_row(day_name(day.day), _count(t.checkins), _count(t.breaks),
                         breathing_text(t), "" if t.activation_max is None else
                         str(t.activation_max), change_text(t), _count(t.pairs))
        console.print(days)
        console.print(Text(PAIRS_NOTE, style="dim"))
        _feelings_and_needs(summary, content, console)
        _repairs(summary, content, console)
    if summary.previous_first is not None:
        console.print()
        beside = Table(box=box.SIMPLE_HEAD, pad_edge=False,
                       title=f"Beside {month_name(summary.previous_first)}",
                       title_justify="left", title_style="bold")
        beside.add_column("")
        beside.add_column(f"{summary.first:%B}", justify="right")
        beside.add_column(f"{summary.previous_first:%B}", justify="right")
        for row in comparison_rows(summary):
            beside.add_row(*row)
        console.print(beside)


def _feelings_and_needs(summary: MonthSummary, content: Content, console: Console) -> None:
    from rich.text import Text

    if summary.words:
        console.print(Text("Feelings", style="bold"))
        for count in summary.quadrants:
            quadrant = content.quadrant(count.quadrant)
            line = Text("  ")
            line.append(quadrant.symbol, style=quadrant.colour)
            line.append(f" {printable(quadrant.label)}: {count.count}")
            console.print(line)
        console.print(Text("Words used most: " + ", ".join(
            f"{printable(w.word)} ({w.count})" for w in summary.words)))
    if summary.needs:
        console.print(Text("Needs that came up most: " + ", ".join(
            f"{printable(content.label_of(content.needs, n.need))} ({n.count})"
            for n in summary.needs)))


def _repairs(summary: MonthSummary, content: Content, console: Console) -> None:
    from rich.text import Text

    if not summary.repairs:
        return
    console.print()
    console.print(Text(f"Repairs: {len(summary.repairs)} logged, "
                       f"{len(summary.open_repairs)} still open", style="bold"))
    for repair in summary.repairs:
        parts = [printable(p) for p in _repair_parts(repair.with_whom, repair.step, content)]
        line = " · ".join([moment_name(repair.started_at), *parts,
                           status_words(repair.status)])
        console.print(Text(f"  {line}"), no_wrap=True, overflow="ellipsis")


def status_words(status: str) -> str:
    return "planned, still open" if status == "planned" else status.replace("_", " ")


def month_markdown(summary: MonthSummary, content: Content, week_start: str, today: date
                   ) -> str:
    lines = [f"# My month: {month_name(summary.first)}", ""]
    if summary.is_empty:
        lines += ["Nothing saved this month.", ""]
    lines += ["```"]
    lines += ["".join(text for text, _ in row).rstrip()
              for row in calendar_lines(summary, week_start, today)]
    lines += ["```", "", f"{LEGEND}. {SHADE_NOTE}", ""]
    if not summary.is_empty:
        lines += [
            "## Day by day", "",
            "| Day | Check-ins | Breaks | Breathing | Highest | Before → after | Pairs |",
            "| --- | ---: | ---: | ---: | ---: | --- | ---: |",
        ]
        for day in summary.days:
            t = day.tally
            highest = "" if t.activation_max is None else str(t.activation_max)
            lines.append(f"| {day_name(day.day)} | {_count(t.checkins)} | {_count(t.breaks)} "
                         f"| {breathing_text(t)} | {highest} | {change_text(t)} "
                         f"| {_count(t.pairs)} |")
        lines += ["", PAIRS_NOTE]
        if summary.words:
            lines += ["", "## Feelings", ""]
            for count in summary.quadrants:
                quadrant = content.quadrant(count.quadrant)
                lines.append(f"- {quadrant.symbol} {md(quadrant.label)}: {count.count}")
            words = ", ".join(f"{md(w.word)} ({w.count})" for w in summary.words)
            lines += ["", f"Words used most: {words}"]
        if summary.needs:
            lines += ["", "## Needs that came up most", ""]
            lines += [f"- {md(content.label_of(content.needs, n.need))}: {n.count}"
                      for n in summary.needs]
        if summary.repairs:
            lines += ["", "## Repairs", ""]
            for repair in summary.repairs:
                parts = [md(p) for p in _repair_parts(repair.with_whom, repair.step, content)]
                text = " · ".join([moment_name(repair.started_at), *parts,
                                   status_words(repair.status)])
                if repair.what_happened:
                    text += f". What happened: {md(repair.what_happened)}"
                if repair.my_part:
                    text += f". My part: {md(repair.my_part)}"
                lines.append(f"- {text}")
    if summary.previous_first is not None:
        lines += ["", f"## Beside {month_name(summary.previous_first)}", "",
                  f"| | {summary.first:%B} | {summary.previous_first:%B} |",
                  "| --- | ---: | ---: |"]
        lines += [f"| {what} | {this} | {before} |" for what, this, before
                  in comparison_rows(summary)]
    return "\n".join(lines) + "\n"


# -- a year ---------------------------------------------------------------------------------

RULER = "1        10        20        30"
YEAR_HEADS = ("Check-ins", "Breaks", "Breathing", "Before → after")


def write_year(summary: YearSummary, fmt: str, today: date, console: Console | None) -> None:
    if fmt == "json":
        sys.stdout.write(year_json(summary))
    elif fmt == "markdown":
        sys.stdout.write(year_markdown(summary, today))
    else:
        year_table(summary, today, console or plain_console())


def year_json(summary: YearSummary) -> str:
    return _json({
        "schema": SCHEMA,
        "year": summary.year,
        "week_start": summary.week_start,
        "days": [d.to_dict() for d in summary.days],
        "summary": summary.summary_dict(),
    })


def year_rows(summary: YearSummary, today: date) -> list[list[tuple[str, str]]]:
    """One row a month: its name, 31 cells and its totals, as (text, style) pieces. 78 columns."""
    head = f"{'':4}{RULER:<31}  {YEAR_HEADS[0]:>9} {YEAR_HEADS[1]:>6} {YEAR_HEADS[2]:>9} "
    rows = [[(head + YEAR_HEADS[3], "bold")]]
    for days, tally in zip(summary.months, summary.month_totals, strict=True):
        row = [(f"{days[0].day:%b} ", "bold")]
        for day in days:
            char, style = (NOT_A_DAY, "") if day.day > today else shade(day.tally)
            row.append((char, style))
        row.append((NOT_A_DAY * (31 - len(days)), ""))
        row.append((f"  {_count(tally.checkins):>9} {_count(tally.breaks):>6} "
                    f"{breathing_text(tally):>9} {change_text(tally)}".rstrip(), ""))
        rows.append(row)
    return rows


def week_lines(summary: YearSummary) -> list[str]:
    """The weekly averages of grounding pairs as two lines of sparks, one a week."""
    first, last = summary.weeks[0].label[-2:], summary.weeks[-1].label[-2:]
    return [
        f"Each week's before → after, W{first}–W{last} (· no pairs that week):",
        "before " + "".join(spark(w.tally.before_avg) for w in summary.weeks),
        "after  " + "".join(spark(w.tally.after_avg) for w in summary.weeks),
    ]


def year_table(summary: YearSummary, today: date, console: Console) -> None:
    from rich.text import Text

    console.print(Text(f"Your year · {summary.year}", style="bold"))
    if summary.is_empty:
        console.print(Text("Nothing saved this year.", style="italic"))
    _print_rows(year_rows(summary, today), console)
    console.print(Text(LEGEND, style="dim"))
    console.print(Text(SHADE_NOTE, style="dim"))
    year = summary.total
    if year.entries:
        console.print()
        console.print(Text(f"The year: {_counted(year.checkins, 'check-in', 'check-ins')}, "
                           f"{_counted(year.breaks, 'breathing break', 'breathing breaks')}, "
                           f"{breathing_text(year) or 'no breathing'}; before → after "
                           f"{change_text(year) or '–'} over "
                           f"{_counted(year.pairs, 'grounding pair', 'grounding pairs')}."))
        console.print()
        for line in week_lines(summary):
            console.print(Text(line), no_wrap=True, crop=True)


def year_markdown(summary: YearSummary, today: date) -> str:
    lines = [f"# My year: {summary.year}", ""]
    if summary.is_empty:
        lines += ["Nothing saved this year.", ""]
    lines += ["```"]
    lines += ["".join(text for text, _ in row).rstrip() for row in year_rows(summary, today)]
    lines += ["```", "", f"{LEGEND}. {SHADE_NOTE}", "",
              "| Month | Check-ins | Breaks | Breathing | Before → after | Pairs |",
              "| --- | ---: | ---: | ---: | --- | ---: |"]
    for days, tally in zip(summary.months, summary.month_totals, strict=True):
        lines.append(f"| {days[0].day:%B} | {tally.checkins} | {tally.breaks} "
                     f"| {breathing_text(tally)} | {change_text(tally)} | {tally.pairs} |")
    year = summary.total
    lines.append(f"| **The year** | {year.checkins} | {year.breaks} | {breathing_text(year)} "
                 f"| {change_text(year)} | {year.pairs} |")
    lines += ["", PAIRS_NOTE, "", "```", *week_lines(summary), "```"]
    return "\n".join(lines) + "\n"
