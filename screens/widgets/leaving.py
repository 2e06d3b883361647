"""Asking once before leaving a check-in part way: what was entered is kept either way."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

QUESTION = "Leave this check-in?"
KEPT = "What you entered so far is saved as it is."


class LeaveCheckIn(ModalScreen[bool]):
    """A small question over the step: Enter or y leaves, Escape or n stays."""

    DEFAULT_CSS = """
    LeaveCheckIn {
        align: center middle;
        background: $background 60%;
    }
    LeaveCheckIn > Vertical {
        width: 48;
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 1 2;
    }
    LeaveCheckIn #question {
        text-style: bold;
    }
    LeaveCheckIn .hint {
        color: $text-muted;
        margin-top: 1;
    }
    """
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Leave"),
        Binding("n,escape", "answer(False)", "Stay"),
    ]

    def __init__(self, kept: str = KEPT) -> None:
        super().__init__()
        self.kept = kept

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(QUESTION, id="question")
            yield Static(self.kept, id="kept")
            yield Static("Enter or y: leave   ·   Esc or n: stay", classes="hint")

    def action_answer(self, leave: bool) -> None:
        self.dismiss(leave)
