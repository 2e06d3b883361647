"""The What helps view: what `companion insights` prints, in the app.

The same value (insights.gather_insights) drawn by the same renderer (insights_report), at the
width of the screen, so the two never say different things. `a` switches between the last
three months and everything.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from rich.console import Console
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from companion.insights import Insights, gather_insights
from companion.insights_report import insights_table
from companion.looking import DEFAULT_MONTHS
from companion.screens.looking_back import LookingBack, now, view_bindings
from companion.screens.messages import InsightsGathered
from companion.spans import shift_months, span_times


class HelpsScreen(LookingBack):
    VIEW = "helps"
    BINDINGS = [Binding("a", "toggle_span", "All / recent"), *view_bindings("helps")]

    def __init__(self, day: date | None = None, *, at: datetime | None = None) -> None:
        super().__init__(day)
        self.at = at  # the moment to look back from; now when None
        self.everything = False
        self.found: Insights | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="helps"):
            yield Static("Reading your history…", id="helps-body")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#helps").focus()
        self.load_insights(self.everything)

    def action_toggle_span(self) -> None:
        self.everything = not self.everything
        self.load_insights(self.everything)

    @work(thread=True, exclusive=True, group="helps-read")
    def load_insights(self, everything: bool) -> None:
        moment = self.at or now()
        today = moment.date()
        if everything:
            entries = self.read_all()
            first = min((e.started_at.astimezone().date() for e in entries or ()),
                        default=today)
        else:
            first = shift_months(today.replace(day=1), 1 - DEFAULT_MONTHS)
            entries = self.read(lambda: self.store.between(*span_times(first, _day_after(today))))
        if entries is None:
            return
        found = gather_insights(entries, first, max(first, today), now=moment,
                                week_start=self.week_start)
        self.post_message(InsightsGathered(found))

    def on_insights_gathered(self, message: InsightsGathered) -> None:
        self._show(message.found)

    def _show(self, found: Insights) -> None:
        self.found = found
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        if self.found is None:
            return
        width = max(self.query_one("#helps").scrollable_content_region.width, 20)
        console = Console(file=io.StringIO(), width=width, force_terminal=True,
                          color_system="truecolor", highlight=False, legacy_windows=False)
        with console.capture() as capture:
            insights_table(self.found, self.content, console)
        drawn = Text.from_ansi(capture.get().rstrip("\n"))
        hint = "a: everything saved" if not self.everything else "a: the last three months"
        drawn.append(f"\n\n{hint}", style="dim")
        self.query_one("#helps-body", Static).update(drawn)

    def reload(self) -> None:
        self.load_insights(self.everything)


def _day_after(day: date) -> date | None:
    """The next day, or None on the calendar's last (the read then runs to its end). Not
    spans.days_from(day, None)[1], which lists every day to the year 9999 first (about 1 s)."""
    try:
        return day + timedelta(days=1)
    except OverflowError:
        return None
