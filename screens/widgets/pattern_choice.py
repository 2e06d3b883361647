"""Choosing a way to breathe: the patterns, one marked "suggested", and how long to breathe."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from companion.breathing import BreathingSchedule, length_for
from companion.content import BreathingPattern
from companion.text import shown

MINUTE_STEPS = (0.5, 1, 2, 3, 5, 10, 15, 20, 30)


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


def _minutes(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:g} s"
    return f"{seconds / 60:g} min" if seconds % 30 == 0 else f"{seconds / 60:.1f} min"
