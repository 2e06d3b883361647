"""Home: the ways in, and a gentle line for the day."""

from __future__ import annotations

from datetime import date, datetime

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from companion.screens.app_access import UsesCompanion
from companion.screens.messages import OpenRepairsCounted
from companion.screens.widgets.footer import Footer

WAYS_IN = (
    ("checkin", "c", "Check in", "notice · ground · name · repair"),
    ("quick_breathe", "b", "Breathe", "a quick grounding break"),
    ("add_repair", "r", "Repair", "log a repair on its own"),
    ("review", "w", "This week", "look back, gently"),
    ("help", "?", "Help", "what this is, and where to find help now"),
    ("settings", ",", "Settings", "motion, theme, people"),
)


class HomeScreen(Screen[None], UsesCompanion):
    # A short terminal (down to 12 lines) keeps the ways in and drops the line of the day.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (18, "-tall")]
    BINDINGS = [
        Binding("c", "app.checkin", "Check in"),
        Binding("b", "app.quick_breathe", "Breathe"),
        Binding("r", "app.add_repair", "Repair"),
        Binding("w", "app.review", "This week"),
        # Said by the line on open repairs ("… (o)"), and in the palette: not in the footer.
        Binding("o", "repairs", "Open repairs", show=False),
        # In the ways in with its key, and in the palette: the footer keeps 80 columns for the rest.
        Binding("comma", "app.settings", "Settings", key_display=",", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        # Only the opening of data/: the rest is read once this first frame is drawn.
        opening = self.companion.opening
        yield Header()
        with Vertical(id="home"):
            yield Static(escape(opening.welcome), id="welcome")
            yield Static(escape(opening.line_of_day(date.today())), id="line-of-day")
            yield OptionList(
                *(
                    Option(f"[b]{key}[/b]  {label}  [dim]{escape(about)}[/dim]", id=action)
                    for action, key, label, about in WAYS_IN
                ),
                id="ways-in",
            )
            yield Static("", id="open-repairs", classes="hint")
        yield Footer()

    def on_screen_resume(self) -> None:
        # Once drawn, and only if home is still what is shown: `companion review` (or a
        # check-in) opens over home at once, and this would share the interpreter with it.
        self.call_after_refresh(self._count_if_shown)

    def _count_if_shown(self) -> None:
        if self.app.screen is self:
            self.count_open_repairs()

    @work(thread=True, exclusive=True, group="home-repairs")
    def count_open_repairs(self) -> None:
        """Repairs still open from any week: how many, and since when (the oldest). Only the
        open repairs are read, kept whole with each month's sums beside the month cache (on
        five years a sixth of the CPU of reading every entry, on each resume)."""
        from companion.insights import repair_items
        from companion.insights_sums import open_repairs
        from companion.storage import StoreError

        try:
            entries = open_repairs(self.companion.store)
        except StoreError:
            return  # the app's own check of the history says what is wrong
        still_open = repair_items(entries, datetime.now().astimezone(), open_only=True)
        if not still_open:
            said = ""
        else:
            oldest = still_open[0].started_at
            count = "1 repair" if len(still_open) == 1 else f"{len(still_open)} repairs"
            said = f"{count} still open, the oldest from {oldest:%-d %b %Y} (o)"
        self.post_message(OpenRepairsCounted(said))
        self._read_ahead_views()

    def _read_ahead_views(self) -> None:
        """Then, in the same worker, what keys 2-4 show from this week's review (read_ahead.py),
        so `w` and then a view finds it read, even when the key comes as the week appears."""
        from companion.content import ContentError
        from companion.screens.reading_ahead import read_ahead_views
        from companion.summary import week_bounds

        try:
            content = self.companion.content  # What helps is drawn in the person's words
        except ContentError:
            return  # the app says what is wrong with data/ (and ends)
        settings = self.companion.settings
        first = week_bounds(date.today(), settings.week_start)[0]
        read_ahead_views(self.companion.store, first, settings.week_start, content,
                         self.app.size.width)

    def on_open_repairs_counted(self, message: OpenRepairsCounted) -> None:
        self._show_open_repairs(message.said)

    def _show_open_repairs(self, said: str) -> None:
        line = self.query_one("#open-repairs", Static)
        line.update(said)
        line.display = bool(said)

    def action_repairs(self) -> None:
        from companion.screens.repairs import RepairsScreen

        self.app.push_screen(RepairsScreen())

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        await self.app.run_action(f"app.{event.option.id}")
