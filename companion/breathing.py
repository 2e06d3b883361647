"""The breathing schedule: where in a pattern a person is at any moment.

Every answer is computed from the time since the start (pauses excluded), never from a count of
ticks, so a ten-minute session ends on time however often or late the display refreshes.
"""

from __future__ import annotations

import bisect
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from companion.content import BreathingPattern, Phase
from companion.vocabulary import MAX_CYCLES

if TYPE_CHECKING:
    from companion.entries import Breathing

Clock = Callable[[], float]

# How full the lungs are at the end of each kind of phase, for the visual. A top-up inhale
# follows an in-breath that stops short, so the first in-breath fills to TOP_UP_FROM only.
TOP_UP_FROM = 0.75


@dataclass(frozen=True, slots=True)
class Position:
    """A moment in a session."""

    phase: Phase
    phase_index: int
    cycle: int  # 0-based number of the cycle in progress
    cycles_completed: int
    elapsed: float
    phase_elapsed: float
    phase_remaining: float
    total: float
    fullness: float  # 0 = empty lungs, 1 = full: the visual's size
    finished: bool

    @property
    def progress(self) -> float:
        return min(1.0, self.elapsed / self.total) if self.total else 1.0

    @property
    def remaining(self) -> float:
        return max(0.0, self.total - self.elapsed)


@dataclass(frozen=True, slots=True)
class PhaseChange:
    """A scheduled moment at which a new phase begins."""

    at: float
    phase: Phase
    phase_index: int
    cycle: int


class BreathingSchedule:
    """A pattern repeated for a number of whole cycles."""

    def __init__(self, pattern: BreathingPattern, cycles: int) -> None:
        if not 1 <= cycles <= MAX_CYCLES:
            raise ValueError(f"cycles must be from 1 to {MAX_CYCLES}")
        self.pattern = pattern
        self.cycles = cycles
        self.cycle_seconds = pattern.cycle_seconds
        self.total = self.cycle_seconds * cycles
        starts = [0.0]
        for phase in pattern.phases:
            starts.append(starts[-1] + phase.seconds)
        self._phase_starts = starts[:-1]
        self._levels = _levels(pattern.phases)

    @classmethod
    def for_minutes(cls, pattern: BreathingPattern, minutes: float) -> BreathingSchedule:
        """Whole cycles closest to `minutes` (at least one): a session ends after an out-breath."""
        cycles = max(1, round(minutes * 60 / pattern.cycle_seconds))
        return cls(pattern, cycles)

    def at(self, t: float) -> Position:
        t = min(max(t, 0.0), self.total)
        finished = t >= self.total
        cycle, index, began = self._place(t)
        phase = self.pattern.phases[index]
        phase_elapsed = t - began
        start_level, end_level = self._levels[index]
        fraction = min(1.0, phase_elapsed / phase.seconds)
        eased = (1 - math.cos(math.pi * fraction)) / 2
        return Position(
            phase=phase,
            phase_index=index,
            cycle=cycle,
            cycles_completed=self.cycles if finished else cycle,
            elapsed=t,
            phase_elapsed=phase_elapsed,
            phase_remaining=max(0.0, phase.seconds - phase_elapsed),
            total=self.total,
            fullness=start_level + (end_level - start_level) * eased,
            finished=finished,
        )

    def next_change_after(self, t: float) -> float | None:
        """When the next phase begins (or the session ends) after time `t`; None when over."""
        if t >= self.total:
            return None
        cycle, index, _ = self._place(t)
        if index + 1 < len(self._phase_starts):
            return self._began(cycle, index + 1)
        return min(self._began(cycle + 1, 0), self.total)

    def changes(self) -> Iterator[PhaseChange]:
        """Every phase start in order, for announcing them one by one."""
        for cycle in range(self.cycles):
            for index, phase in enumerate(self.pattern.phases):
                yield PhaseChange(self._began(cycle, index), phase, index, cycle)

    def _began(self, cycle: int, index: int) -> float:
        """When phase `index` of `cycle` begins: multiplied, never added up, so it cannot drift."""
        return cycle * self.cycle_seconds + self._phase_starts[index]

    def _place(self, t: float) -> tuple[int, int, float]:
        """The cycle and phase under way at `t` (up to total), and when that phase began.

        A phase begins at the very moment `changes()` announces for it. `t // cycle_seconds`
        alone is exact where that moment is rounded, so for a breath in tenths of a second
        (1 s in, 1.7 s out) it would put a boundary a hair before itself, in the phase before,
        and the next change would come at the moment already reached.
        """
        cycle = int(t // self.cycle_seconds)
        if t >= self._began(cycle + 1, 0):
            cycle += 1  # the next breath's start was announced rounded down, to t or before
        cycle = min(cycle, self.cycles - 1)
        starts = [self._began(cycle, i) for i in range(len(self._phase_starts))]
        index = bisect.bisect_right(starts, t) - 1
        return cycle, index, starts[index]


@dataclass(frozen=True, slots=True)
class Length:
    """How many breaths a break will have, and whether more were asked for than the pattern
    allows at one time (then its cap_note is said)."""

    cycles: int
    capped: bool = False


def length_for(
    pattern: BreathingPattern,
    *,
    minutes: float | None = None,
    cycles: int | None = None,
    default_minutes: float = 1.0,
) -> Length:
    """Breaths as asked for (a count, or the whole breaths nearest the minutes); with nothing
    asked, the pattern's own default count, else `default_minutes`. Never more than the
    pattern's max_cycles (4-7-8: eight)."""
    if cycles is not None:
        wanted = cycles
    elif minutes is None and pattern.default_cycles is not None:
        wanted = pattern.default_cycles
    else:
        minutes = default_minutes if minutes is None else minutes
        wanted = max(1, round(minutes * 60 / pattern.cycle_seconds))
    most = pattern.max_cycles
    if most is not None and wanted > most:
        return Length(most, capped=True)
    return Length(wanted)


def _levels(phases: tuple[Phase, ...]) -> list[tuple[float, float]]:
    levels = []
    level = 0.0
    for index, phase in enumerate(phases):
        following = phases[index + 1].kind if index + 1 < len(phases) else None
        if phase.kind == "in":
            target = TOP_UP_FROM if following == "top_up" else 1.0
        elif phase.kind == "top_up":
            target = 1.0
        elif phase.kind == "out":
            target = 0.0
        else:
            target = level
        levels.append((level, target))
        level = target
    return levels


class BreathingSession:
    """A schedule being breathed now: start, pause, resume, stop, on one monotonic clock."""

    def __init__(self, schedule: BreathingSchedule, clock: Clock = time.monotonic) -> None:
        self.schedule = schedule
        self._clock = clock
        self._started: float | None = None
        self._paused_at: float | None = None
        self._paused_total = 0.0
        self._stopped_at: float | None = None

    @property
    def started(self) -> bool:
        return self._started is not None

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    @property
    def stopped(self) -> bool:
        return self._stopped_at is not None

    def now(self) -> float:
        """The session's clock, read now."""
        return self._clock()

    def start(self, at: float | None = None) -> None:
        """Start now, or at `at` (a moment already past on the session's clock)."""
        if self._started is None:
            now = self._clock()
            self._started = now if at is None else min(at, now)

    def pause(self) -> None:
        if self.started and not self.paused and not self.stopped:
            self._paused_at = self._clock()

    def resume(self) -> None:
        if self._paused_at is not None:
            self._paused_total += self._clock() - self._paused_at
            self._paused_at = None

    def toggle_pause(self) -> None:
        if self.paused:
            self.resume()
        else:
            self.pause()

    def stop(self) -> None:
        if self.started and not self.stopped:
            self._stopped_at = self._clock()

    def elapsed(self) -> float:
        """Seconds breathed so far, pauses excluded, never more than the whole session."""
        if self._started is None:
            return 0.0
        now = self._stopped_at if self._stopped_at is not None else self._clock()
        if self._paused_at is not None:
            now = self._paused_at
        return min(max(0.0, now - self._started - self._paused_total), self.schedule.total)

    def position(self) -> Position:
        return self.schedule.at(self.elapsed())

    def seconds_to_next_change(self) -> float | None:
        """Clock seconds until the next phase begins, for a precise one-shot timer."""
        if self.paused or self.stopped:
            return None
        now = self.elapsed()
        upcoming = self.schedule.next_change_after(now)
        return None if upcoming is None else max(0.0, upcoming - now)

    @property
    def finished(self) -> bool:
        return self.started and self.elapsed() >= self.schedule.total

    def record(self) -> Breathing:
        """What was breathed, for the history."""
        from companion.entries import Breathing

        position = self.position()
        return Breathing(
            pattern=self.schedule.pattern.name,
            seconds=round(position.elapsed, 1),
            cycles=position.cycles_completed,
            completed=position.finished,
        )


def combined(earlier: Breathing | None, later: Breathing) -> Breathing:
    """Two breathing sessions in one check-in, as one record: the time and breaths add up,
    named by the pattern breathed last, completed if the last one was."""
    from companion.entries import Breathing

    if earlier is None:
        return later
    return Breathing(
        pattern=later.pattern,
        seconds=round(earlier.seconds + later.seconds, 1),
        cycles=earlier.cycles + later.cycles,
        completed=later.completed,
    )
