"""What every step of the check-in shares: its keys, and how it answers the flow.

A step screen answers the app's check-in worker with dismiss("next"), "skip" or "back"; the
keys that every step offers come last in each step's own bindings, so the footers read alike.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static

from companion.checkin import CheckInDraft
from companion.entries import MAX_NOTE
from companion.screens.app_access import UsesCompanion

STEP_KEYS = [
    Binding("s", "skip", "Skip"),
    Binding("escape", "back", "Back"),
    Binding("exclamation_mark", "find_help", "Find help now", key_display="!"),
    Binding("question_mark", "help", "Help", key_display="?"),
    Binding("q", "app.leave_checkin", "Leave"),
]


class StepScreen(Screen[str], UsesCompanion):
    """One step of a check-in, filling in its part of the draft."""

    HELP_TOPIC = "about"

    def __init__(self, draft: CheckInDraft) -> None:
        super().__init__()
        self.draft = draft

    def bounded_text(self, event: Input.Changed) -> str:
        """What was typed, cut at MAX_NOTE (the #cut line then says so); blank is empty."""
        value = event.value
        if len(value) > MAX_NOTE:
            value = value[:MAX_NOTE]
            event.input.value = value
            self.query_one("#cut", Static).display = True
        elif len(value) < MAX_NOTE:
            # Back under the limit (cleared, or cut down): nothing is being left out now.
            self.query_one("#cut", Static).display = False
        return value if value.strip() else ""

    def action_next(self) -> None:
        self.dismiss("next")

    def action_skip(self) -> None:
        self.dismiss("skip")

    def action_find_help(self) -> None:
        self.companion.action_safety()

    def action_help(self) -> None:
        self.companion.action_help(self.HELP_TOPIC)
