"""The check-in's Ground step: breathe (or the 5-4-3-2-1 senses), then rate activation again.

When a body's need was ticked (thirsty, hungry, tired...), a kind step for it is offered first
(some water, something to eat): marked when done, or passed by. The breathing part does the
choosing, breathing, senses and rating; this screen fills in its part of the draft (kind_steps,
breathing, senses_steps, activation_after) as it goes, so leaving at any moment keeps what was
done. It answers the flow with dismiss("next"), "skip" or "back".
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Header, Static

from companion.breathing import Clock
from companion.checkin import CheckInDraft
from companion.content import Choice
from companion.guidance import kind_steps_for, suggested_pattern
from companion.screens.breathing_keys import BREATH_KEYS, LENGTH_KEYS, RATING_KEYS, BreathingKeys
from companion.screens.help import offer_help
from companion.screens.step import StepScreen
from companion.screens.widgets.breathing_part import AFTER, CHOOSE, BreathingPart
from companion.screens.widgets.choices import ChoiceGrid
from companion.text import shown

KIND = "kind"


class GroundScreen(BreathingKeys[str], StepScreen):
    AUTO_FOCUS = ""  # focus follows the part of the step being shown
    HELP_TOPIC = "ground"
    BINDINGS = [
        Binding("enter", "go_on", "Go on to breathing"),  # from a kind step (the grid binds space)
        Binding("enter", "start", "Breathe"),
        *LENGTH_KEYS,
        Binding("5", "senses", "Senses"),
        *BREATH_KEYS,
        Binding("enter", "next_sense", "Next"),
        *RATING_KEYS,
        Binding("enter", "next", "Continue"),
        Binding("b", "choose", "Breathe again"),
        Binding("s", "skip", "Skip"),
        # After the rating Enter goes on as well, so there `s` still skips but gives its place
        # in the footer to the rest (the after-rating keys fit 80 columns).
        Binding("s", "skip_after", "Skip", show=False),
        Binding("exclamation_mark", "find_help", "Find help now", key_display="!"),
        Binding("escape", "back", "Back"),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(self, draft: CheckInDraft, clock: Clock | None = None) -> None:
        super().__init__(draft)
        self.clock = clock
        self.kind_steps: tuple[Choice, ...] = ()  # read with the content, in compose

    def compose(self) -> ComposeResult:
        companion = self.companion
        content = companion.content
        settings = companion.settings
        draft = self.draft
        suggested = suggested_pattern(content.patterns, state=draft.state,
                                      activation=draft.activation_before,
                                      default=settings.default_pattern)
        self.kind_steps = kind_steps_for(draft.needs, content.kind_steps)
        yield Header()
        with BreathingPart(
            step="Ground",
            selected=draft.breathing.pattern if draft.breathing else None,
            suggested=suggested.name,
            senses=True,
            # Coming back to this step after grounding shows what was done, ready to go on.
            breathed=draft.breathing,
            senses_steps=draft.senses_steps,
            clock=self.clock,
        ).data_bind(GroundScreen.activation) as self.part:
            if self.kind_steps:  # shown first, unless this step was grounded already
                with Vertical(id=KIND):
                    yield Static("A kind step first?", classes="part")
                    yield Static("\n".join(shown(step.hint) for step in self.kind_steps),
                                 id="kind-hints")
                    yield Static("This will wait for you. Space marks what you've done; Enter "
                                 "goes on to breathing, s straight on to naming the feeling.",
                                 classes="hint")
                    yield ChoiceGrid(self.kind_steps, picked=draft.kind_steps, id="kind-steps")
        # Compact and without the palette key (Ctrl+P still opens it), as the other steps.
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.activation = self.draft.activation_after
        if self.mode == KIND:
            self.query_one("#kind-steps", ChoiceGrid).focus()

    @property
    def mode(self) -> str:
        return self.part.mode

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go_on":
            return self.mode == KIND
        if action in ("next", "choose", "find_help", "skip_after"):
            return self.mode == AFTER
        if action == "skip" and self.mode == AFTER:
            return False
        return super().check_action(action, parameters)

    def _show_kind_step(self) -> None:
        self.part.show(KIND)
        self.query_one("#kind-steps", ChoiceGrid).focus()

    # -- what the draft keeps --------------------------------------------------------------------

    def on_choice_grid_changed(self, event: ChoiceGrid.Changed) -> None:
        self.draft.kind_steps = list(event.picked)

    def on_breathing_part_progress(self, event: BreathingPart.Progress) -> None:
        # Kept current as the breath goes, so quitting mid-breath keeps what was breathed.
        self.draft.breathing = event.record

    def on_breathing_part_finished(self, event: BreathingPart.Finished) -> None:
        self.draft.breathing = event.record
        self.part.show_after()

    def watch_activation(self, value: int | None) -> None:
        # The one place the rating is kept: at once, as a key sets it (a quick "4 Enter" may
        # leave the step before any message about it would arrive).
        self.draft.activation_after = value

    def on_breathing_part_safety_due(self) -> None:
        offer_help(self.app, self.draft)  # once a check-in

    # -- keys of this step -----------------------------------------------------------------------

    def action_go_on(self) -> None:
        self.part.choose()

    def action_senses(self) -> None:
        self.part.show_senses()

    def action_next_sense(self) -> None:
        self.draft.senses_steps = self.part.next_sense()

    def action_choose(self) -> None:
        self.part.choose()

    def action_skip(self) -> None:
        breathed = self.part.stop_now()  # a breath in progress is kept as far as it went
        if breathed is not None:
            self.draft.breathing = breathed
        self.dismiss("skip")

    def action_skip_after(self) -> None:
        self.action_skip()

    def action_back(self) -> None:
        if self.part.back():
            return  # Escape first ends the breathing (recorded), or leaves the senses
        if self.mode == CHOOSE and self.kind_steps:
            self._show_kind_step()
        else:
            self.dismiss("back")
