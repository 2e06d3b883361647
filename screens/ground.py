"""The check-in's Ground step: breathe (or the 5-4-3-2-1 senses), then rate activation again.

When a body's need was ticked (thirsty, hungry, tired...), a kind step for it is offered first
(some water, something to eat): marked when done, or passed by. The screen fills in its part of
the draft (kind_steps, breathing, senses_steps, activation_after) as it goes, so leaving at any
moment keeps what was done. It answers the flow with dismiss("next"), "skip" or "back".
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Header, Static

from companion.breathing import BreathingSchedule, BreathingSession, Clock, combined
from companion.checkin import CheckInDraft
from companion.content import BreathingPattern, Choice
from companion.guidance import kind_steps_for, offers_help, suggested_pattern
from companion.screens.help import offer_help
from companion.screens.widgets.breathing import (
    ActivationRating,
    BreathingVisual,
    PatternChoice,
    breathed_text,
    high_activation_line,
    shown,
)
from companion.screens.widgets.choices import ChoiceGrid

KIND, CHOOSE, BREATHING, SENSES, AFTER = "kind", "choose", "breathing", "senses", "after"
SENSES_CHOICE = "senses"
SENSES_ABOUT = "No breathing: notice what you can see, feel, hear, smell and taste, one at a time."
DIGITS = "0123456789"


class GroundScreen(Screen[str]):
    AUTO_FOCUS = ""  # focus follows the part of the step being shown
    BINDINGS = [
        # a kind step first (the grid binds space)
        Binding("enter", "go_on", "Go on to breathing"),
        # choosing
        Binding("enter", "start", "Breathe"),
        Binding("plus,equals_sign,right", "longer(1)", "Length", key_display="+/-"),
        Binding("minus,left", "longer(-1)", "Shorter", show=False),
        Binding("u", "switch_unit", "Min/breaths"),
        Binding("5", "senses", "Senses"),
        # breathing
        Binding("space", "pause", "Pause/resume"),
        Binding("x,enter", "stop", "Stop"),
        # senses
        Binding("enter", "next_sense", "Next"),
        # after
        *(Binding(d, f"rate({d})", "Activation", show=d == "0", key_display="0-9 +-")
          for d in DIGITS),
        Binding("plus,equals_sign,up,right", "nudge(1)", "Higher", show=False),
        Binding("minus,down,left", "nudge(-1)", "Lower", show=False),
        Binding("enter", "next", "Continue"),
        Binding("b", "choose", "Breathe again"),
        # always
        Binding("s", "skip", "Skip"),
        Binding("exclamation_mark", "find_help", "Find help now", key_display="!"),
        Binding("escape", "back", "Back"),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(self, draft: CheckInDraft, clock: Clock | None = None) -> None:
        super().__init__()
        self.draft = draft
        self.clock = clock
        self.kind_steps: tuple[Choice, ...] = ()  # read with the content, in compose
        # Coming back to this step after grounding shows what was done, ready to go on.
        self.mode = AFTER if draft.breathing or draft.senses_steps else CHOOSE
        self.session: BreathingSession | None = None
        self.sense_index = 0
        self._earlier_breathing = draft.breathing
        self._paused_for_help = False

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        app = self.app
        content = app.content  # type: ignore[attr-defined]
        settings = app.settings  # type: ignore[attr-defined]
        suggested = suggested_pattern(content.patterns, state=self.draft.state,
                                      activation=self.draft.activation_before,
                                      default=settings.default_pattern)
        self.kind_steps = kind_steps_for(self.draft.needs, content.kind_steps)
        if self.kind_steps and self.mode == CHOOSE:
            self.mode = KIND
        yield Header()
        yield Static("Ground", classes="step-title", id="title")
        with ContentSwitcher(initial=self.mode):
            with Vertical(id=KIND):
                yield Static("A kind step first?", classes="part")
                yield Static("\n".join(shown(step.hint) for step in self.kind_steps),
                             id="kind-hints")
                yield Static("This will wait for you. Space marks what you've done; Enter goes on "
                             "to breathing, s straight on to naming the feeling.", classes="hint")
                if self.kind_steps:
                    yield ChoiceGrid(self.kind_steps, picked=self.draft.kind_steps, id="kind-steps")
            with Vertical(id=CHOOSE):
                yield Static("Choose a way to breathe, or the senses instead. Enter starts.",
                             classes="hint")
                yield PatternChoice(
                    content.patterns,
                    selected=self.draft.breathing.pattern if self.draft.breathing else None,
                    suggested=suggested.name,
                    minutes=settings.default_minutes,
                    extra=(SENSES_CHOICE, "5-4-3-2-1 senses", SENSES_ABOUT),
                    dizzy_note=content.safety.dizzy_note,
                    note_due=app.first_breaths.note_due,  # type: ignore[attr-defined]
                )
            yield Vertical(id=BREATHING)
            with Vertical(id=SENSES):
                yield Static("", id="sense-count")
                yield Static("", id="sense-prompt")
                yield Static("Take your time. Enter for the next one.", classes="hint")
            with Vertical(id=AFTER):
                yield Static("", id="summary")
                yield Static(shown(content.after_breath), classes="hint")
                yield ActivationRating()
                yield Static("Enter continues; the number is optional.", classes="hint")
                yield Static("", id="high", classes="notice-line")
        yield Static("", id="dizzy", classes="notice-line")
        yield Footer()

    def on_mount(self) -> None:
        if self.mode == AFTER:
            self._show_after()
        else:
            self._set_mode(self.mode)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        by_mode = {
            "go_on": KIND,
            "start": CHOOSE, "longer": CHOOSE, "switch_unit": CHOOSE, "senses": CHOOSE,
            "pause": BREATHING, "stop": BREATHING,
            "next_sense": SENSES,
            "rate": AFTER, "find_help": AFTER, "nudge": AFTER, "next": AFTER, "choose": AFTER,
        }
        return by_mode.get(action, self.mode) == self.mode

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        self.query_one(ContentSwitcher).current = mode
        if mode != BREATHING:
            self.query_one("#dizzy", Static).update("")
            self.query_one("#title", Static).update("Ground")
        if mode == CHOOSE:
            self.query_one(PatternChoice).focus_list()
            self.query_one(PatternChoice).show_about()  # the note may be due no more
        elif mode == KIND:
            self.query_one("#kind-steps", ChoiceGrid).focus()
        else:
            self.set_focus(None)
        self.refresh_bindings()

    # -- a kind step first -----------------------------------------------------------------------

    def on_choice_grid_changed(self, event: ChoiceGrid.Changed) -> None:
        self.draft.kind_steps = list(event.picked)

    def action_go_on(self) -> None:
        self._set_mode(CHOOSE)

    # -- choosing --------------------------------------------------------------------------------

    def on_pattern_choice_chosen(self, event: PatternChoice.Chosen) -> None:
        if event.pattern is None:
            self.action_senses()
        else:
            self.action_start()

    def action_start(self) -> None:
        choice = self.query_one(PatternChoice)
        if choice.highlighted_key == SENSES_CHOICE:
            self.action_senses()
            return
        self._breathe(choice.pattern, choice.schedule())

    def action_longer(self, step: int) -> None:
        self.query_one(PatternChoice).longer(step)

    def action_switch_unit(self) -> None:
        self.query_one(PatternChoice).switch_unit()

    # -- breathing -------------------------------------------------------------------------------

    def _breathe(self, pattern: BreathingPattern, schedule: BreathingSchedule) -> None:
        settings = self.app.settings  # type: ignore[attr-defined]
        for old in self.query(BreathingVisual):
            old.remove()
        session = BreathingSession(schedule, **({"clock": self.clock} if self.clock else {}))
        self.session = session
        self._earlier_breathing = self.draft.breathing
        visual = BreathingVisual(session, reduced_motion=settings.reduced_motion,
                                 bell=settings.bell)
        self.query_one(f"#{BREATHING}", Vertical).mount(visual)
        self._set_mode(BREATHING)
        self.query_one("#title", Static).update(
            shown(f"Ground · {pattern.label} · {pattern.timing_text}")
        )
        first_breaths = self.app.first_breaths  # type: ignore[attr-defined]
        if first_breaths.note_due(pattern):
            note = self.app.content.safety.dizzy_note  # type: ignore[attr-defined]
            self.query_one("#dizzy", Static).update(shown(note))
        first_breaths.breathed(pattern)
        visual.start()

    def _visual(self) -> BreathingVisual | None:
        found = self.query(BreathingVisual)
        return found.first() if found else None

    def on_breathing_visual_phase_changed(self, event: BreathingVisual.PhaseChanged) -> None:
        # Kept current as the breath goes, so quitting mid-breath keeps what was breathed.
        if self.session is not None:
            self._record(self.session)

    def on_breathing_visual_finished(self, event: BreathingVisual.Finished) -> None:
        if self.session is not None:
            self._record(self.session)
        self._show_after()

    def _record(self, session: BreathingSession) -> None:
        self.draft.breathing = combined(self._earlier_breathing, session.record())

    def action_pause(self) -> None:
        visual = self._visual()
        if visual is not None:
            visual.toggle_pause()

    def action_stop(self) -> None:
        visual = self._visual()
        if visual is not None:
            visual.stop()

    # -- the senses ------------------------------------------------------------------------------

    def action_senses(self) -> None:
        self.sense_index = 0
        self._set_mode(SENSES)
        self.query_one("#title", Static).update("Ground · 5-4-3-2-1 senses")
        self._show_sense()

    def _show_sense(self) -> None:
        senses = self.app.content.senses  # type: ignore[attr-defined]
        step = senses[self.sense_index]
        self.query_one("#sense-count", Static).update(f"[b]{step.count}[/b]  {shown(step.sense)}")
        self.query_one("#sense-prompt", Static).update(shown(step.prompt))

    def action_next_sense(self) -> None:
        senses = self.app.content.senses  # type: ignore[attr-defined]
        self.sense_index += 1
        self.draft.senses_steps = max(self.draft.senses_steps, self.sense_index)
        if self.sense_index >= len(senses):
            self._show_after()
        else:
            self._show_sense()

    # -- after -----------------------------------------------------------------------------------

    def _show_after(self) -> None:
        lines = []
        if self.draft.breathing is not None:
            lines.append(breathed_text(self.draft.breathing))
        if self.draft.senses_steps:
            total = len(self.app.content.senses)  # type: ignore[attr-defined]
            lines.append(f"You went through {self.draft.senses_steps} of {total} senses.")
        self.query_one("#summary", Static).update("\n".join(lines))
        self.query_one(ActivationRating).set_value(self.draft.activation_after)
        self._set_mode(AFTER)

    def on_activation_rating_changed(self, event: ActivationRating.Changed) -> None:
        self.draft.activation_after = event.value
        self.query_one("#high", Static).update(high_activation_line(self.app, event.value))
        if offers_help(event.value):
            offer_help(self.app, self.draft)  # once a check-in

    def action_rate(self, value: int) -> None:
        rating = self.query_one(ActivationRating)
        rating.set_value(value)
        # Kept at once, not when Changed arrives: a quick "4 Enter" would leave before it does.
        self.draft.activation_after = rating.value

    def action_nudge(self, step: int) -> None:
        rating = self.query_one(ActivationRating)
        rating.nudge(step)
        self.draft.activation_after = rating.value

    def action_choose(self) -> None:
        self._set_mode(CHOOSE)

    # -- leaving ---------------------------------------------------------------------------------

    def action_next(self) -> None:
        self.dismiss("next")

    def action_skip(self) -> None:
        session = self.session
        if session is not None and session.started and not session.stopped:
            session.stop()  # a breath in progress is kept as far as it went
            self._record(session)
        self.dismiss("skip")

    def action_back(self) -> None:
        if self.mode == BREATHING:
            self.action_stop()  # Escape first ends the breathing (recorded), then goes back
        elif self.mode == SENSES and self.draft.senses_steps:
            self._show_after()
        elif self.mode == SENSES:
            self._set_mode(CHOOSE)
        elif self.mode == CHOOSE and self.kind_steps:
            self._set_mode(KIND)
        else:
            self.dismiss("back")

    def action_find_help(self) -> None:
        self.app.action_safety()  # type: ignore[attr-defined]

    def action_help(self) -> None:
        self.app.action_help("ground")  # type: ignore[attr-defined]

    def on_screen_suspend(self) -> None:
        # Help opened over the breathing: the breath waits rather than running on unseen.
        visual = self._visual()
        if visual is not None and visual.running and not visual.paused:
            visual.pause()
            self._paused_for_help = True

    def on_screen_resume(self) -> None:
        visual = self._visual()
        if self._paused_for_help and visual is not None:
            visual.resume()
        self._paused_for_help = False
