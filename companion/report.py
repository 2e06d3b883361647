"""`companion week`: a week's review printed to the terminal, without the TUI.

Three renderings of the one `WeekSummary`: a Rich table for reading in the terminal, markdown a
person could hand to a therapist, and json (documented in the README) for programs. Everything
a person typed is shown as text: Rich markup escaped (it is passed as `Text`, never parsed),
control characters replaced, and in markdown the characters that would change the report's
shape neutralised.

Only the week's own month files are read, so the week prints quickly however long the history.
If part of the history cannot be read, what could be read is still printed, each problem is one
line on stderr and the exit status is 1: the review may be missing entries. If nothing at all
could be read, only the problems are printed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from companion.content import Choice, Content, load_content
from companion.entries import SCHEMA, Entry
from companion.history import HistoryStore
from companion.settings import load_settings
from companion.summary import (
    KIND_NAMES,
    WeekSummary,
    activation_change,
    grounding_change,
    minutes_text,
    status_words,
    summarize_week,
    to_local,
    week_bounds,
    week_times,
)
from companion.text import md, printable, terminal_safe_json

if TYPE_CHECKING:  # Rich is imported where a table is drawn: json and markdown need none
    from rich.console import Console
    from rich.text import Text

FORMATS = ("table", "markdown", "json")
# The table lists a week's moments, groundings and repairs one line each, up to this many of
# each: a person's busiest week is well under it, and laying out tens of thousands of lines (a
# history made by another program) takes Rich minutes. The markdown and json reports list all.
TABLE_MOMENTS = 500


def print_week(
    data_dir: Path, week: date | None = None, offset: int = 0, fmt: str = "table"
) -> int:
    """Print the week holding `week` (or this week moved by `offset` weeks); an exit status."""
    from rich.console import Console

    settings, warnings = load_settings(data_dir)
    for warning in warnings:
        _say(warning)
    start = which_week(week, offset, settings.week_start, date.today())
    store = HistoryStore(data_dir)
    entries = store.between(*week_times(start))
    for notice in store.notices:
        _say(notice)
    for problem in store.problems.values():
        _say(str(problem))
    if store.problems and not entries:
        _say("nothing from this week could be read, so there is no review to show.")
        return 1
    summary = summarize_week(entries, start)
    if fmt == "json":
        sys.stdout.write(week_json(summary, entries, settings.week_start) + "\n")
    elif fmt == "markdown":
        sys.stdout.write(week_markdown(summary, entries, load_content()))
    else:
        week_table(summary, entries, load_content(), Console(highlight=False))
    if store.problems:
        _say("this review may be missing entries from the file(s) above.")
        return 1
    return 0


def which_week(week: date | None, offset: int, week_start: str, today: date) -> date:
    """The first day of the week asked for: the one holding `week`, or today's moved on."""
    day = week if week is not None else today + timedelta(weeks=offset)
    return week_bounds(day, week_start)[0]


def _say(line: str) -> None:
    print(f"companion: {printable(line)}", file=sys.stderr)


# -- words shared by the renderings ----------------------------------------------------------


def day_name(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def week_span(summary: WeekSummary) -> str:
    last = summary.end - timedelta(days=1)
    return f"{day_name(summary.start)} – {day_name(last)} {last.year}"


def moment_name(moment: datetime) -> str:
    local = to_local(moment)
    return f"{day_name(local.date())} {local:%H:%M}"


def empty_week_words(summary: WeekSummary, content: Content) -> str:
    lines = content.empty_week
    return lines[summary.start.toordinal() // 7 % len(lines)]


def _count(n: int) -> str:
    return "" if n == 0 else str(n)


def _repair_parts(repair_with: str | None, step: str | None, content: Content) -> list[str]:
    return [
        part
        for part in (content.label_of(content.people, repair_with),
                     content.label_of(content.repair_steps, step))
        if part
    ]


def _labels(keys: Iterable[str], choices: tuple[Choice, ...], content: Content) -> str:
    return ", ".join(content.label_of(choices, key) for key in keys)


# -- json ----------------------------------------------------------------------------------


def week_json(summary: WeekSummary, entries: list[Entry], week_start: str) -> str:
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "week": summary.label,
        "start": summary.start.isoformat(),
        "week_start": week_start,
        "summary": summary.to_dict(),
        "entries": [entry.to_dict() for entry in entries],
    }
    return terminal_safe_json(json.dumps(document, indent=2, ensure_ascii=False))


def week_markdown(summary: WeekSummary, entries: list[Entry], content: Content) -> str:
    lines = [f"# My week: {summary.label} ({week_span(summary)})", ""]
    if summary.is_empty:
        lines += [md(empty_week_words(summary, content)), ""]
        return "\n".join(lines)
    lines += [
        "Written with companion. Activation is how activated I felt, from 0 (settled) to 10 "
        "(as activated as it gets), before and after grounding.",
        "",
        "## Day by day",
        "",
        "| Day | Check-ins | Breathing breaks | Breathing | Grounding: before → after |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for day in summary.days:
        lines.append(
            f"| {day_name(day.day)} | {_count(day.check_ins)} | {_count(day.breathing_breaks)} "
            f"| {minutes_text(day.breathing_minutes)} "
            f"| {grounding_change(day)} |"
        )
    if summary.grounding:
        lines += ["", "## Grounding: before → after", ""]
        lines += [f"- {moment_name(g.started_at)}: {g.before} → {g.after}"
                  for g in summary.grounding]
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
    lines += ["", "## When activation showed up", ""]
    for part in summary.parts_of_day:
        around = "" if part.activation_before is None else (
            f", activation around {part.activation_before:g}")
        lines.append(f"- {part.part.capitalize()} ({part.first_hour:02d}–{part.end_hour:02d}): "
                     f"{part.moments}{around}")
    if summary.repairs:
        lines += ["", "## Repairs", ""]
        for repair in summary.repairs:
            parts = [md(p) for p in _repair_parts(repair.with_whom, repair.step, content)]
            status = "planned, still open" if repair.is_open else status_words(repair.status)
            text = " · ".join([moment_name(repair.started_at), *parts, status])
            if repair.what_happened:
                text += f". What happened: {md(repair.what_happened)}"
            if repair.my_part:
                text += f". My part: {md(repair.my_part)}"
            lines.append(f"- {text}")
    lines += ["", "## Moments", ""]
    for entry in entries:
        lines += [f"### {moment_name(entry.started_at)} · {KIND_NAMES[entry.kind]}", ""]
        lines += [f"- {name}: {value}" for name, value in entry_facts(entry, content, md)]
        lines.append("")
    return "\n".join(lines)


def entry_facts(
    entry: Entry, content: Content, shown: Callable[[str], str]
) -> list[tuple[str, str]]:
    """What an entry holds, as (name, value) lines; `shown` makes a person's text safe."""
    facts: list[tuple[str, str]] = []
    change = activation_change(entry.activation_before, entry.activation_after)
    if change:
        facts.append(("Activation", change))
    if entry.state:
        facts.append(("Where I was", shown(content.label_of(content.states, entry.state))))
    if entry.body_signals:
        facts.append(("Body", shown(_labels(entry.body_signals, content.body_signals, content))))
    if entry.needs:
        facts.append(("Needs", shown(_labels(entry.needs, content.needs, content))))
    if entry.kind_steps:
        facts.append(("Kind steps", shown(_labels(entry.kind_steps, content.kind_steps, content))))
    if entry.breathing:
        b = entry.breathing
        ended = "" if b.completed else ", stopped early"
        pattern = content.pattern(b.pattern)
        name = pattern.label if pattern is not None else b.pattern
        facts.append(("Breathing", f"{shown(name)}, {b.seconds / 60:.1f} min, "
                                   f"{b.cycles} breaths{ended}"))
    if entry.senses_steps:
        facts.append(("Senses", f"{entry.senses_steps} of 5 steps"))
    if entry.feelings:
        facts.append(("Feelings", ", ".join(shown(f.word) for f in entry.feelings)))
    if entry.repair:
        r = entry.repair
        parts = [shown(p) for p in _repair_parts(r.with_whom, r.step, content)]
        status = status_words(r.status)
        facts.append(("Repair", " · ".join([*parts, status])))
        if r.what_happened:
            facts.append(("What happened", shown(r.what_happened)))
        if r.my_part:
            facts.append(("My part", shown(r.my_part)))
        if r.their_side:
            facts.append(("Their side", shown(r.their_side)))
        if r.to_a_friend:
            facts.append(("To a friend", shown(r.to_a_friend)))
        if r.next_time:
            facts.append(("Next time", shown(r.next_time)))
    if entry.note:
        facts.append(("Note", shown(entry.note)))
    if not entry.complete:
        facts.append(("Saved", "part-way, as it was"))
    return facts


# -- the terminal table -----------------------------------------------------------------------


def week_table(
    summary: WeekSummary, entries: list[Entry], content: Content, console: Console
) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console.print(Text(f"Your week · {summary.label} · {week_span(summary)}", style="bold"))
    if summary.is_empty:
        console.print(Text(printable(empty_week_words(summary, content)), style="italic"))
        return
    days = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    days.add_column("Day")
    days.add_column("Check-ins", justify="right")
    days.add_column("Breaks", justify="right")
    days.add_column("Breathing", justify="right")
    days.add_column("Grounding: before → after")
    for day in summary.days:
        days.add_row(day_name(day.day), _count(day.check_ins), _count(day.breathing_breaks),
                     minutes_text(day.breathing_minutes),
                     grounding_change(day))
    console.print(days)
    if summary.grounding:
        console.print(Text("Grounding: before → after", style="bold"))
        chart = Text()
        for moment in summary.grounding[:TABLE_MOMENTS]:
            chart.append(f"  {moment_name(moment.started_at)}  {moment.before:>2} → "
                         f"{moment.after:<2} ")
            chart.append_text(grounding_bar(moment.before, moment.after))
            chart.append("\n")
        chart.rstrip()
        console.print(chart, no_wrap=True, overflow="crop", crop=True)
        _more(console, len(summary.grounding))
        console.print(Text("  █ after   ░ eased while grounding   ▓ rose", style="dim"))
        console.print()
    if summary.words:
        console.print(Text("Feelings", style="bold"))
        for count in summary.quadrants:
            quadrant = content.quadrant(count.quadrant)
            line = Text("  ")
            line.append(quadrant.symbol, style=quadrant.colour)
            line.append(f" {printable(quadrant.label)}: {count.count}")
            console.print(line)
    if summary.words:
        console.print(Text("Words used most: " + ", ".join(
            f"{printable(w.word)} ({w.count})" for w in summary.words)))
    if summary.needs:
        console.print(Text("Needs that came up most: " + ", ".join(
            f"{printable(content.label_of(content.needs, n.need))} ({n.count})"
            for n in summary.needs)))
    shown_parts = [p for p in summary.parts_of_day if p.moments]
    if shown_parts:
        console.print(Text("When activation showed up: " + " · ".join(
            f"{p.part} {p.moments}" for p in shown_parts)))
    if summary.repairs:
        console.print()
        console.print(Text("Repairs", style="bold"))
        for repair in summary.repairs[:TABLE_MOMENTS]:
            parts = [printable(p) for p in _repair_parts(repair.with_whom, repair.step, content)]
            status = "planned, still open" if repair.is_open else status_words(repair.status)
            said = " · ".join([moment_name(repair.started_at), *parts, status])
            if repair.what_happened:
                said += f" — {printable(repair.what_happened)}"
            console.print(Text(f"  {said}"))
        _more(console, len(summary.repairs))
    console.print()
    # One line a moment, cut at the terminal's edge: a Rich table of a busy week is slow to lay
    # out, and the full text of every moment is in the markdown report.
    console.print(Text("Moments", style="bold"))
    lines = Text()
    room = max(console.width - 46, 10)  # what is left of the line after when, what, activation
    for entry in entries[:TABLE_MOMENTS]:
        feelings = ", ".join(printable(f.word) for f in entry.feelings)
        said = " — ".join(part for part in (feelings, printable(entry.note)) if part)
        change = activation_change(entry.activation_before, entry.activation_after)
        lines.append(f"  {moment_name(entry.started_at)}  {KIND_NAMES[entry.kind]:<15}  "
                     f"{change:<7}  {_cut(said, room)}\n")
    lines.rstrip()
    console.print(lines, no_wrap=True, overflow="ellipsis", crop=True)
    _more(console, len(entries))


def _more(console: Console, count: int) -> None:
    from rich.text import Text

    if count > TABLE_MOMENTS:
        console.print(Text(f"  … and {count - TABLE_MOMENTS:,} more; `companion week --format "
                           "markdown` lists every one.", style="dim"))


def _cut(text: str, room: int) -> str:
    return text if len(text) <= room else text[: room - 1] + "…"


def grounding_bar(before: int, after: int, cells_per_point: int = 2) -> Text:
    """Activation as a bar: solid up to `after`, light where it eased, dark where it rose."""
    from rich.text import Text

    bar = Text()
    bar.append("█" * min(before, after) * cells_per_point, style="cyan")
    bar.append("░" * max(before - after, 0) * cells_per_point, style="cyan")
    bar.append("▓" * max(after - before, 0) * cells_per_point, style="yellow")
    return bar
