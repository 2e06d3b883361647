"""The check-in's Notice step: activation, where you are, body signals, needs, a short note.

Digits set activation whenever the note is not being typed in (the note's Input keeps every
character typed into it); Escape leaves the note so the digits work again. Each choice is
written to the draft as it is made, so leaving at any moment keeps it. The screen answers the
flow with dismiss("next"), "skip" or "back".
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Footer, Header, Input, Static

from companion.entries import MAX_NOTE
from companion.screens.help import offer_help
from companion.screens.step import STEP_KEYS, StepScreen
from companion.screens.widgets.activation_rating import (
    ActivationRating,
    high_activation_line,
    nudged,
)
from companion.screens.widgets.choices import ChoiceGrid
from companion.text import shown

DIGITS = "0123456789"
NOTE_CUT = f"Notes keep up to {MAX_NOTE} characters; the rest was left out."


class NoteInput(Input):
    """The note: the footer says what Enter and Escape do while it is being typed in."""

    BINDINGS = [
        Binding("enter", "submit", "Continue"),
        Binding("escape", "leave_note", "Leave the note"),
    ]

    def action_leave_note(self) -> None:
        self.screen.query_one("#needs", ChoiceGrid).focus()  # digits work again


class NoticeScreen(StepScreen):
    AUTO_FOCUS = ""  # the first list, in on_mount
    HELP_TOPIC = "notice"
    BINDINGS = [
        *(Binding(d, f"rate({d})", "Activation", show=d == "0", key_display="0-9 +-")
          for d in DIGITS),
        Binding("plus,equals_sign", "nudge(1)", "Higher", show=False),
        Binding("minus", "nudge(-1)", "Lower", show=False),
        Binding("enter", "next", "Continue"),
        *STEP_KEYS,
    ]

    # Set from the draft when the step opens; the rating shows it, watch_activation keeps it.
    activation: reactive[int | None] = reactive(None, init=False)

    def compose(self) -> ComposeResult:
        content = self.companion.content
        yield Header()
        # A form: Tab goes from field to field (each scrolls itself into view); the
        # container itself is no stop, where keys would land on nothing visible.
        with VerticalScroll(id="notice", can_focus=False):
            yield Static(f"Notice  [$text-muted]{shown(content.activation_prompt)}[/]",
                         classes="step-title")
            yield ActivationRating().data_bind(value=NoticeScreen.activation)
            yield Static("", id="high", classes="notice-line")
            yield Static("Where are you?  [dim]arrows move, space picks[/]", classes="part")
            yield ChoiceGrid(content.states, multiple=False, id="state",
                             picked=[self.draft.state] if self.draft.state else [])
            yield Static("In your body", classes="part")
            yield ChoiceGrid(content.body_signals, picked=self.draft.body_signals, id="body")
            yield Static("What you might need", classes="part")
            yield ChoiceGrid(content.needs, picked=self.draft.needs, id="needs")
            yield Static("What's happening? (optional, Esc leaves the note)", classes="part")
            yield NoteInput(self.draft.note, placeholder="a few words, if you like", id="note")
            yield Static(NOTE_CUT, id="cut", classes="notice-line")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.activation = self.draft.activation_before
        # Focused without scrolling to it: on a short terminal that would open the step past
        # its question (the 0-10 rating above the list).
        self.query_one("#state", ChoiceGrid).focus(scroll_visible=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "find_help":
            return True
        # In the note its own Enter and Escape speak for themselves (NoteInput).
        return not isinstance(self.focused, Input) or action == "help"

    # -- activation ------------------------------------------------------------------------------

    def action_rate(self, value: int) -> None:
        self.activation = value

    def action_nudge(self, step: int) -> None:
        self.activation = nudged(self.activation, step)

    def watch_activation(self, value: int | None) -> None:
        # The one place the rating is kept: at once, as a key sets it (a quick "4 Enter" may
        # leave the step before any message about it would arrive).
        self.draft.activation_before = value
        line = high_activation_line(self.companion, value)
        high = self.query_one("#high", Static)
        high.update(line)
        high.display = bool(line)
        if line:
            # Near the top of the scale, where to find help comes up by itself: once a check-in.
            offer_help(self.app, self.draft)

    # -- choices and the note --------------------------------------------------------------------

    def on_choice_grid_changed(self, event: ChoiceGrid.Changed) -> None:
        if event.grid.id == "state":
            self.draft.state = event.picked[0] if event.picked else None
        elif event.grid.id == "body":
            self.draft.body_signals = list(event.picked)
        elif event.grid.id == "needs":
            self.draft.needs = list(event.picked)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.draft.note = self.bounded_text(event)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_next()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    # -- leaving ---------------------------------------------------------------------------------

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one("#needs", ChoiceGrid).focus()  # out of the note: digits work again
        elif self.draft.is_empty():
            self.dismiss("back")
        else:
            self.companion.action_leave_checkin()

