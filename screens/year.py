"""The year view: twelve rows of up to 31 days, shaded by each day's highest activation, with
each month's totals beside (when there is room) and a sparkline of each week's before → after.

It renders the `YearSummary` that `companion year` prints (spans.py). Arrows move by day (up
and down by month), Enter opens the day's entries, [ and ] move a year.
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

from companion.read_ahead import Summed, year_reading
from companion.screens.looking_back import LookingBack, view_bindings
from companion.screens.messages import SpanSummarized
from companion.screens.month import day_words
from companion.screens.widgets.day_grid import DayGrid, YearGrid
from companion.screens.widgets.footer import Footer
from companion.spans import Tally, YearSummary
from companion.spans_report import LEGEND, breathing_text, change_text, week_lines


def month_totals(tally: Tally) -> str:
    """A month's totals beside its row, short enough for 80 columns."""
    if not tally.entries:
        return ""
    parts = [f"{tally.checkins} in", f"{tally.breaks} br"]
    if breathing_text(tally):
        parts.append(breathing_text(tally))
    if tally.pairs:
        parts.append(change_text(tally))
    return " · ".join(parts)


class YearScreen(LookingBack):
    VIEW = "year"
    READ_AHEAD = True
    BINDINGS = [
        Binding("left_square_bracket", "shift(-1)", "Prev year", key_display="[", show=False),
        Binding("right_square_bracket", "shift(1)", "Next year", key_display="]", show=False),
        *view_bindings("year"),
    ]

    def __init__(self, day: date | None = None, *, today: date | None = None) -> None:
        super().__init__(day)
        self.today = today or date.today()
        self.summary: YearSummary | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Your year · {self.day.year}", id="year-title", classes="step-title")
        with VerticalScroll(id="year"):
            yield YearGrid(self.day, id="year-grid")
            yield Static("Reading your year…", id="year-day")
            yield Static(LEGEND + "\nBeside each month: check-ins (in), breathing breaks (br), "
                         "breathing, before → after.", id="year-legend", classes="hint")
            yield Static(id="year-weeks")
        yield Footer()

    async def on_mount(self) -> None:
        self.query_one(YearGrid).focus()
        year = self.day.year
        await self.open_with(year_reading(self.store, year, self.week_start),
                             lambda: self.load_year(year), lambda s: self._show(year, s))

    def action_shift(self, years: int) -> None:
        day = self.day
        try:
            self.query_one(YearGrid).cursor = day.replace(year=day.year + years)
        except ValueError:
            with contextlib.suppress(ValueError):
                self.query_one(YearGrid).cursor = day.replace(year=day.year + years, day=28)

    @on(DayGrid.Moved)
    def _moved(self, event: DayGrid.Moved) -> None:
        self.day = event.day
        if self.summary is None or event.day.year != self.summary.year:
            self.query_one("#year-title", Static).update(f"Your year · {event.day.year}")
            self.load_year(event.day.year)
        else:
            self._show_day()

    @on(DayGrid.Opened)
    def _opened(self, event: DayGrid.Opened) -> None:
        self.open_day(event.day)

    @work(thread=True, exclusive=True, group="year-read")
    def load_year(self, year: int) -> Summed | None:
        # Summed up here, not on the screen's thread, which then only draws.
        summed = self.summed(year_reading(self.store, year, self.week_start))
        if summed is not None:
            self.post_message(SpanSummarized(year, summed))
        return summed

    def on_span_summarized(self, message: SpanSummarized) -> None:
        assert isinstance(message.asked, int) and isinstance(message.summary, Summed)
        self._show(message.asked, message.summary)

    def _show(self, year: int, summed: Summed) -> None:
        if self.day.year != year or not self.newly_shown(summed):
            return
        assert isinstance(summed.summary, YearSummary)
        summary = self.summary = summed.summary
        self.query_one(YearGrid).show_year(
            year, summary.days, [month_totals(t) for t in summary.month_totals], self.today)
        self._show_day()
        weeks = Text()
        if summary.is_empty:
            weeks.append("Nothing saved this year.", style="italic")
        else:
            weeks.append("\n".join(week_lines(summary)))
        self.query_one("#year-weeks", Static).update(weeks)
        self.drawn_with_data()

    def _show_day(self) -> None:
        if self.summary is None:
            return
        tally = next((d.tally for d in self.summary.days if d.day == self.day), Tally())
        said = day_words(self.day, tally)
        if tally.entries:
            said += " Enter opens it."
        said += " [ and ] move a year."
        self.query_one("#year-day", Static).update(Text(said))

    def reload(self) -> None:
        self.load_year(self.day.year)
