"""Home: the ways in, and a gentle line for the day."""

from __future__ import annotations

from datetime import date

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

WAYS_IN = (
    ("checkin", "c", "Check in", "notice · ground · name · repair"),
    ("quick_breathe", "b", "Breathe", "a quick grounding break"),
    ("add_repair", "r", "Repair", "log a repair on its own"),
    ("review", "w", "This week", "look back, gently"),
    ("help", "?", "Help", "what this is, and where to find help now"),
    ("settings", ",", "Settings", "motion, theme, people"),
)


class HomeScreen(Screen[None]):
    # A short terminal (down to 12 lines) keeps the ways in and drops the line of the day.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (18, "-tall")]
    BINDINGS = [
        Binding("c", "app.checkin", "Check in"),
        Binding("b", "app.quick_breathe", "Breathe"),
        Binding("r", "app.add_repair", "Repair"),
        Binding("w", "app.review", "This week"),
        # In the ways in with its key, and in the palette: the footer keeps 80 columns for the rest.
        Binding("comma", "app.settings", "Settings", key_display=",", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        # Only the opening of data/: the rest is read once this first frame is drawn.
        opening = self.app.opening  # type: ignore[attr-defined]
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
        yield Footer()

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        await self.app.run_action(f"app.{event.option.id}")
