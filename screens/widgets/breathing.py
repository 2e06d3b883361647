"""The breath on screen: its cue, its shape, the seconds left and the whole break's progress.

BreathingVisual only renders a BreathingSession. Phase changes land on time because a one-shot
timer is armed for each boundary from the session's clock (never by counting ticks); a modest
interval redraws the shape and the countdown in between. Nothing here keeps time of its own.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from companion.breathing import BreathingSession, Position
from companion.screens.widgets.breath_shape import BreathShape
from companion.screens.widgets.overall_progress import OverallProgress

if TYPE_CHECKING:
    from companion.entries import Breathing

SMOOTH_REFRESH = 1 / 10  # seconds between redraws of the shape: smooth, yet light on the CPU
# A timer may fire a hair before its moment; landing just after the boundary shows the new phase.
BOUNDARY_MARGIN = 0.002


class CueLine(Static):
    """The cue ("in", "hold", "out"); notes when it is first painted with a breath waiting."""

    def __init__(self, on_paint, **options) -> None:
        super().__init__("", **options)
        self._on_paint = on_paint

    def render_lines(self, crop):
        self._on_paint()
        return super().render_lines(crop)


class BreathingVisual(Widget):
    """Shows a session: the cue, a shape that breathes, seconds left, breath n of N, progress."""

    DEFAULT_CSS = """
    BreathingVisual {
        height: 1fr;
        layout: vertical;
        align-horizontal: center;
    }
    BreathingVisual #cue {
        width: 1fr;
        height: 1;
        text-align: center;
        text-style: bold;
        color: $accent;
    }
    BreathingVisual #left {
        width: 1fr;
        height: 1;
        text-align: center;
    }
    BreathingVisual.reduced BreathShape {
        display: none;
    }
    BreathingVisual.reduced #cue {
        margin: 1 0;
    }
    """

    class PhaseChanged(Message):
        """A new phase has begun (also the first, at the start)."""

        def __init__(self, position: Position) -> None:
            super().__init__()
            self.position = position

    class Finished(Message):
        """The session ended, on time or stopped early; `record` is what was breathed."""

        def __init__(self, record: Breathing) -> None:
            super().__init__()
            self.record = record

    def __init__(
        self,
        session: BreathingSession,
        *,
        reduced_motion: bool = False,
        bell: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="reduced" if reduced_motion else "")
        self.session = session
        self.reduced_motion = reduced_motion
        self.bell = bell
        self._boundary: Timer | None = None
        self._redraw: Timer | None = None
        self._phase_key: tuple[int, int] | None = None
        self._done = False
        self._start_pending = False
        self._first_cue_painted: float | None = None

    def compose(self) -> ComposeResult:
        yield CueLine(self._cue_painted, id="cue")
        yield BreathShape()
        yield Static("", id="left")
        yield OverallProgress()  # centred by the visual's align-horizontal

    # -- calls from the screen -------------------------------------------------------------------

    def start(self) -> None:
        """Begin the breath as its first cue reaches the screen: t=0 is when "in" can be seen.

        The first cue is drawn with the widget (or at once, if it is already on screen) and
        the session starts right after the frame that shows it. Starting the session before
        the widget was drawn made the first cue arrive 65-90 ms late.
        """
        if self.session.started or self._start_pending:
            return
        self._start_pending = True
        if self.is_mounted:
            self._show_first_cue()

    def _show_first_cue(self) -> None:
        self._first_cue_painted = None
        self._draw(self.session.schedule.at(0.0))
        self.call_after_refresh(self._begin)

    def _cue_painted(self) -> None:
        # The frame with the first cue is being drawn: that is when the breath begins, and
        # it begins as soon as that frame is out. (Waiting for the callback after the refresh
        # could take one more frame, ~17 ms, with "in" already on screen.)
        if self._start_pending and self._first_cue_painted is None:
            self._first_cue_painted = self.session.now()
            self.call_next(self._begin)

    def _begin(self) -> None:
        if self.session.started or not self._start_pending:
            return
        self._start_pending = False
        self.session.start(at=self._first_cue_painted)
        self._arm()
        self.sync()

    def toggle_pause(self) -> None:
        if not self.running:
            return
        self._begin()  # a key pressed as the first cue appears: the breath has begun
        self.session.toggle_pause()
        self._arm()
        self.sync()

    def pause(self) -> None:
        if self.running and not self.session.paused:
            self.toggle_pause()

    def resume(self) -> None:
        if self.running and self.session.paused:
            self.toggle_pause()

    def stop(self) -> None:
        """Stop early; what was breathed so far is reported with Finished."""
        if not self.running:
            return
        self._begin()
        self.session.stop()
        self.sync()

    @property
    def running(self) -> bool:
        """Started, or starting with the next frame (so pause and stop apply at once)."""
        return (self.session.started or self._start_pending) and not self._done

    @property
    def starting(self) -> bool:
        """Started, but waiting for the frame that shows the first cue."""
        return self._start_pending

    @property
    def paused(self) -> bool:
        return self.session.paused

    def sync(self) -> None:
        """Read the session now: redraw, and report a new phase or the end."""
        session = self.session
        position = session.position()
        ended = session.stopped or position.finished
        key = (position.cycle, position.phase_index)
        if session.started and not ended and key != self._phase_key:
            if self._phase_key is not None and self.bell:
                self.app.bell()
            self._phase_key = key
            self.post_message(self.PhaseChanged(position))
        self._draw(position)
        if session.started and ended and not self._done:
            self._done = True
            self._disarm()
            if self.bell and position.finished:
                self.app.bell()
            self.post_message(self.Finished(session.record()))

    # -- timing ----------------------------------------------------------------------------------

    def _arm(self) -> None:
        """One timer for the next boundary, and the redraw between boundaries, from the clock."""
        self._disarm()
        wait = self.session.seconds_to_next_change()
        if wait is None:
            return
        self._boundary = self.set_timer(wait + BOUNDARY_MARGIN, self._on_boundary)
        if self.reduced_motion:
            self._arm_next_second()
        else:
            self._redraw = self.set_interval(SMOOTH_REFRESH, self.sync)

    def _arm_next_second(self) -> None:
        # Reduced motion redraws only when the countdown's whole second changes.
        remaining = self.session.position().phase_remaining
        wait = remaining - math.floor(remaining) or 1.0
        self._redraw = self.set_timer(wait + BOUNDARY_MARGIN, self._on_second)

    def _on_second(self) -> None:
        self.sync()
        if not self._done and not self.session.paused:
            self._arm_next_second()

    def _on_boundary(self) -> None:
        self.sync()
        if not self._done:
            self._arm()

    def _disarm(self) -> None:
        for timer in (self._boundary, self._redraw):
            if timer is not None:
                timer.stop()
        self._boundary = self._redraw = None

    def on_mount(self) -> None:
        if self._start_pending:
            self._show_first_cue()  # in the frame that shows this widget
        else:
            self.sync()

    def on_unmount(self) -> None:
        self._disarm()

    # -- drawing ---------------------------------------------------------------------------------

    def _draw(self, position: Position) -> None:
        if not self.children:  # not composed yet
            return
        session = self.session
        started = session.started or self._start_pending
        if not started:
            cue = "ready"
        elif session.stopped or position.finished:
            cue = "done"
        else:
            cue = position.phase.cue
        if session.paused:
            cue = f"{cue} · paused"
        self._show("#cue", cue)
        if not self.reduced_motion:
            self.query_one(BreathShape).fullness = position.fullness
        cycles = session.schedule.cycles
        breath = min(position.cycle + 1, cycles)
        if started and not (session.stopped or position.finished):
            left = f"{math.ceil(position.phase_remaining - 1e-9)} s  ·  breath {breath} of {cycles}"
        else:
            left = f"breath {position.cycles_completed} of {cycles}"
        self._show("#left", left)
        total = self.session.schedule.total
        self.query_one(OverallProgress).show(position.elapsed / total if total else 1.0)

    def _show(self, selector: str, text: str) -> None:
        # The lines are one row high whatever they say, so a new text needs a repaint of that
        # line only, not a layout of the whole screen (which made the frame late by 5-15 ms at
        # each phase change, and cost CPU at every redraw); an unchanged text needs nothing.
        line = self.query_one(selector, Static)
        if line.content != text:
            line.update(text, layout=False)


def breathed_text(record: Breathing) -> str:
    """One line on what was breathed; stopping early is fine and said so."""
    breaths = f"{record.cycles} breath" + ("" if record.cycles == 1 else "s")
    ending = "You breathed" if record.completed else "Stopped early, and that's fine. You breathed"
    return f"{ending} {record.seconds:g} s ({breaths})."
