"""The breathing widgets: choosing a pattern, the breath itself, and rating activation after.

BreathingVisual only renders a BreathingSession. Phase changes land on time because a one-shot
timer is armed for each boundary from the session's clock (never by counting ticks); a modest
interval redraws the shape and the countdown in between. Nothing here keeps time of its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from companion.breathing import BreathingSchedule, BreathingSession, Position, length_for
from companion.content import BreathingPattern
from companion.guidance import offers_help
from companion.text import printable

if TYPE_CHECKING:
    from companion.entries import Breathing

SMOOTH_REFRESH = 1 / 10  # seconds between redraws of the shape: smooth, yet light on the CPU
# A timer may fire a hair before its moment; landing just after the boundary shows the new phase.
BOUNDARY_MARGIN = 0.002
MINUTE_STEPS = (0.5, 1, 2, 3, 5, 10, 15, 20, 30)
MAX_ACTIVATION = 10


class BreathShape(Widget):
    """A round shape of block characters: small with empty lungs, filling the space when full."""

    DEFAULT_CSS = """
    BreathShape {
        width: 1fr;
        height: 1fr;
        min-height: 3;
        color: $accent;
    }
    """

    # Not repainted on every change: only when the picture itself changes (see _redraw).
    fullness: reactive[float] = reactive(0.0, repaint=False)

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self._picture: list[str] = []
        self._style: Style | None = None

    def render(self) -> str:
        return "\n".join(self._rows())

    def render_line(self, y: int) -> Strip:
        # The rows are drawn as they are, one plain segment each: cheaper than rendering the
        # picture as text content at every redraw, which was most of the CPU while breathing.
        width = self.size.width
        text = self._picture[y] if y < len(self._picture) else ""
        if self._style is None:
            self._style = self.rich_style
        text = text[:width]
        blank = Segment(" " * (width - len(text)), Style(bgcolor=self._style.bgcolor))
        return Strip([Segment(text, self._style), blank], width)

    def notify_style_update(self) -> None:
        self._style = None
        super().notify_style_update()

    def watch_fullness(self) -> None:
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        rows = self._rows()
        if len(rows) != len(self._picture):
            self._picture = rows
            self.refresh()
            return
        # Only the rows whose picture changed are drawn again.
        pairs = enumerate(zip(rows, self._picture, strict=True))
        changed = [y for y, (new, old) in pairs if new != old]
        self._picture = rows
        if changed:
            self.refresh(Region(0, changed[0], self.size.width, changed[-1] - changed[0] + 1))

    def _rows(self) -> list[str]:
        width, height = self.size.width, self.size.height
        if width < 2 or height < 1:
            return []
        # Terminal cells are about twice as tall as wide: each cell holds two vertical samples
        # (▀ ▄ █), and horizontal distances count half.
        max_radius = min(height / 2, width / 4) - 0.25
        radius = max(0.6, max_radius * (0.2 + 0.8 * self.fullness))
        centre_y, centre_x = height, width / 2
        limit = radius * radius
        # |dx| for each column, with dx = (column + 0.5 - centre_x) / 2 as in the circle's
        # equation; each row compares against it twice (its top and bottom halves).
        across = [((column + 0.5 - centre_x) / 2) ** 2 for column in range(width)]
        rows = []
        for row in range(height):
            top_dy = ((2 * row + 0.5 - centre_y) / 2) ** 2
            bottom_dy = ((2 * row + 1.5 - centre_y) / 2) ** 2
            line = []
            for dx in across:
                top = dx + top_dy <= limit
                bottom = dx + bottom_dy <= limit
                line.append("█" if top and bottom else "▀" if top else "▄" if bottom else " ")
            rows.append("".join(line).rstrip())
        return rows


class OverallProgress(Widget):
    """How much of the whole break has been breathed: one line that fills from the left.

    Textual's ProgressBar brings a second-by-second timer and three widgets for one line;
    this draws the line itself, centred in its width (no container to centre it: one widget
    fewer before the first frame), and repaints only when a half cell more is filled.
    """

    BAR_WIDTH = 32
    COMPONENT_CLASSES = {"overall-progress--rest"}
    DEFAULT_CSS = """
    OverallProgress {
        width: 1fr;
        height: 1;
        color: $accent;
    }
    OverallProgress > .overall-progress--rest {
        color: $foreground 15%;
    }
    """

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.fraction = 0.0
        self._halves = -1  # half cells filled when last drawn

    @property
    def bar_width(self) -> int:
        return min(self.BAR_WIDTH, self.size.width)

    def show(self, fraction: float) -> None:
        self.fraction = min(1.0, max(0.0, fraction))
        halves = round(self.fraction * self.bar_width * 2)
        if halves != self._halves:
            self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        bar = self.bar_width
        halves = round(self.fraction * bar * 2)
        self._halves = halves
        full, half = divmod(halves, 2)
        style = self.rich_style
        rest = self.get_component_rich_style("overall-progress--rest")
        blank = Style(bgcolor=style.bgcolor)
        before = (width - bar) // 2
        segments = [Segment(" " * before, blank), Segment("━" * full, style)]
        if half:
            segments.append(Segment("╸", style))
        if bar - full - half > 0:
            start = "╺" if half == 0 and full else "━"
            segments.append(Segment(start + "━" * (bar - full - half - 1), rest))
        segments.append(Segment(" " * (width - before - bar), blank))
        return Strip(segments, width)


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


class PatternChoice(Widget, can_focus=False):
    """The patterns to choose from, one marked "suggested", and a length to breathe for."""

    DEFAULT_CSS = """
    PatternChoice {
        height: auto;
        layout: vertical;
    }
    PatternChoice OptionList {
        height: auto;
        max-height: 10;
    }
    PatternChoice #length {
        padding: 0 1;
    }
    PatternChoice #about {
        padding: 1 1 0 1;
        color: $text-muted;
    }
    """

    class Chosen(Message):
        """Enter on a pattern (or on the extra choice, with `pattern` None and `key` set)."""

        def __init__(self, pattern: BreathingPattern | None, key: str) -> None:
            super().__init__()
            self.pattern = pattern
            self.key = key

    def __init__(
        self,
        patterns: tuple[BreathingPattern, ...],
        *,
        selected: str | None = None,
        suggested: str | None = None,
        minutes: float = 1.0,
        extra: tuple[str, str, str] | None = None,
        dizzy_note: str = "",
        note_due: Callable[[BreathingPattern], bool] = lambda pattern: pattern.has_long_hold,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.dizzy_note = dizzy_note
        self.note_due = note_due  # the note on feeling dizzy is shown with this pattern
        self.patterns = patterns
        self.selected = selected
        self.suggested = suggested
        self.minutes = minutes
        self.cycles: int | None = None  # set when the person counts in breaths instead
        # Patterns kept to a count of breaths (4-7-8): each one's count, once shown.
        self.breaths: dict[str, int] = {}
        self._capped = False  # the last longer() asked for more than the pattern allows
        self.extra = extra

    def compose(self) -> ComposeResult:
        options = []
        width = max(len(p.label) for p in self.patterns)
        for pattern in self.patterns:
            mark = "  [b $success]suggested[/]" if pattern.name == self.suggested else ""
            label = shown(pattern.label.ljust(width))
            options.append(
                Option(f"{label}  [dim]{shown(pattern.timing_text)}[/dim]{mark}", id=pattern.name)
            )
        if self.extra is not None:
            key, label, _ = self.extra
            options.append(Option(shown(label), id=key))
        yield OptionList(*options)
        yield Static("", id="length")
        yield Static("", id="about")

    def on_mount(self) -> None:
        names = [p.name for p in self.patterns]
        option_list = self.query_one(OptionList)
        wanted = self.selected if self.selected in names else self.suggested
        option_list.highlighted = names.index(wanted) if wanted in names else 0
        self._show_length()

    @property
    def pattern(self) -> BreathingPattern:
        option_list = self.query_one(OptionList)
        index = option_list.highlighted or 0
        return self.patterns[min(index, len(self.patterns) - 1)]

    def focus_list(self) -> None:
        self.query_one(OptionList).focus()

    @property
    def highlighted_key(self) -> str | None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None:
            return None
        return option_list.get_option_at_index(option_list.highlighted).id

    def schedule(self) -> BreathingSchedule:
        pattern = self.pattern
        if _counted_in_breaths(pattern):
            if pattern.name not in self.breaths:
                self.breaths[pattern.name] = length_for(pattern, cycles=self.cycles).cycles
            return BreathingSchedule(pattern, self.breaths[pattern.name])
        if self.cycles is not None:
            return BreathingSchedule(pattern, self.cycles)
        return BreathingSchedule.for_minutes(pattern, self.minutes)

    def longer(self, step: int = 1) -> None:
        """A step longer (or shorter with -1), in minutes or in breaths; a pattern kept short
        stops at its most, and says why."""
        pattern = self.pattern
        if _counted_in_breaths(pattern):
            length = length_for(pattern, cycles=max(1, self.schedule().cycles + step))
            self.breaths[pattern.name] = length.cycles
            self._capped = length.capped
        elif self.cycles is not None:
            self.cycles = min(max(1, self.cycles + step), 200)
        else:
            steps = sorted({*MINUTE_STEPS, self.minutes})
            index = steps.index(self.minutes) + step
            self.minutes = steps[min(max(index, 0), len(steps) - 1)]
        self._show_length()

    def switch_unit(self) -> None:
        """Count the length in breaths instead of minutes, or back."""
        if _counted_in_breaths(self.pattern):
            return  # always counted in breaths
        if self.cycles is None:
            self.cycles = self.schedule().cycles
        else:
            self.minutes = min(MINUTE_STEPS, key=lambda m: abs(m * 60 - self.schedule().total))
            self.cycles = None
        self._show_length()

    def _show_length(self) -> None:
        schedule = self.schedule()
        breaths = f"{schedule.cycles} breath" + ("" if schedule.cycles == 1 else "s")
        if self.cycles is not None or _counted_in_breaths(schedule.pattern):
            text = f"Length: [b]{breaths}[/b] (about {_minutes(schedule.total)})"
        else:
            text = f"Length: [b]{_minutes(self.minutes * 60)}[/b] ({breaths})"
        if self._capped and schedule.pattern.cap_note:
            text += f"\n{shown(schedule.pattern.cap_note)}"
        self._capped = False
        self.query_one("#length", Static).update(text)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if not self.is_mounted:
            return
        self._show_length()
        self.show_about()

    def show_about(self) -> None:
        """What the highlighted pattern is, and the note on feeling dizzy if it is due."""
        if self.extra is not None and self.highlighted_key == self.extra[0]:
            about = shown(self.extra[2])
        else:
            pattern = self.pattern
            about = shown(f"{pattern.about} {pattern.why}".strip())
            if self.dizzy_note and self.note_due(pattern):
                about += f"\n[b]{shown(self.dizzy_note)}[/b]"
        self.query_one("#about", Static).update(about)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        key = event.option.id or ""
        pattern = next((p for p in self.patterns if p.name == key), None)
        self.post_message(self.Chosen(pattern, key))


def _counted_in_breaths(pattern: BreathingPattern) -> bool:
    return pattern.default_cycles is not None or pattern.max_cycles is not None


def shown(text: str) -> str:
    """Text from data files, as text on screen: markup escaped, control characters replaced.

    Every "[" is escaped, not only those that look like tags (rich's escape): Textual's markup
    parser also trips over "[31m" before a real tag, as in an escape sequence someone typed.
    """
    return printable(text).replace("[", "\\[")


def breathed_text(record: Breathing) -> str:
    """One line on what was breathed; stopping early is fine and said so."""
    breaths = f"{record.cycles} breath" + ("" if record.cycles == 1 else "s")
    ending = "You breathed" if record.completed else "Stopped early, and that's fine. You breathed"
    return f"{ending} {record.seconds:g} s ({breaths})."


def high_activation_line(app: App, value: int | None) -> str:
    """Near the top of the scale, where help is (the safety text itself comes from data/)."""
    if not offers_help(value):
        return ""
    return shown(app.content.safety.high_activation) + "  [b]![/b] shows it."  # type: ignore[attr-defined]


def _minutes(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:g} s"
    return f"{seconds / 60:g} min" if seconds % 30 == 0 else f"{seconds / 60:.1f} min"


class ActivationRating(Static):
    """Activation 0 to 10 after grounding: digits set it, + and - move it (so 10 is reachable)."""

    DEFAULT_CSS = """
    ActivationRating {
        padding: 0 1;
        height: auto;
    }
    """

    value: reactive[int | None] = reactive(None)

    class Changed(Message):
        def __init__(self, value: int | None) -> None:
            super().__init__()
            self.value = value

    def set_value(self, value: int | None) -> None:
        if value is not None:
            value = min(max(value, 0), MAX_ACTIVATION)
        self.value = value
        self.post_message(self.Changed(value))

    def nudge(self, step: int) -> None:
        start = self.value if self.value is not None else (0 if step > 0 else MAX_ACTIVATION + 1)
        self.set_value(start + step)

    def watch_value(self, value: int | None) -> None:
        cells = "".join(
            f"[reverse] {n} [/reverse]" if n == value else f" {n} " for n in range(11)
        )
        chosen = "—" if value is None else f"[b]{value}[/b]"
        self.update(f"Now: {chosen}\n{cells}")
