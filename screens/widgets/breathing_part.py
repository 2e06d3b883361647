"""The breathing part of a screen: choose a way to breathe (or the senses), breathe, rate after.

One part serves the quick break (`companion breathe`, or b from home) and the check-in's Ground
step. It owns everything from its title to its notes: the choice of a pattern and a length, the
breath on screen and its pauses (also while another screen covers it), the 5-4-3-2-1 senses
where they are offered, what was breathed and the rating after, the note on feeling dizzy,
4-7-8's cap, and where help is near the top of the scale.

Attributes down, messages up. The screen holding the part owns the activation (its reactive is
bound to the part's, and on to the rating) and keeps the keys, so each footer lists them in its
own order; screens/breathing_keys.py turns them into calls on the part. The part tells its
screen what happened: Progress and Finished as a breath goes, SafetyDue near the top of the
scale. What comes after a breath, the rating or the app's exit, is the screen's to decide
(show_after).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Static

from companion.breathing import BreathingSchedule, BreathingSession, Clock, combined
from companion.content import BreathingPattern
from companion.guidance import offers_help
from companion.screens.widgets.activation_rating import ActivationRating, high_activation_line
from companion.screens.widgets.breathing import BreathingVisual, breathed_text
from companion.screens.widgets.pattern_choice import PatternChoice
from companion.text import shown

if TYPE_CHECKING:
    from companion.entries import Breathing
    from companion.plain import BreatheRequest

CHOOSE, BREATHING, SENSES, AFTER = "choose", "breathing", "senses", "after"
SENSES_CHOICE = "senses"
SENSES_LABEL = "5-4-3-2-1 senses"
SENSES_ABOUT = "No breathing: notice what you can see, feel, hear, smell and taste, one at a time."
# The part's keys (bound by the screen holding it: see screens/breathing_keys.py), and the
# part of the break each belongs to.
KEYS_BY_MODE = {
    "start": CHOOSE, "longer": CHOOSE, "switch_unit": CHOOSE, "senses": CHOOSE,
    "pause": BREATHING, "stop": BREATHING,
    "next_sense": SENSES,
    "rate": AFTER, "nudge": AFTER,
}


class BreathingPart(Widget):
    """Choosing, breathing (or the senses), and after: one at a time, between a title and notes.

    `request` breathes at once, with nothing to choose (`companion breathe`). `step` names the
    check-in step the part belongs to: it heads the part, and the titles within it. A screen may
    compose parts of its own inside it (`with BreathingPart(...):`, each with an id): they take
    the place of the breathing, and the first is shown before the choosing (the Ground step's
    kind step), unless something was done already.
    """

    DEFAULT_CSS = """
    BreathingPart {
        width: 1fr;
        height: 1fr;
    }
    BreathingPart ContentSwitcher {
        height: 1fr;
    }
    BreathingPart #choose, BreathingPart #breathing, BreathingPart #senses,
    BreathingPart #after {
        height: 1fr;
    }
    BreathingPart #senses {
        align: center middle;
    }
    BreathingPart #sense-count {
        width: 1fr;
        text-align: center;
        color: $accent;
        margin-bottom: 1;
    }
    BreathingPart #sense-prompt {
        width: 1fr;
        text-align: center;
        text-style: bold;
        margin-bottom: 2;
    }
    BreathingPart #senses .hint {
        width: 1fr;
        text-align: center;
    }
    BreathingPart #summary {
        padding: 1 1 0 1;
    }
    BreathingPart ActivationRating {
        margin: 1 0;
    }
    BreathingPart #dizzy {
        height: auto;
    }
    """

    # Bound from the screen, which owns it; shown by the rating, and said when it is high.
    activation: reactive[int | None] = reactive(None)

    class Progress(Message):
        """A new phase has begun: `record` is all the part has breathed so far."""

        def __init__(self, record: Breathing) -> None:
            super().__init__()
            self.record = record

    class Finished(Progress):
        """A breath ended, on time or stopped early: `record` is all the part has breathed."""

    class SafetyDue(Message):
        """Activation came near the top of the scale: where to find help is due (once a part)."""

    def __init__(
        self,
        *,
        request: BreatheRequest | None = None,
        step: str | None = None,
        selected: str | None = None,
        suggested: str | None = None,
        senses: bool = False,
        breathed: Breathing | None = None,
        senses_steps: int = 0,
        clock: Clock | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.request = request
        self.step = step
        self.selected = selected
        self.suggested = suggested
        self.senses = senses  # the senses offered instead of breathing
        self.clock = clock
        # What was breathed and how many senses were gone through, here or before (coming back).
        self.breathed = breathed
        self.senses_steps = senses_steps
        self.sense_index = 0
        self.session: BreathingSession | None = None
        self.started_at: datetime | None = None
        self._before_this_breath = breathed
        self._paused_while_covered = False
        self._safety_said = False
        self._screens_own: list[Widget] = []
        if request is not None:
            self.mode = BREATHING
        else:
            self.mode = AFTER if breathed or senses_steps else CHOOSE

    # -- layout ----------------------------------------------------------------------------------

    def compose_add_child(self, widget: Widget) -> None:
        # A part of the screen's own (see the class): composed into the switcher, not above it.
        self._screens_own.append(widget)

    def compose(self) -> ComposeResult:
        if self.request is not None:
            yield from self._compose_asked_for(self.request)
            return
        app = self.app
        content = app.content  # type: ignore[attr-defined]
        settings = app.settings  # type: ignore[attr-defined]
        if self._screens_own and self.mode == CHOOSE:
            self.mode = self._screens_own[0].id or CHOOSE
        yield Static(shown(self.step or "A breathing break"), id="title", classes="step-title")
        with ContentSwitcher(initial=self.mode):
            yield from self._screens_own
            with Vertical(id=CHOOSE):
                instead = ", or the senses instead" if self.senses else ""
                yield Static(f"Choose a way to breathe{instead}. Enter starts.", classes="hint")
                yield PatternChoice(
                    content.patterns,
                    selected=self.selected,
                    suggested=self.suggested,
                    minutes=settings.default_minutes,
                    extra=(SENSES_CHOICE, SENSES_LABEL, SENSES_ABOUT) if self.senses else None,
                    dizzy_note=content.safety.dizzy_note,
                    note_due=app.first_breaths.note_due,  # type: ignore[attr-defined]
                )
            yield Vertical(id=BREATHING)
            if self.senses:
                with Vertical(id=SENSES):
                    yield Static("", id="sense-count")
                    yield Static("", id="sense-prompt")
                    yield Static("Take your time. Enter for the next one.", classes="hint")
            with Vertical(id=AFTER):
                yield Static("", id="summary")
                yield Static(shown(content.after_breath), classes="hint")
                yield ActivationRating().data_bind(value=BreathingPart.activation)
                # In a check-in, Enter goes on to the next step; a break ends with it.
                enter = "Enter continues" if self.step else "Enter when you're ready"
                yield Static(f"{enter}; the number is optional.", classes="hint")
                yield Static("", id="high", classes="notice-line")
        yield Static("", id="dizzy", classes="notice-line")

    def _compose_asked_for(self, request: BreatheRequest) -> ComposeResult:
        """`companion breathe`: the breath, composed with the screen, so the first frame already
        shows its first cue; nothing to choose and nothing after (the app exits once the break
        is saved), so none of those parts are built for the first frame."""
        yield Static(self._title(request.pattern), id="title", classes="step-title")
        yield self._new_visual(request.schedule)
        self.app.first_breaths.breathed(request.pattern)  # type: ignore[attr-defined]
        notes = [note for note in (request.cap_note, request.dizzy_note) if note]
        # Always there, empty or not, so the break looks as it does when started from home.
        yield Static("\n".join(map(shown, notes)), id="dizzy", classes="notice-line")

    def on_mount(self) -> None:
        if self.request is None:
            if self.mode == AFTER:
                self.show_after()
            else:
                self.show(self.mode)

    def _title(self, pattern: BreathingPattern | None) -> str:
        what = f"{pattern.label} · {pattern.timing_text}" if pattern else SENSES_LABEL
        return shown(f"{self.step} · {what}" if self.step else what)

    def show(self, mode: str) -> None:
        """Show one part: choosing, breathing, the senses, after, or one of the screen's own
        (the screen then gives it the focus it needs)."""
        self.mode = mode
        self.query_one(ContentSwitcher).current = mode
        if mode != BREATHING:
            self.query_one("#dizzy", Static).update("")
            if self.step:
                self.query_one("#title", Static).update(shown(self.step))
        if mode == CHOOSE:
            choice = self.query_one(PatternChoice)
            choice.focus_list()
            choice.show_about()  # the note on feeling dizzy may be due no more
        else:
            self.screen.set_focus(None)
        self.refresh_bindings()

    def allows(self, action: str) -> bool:
        """Whether a key of the part applies now (for the screen's check_action); any other
        key is the screen's own to judge."""
        mode = KEYS_BY_MODE.get(action)
        if mode is None:
            return True
        if mode != self.mode:
            return False
        if mode == BREATHING:
            # Shown from the start (the footer's first keys are the breathing's), gone once over.
            visual = self._visual()
            return visual is None or visual.running
        return True

    # -- choosing --------------------------------------------------------------------------------

    def choose(self) -> None:
        """Back to choosing a way to breathe (to breathe again, say)."""
        self.show(CHOOSE)

    def on_pattern_choice_chosen(self, event: PatternChoice.Chosen) -> None:
        event.stop()
        self.start()

    def start(self) -> None:
        """Breathe the highlighted pattern for the length shown, or begin the senses."""
        if self.mode != CHOOSE:
            return
        choice = self.query_one(PatternChoice)
        if choice.highlighted_key == SENSES_CHOICE:
            self.show_senses()
        else:
            self._breathe(choice.pattern, choice.schedule())

    def longer(self, step: int) -> None:
        self.query_one(PatternChoice).longer(step)

    def switch_unit(self) -> None:
        self.query_one(PatternChoice).switch_unit()

    # -- breathing -------------------------------------------------------------------------------

    def _new_visual(self, schedule: BreathingSchedule) -> BreathingVisual:
        """The breath, starting as soon as its first cue is on screen."""
        settings = self.app.settings  # type: ignore[attr-defined]
        session = BreathingSession(schedule, **({"clock": self.clock} if self.clock else {}))
        visual = BreathingVisual(session, reduced_motion=settings.reduced_motion,
                                 bell=settings.bell)
        self.session = session
        self.started_at = datetime.now().astimezone()
        self._before_this_breath = self.breathed
        visual.start()
        return visual

    def _breathe(self, pattern: BreathingPattern, schedule: BreathingSchedule) -> None:
        for old in self.query(BreathingVisual):
            old.remove()
        self.query_one(f"#{BREATHING}", Vertical).mount(self._new_visual(schedule))
        self.show(BREATHING)
        self.query_one("#title", Static).update(self._title(pattern))
        # Before a pattern's first breath in this session, and before every long hold.
        first_breaths = self.app.first_breaths  # type: ignore[attr-defined]
        due = first_breaths.note_due(pattern)
        first_breaths.breathed(pattern)
        note = self.app.content.safety.dizzy_note if due else ""  # type: ignore[attr-defined]
        self.query_one("#dizzy", Static).update(shown(note))

    def _visual(self) -> BreathingVisual | None:
        found = self.query(BreathingVisual)
        return found.first() if found else None

    def _keep(self, session: BreathingSession) -> Breathing:
        """All breathed here so far: this breath added to those before it."""
        self.breathed = combined(self._before_this_breath, session.record())
        return self.breathed

    def on_breathing_visual_phase_changed(self, event: BreathingVisual.PhaseChanged) -> None:
        event.stop()
        if self.session is not None:
            self.post_message(self.Progress(self._keep(self.session)))

    def on_breathing_visual_finished(self, event: BreathingVisual.Finished) -> None:
        event.stop()
        if self.session is not None:
            self.post_message(self.Finished(self._keep(self.session)))

    def toggle_pause(self) -> None:
        visual = self._visual()
        if visual is not None:
            visual.toggle_pause()

    def stop(self) -> None:
        """End the breath early; Finished follows with what was breathed."""
        visual = self._visual()
        if visual is not None:
            visual.stop()

    def stop_now(self) -> Breathing | None:
        """End a breath in progress at once, for a screen being left (its Finished would come
        too late): all the part breathed, or None when no breath was in progress."""
        session = self.session
        if session is None or not session.started or session.stopped:
            return None
        session.stop()
        return self._keep(session)

    def cover(self) -> None:
        """Another screen (help, say) is over the part: the breath waits rather than running
        on unseen."""
        visual = self._visual()
        if visual is not None and visual.running and not visual.paused:
            visual.pause()
            self._paused_while_covered = True

    def uncover(self) -> None:
        visual = self._visual()
        if self._paused_while_covered and visual is not None:
            visual.resume()
        self._paused_while_covered = False

    # -- the senses ------------------------------------------------------------------------------

    def show_senses(self) -> None:
        self.sense_index = 0
        self.show(SENSES)
        self.query_one("#title", Static).update(self._title(None))
        self._show_sense()

    def _show_sense(self) -> None:
        step = self.app.content.senses[self.sense_index]  # type: ignore[attr-defined]
        self.query_one("#sense-count", Static).update(f"[b]{step.count}[/b]  {shown(step.sense)}")
        self.query_one("#sense-prompt", Static).update(shown(step.prompt))

    def next_sense(self) -> int:
        """On to the next sense, or after the last to the rating: how many were gone through."""
        self.sense_index += 1
        self.senses_steps = max(self.senses_steps, self.sense_index)
        if self.sense_index >= len(self.app.content.senses):  # type: ignore[attr-defined]
            self.show_after()
        else:
            self._show_sense()
        return self.senses_steps

    # -- after -----------------------------------------------------------------------------------

    def show_after(self) -> None:
        """What was breathed (and how many senses), and the rating, which is optional."""
        lines = []
        if self.breathed is not None:
            lines.append(breathed_text(self.breathed))
        if self.senses_steps:
            total = len(self.app.content.senses)  # type: ignore[attr-defined]
            lines.append(f"You went through {self.senses_steps} of {total} senses.")
        self.query_one("#summary", Static).update("\n".join(lines))
        self.show(AFTER)

    def watch_activation(self, value: int | None) -> None:
        if self.request is not None:
            return  # nothing is rated after a break from the command line
        self.query_one("#high", Static).update(high_activation_line(self.app, value))
        if offers_help(value) and not self._safety_said:
            self._safety_said = True
            self.post_message(self.SafetyDue())

    # -- leaving ---------------------------------------------------------------------------------

    def back(self) -> bool:
        """Escape within the part: a breath ends (and is kept), the senses go back to what came
        before them. False when there is nothing to go back to here: the screen's turn."""
        if self.mode == BREATHING:
            self.stop()
            return True
        if self.mode == SENSES:
            if self.senses_steps:
                self.show_after()
            else:
                self.show(CHOOSE)
            return True
        return False
