"""The What helps view: what `companion insights` prints, in the app.

The same value (insights_sums.count_insights) drawn by the same renderer (insights_report), at
the width of the screen, so the two never say different things. `a` switches between the last
three months and everything.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from rich.console import Console
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from companion.content import Content
from companion.insights import Insights
from companion.insights_report import insights_table
from companion.read_ahead import Reading, Summed, helps_reading
from companion.screens.looking_back import LookingBack, now, view_bindings
from companion.screens.messages import InsightsGathered
from companion.screens.widgets.footer import Footer


class HelpsScreen(LookingBack):
    VIEW = "helps"
    READ_AHEAD = True
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

    async def on_mount(self) -> None:
        self.query_one("#helps").focus()
        everything = self.everything
        await self.open_with(self._reading(everything), lambda: self.load_insights(everything),
                             self._show)

    def action_toggle_span(self) -> None:
        self.everything = not self.everything
        self.load_insights(self.everything)

    def _reading(self, everything: bool) -> Reading:
        return helps_reading(self.store, everything, self.at or now(), self.week_start)

    @work(thread=True, exclusive=True, group="helps-read")
    def load_insights(self, everything: bool) -> Summed | None:
        summed = self.summed(self._reading(everything))
        if summed is not None:
            # Drawn here too, at the width it will be shown at, so the screen's thread only
            # shows it; a drawing kept from the review's read ahead is taken as it is.
            drawn(summed, self.content, body_width(self.app.size.width), everything)
            self.post_message(InsightsGathered(summed))
        return summed

    def on_insights_gathered(self, message: InsightsGathered) -> None:
        self._show(message.found)

    def _show(self, summed: Summed) -> None:
        if not self.newly_shown(summed):
            return
        assert isinstance(summed.summary, Insights)
        self.found = summed.summary
        self._draw()
        self.drawn_with_data()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        if self.shown is None:
            return
        width = self.query_one("#helps").scrollable_content_region.width or body_width(
            self.app.size.width)  # before the first layout: what it will be
        self.query_one("#helps-body", Static).update(
            drawn(self.shown, self.content, width, self.everything))

    def reload(self) -> None:
        self.load_insights(self.everything)


# #helps's padding (0 1) and its stable gutter for Textual's vertical scrollbar (2 cells).
BESIDE_BODY = 4


def body_width(screen_width: int) -> int:
    """The width What helps is drawn at on a screen `screen_width` cells wide."""
    return max(screen_width - BESIDE_BODY, 20)


def drawn(summed: Summed, content: Content, width: int, everything: bool) -> Text:
    """What helps (`summed` of an Insights) drawn `width` cells wide; each drawing is kept with
    the summary, so a worker can draw it ahead of the screen showing it."""
    found = summed.summary
    assert isinstance(found, Insights)
    width = max(width, 20)
    key = ("helps", width, everything)
    kept = summed.drawn.get(key)
    if not isinstance(kept, Text):
        console = Console(file=io.StringIO(), width=width, force_terminal=True,
                          color_system="truecolor", highlight=False, legacy_windows=False)
        with console.capture() as capture:
            insights_table(found, content, console)
        kept = Text.from_ansi(capture.get().rstrip("\n"))
        hint = "a: everything saved" if not everything else "a: the last three months"
        kept.append(f"\n\n{hint}", style="dim")
        summed.drawn[key] = kept
    return kept.copy()
