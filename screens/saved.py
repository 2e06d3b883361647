"""The end of a check-in: a short summary of what was saved, then home.

The heading says "Saved" only once the entry is in the history: while the save waits it says so,
and an entry that could not be saved is said to be kept (the app saves it later, or puts it in a
recovery file as it closes).
"""

from __future__ import annotations

import uuid

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from companion.content import Content
from companion.entries import Entry
from companion.screens.app_access import UsesCompanion
from companion.screens.widgets.breathing import breathed_text
from companion.summary import status_words
from companion.text import printable, shown


class SavedScreen(Screen[None], UsesCompanion):
    BINDINGS = [
        Binding("enter,escape", "home", "Home"),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(self, entry: Entry) -> None:
        super().__init__()
        self.entry = entry

    def compose(self) -> ComposeResult:
        content: Content = self.companion.content
        yield Header()
        with Vertical(id="saved"):
            yield Static(id="saved-title", classes="step-title")
            yield Static(id="saved-line")
            for label, value in summary_rows(self.entry, content):
                with Vertical(classes="row"):
                    yield Static(label, classes="label")
                    yield Static(value, classes="value")
            yield Static("Enter or Esc takes you home.", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self._show_how_saving_went()
        self.companion.entry_saved_signal.subscribe(
            self, self._entry_saved
        )

    def _entry_saved(self, entry_id: str) -> None:
        if entry_id == self.entry.id:
            self._show_how_saving_went()

    def _show_how_saving_went(self) -> None:
        state, problem = self.companion.saving_state(self.entry.id)
        line: str | Text
        if state == "saved":
            lines = self.companion.content.saved_lines
            # The same entry always shows the same line (and a snapshot stays still).
            title, line = "Saved", shown(lines[uuid.UUID(self.entry.id).int % len(lines)])
        elif state == "saving":
            title, line = "Saving…", ""
        else:
            title = "Not saved yet"
            line = Text(
                f"{printable(problem)} It is kept here: companion tries again with your next "
                "entry, and keeps it safe when you leave."
            )
        self.query_one("#saved-title", Static).update(title)
        self.query_one("#saved-line", Static).update(line)

    def action_home(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        self.companion.action_help("about")


def summary_rows(entry: Entry, content: Content) -> list[tuple[str, Text | str]]:
    """What the person did, in their words; a step left out is simply not listed."""
    rows: list[tuple[str, Text | str]] = []
    before, after = entry.activation_before, entry.activation_after
    if before is not None or after is not None:
        shown_before = "—" if before is None else str(before)
        shown_after = "—" if after is None else str(after)
        rows.append(("Activation", f"{shown_before} → {shown_after}"))
    if entry.state is not None:
        rows.append(("Where you were", content.label_of(content.states, entry.state)))
    if entry.body_signals:
        signals = ", ".join(content.label_of(content.body_signals, s) for s in entry.body_signals)
        rows.append(("In your body", Text(printable(signals))))
    if entry.needs:
        needs = ", ".join(content.label_of(content.needs, n) for n in entry.needs)
        rows.append(("Needs", Text(printable(needs))))
    if entry.kind_steps:
        kind = ", ".join(content.label_of(content.kind_steps, k) for k in entry.kind_steps)
        rows.append(("A kind step", Text(printable(kind))))
    if entry.breathing is not None:
        rows.append(("Breathing", breathed_text(entry.breathing)))
    if entry.senses_steps:
        rows.append(("Senses", f"{entry.senses_steps} of {len(content.senses)}"))
    if entry.feelings:
        named = Text()
        for i, feeling in enumerate(entry.feelings):
            quadrant = content.quadrant(feeling.quadrant)
            if i:
                named.append("  ")
            named.append(f"{quadrant.symbol} ", style=quadrant.colour)
            named.append(printable(feeling.word))
        rows.append(("Feelings", named))
    if entry.repair is not None:
        rows.append(("Repair", Text(printable(repair_text(entry, content)))))
    if entry.note:
        rows.append(("Note", Text(printable(entry.note))))
    return rows


def repair_text(entry: Entry, content: Content) -> str:
    repair = entry.repair
    assert repair is not None
    parts = []
    if repair.with_whom:
        parts.append(content.label_of(content.people, repair.with_whom))
    if repair.step:
        parts.append(content.label_of(content.repair_steps, repair.step))
    parts.append(status_words(repair.status))
    return " · ".join(parts)
