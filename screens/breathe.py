"""The quick breathing break: choose (or not), breathe, and it is saved.

From `companion breathe` the breathing starts at once and the app exits once the break is
saved. From home, choose a pattern and a length first; afterwards, rating activation is
offered (optional) before going back home.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Header, Static

from companion.breathing import BreathingSchedule, BreathingSession, Clock
from companion.content import BreathingPattern
from companion.plain import BreatheRequest
from companion.screens.widgets.breathing import (
    MAX_ACTIVATION,
    ActivationRating,
    BreathingVisual,
    PatternChoice,
    breathed_text,
    high_activation_line,
    shown,
)
from companion.storage import StoreError

if TYPE_CHECKING:
    from companion.entries import Entry

CHOOSE, BREATHING, AFTER = "choose", "breathing", "after"
DIGITS = "0123456789"


class BreatheScreen(Screen[None]):
    CSS_PATH = "breathe.tcss"
    AUTO_FOCUS = ""  # focus follows the part of the break being shown
    BINDINGS = [
        # choosing
        Binding("enter", "start", "Start"),
        Binding("plus,equals_sign,right", "longer(1)", "Length", key_display="+/-"),
        Binding("minus,left", "longer(-1)", "Shorter", show=False),
        Binding("u", "switch_unit", "Min/breaths"),
        # breathing
        Binding("space", "pause", "Pause/resume"),
        Binding("x,enter", "stop", "Stop"),
        # after
        Binding("plus,equals_sign,up,right", "nudge(1)", "Higher", show=False),
        Binding("minus,down,left", "nudge(-1)", "Lower", show=False),
        Binding("enter", "done", "Done"),
        *(Binding(d, f"rate({d})", "Activation", show=d == "0", key_display="0-9 +-")
          for d in DIGITS),
        Binding("exclamation_mark", "find_help", "Find help now", key_display="!"),
        Binding("escape", "back", "Back"),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(
        self,
        request: BreatheRequest | None = None,
        pattern: str | None = None,
        exit_after: bool = False,
        clock: Clock | None = None,
    ) -> None:
        super().__init__()
        self.request = request
        self.wanted_pattern = pattern
        # A request (`companion breathe`) is breathed at once, and the app ends once it is saved.
        self.exit_after = exit_after or request is not None
        self.clock = clock
        self.mode = BREATHING if request is not None else CHOOSE
        self.entry: Entry | None = None
        self.session: BreathingSession | None = None
        self.started_at: datetime | None = None
        self._paused_for_help = False
        self._safety_shown = False

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        if self.request is not None:
            yield from self._compose_asked_for(self.request)
        else:
            yield from self._compose_to_choose()
        yield Footer()

    def _compose_asked_for(self, request: BreatheRequest) -> ComposeResult:
        """`companion breathe`: the breath, composed with the screen, so the first frame already
        shows its first cue; nothing to choose and nothing after (the app exits once the break
        is saved), so none of those parts are built for the first frame."""
        yield Static(self._title(request.pattern), classes="step-title")
        yield self._new_visual(request.schedule)
        # Always there, empty or not, so the break looks as it does when started from home.
        yield Static(shown(request.dizzy_note), id="dizzy", classes="notice-line")

    def _compose_to_choose(self) -> ComposeResult:
        settings = self.app.settings  # type: ignore[attr-defined]
        content = self.app.content  # type: ignore[attr-defined]
        yield Static("A breathing break", classes="step-title")
        with ContentSwitcher(initial=self.mode):
            with Vertical(id=CHOOSE):
                yield Static("Choose a way to breathe. Enter starts.", classes="hint")
                yield PatternChoice(
                    content.patterns,
                    selected=self.wanted_pattern or settings.default_pattern,
                    minutes=settings.default_minutes,
                    long_hold_note=content.safety.dizzy_note,
                )
            yield Vertical(id=BREATHING)
            with Vertical(id=AFTER):
                if not self.exit_after:
                    yield Static("", id="summary")
                    yield Static(shown(content.after_breath), classes="hint")
                    yield ActivationRating()
                    yield Static("Enter when you're ready; the number is optional.",
                                 classes="hint")
                    yield Static("", id="high", classes="notice-line")
        yield Static("", id="dizzy", classes="notice-line")

    def on_mount(self) -> None:
        if self.request is None:
            self.query_one(PatternChoice).focus_list()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        visual = self._visual()
        by_mode = {
            "start": CHOOSE, "longer": CHOOSE, "switch_unit": CHOOSE,
            "pause": BREATHING, "stop": BREATHING,
            "nudge": AFTER, "done": AFTER, "rate": AFTER, "find_help": AFTER,
        }
        if action in by_mode:
            if by_mode[action] != self.mode:
                return False
            if action in ("pause", "stop"):
                # Shown from the start: the footer's first keys are the breathing's.
                return visual is None or visual.running
        return True

    # -- breathing -------------------------------------------------------------------------------

    def _new_visual(self, schedule: BreathingSchedule) -> BreathingVisual:
        """The breath, starting as soon as its first cue is on screen."""
        settings = self.app.settings  # type: ignore[attr-defined]
        session = BreathingSession(schedule, **({"clock": self.clock} if self.clock else {}))
        visual = BreathingVisual(session, reduced_motion=settings.reduced_motion,
                                 bell=settings.bell)
        self.started_at = datetime.now().astimezone()
        self.session = session
        visual.start()
        return visual

    @staticmethod
    def _title(pattern: BreathingPattern) -> str:
        return shown(f"{pattern.label} · {pattern.timing_text}")

    def _dizzy_note(self, pattern: BreathingPattern) -> str:
        if not pattern.has_long_hold:
            return ""
        return shown(self.app.content.safety.dizzy_note)  # type: ignore[attr-defined]

    def _breathe(self, pattern: BreathingPattern, schedule: BreathingSchedule) -> None:
        visual = self._new_visual(schedule)
        self.query_one(f"#{BREATHING}", Vertical).mount(visual)
        self.query_one(".step-title", Static).update(self._title(pattern))
        self._set_mode(BREATHING)
        self.query_one("#dizzy", Static).update(self._dizzy_note(pattern))

    def _visual(self) -> BreathingVisual | None:
        found = self.query(BreathingVisual)
        return found.first() if found else None

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        self.query_one(ContentSwitcher).current = mode
        if mode != BREATHING:
            self.query_one("#dizzy", Static).update("")
        self.set_focus(None)
        self.refresh_bindings()

    def on_breathing_visual_finished(self, event: BreathingVisual.Finished) -> None:
        from companion.entries import Entry

        record = event.record
        self.entry = Entry(
            kind="breathing",
            started_at=self.started_at or datetime.now().astimezone(),
            saved_at=datetime.now().astimezone(),
            breathing=record,
            complete=record.completed,
        )
        if self.exit_after:
            self._save_and_exit(self.entry)
            return
        self.app.save_entry(self.entry, quiet=True)  # type: ignore[attr-defined]
        self.query_one("#summary", Static).update(breathed_text(record))
        self._set_mode(AFTER)

    @work(thread=True, exclusive=True, group="breathe-save")
    def _save_and_exit(self, entry: Entry) -> None:
        # Saved here, synchronously, so the app only exits once the break is on disk.
        try:
            self.app.store.save(entry)  # type: ignore[attr-defined]
        except StoreError:
            # Kept: as the app closes it is tried once more, then put in a recovery file, and
            # that is said in one line with exit code 1.
            self.app.keep(entry)  # type: ignore[attr-defined]
        self.app.call_from_thread(self.app.exit)

    # -- actions ---------------------------------------------------------------------------------

    def on_pattern_choice_chosen(self, event: PatternChoice.Chosen) -> None:
        self.action_start()

    def action_start(self) -> None:
        if self.mode != CHOOSE:
            return
        choice = self.query_one(PatternChoice)
        self._breathe(choice.pattern, choice.schedule())

    def action_longer(self, step: int) -> None:
        self.query_one(PatternChoice).longer(step)

    def action_switch_unit(self) -> None:
        self.query_one(PatternChoice).switch_unit()

    def action_pause(self) -> None:
        visual = self._visual()
        if visual is not None:
            visual.toggle_pause()

    def action_stop(self) -> None:
        visual = self._visual()
        if visual is not None:
            visual.stop()

    def on_activation_rating_changed(self, event: ActivationRating.Changed) -> None:
        self.query_one("#high", Static).update(high_activation_line(self.app, event.value))
        if event.value == MAX_ACTIVATION and not self._safety_shown:
            # At the top of the scale, where to find help comes up by itself, once.
            self._safety_shown = True
            self.app.action_safety()  # type: ignore[attr-defined]

    def action_rate(self, value: int) -> None:
        self.query_one(ActivationRating).set_value(value)

    def action_nudge(self, step: int) -> None:
        self.query_one(ActivationRating).nudge(step)

    def action_done(self) -> None:
        value = self.query_one(ActivationRating).value
        if self.entry is not None and value is not None:
            self.entry = self.entry.with_changes(activation_after=value)
            self.app.save_entry(self.entry, quiet=True)  # type: ignore[attr-defined]
        self.dismiss()

    def action_back(self) -> None:
        if self.mode == BREATHING:
            self.action_stop()  # Escape first ends the breathing; it is saved as it was
        elif self.mode == AFTER:
            self.action_done()
        else:
            self.dismiss()

    def action_find_help(self) -> None:
        self.app.action_safety()  # type: ignore[attr-defined]

    def action_help(self) -> None:
        self.app.action_help("ground")  # type: ignore[attr-defined]

    # -- leaving ---------------------------------------------------------------------------------

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

    def on_unmount(self) -> None:
        # Quitting mid-breath: what was breathed is saved now, before the app goes.
        session = self.session
        if self.entry is None and session is not None and self.started_at is not None:
            from companion.entries import Entry

            session.stop()
            entry = Entry(kind="breathing", started_at=self.started_at,
                          saved_at=datetime.now().astimezone(),
                          breathing=session.record(), complete=False)
            # Saved by the app as it closes, just after this (or kept in a recovery file).
            self.app.keep(entry)  # type: ignore[attr-defined]
