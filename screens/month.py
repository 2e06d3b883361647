"""The month view: a calendar shaded by each day's highest activation, a day at a time.

It renders the `MonthSummary` that `companion month` prints (spans.py). Arrows move by day (a
month's edge loads the next), Enter opens the day's entries, [ and ] move a month.
"""

from __future__ import annotations

import contextlib
from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from companion.read_ahead import Summed, month_reading
from companion.screens.looking_back import LookingBack, view_bindings
from companion.screens.messages import SpanSummarized
from companion.screens.widgets.day_grid import DayGrid, MonthGrid
from companion.screens.widgets.footer import Footer
from companion.spans import (
    MonthSummary,
    Tally,
    month_start,
    month_weeks,
    shift_months,
)
from companion.spans_report import (
    LEGEND,
    breathing_text,
    change_text,
    comparison_rows,
    month_name,
)


def day_words(day: date, tally: Tally) -> str:
    """What one day held, in a line."""
    if not tally.entries:
        return f"{day:%a %-d %b}: nothing saved."
    parts = []
    if tally.checkins:
        parts.append(f"{tally.checkins} check-in{'s' * (tally.checkins != 1)}")
    if tally.breaks:
        parts.append(f"{tally.breaks} break{'s' * (tally.breaks != 1)}")
    if breathing_text(tally):
        parts.append(f"{breathing_text(tally)} breathing")
    if tally.activation_max is not None:
        parts.append(f"highest {tally.activation_max}")
    if tally.pairs:
        parts.append(f"before → after {change_text(tally)}")
    return f"{day:%a %-d %b}: " + ", ".join(parts or ["saved, nothing rated"]) + "."


class MonthScreen(LookingBack):
    VIEW = "month"
    READ_AHEAD = True
    BINDINGS = [
        Binding("left_square_bracket", "shift(-1)", "Prev month", key_display="[", show=False),
        Binding("right_square_bracket", "shift(1)", "Next month", key_display="]", show=False),
        *view_bindings("month"),
    ]

    def __init__(self, day: date | None = None, *, today: date | None = None) -> None:
        super().__init__(day)
        self.today = today or date.today()
        self.summary: MonthSummary | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Your month · {month_name(month_start(self.day))}", id="month-title",
                     classes="step-title")
        with VerticalScroll(id="month"):
            yield MonthGrid(self.day, id="month-grid")
            yield Static("Reading your month…", id="month-day")
            yield Static(LEGEND, id="month-legend", classes="hint")
            yield Static(id="month-totals")
        yield Footer()

    async def on_mount(self) -> None:
        self.query_one(MonthGrid).focus()
        first = month_start(self.day)
        await self.open_with(month_reading(self.store, first), lambda: self.load_month(first),
                             lambda s: self._show(first, s))

    def action_shift(self, months: int) -> None:
        with contextlib.suppress(ValueError):
            self.query_one(MonthGrid).cursor = shift_months(month_start(self.day), months)

    @on(DayGrid.Moved)
    def _moved(self, event: DayGrid.Moved) -> None:
        self.day = event.day
        if self.summary is None or month_start(event.day) != self.summary.first:
            self.query_one("#month-title", Static).update(
                f"Your month · {month_name(month_start(event.day))}")
            self.load_month(month_start(event.day))
        else:
            self._show_day()

    @on(DayGrid.Opened)
    def _opened(self, event: DayGrid.Opened) -> None:
        self.open_day(event.day)

    @work(thread=True, exclusive=True, group="month-read")
    def load_month(self, first: date) -> Summed | None:
        # Summed up here, not on the screen's thread, which then only draws.
        summed = self.summed(month_reading(self.store, first))
        if summed is not None:
            self.post_message(SpanSummarized(first, summed))
        return summed

    def on_span_summarized(self, message: SpanSummarized) -> None:
        assert isinstance(message.asked, date) and isinstance(message.summary, Summed)
        self._show(message.asked, message.summary)

    def _show(self, first: date, summed: Summed) -> None:
        if month_start(self.day) != first:
            return  # an older read that finished after the person moved on
        if not self.newly_shown(summed):
            return
        assert isinstance(summed.summary, MonthSummary)
        summary = self.summary = summed.summary
        self.query_one(MonthGrid).show_month(
            summary.days, month_weeks(first, self.week_start), self.week_start, self.today)
        self._show_day()
        totals = Text()
        if summary.is_empty:
            totals.append("Nothing saved this month.", style="italic")
        else:
            for what, this, before in comparison_rows(summary):
                totals.append(f"{what}: ", style="bold")
                totals.append(f"{this}")
                totals.append(f" (the month before: {before})\n", style="dim")
            totals.rstrip()
        self.query_one("#month-totals", Static).update(totals)
        self.drawn_with_data()

    def _show_day(self) -> None:
        if self.summary is None:
            return
        tally = next((d.tally for d in self.summary.days if d.day == self.day), Tally())
        said = day_words(self.day, tally)
        if tally.entries:
            said += " Enter opens it."
        said += " [ and ] move a month."
        self.query_one("#month-day", Static).update(Text(said))

    def reload(self) -> None:
        self.load_month(month_start(self.day))
