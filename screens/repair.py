"""The Repair step (optional): a rupture, who it was with, what happened, what is yours to own,
what they might have felt or needed, one thing to try next time, the repair step and whether it
is done, planned or let go; a "good enough" reframe is offered.

With yourself, it asks what you would say to a friend instead of what is yours to own (Neff's
self-compassion). Repair is for ordinary ruptures: a line always in sight says that if you are
afraid of someone, mending things is not your job, and `!` shows where to find help.

It is the check-in's last step, and also opens on its own ("Add a repair"), where Enter saves.
What is entered goes into the draft as it is typed, so leaving at any moment keeps it. The
screen answers with dismiss("next"), "skip", "back" or "leave".
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Input, Static

from companion.checkin import NO_REPAIR, CheckInDraft, entered_repair
from companion.entries import MAX_NOTE
from companion.screens.step import STEP_KEYS, StepScreen
from companion.screens.widgets.choices import ChoiceGrid
from companion.text import shown

TEXT_CUT = f"Each answer keeps up to {MAX_NOTE} characters; the rest was left out."
MYSELF = "myself"
# Each answer: its input's id, the Repair field it fills, and which repairs ask it
# ("" for every one; "myself" only with yourself; "others" only with someone else).
ANSWERS = (
    ("what-happened", "what_happened", "", "What happened?", "in your own words"),
    ("my-part", "my_part", "others", "What part of it is yours to own?",
     "what you did, not who you are; theirs is theirs"),
    ("to-a-friend", "to_a_friend", MYSELF, "What would you say to a friend who'd had this moment?",
     "the kind words you'd offer them"),
    ("their-side", "their_side", "others", "What might they have felt or needed?",
     "a guess is fine"),
    ("next-time", "next_time", "", "One thing to try next time", "small is good"),
)
FIELDS = {input_id: field for input_id, field, *_ in ANSWERS}


class RepairScreen(StepScreen):
    AUTO_FOCUS = "#with-whom"
    HELP_TOPIC = "repair"
    BINDINGS = [
        Binding("enter", "next", "Continue"),
        Binding("r", "another_reframe", "Another thought"),
        *STEP_KEYS,
    ]

    def __init__(self, draft: CheckInDraft, *, alone: bool = False) -> None:
        super().__init__(draft)
        self.alone = alone
        self.repair = draft.repair or NO_REPAIR
        self.reframe_index = uuid.UUID(draft.id).int

    def compose(self) -> ComposeResult:
        content = self.app.content  # type: ignore[attr-defined]
        repair = self.repair
        title = "Add a repair" if self.alone else "Repair  [$text-muted](optional)[/]"
        yield Header()
        # A form: Tab goes from field to field (each scrolls itself into view); the
        # container itself is no stop, where keys would land on nothing visible.
        with VerticalScroll(id="repair", can_focus=False):
            yield Static(title, classes="step-title")
            yield Static(shown(content.repair_intro), classes="hint")
            yield Static(shown(content.repair_afraid), id="afraid", classes="hint")
            yield Static("Was there a rupture? With whom?", classes="part", id="with-whom-part")
            yield ChoiceGrid(content.people, multiple=False, id="with-whom",
                             picked=[repair.with_whom] if repair.with_whom else [])
            yield Static("", id="person-hint", classes="hint")
            for input_id, field, asked, question, placeholder in ANSWERS:
                kind = f"only-{asked}" if asked else ""
                yield Static(question, classes=f"part {kind}")
                yield Input(getattr(repair, field), placeholder=placeholder, compact=True,
                            id=input_id, classes=kind)
                if input_id == "to-a-friend":
                    yield Static(shown(content.repair_myself), classes=f"hint {kind}")
            yield Static(TEXT_CUT, id="cut", classes="notice-line")
            yield Static("The repair step", classes="part")
            yield Static(shown(content.repair_later), classes="hint")
            yield ChoiceGrid(content.repair_steps, multiple=False, id="step",
                             picked=[repair.step] if repair.step else [])
            yield ChoiceGrid(content.repair_statuses, multiple=False, clearable=False,
                             id="status", picked=[repair.status])
            yield Static("", id="reframe")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._show_reframe()
        self._show_person(self.repair.with_whom)
        # Focusing the first choice scrolls the form down; the top (and the line for anyone
        # afraid of someone) is what is seen first.
        self.call_after_refresh(self.query_one("#repair", VerticalScroll).scroll_home,
                                animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "skip" and self.alone:
            return False
        if isinstance(self.focused, Input):
            return action in ("back", "next")
        return True

    # -- what is entered -------------------------------------------------------------------------

    def _keep(self, **changes: object) -> None:
        self.repair = replace(self.repair, **changes)  # type: ignore[arg-type]
        self.draft.repair = entered_repair(self.repair)

    def _show_person(self, with_whom: str | None) -> None:
        """The person's own hint (with a child, "be with"), and the questions for them: with
        yourself, the friend's question; with anyone else, your part and theirs. An answer
        already typed to a question now hidden is kept."""
        content = self.app.content  # type: ignore[attr-defined]
        person = next((p for p in content.people if p.key == with_whom), None)
        hint = self.query_one("#person-hint", Static)
        hint.update(shown(person.hint) if person and person.hint else "")
        hint.display = bool(person and person.hint)
        self.set_class(with_whom == MYSELF, "-myself")

    def on_choice_grid_changed(self, event: ChoiceGrid.Changed) -> None:
        picked = event.picked[0] if event.picked else None
        if event.grid.id == "with-whom":
            self._keep(with_whom=picked)
            self._show_person(picked)
        elif event.grid.id == "step":
            self._keep(step=picked)
        elif event.grid.id == "status":
            status = picked or "planned"
            done_at = self.repair.done_at if status == "done" else None
            if status == "done" and done_at is None:
                done_at = datetime.now().astimezone()
            self._keep(status=status, done_at=done_at)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._keep(**{FIELDS[event.input.id or ""]: self.bounded_text(event)})

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()  # Enter in an answer moves on to the next part

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    # -- the reframe: offered, never required ----------------------------------------------------

    def _show_reframe(self) -> None:
        reframes = self.app.content.reframes  # type: ignore[attr-defined]
        line = reframes[self.reframe_index % len(reframes)]
        self.query_one("#reframe", Static).update(f"[i]{shown(line)}[/i]")

    def action_another_reframe(self) -> None:
        self.reframe_index += 1
        self._show_reframe()

    # -- leaving ---------------------------------------------------------------------------------

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one("#step", ChoiceGrid).focus()  # out of the answer: keys work again
        elif self.alone and self.draft.repair is not None:
            self.app.action_leave_checkin()  # type: ignore[attr-defined]
        else:
            self.dismiss("back")
