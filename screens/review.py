"""The weekly review: a week at a time, with every moment open to read, edit or delete.

It renders the one `WeekSummary` that `companion week` prints. The store is read and written
in thread workers; everything a person typed is shown as `Text`, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Header, Static

from companion.entries import Entry
from companion.report import day_name, empty_week_words, moment_name, week_span
from companion.screens.looking_back import LookingBack, ViewCommands, view_bindings
from companion.screens.messages import EntrySaved, StoreFailed, WeekLoaded
from companion.screens.widgets.footer import Footer
from companion.storage import StoreError
from companion.summary import (
    KIND_NAMES,
    GroundingMoment,
    WeekSummary,
    activation_change,
    grounding_change,
    minutes_text,
    status_words,
    summarize_week,
    week_bounds,
    week_times,
)
from companion.text import printable

SAID_IN_TABLE = 28  # characters of a moment's feelings and note in the table; Enter shows all

WEEK_COMMANDS = (
    ("Previous week", "Look at the week before", "previous_week"),
    ("Next week", "Look at the week after", "next_week"),
    ("Back to this week", "The week you are in", "this_week"),
)


class WeekCommands(Provider):
    """Week navigation in the command palette, while the review is open."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        for name, about, action in WEEK_COMMANDS:
            yield name, about, getattr(screen, f"action_{action}")

    async def discover(self) -> Hits:
        for name, about, callback in self._commands():
            yield DiscoveryHit(name, callback, help=about)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, about, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=about)


class GroundingChart(Widget):
    """Activation before → after for each moment that has both, as bars."""

    COMPONENT_CLASSES = {"grounding-chart--bar", "grounding-chart--rose"}
    DEFAULT_CSS = """
    GroundingChart { height: auto; }
    GroundingChart > .grounding-chart--bar { color: $accent; }
    GroundingChart > .grounding-chart--rose { color: $warning; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.moments: tuple[GroundingMoment, ...] = ()

    def show(self, moments: tuple[GroundingMoment, ...]) -> None:
        self.moments = moments
        self.refresh(layout=True)

    def render(self) -> Text:
        if not self.moments:
            return Text("Nothing rated before and after this week.", style="dim")
        # "Mon 16 Nov 07:40  10 → 10 " takes 26 cells; the bars share what is left.
        per_point = min(3, max(1, (self.size.width - 26) // 10))
        bar = self.get_component_rich_style("grounding-chart--bar")
        rose = self.get_component_rich_style("grounding-chart--rose")
        chart = Text()
        for moment in self.moments:
            chart.append(f"{moment_name(moment.started_at)}  {moment.before:>2} → "
                         f"{moment.after:<2} ")
            chart.append("█" * min(moment.before, moment.after) * per_point, style=bar)
            chart.append("░" * max(moment.before - moment.after, 0) * per_point, style=bar)
            chart.append("▓" * max(moment.after - moment.before, 0) * per_point, style=rose)
            chart.append("\n")
        chart.append("█ after  ░ eased while grounding  ▓ rose", style="dim")
        return chart


class ReviewScreen(LookingBack):
    VIEW = "week"
    COMMANDS = {WeekCommands, ViewCommands}
    BINDINGS = [
        # One footer slot for both ("[ ] Week before / after"), so every key fits 80 columns.
        Binding("left_square_bracket", "previous_week", "Weeks", key_display="[ ]"),
        Binding("right_square_bracket", "next_week", "Next week", key_display="]", show=False),
        Binding("t", "this_week", "This week"),
        Binding("m", "focus_table('moments')", "Moments", show=False),
        Binding("r", "focus_table('repairs')", "Repairs", show=False),
        Binding("d", "mark_done", "Done"),
        Binding("g", "mark_let_go", "Let go", show=False),
        *view_bindings("week"),
    ]

    def __init__(self, week: date | None = None, *, focus_moments: bool = False) -> None:
        super().__init__(week)
        self.asked_day = week
        self.focus_moments = focus_moments
        self.start: date | None = None
        self.summary: WeekSummary | None = None
        self.entries: dict[str, Entry] = {}

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Your week", id="week-title", classes="step-title")
        with VerticalScroll(id="review"):
            yield Static("Reading your week…", id="empty", classes="hint")
            with Vertical(id="sections"):
                yield Static("Day by day", classes="section-title")
                yield DataTable(id="days", cursor_type="none", zebra_stripes=True)
                yield Static("Grounding: before → after", classes="section-title")
                yield GroundingChart(id="grounding")
                yield Static("Feelings", classes="section-title")
                yield Static(id="feelings")
                yield Static(id="words")
                yield Static("Needs that came up most", classes="section-title")
                yield Static(id="needs")
                yield Static("When activation showed up", classes="section-title")
                yield Static(id="times")
                yield Static("Repairs (r)", classes="section-title")
                yield Static("", id="repairs-hint", classes="hint")
                yield DataTable(id="repairs", cursor_type="row")
                yield Static("Moments (m) · Enter opens one to read, edit or delete",
                             classes="section-title")
                yield DataTable(id="moments", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        days = self.query_one("#days", DataTable)
        days.can_focus = False
        days.add_columns("Day", "Check-ins", "Breaks", "Breathing", "Before → after")
        self.query_one("#repairs", DataTable).add_columns("When", "With", "Step", "Status")
        self.query_one("#moments", DataTable).add_columns(
            "When", "What", "Activation", "Feelings · note")
        self.query_one("#sections").display = False
        self.show_week(self.asked_day or date.today())

    # -- weeks -----------------------------------------------------------------------------------

    def show_week(self, day: date) -> None:
        week_start = self.companion.settings.week_start
        self.start = week_bounds(day, week_start)[0]
        self.day = self.start
        self.load_week(self.start)

    def action_previous_week(self) -> None:
        if self.start is not None:
            self.show_week(self.start - timedelta(days=7))

    def action_next_week(self) -> None:
        if self.start is not None:
            self.show_week(self.start + timedelta(days=7))

    def action_this_week(self) -> None:
        self.show_week(date.today())

    def action_focus_table(self, name: str) -> None:
        table = self.query_one(f"#{name}", DataTable)
        table.focus()
        table.scroll_visible()

    @work(thread=True, exclusive=True, group="review-read")
    def load_week(self, start: date) -> None:
        store = self.companion.store
        try:
            entries = store.between(*week_times(start))
        except StoreError as error:
            self.post_message(StoreFailed(str(error)))
            return
        summary = summarize_week(entries, start)
        problems = [str(p) for p in store.problems.values()]
        self.post_message(WeekLoaded(summary, entries, problems))

    def on_store_failed(self, message: StoreFailed) -> None:
        self.notify(message.problem, severity="error", timeout=15)

    def on_week_loaded(self, message: WeekLoaded) -> None:
        self._show(message.summary, message.entries, message.problems)

    def _show(self, summary: WeekSummary, entries: list[Entry], problems: list[str]) -> None:
        if summary.start != self.start:
            return  # an older read that finished after the person moved on
        self.summary = summary
        self.entries = {entry.id: entry for entry in entries}
        self.query_one("#week-title", Static).update(
            Text(f"Your week · {week_span(summary)} · {summary.label}"))
        for problem in problems:
            self.notify(printable(problem), severity="warning", timeout=15)
        empty = self.query_one("#empty", Static)
        empty.update(Text(printable(empty_week_words(summary, self.content))))
        empty.display = summary.is_empty
        self.query_one("#sections").display = not summary.is_empty
        self._show_days(summary)
        self.query_one(GroundingChart).show(summary.grounding)
        self._show_feelings(summary)
        self._show_needs_and_times(summary)
        self._show_repairs(summary)
        self._show_moments(entries)
        if self.focus_moments and entries:
            self.focus_moments = False
            self.action_focus_table("moments")
        self.refresh_bindings()
        # Once this is drawn: before, the reading would take turns with drawing the week.
        self.call_after_refresh(self.read_ahead_views)

    @work(thread=True, exclusive=True, group="read-ahead")
    def read_ahead_views(self) -> None:
        """Read the month, year and what helps that keys 2-4 show from this week, once the week
        is drawn, so each shows its data in its first frame (read_ahead.py)."""
        from companion.screens.reading_ahead import read_ahead_views

        read_ahead_views(self.store, self.day, self.week_start, self.content,
                         self.app.size.width)

    def _show_days(self, summary: WeekSummary) -> None:
        table = self.query_one("#days", DataTable)
        table.clear()
        for day in summary.days:
            table.add_row(
                day_name(day.day),
                _count(day.check_ins),
                _count(day.breathing_breaks),
                minutes_text(day.breathing_minutes),
                grounding_change(day),
            )

    def _show_feelings(self, summary: WeekSummary) -> None:
        lines = Text()
        for count in summary.quadrants:
            quadrant = self.content.quadrant(count.quadrant)
            lines.append(f"{quadrant.symbol} ", style=f"bold {quadrant.colour}")
            lines.append(f"{printable(quadrant.label)}: ")
            lines.append(f"{count.count}\n", style="bold")
        lines.rstrip()
        self.query_one("#feelings", Static).update(lines)
        words = ", ".join(f"{printable(w.word)} ({w.count})" for w in summary.words)
        self.query_one("#words", Static).update(
            Text(f"Words used most: {words}" if words else "No feeling words named this week."))

    def _show_needs_and_times(self, summary: WeekSummary) -> None:
        needs = ", ".join(
            f"{printable(self.content.label_of(self.content.needs, n.need))} ({n.count})"
            for n in summary.needs
        )
        self.query_one("#needs", Static).update(Text(needs or "None noted this week."))
        times = Text()
        for part in summary.parts_of_day:
            around = "" if part.activation_before is None else (
                f", activation around {part.activation_before:g}")
            times.append(f"{part.part.capitalize()} ", style="bold")
            # A part of the day counts check-ins and breathing breaks (repairs are left out).
            count = (f"{part.moments} check-in or break" if part.moments == 1
                     else f"{part.moments} check-ins and breaks")
            times.append(f"({part.first_hour:02d}–{part.end_hour:02d}): {count}{around}\n")
        times.rstrip()
        self.query_one("#times", Static).update(times)

    def _show_repairs(self, summary: WeekSummary) -> None:
        table = self.query_one("#repairs", DataTable)
        table.clear()
        for repair in summary.repairs:
            table.add_row(
                moment_name(repair.started_at),
                Text(printable(self.content.label_of(self.content.people, repair.with_whom))),
                Text(printable(self.content.label_of(self.content.repair_steps, repair.step))),
                "planned · open" if repair.is_open else status_words(repair.status),
                key=repair.entry_id,
            )
        table.display = bool(summary.repairs)
        open_count = len(summary.open_repairs)
        hint = (
            "No repairs logged this week." if not summary.repairs
            else f"{open_count} planned, still open. Choose one (r): d when done, g to let go."
            if open_count else "All the repairs logged this week are done."
        )
        self.query_one("#repairs-hint", Static).update(hint)

    def _show_moments(self, entries: list[Entry]) -> None:
        table = self.query_one("#moments", DataTable)
        table.clear()
        for entry in entries:
            feelings = ", ".join(printable(f.word) for f in entry.feelings)
            said = " · ".join(part for part in (feelings, printable(entry.note)) if part)
            table.add_row(
                moment_name(entry.started_at),
                KIND_NAMES[entry.kind],
                activation_change(entry.activation_before, entry.activation_after),
                Text(said if len(said) <= SAID_IN_TABLE else said[: SAID_IN_TABLE - 1] + "…"),
                key=entry.id,
            )

    # -- repairs and entries ---------------------------------------------------------------------

    def _highlighted_repair_entry(self) -> Entry | None:
        table = self.query_one("#repairs", DataTable)
        if not table.has_focus or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        entry = self.entries.get(key or "")
        return entry if entry is not None and entry.repair is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_table":
            return self.summary is not None and bool(
                self.summary.repairs if parameters == ("repairs",) else not self.summary.is_empty)
        if action in ("mark_done", "mark_let_go"):
            entry = self._highlighted_repair_entry()
            return entry is not None and entry.repair is not None and (
                entry.repair.status == "planned")
        return super().check_action(action, parameters)

    @on(DataTable.RowHighlighted, "#repairs")
    def _repair_highlighted(self) -> None:
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_mark_done(self) -> None:
        entry = self._highlighted_repair_entry()
        if entry is None or entry.repair is None or entry.repair.status != "planned":
            return
        repair = replace(entry.repair, status="done", done_at=datetime.now().astimezone())
        self.save_entry(entry.with_changes(repair=repair), "Marked done.")

    def action_mark_let_go(self) -> None:
        entry = self._highlighted_repair_entry()
        if entry is None or entry.repair is None or entry.repair.status != "planned":
            return
        repair = replace(entry.repair, status="let_go")
        self.save_entry(entry.with_changes(repair=repair), "Let go. It stays in your history.")

    @work(thread=True, exclusive=True, group="review-write")
    def save_entry(self, entry: Entry, said: str) -> None:
        try:
            self.companion.store.save(entry)
        except StoreError as error:
            self.post_message(StoreFailed(str(error)))
            return
        self.post_message(EntrySaved(entry, said))

    def on_entry_saved(self, message: EntrySaved) -> None:
        self.notify(message.said, timeout=3)
        if self.start is not None:
            self.load_week(self.start)

    @on(DataTable.RowSelected)
    def _open_entry(self, event: DataTable.RowSelected) -> None:
        entry = self.entries.get(event.row_key.value or "")
        if entry is None:
            return
        from companion.screens.entry import EntryScreen

        self.app.push_screen(EntryScreen(entry), self._entry_closed)

    def _entry_closed(self, _result: object) -> None:
        if self.start is not None:
            self.load_week(self.start)


def _count(n: int) -> str:
    return "" if n == 0 else str(n)
