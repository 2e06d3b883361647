"""`companion insights`, `repairs` and `search`, printed as a table, markdown or json.

Numbers always come with what they rest on (uses, moments, pairs); below five uses there is no
number, only "too few to say yet". What came with high activation is said as "often came with",
beside how often it came at all, and never as a cause.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from companion.content import Content
from companion.entries import SCHEMA, Entry
from companion.insights import (
    ENOUGH,
    HIGH,
    SHORT_SESSION_SECONDS,
    Ease,
    Insights,
    RepairItem,
    Share,
    short_ids,
)
from companion.report import _repair_parts, day_name, entry_facts
from companion.search import SearchQuery
from companion.spans_report import (
    PAIRS_NOTE,
    _json,
    breathing_text,
    change_text,
    plain_console,
    status_words,
)
from companion.summary import KIND_NAMES, activation_change, to_local
from companion.text import md, printable

if TYPE_CHECKING:  # Rich is imported where a table is drawn: json and markdown need none
    from rich.console import Console

TOO_FEW = "too few to say yet"
NEVER_A_CAUSE = ("What was there at the same time, beside how often it is there at all; "
                 "never a cause.")


def when(moment: datetime) -> str:
    """A moment in the local zone, with its year: histories run for years."""
    local = to_local(moment)
    return f"{day_name(local.date())} {local.year} {local:%H:%M}"


def span_text(first: date, last: date) -> str:
    return f"{day_name(first)} {first.year} – {day_name(last)} {last.year}"


def _number(value: float) -> str:
    return f"{value:g}"


def grounding_name(pattern: str, content: Content) -> str:
    if pattern == "senses":
        return "Senses prompt (5-4-3-2-1)"
    found = content.pattern(pattern)
    return found.label if found is not None else pattern


def _percent(share: float) -> str:
    return f"{share:.0%}"


# -- insights ---------------------------------------------------------------------------------


def write_insights(found: Insights, fmt: str, content: Content, console: Console | None
                   ) -> None:
    """`console`: where a table is drawn (one is made if None)."""
    if fmt == "json":
        sys.stdout.write(_json({"schema": SCHEMA, **found.to_dict()}))
    elif fmt == "markdown":
        sys.stdout.write(insights_markdown(found, content))
    else:
        insights_table(found, content, console or plain_console())


def ease_cells(ease: Ease) -> tuple[str, str, str]:
    """Uses, the median easing and the middle half, as the tables show them."""
    if ease.median is None or ease.spread is None:
        return str(ease.uses), TOO_FEW, ""
    low, high = ease.spread
    return str(ease.uses), _number(ease.median), f"{_number(low)} to {_number(high)}"


def helps_rows(found: Insights, content: Content) -> list[tuple[str, str, str, str]]:
    """(grounding, uses, eased, middle half), short and long sessions indented below."""
    split = f"{SHORT_SESSION_SECONDS / 60:g} min"
    rows = []
    for helps in found.what_helps:
        rows.append((grounding_name(helps.pattern, content), *ease_cells(helps.ease)))
        if helps.short is not None and helps.long is not None:
            rows.append((f"  under {split}", *ease_cells(helps.short)))
            rows.append((f"  {split} or more", *ease_cells(helps.long)))
    return rows


HELPS_INTRO = ("How much activation eased with each way of grounding: before − after, over the "
               "moments rated both times. The median is the middle use; the middle half is "
               "where half of the uses fall. A minus means it rose.")


def share_rows(shares: tuple[Share, ...], name: Callable[[str], str]
               ) -> list[tuple[str, str, str]]:
    return [(name(s.key), f"{s.count} ({_percent(s.share)})",
             f"{s.baseline_count} ({_percent(s.baseline_share)})") for s in shares]


def before_high_sections(found: Insights, content: Content
                         ) -> list[tuple[str, list[tuple[str, str, str]]]]:
    high = found.before_high
    return [
        ("Needs", share_rows(high.needs, lambda k: content.label_of(content.needs, k))),
        ("Body", share_rows(high.body_signals,
                            lambda k: content.label_of(content.body_signals, k))),
        ("Part of the day", share_rows(high.parts_of_day, str.capitalize)),
        ("Day of the week", share_rows(high.weekdays, str.capitalize)),
    ]


def before_high_heading(found: Insights) -> str:
    return f"Often came with high activation ({HIGH} or more)"


def before_high_count(found: Insights) -> str:
    high = found.before_high
    return f"{high.moments} of the {high.rated} moments you rated before grounding."


def repairs_lines(found: Insights, content: Content, shown: Callable[[str], str]) -> list[str]:
    tally = found.repairs
    if not tally.logged:
        return ["No repairs logged in this span."]
    counts = ", ".join(f"{n} {_closed(s)}" for s, n in _status_order(tally.by_status) if n)
    lines = [f"{tally.logged} logged: {counts}."]
    if tally.open:
        oldest = tally.open[0]
        assert oldest.entry.repair is not None
        parts = [shown(p) for p in _repair_parts(oldest.entry.repair.with_whom,
                                                  oldest.entry.repair.step, content)]
        lines.append(f"The oldest still open is {_days(oldest.days_open or 0)} old: "
                     + " · ".join([when(oldest.entry.started_at), *parts]) + ".")
    median = tally.median_hours_to_repair
    if median is not None:
        lines.append(f"From the moment to the repair: {_hours(median)} (the median of "
                     f"{len(tally.hours_to_repair)} with a time).")
    return lines


def _status_order(by_status: dict[str, int]) -> list[tuple[str, int]]:
    """Done and let go first, then those still open, then any other status."""
    first = ("done", "let_go", "planned")
    return [(s, by_status.get(s, 0)) for s in first] + [
        (s, n) for s, n in by_status.items() if s not in first]


def _closed(status: str) -> str:
    return "still open" if status == "planned" else status_words(status)


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def _hours(hours: float) -> str:
    if hours < 1:
        return f"{round(hours * 60)} min"
    return f"{hours:g} h" if hours < 48 else f"{hours / 24:.1f} days"


def insights_table(found: Insights, content: Content, console: Console) -> None:
    from rich.text import Text

    console.print(Text(f"What helps you · {span_text(found.first, found.last)}", style="bold"))
    if not found.entry_count:
        console.print(Text("Nothing saved in this span yet.", style="italic"))
        return
    console.print()
    console.print(Text("What eases you", style="bold"))
    if found.what_helps:
        console.print(Text(HELPS_INTRO, style="dim"))
        simple_table(console, [("Grounding", "left"), ("Uses", "right"),
                               ("Eased (median)", "right"), ("Middle half", "left")],
                     [tuple(printable(cell) for cell in row)
                      for row in helps_rows(found, content)])
        console.print(Text(f"Under {ENOUGH} uses: {TOO_FEW}.", style="dim"))
    else:
        console.print(Text("No grounding rated both before and after in this span yet."))
    console.print()
    console.print(Text(before_high_heading(found), style="bold"))
    console.print(Text(before_high_count(found)))
    if not found.before_high.enough:
        console.print(Text(f"{TOO_FEW.capitalize()}: under {ENOUGH} such moments."))
    else:
        console.print(Text(NEVER_A_CAUSE, style="dim"))
        for title, rows in before_high_sections(found, content):
            if not rows:
                continue
            simple_table(console, [(title, "left"), ("With high activation", "right"),
                                   ("In all rated moments", "right")],
                         [tuple(printable(cell) for cell in share) for share in rows])
    console.print(Text("Repairs", style="bold"))
    for line in repairs_lines(found, content, printable):
        console.print(Text(f"  {line}"))
    console.print()
    columns = [(name, "left" if name in ("Month", "Before → after") else "right")
               for name in ("Month", "Check-ins", "Breathing", "Before → after", "Pairs")]
    by_month = [(f"{point.first:%b %Y}", str(point.tally.checkins), breathing_text(point.tally),
                 change_text(point.tally), str(point.tally.pairs)) for point in found.by_month]
    simple_table(console, columns, by_month, "Month by month")
    console.print(Text(PAIRS_NOTE, style="dim"))


def simple_table(console: Console, columns: Sequence[tuple[str, str]],
                 rows: Sequence[Sequence[str]], title: str | None = None) -> None:
    """A table as insights draws them (box.SIMPLE_HEAD, the title on the left): written as
    text where plain_table_lines is certain of Rich's layout (no colour), else by Rich.
    `columns`: each header with its justification ("left" or "right")."""
    lines = None
    if console.color_system is None and not console.legacy_windows:
        lines = plain_table_lines(title, columns, rows, console.width)
    if lines is not None:
        console.file.write("".join(f"{line}\n" for line in lines))
        return
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title=title, title_justify="left",
                  title_style="bold")
    for name, justify in columns:
        table.add_column(name, justify="left" if justify == "left" else "right")
    for row in rows:
        table.add_row(*row)
    console.print(table)


# What plain_table_lines lays out as Rich does: printable ASCII but Rich's markup and emoji
# codes ([ ] : \), and the arrow (one cell wide).
_PLAIN = frozenset(chr(c) for c in range(0x20, 0x7F)) - set("[]:\\") | {"→"}


def plain_table_lines(title: str | None, columns: Sequence[tuple[str, str]],
                      rows: Sequence[Sequence[str]], width: int) -> list[str] | None:
    """A table's lines exactly as Rich prints it without colour (box.SIMPLE_HEAD, no padding
    at the edges, the title on the left), or None where that is not certain: a character
    other than _PLAIN's, an empty title or header, a cell with spaces Rich would strip, or a
    table wider than `width` (Rich would wrap it). No title line when `title` is None. Rich takes
    about half a millisecond a row laying out a table; five years are sixty rows, printed
    whenever insights is piped.

    `columns`: each header with its justification ("left" or "right")."""
    cells = [tuple(name for name, _ in columns), *(tuple(row) for row in rows)]
    if any(len(row) != len(columns) or not _PLAIN.issuperset("".join(row)) for row in cells):
        return None
    if title == "" or not _PLAIN.issuperset(title or "") or not all(n for n, _ in columns):
        return None
    # Rich strips a cell's spaces at its end, and at its start too where it justifies the cell
    # to the right; spaces that lead a left-justified cell (an indented row) it keeps.
    if any(text != text.rstrip(" ") or (justify != "left" and text != text.lstrip(" "))
           for row in cells for text, (_, justify) in zip(row, columns, strict=True)):
        return None
    last = len(columns) - 1
    sizes = [max(len(row[n]) for row in cells) for n in range(len(columns))]
    # Each column's padding: one space either side, none at the table's own edges.
    pads = [(0 if n == 0 else 1, 0 if n == last else 1) for n in range(len(columns))]
    table_width = sum(size + left + right for size, (left, right) in zip(sizes, pads,
                                                                         strict=True))
    table_width += 2 + last  # the edges and the spaces between columns
    if table_width > width or len(title or "") > table_width:
        return None

    def line(row: Sequence[str]) -> str:
        parts = []
        for text, size, (left, right), (_, justify) in zip(row, sizes, pads, columns,
                                                          strict=True):
            body = text.ljust(size) if justify == "left" else text.rjust(size)
            parts.append(" " * left + body + " " * right)
        return " " + " ".join(parts) + " "

    rule = " " + "─" * (table_width - 2) + " "
    blank = " " * table_width
    head = [] if title is None else [title.ljust(table_width)]
    return [*head, blank, line(cells[0]), rule, *(line(row) for row in rows), blank]


def insights_markdown(found: Insights, content: Content) -> str:
    lines = [f"# What helps me: {span_text(found.first, found.last)}", ""]
    if not found.entry_count:
        return "\n".join([*lines, "Nothing saved in this span yet.", ""])
    lines += ["## What eases me", ""]
    if found.what_helps:
        lines += [HELPS_INTRO, "", "| Grounding | Uses | Eased (median) | Middle half |",
                  "| --- | ---: | ---: | --- |"]
        lines += [f"| {md(name)} | {uses} | {eased} | {middle} |"
                  for name, uses, eased, middle in helps_rows(found, content)]
        lines += ["", f"Under {ENOUGH} uses: {TOO_FEW}."]
    else:
        lines.append("No grounding rated both before and after in this span yet.")
    lines += ["", f"## {before_high_heading(found)}", "", before_high_count(found), ""]
    if not found.before_high.enough:
        lines.append(f"{TOO_FEW.capitalize()}: under {ENOUGH} such moments.")
    else:
        lines.append(NEVER_A_CAUSE)
        for title, rows in before_high_sections(found, content):
            if rows:
                lines += ["", f"| {title} | With high activation | In all rated moments |",
                          "| --- | ---: | ---: |"]
                lines += [f"| {md(name)} | {high} | {rated} |" for name, high, rated in rows]
    lines += ["", "## Repairs", ""]
    lines += repairs_lines(found, content, md)
    lines += ["", "## Month by month", "",
              "| Month | Check-ins | Breathing | Before → after | Pairs |",
              "| --- | ---: | ---: | --- | ---: |"]
    lines += [f"| {p.first:%b %Y} | {p.tally.checkins} | {breathing_text(p.tally)} "
              f"| {change_text(p.tally)} | {p.tally.pairs} |" for p in found.by_month]
    lines += ["", PAIRS_NOTE]
    return "\n".join(lines) + "\n"


# -- repairs ----------------------------------------------------------------------------------


def write_repairs(items: tuple[RepairItem, ...], open_only: bool, fmt: str, content: Content,
                  console: Console | None, short: Mapping[str, str] | None = None) -> None:
    """`short`: each repair's id as shown (insights.short_ids of every repair's id)."""
    if fmt == "json":
        sys.stdout.write(_json({"schema": SCHEMA, "repairs": [i.to_dict() for i in items]}))
    elif fmt == "markdown":
        sys.stdout.write(repairs_markdown(items, open_only, content, short))
    else:
        repairs_table(items, open_only, content, console or plain_console(), short)


def _shown_ids(items: tuple[RepairItem, ...], short: Mapping[str, str] | None
               ) -> Mapping[str, str]:
    return short if short is not None else short_ids(i.entry.id for i in items)


def repairs_heading(items: tuple[RepairItem, ...], open_only: bool) -> str:
    still_open = sum(item.days_open is not None for item in items)
    if open_only:
        return f"Repairs still open: {still_open}"
    return f"Your repairs: {len(items)}, {still_open} still open"


def repair_status(item: RepairItem) -> str:
    if item.days_open is not None:
        return f"open, {_days(item.days_open)}"
    return status_words(item.status)


def repairs_table(items: tuple[RepairItem, ...], open_only: bool, content: Content,
                  console: Console, short: Mapping[str, str] | None = None) -> None:
    from rich.text import Text

    console.print(Text(repairs_heading(items, open_only), style="bold"))
    if not items:
        console.print(Text("None to show.", style="italic"))
        return
    # One line a repair, cut at the terminal's edge (the markdown has every word); the id
    # first, so `repairs --done ID` always has it.
    ids = _shown_ids(items, short)
    width = max(len(ids[item.entry.id]) for item in items)
    lines = Text()
    for item in items:
        repair = item.entry.repair
        assert repair is not None
        parts = [printable(p) for p in _repair_parts(repair.with_whom, repair.step, content)]
        said = " · ".join(parts)
        if repair.what_happened:
            said += f" — {printable(repair.what_happened)}"
        lines.append(f"  {ids[item.entry.id]:<{width}}  {when(item.entry.started_at):<22}  "
                     f"{repair_status(item):<16}  {said}\n")
    lines.rstrip()
    console.print(lines, no_wrap=True, overflow="ellipsis", crop=True)


def repairs_markdown(items: tuple[RepairItem, ...], open_only: bool, content: Content,
                     short: Mapping[str, str] | None = None) -> str:
    lines = [f"# {repairs_heading(items, open_only)}", ""]
    ids = _shown_ids(items, short)
    for item in items:
        repair = item.entry.repair
        assert repair is not None
        parts = [md(p) for p in _repair_parts(repair.with_whom, repair.step, content)]
        text = " · ".join([f"`{ids[item.entry.id]}`", when(item.entry.started_at), *parts,
                           repair_status(item)])
        if repair.what_happened:
            text += f". What happened: {md(repair.what_happened)}"
        if repair.my_part:
            text += f". My part: {md(repair.my_part)}"
        lines.append(f"- {text}")
    if not items:
        lines.append("None to show.")
    return "\n".join(lines) + "\n"


# -- search -----------------------------------------------------------------------------------


def query_dict(query: SearchQuery) -> dict[str, Any]:
    return {"text": query.text, "feeling": query.feeling, "need": query.need,
            "with": query.with_whom,
            "since": None if query.since is None else query.since.isoformat()}


def query_words(query: SearchQuery) -> str:
    asked = [f'"{query.text}"'] if query.text.strip() else []
    asked += [f"{name} {value}" for name, value in (
        ("feeling", query.feeling), ("need", query.need), ("with", query.with_whom),
        ("since", query.since and query.since.isoformat())) if value]
    return ", ".join(asked) or "everything"


def write_search(found: list[Entry], query: SearchQuery, fmt: str, content: Content,
                 console: Console | None) -> None:
    if fmt == "json":
        sys.stdout.write(_json({"schema": SCHEMA, "query": query_dict(query),
                                "count": len(found), "entries": [e.to_dict() for e in found]}))
    elif fmt == "markdown":
        sys.stdout.write(search_markdown(found, query, content))
    else:
        search_table(found, query, console or plain_console())


def _found(found: list[Entry]) -> str:
    return "1 entry" if len(found) == 1 else f"{len(found)} entries"


def search_table(found: list[Entry], query: SearchQuery, console: Console) -> None:
    from rich.text import Text

    console.print(Text(f"Found {_found(found)} for {printable(query_words(query))}",
                       style="bold"))
    if not found:
        return
    lines = Text()
    room = max(console.width - 53, 10)  # what is left after when, what and activation
    for entry in found:
        feelings = ", ".join(printable(f.word) for f in entry.feelings)
        repair = printable(entry.repair.what_happened) if entry.repair is not None else ""
        said = " — ".join(p for p in (feelings, printable(entry.note), repair) if p)
        change = activation_change(entry.activation_before, entry.activation_after)
        said = said if len(said) <= room else said[: room - 1] + "…"
        lines.append(f"  {when(entry.started_at):<22}  {KIND_NAMES[entry.kind]:<15}  "
                     f"{change:<7}  {said}\n")
    lines.rstrip()
    console.print(lines, no_wrap=True, overflow="ellipsis", crop=True)


def search_markdown(found: list[Entry], query: SearchQuery, content: Content) -> str:
    lines = [f"# Found {_found(found)} for {md(query_words(query))}", ""]
    for entry in found:
        lines += [f"## {when(entry.started_at)} · {KIND_NAMES[entry.kind]}", ""]
        lines += [f"- {name}: {value}" for name, value in entry_facts(entry, content, md)]
        lines.append("")
    return "\n".join(lines)
