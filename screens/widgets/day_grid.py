"""A grid of days shaded by each day's highest activation, with a day under the cursor.

The month calendar and the year's twelve rows are both a `DayGrid`: they differ only in where
each day sits. The shades are characters as well as colours (spans_report.SHADES), so the grid
reads the same with NO_COLOR; the cursor is drawn reversed, not coloured.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from rich.style import Style
from rich.text import Span, Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from companion.spans import SpanDay, Tally
from companion.spans_report import NOT_A_DAY, WEEKDAY_NAMES, shade

NO_DAY = Tally()
CURSOR = Style(reverse=True, bold=True)  # the day under the cursor: reversed, not a colour


class DayGrid(Widget, can_focus=True):
    """Days in rows; arrows move the cursor a day (left, right) or a row (up, down)."""

    BINDINGS = [
        Binding("left", "move(-1)", "Day before", show=False),
        Binding("right", "move(1)", "Day after", show=False),
        Binding("up", "move_row(-1)", "Row up", show=False),
        Binding("down", "move_row(1)", "Row down", show=False),
        Binding("enter", "open", "Open day", show=False),
    ]
    DEFAULT_CSS = """
    DayGrid { height: auto; width: auto; text-wrap: nowrap; text-overflow: clip; }
    """
    cursor: reactive[date] = reactive(date(2000, 1, 1), init=False)

    class Moved(Message):
        def __init__(self, day: date) -> None:
            super().__init__()
            self.day = day

    class Opened(Message):
        def __init__(self, day: date) -> None:
            super().__init__()
            self.day = day

    def __init__(self, day: date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(DayGrid.cursor, day)
        self.days: dict[date, Tally] = {}
        self.today = date.today()

    def show(self, days: tuple[SpanDay, ...], today: date) -> None:
        self.days = {d.day: d.tally for d in days}
        self.today = today
        self.refresh(layout=True)

    def cell(self, day: date, width: int) -> Text:
        """One day: its number (when `width` > 1) and its shade; the cursor's day reversed."""
        tally = self.days.get(day, Tally())
        char, style = (NOT_A_DAY, "") if day > self.today else shade(tally)
        text = Text(f"{day.day:>{width - 1}}" if width > 1 else "")
        text.append(char, style=style)
        if day == self.cursor:
            text.stylize(CURSOR)
        return text

    def watch_cursor(self, day: date) -> None:
        self.refresh()
        self.post_message(self.Moved(day))

    def action_move(self, days: int) -> None:
        with contextlib.suppress(OverflowError):
            self.cursor = self.cursor + timedelta(days=days)

    def action_move_row(self, rows: int) -> None:
        self.action_move(7 * rows)

    def action_open(self) -> None:
        self.post_message(self.Opened(self.cursor))


class MonthGrid(DayGrid):
    """A month as a calendar: a row a week, from the person's first day of the week."""

    def __init__(self, day: date, *, id: str | None = None) -> None:
        super().__init__(day, id=id)
        self.weeks: list[list[date | None]] = []
        self.week_start = "monday"

    def show_month(self, days: tuple[SpanDay, ...], weeks: list[list[date | None]],
                   week_start: str, today: date) -> None:
        self.weeks = weeks
        self.week_start = week_start
        self.show(days, today)

    def render(self) -> Text:
        names = WEEKDAY_NAMES if self.week_start == "monday" else (
            WEEKDAY_NAMES[-1], *WEEKDAY_NAMES[:-1])
        grid = Text(" ".join(f"{n:>4}" for n in names), style="bold", no_wrap=True)
        for week in self.weeks:
            grid.append("\n")
            for i, day in enumerate(week):
                if i:
                    grid.append(" ")
                grid.append_text(Text("    ") if day is None else self.cell(day, 4))
        return grid

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return 34

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1 + len(self.weeks)


class YearGrid(DayGrid):
    """A year as twelve rows of up to 31 cells; up and down keep the day of the month."""

    def __init__(self, day: date, *, id: str | None = None) -> None:
        super().__init__(day, id=id)
        self.year = day.year
        self.totals: list[str] = []

    def show_year(self, year: int, days: tuple[SpanDay, ...], totals: list[str], today: date
                  ) -> None:
        self.year = year
        self.totals = totals
        self.show(days, today)

    def action_move_row(self, rows: int) -> None:
        month = self.cursor.month + rows
        year = self.cursor.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        day = self.cursor.day
        while day > 28:
            try:
                self.cursor = date(year, month, day)
                return
            except ValueError:
                day -= 1
        with contextlib.suppress(ValueError):
            self.cursor = date(year, month, day)

    def render(self) -> Text:
        # One string and a span for each run of days in the same shade, not a Text a day: the
        # same picture in about a tenth of the segments, which is what a frame costs here.
        plain = [f"{'':4}{'1':<9}{'10':<10}{'20':<10}{'30':<2}"]
        at = len(plain[0])
        spans = []
        cursor: Span | None = None
        wide = self.size.width >= 36 + max((len(t) for t in self.totals), default=0)
        for month in range(1, 13):
            name = f"\n{date(self.year, month, 1):%b} "
            plain.append(name)
            at += len(name)
            run_style, run_start, last = "", at, 0
            for number in range(1, 32):
                try:
                    day = date(self.year, month, number)
                except ValueError:
                    break
                char, style = (NOT_A_DAY, "") if day > self.today else shade(
                    self.days.get(day, NO_DAY))
                if style != run_style:
                    if run_style and at > run_start:
                        spans.append(Span(run_start, at, run_style))
                    run_style, run_start = style, at
                if day == self.cursor:
                    cursor = Span(at, at + 1, CURSOR)
                plain.append(char)
                at += 1
                last = number
            if run_style and at > run_start:
                spans.append(Span(run_start, at, run_style))
            if wide and self.totals:
                totals = " " * (31 - last) + " " + self.totals[month - 1]
                plain.append(totals)
                at += len(totals)
        if cursor is not None:
            spans.append(cursor)
        return Text("".join(plain), style="bold", spans=spans, no_wrap=True, overflow="crop")

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 13
