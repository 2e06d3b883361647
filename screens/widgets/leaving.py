"""Asking once before leaving a check-in part way: what was entered is kept either way."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from companion.checkin import CheckInDraft

QUESTION = "Leave this check-in?"
QUESTIONS = {"checkin": QUESTION, "repair": "Leave this repair?"}
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

    def __init__(self, kept: str = KEPT, question: str = QUESTION) -> None:
        super().__init__()
        self.kept = kept
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="question")
            yield Static(self.kept, id="kept")
            yield Static("Enter or y: leave   ·   Esc or n: stay", classes="hint")

    def action_answer(self, leave: bool) -> None:
        self.dismiss(leave)


def leave_part_way(step: Screen[Any], draft: CheckInDraft) -> None:
    """Leave a check-in (or a repair) part way: ask once, unless nothing was entered; the step
    then answers the flow with "leave", which keeps what was entered."""
    if draft.is_empty():
        step.dismiss("leave")
        return

    def answered(leave: bool | None) -> None:
        if leave and step.app.screen is step:
            step.dismiss("leave")

    step.app.push_screen(LeaveCheckIn(question=QUESTIONS.get(draft.kind, QUESTION)), answered)
