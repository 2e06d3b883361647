"""The breathing schedule and session: exact phase times from one clock, pauses excluded."""

from __future__ import annotations

import itertools
import math

import pytest

from companion.breathing import BreathingSchedule, BreathingSession
from companion.content import BreathingPattern, Content, Phase


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# Phase starts within one cycle, as the data describes them (pattern name -> [(cue, start)]).
EXPECTED_STARTS = {
    "box": [("in", 0), ("hold", 4), ("out", 8), ("hold", 12)],
    "4-7-8": [("in", 0), ("hold", 4), ("out", 11)],
    "coherent": [("in", 0), ("out", 5.5)],
    "cyclic-sigh": [("in", 0), ("in again", 2), ("out", 3)],
    "long-exhale": [("in", 0), ("out", 4)],
}
CYCLE_SECONDS = {"box": 16, "4-7-8": 19, "coherent": 11, "cyclic-sigh": 9, "long-exhale": 10}


def test_every_built_in_pattern_is_covered(content: Content):
    assert {p.name for p in content.patterns} == set(EXPECTED_STARTS)


@pytest.mark.parametrize("name", sorted(EXPECTED_STARTS))
def test_phase_boundaries_are_exact_for_each_built_in_pattern(content: Content, name: str):
    pattern = content.pattern(name)
    schedule = BreathingSchedule(pattern, cycles=3)
    assert schedule.cycle_seconds == CYCLE_SECONDS[name]
    assert schedule.total == 3 * CYCLE_SECONDS[name]
    expected = [
        (cycle * CYCLE_SECONDS[name] + start, cue, index, cycle)
        for cycle in range(3)
        for index, (cue, start) in enumerate(EXPECTED_STARTS[name])
    ]
    changes = [(c.at, c.phase.cue, c.phase_index, c.cycle) for c in schedule.changes()]
    assert changes == expected
    for at, cue, index, cycle in expected:
        # Exactly on the boundary the new phase has begun; a hair before, the old one runs.
        position = schedule.at(at)
        assert (position.phase.cue, position.phase_index, position.cycle,
                position.phase_elapsed) == (cue, index, cycle, 0)
        if at > 0:
            assert schedule.at(at - 1e-6).phase.cue != cue or len(pattern.phases) == 1
        assert schedule.next_change_after(at - 1e-6) == pytest.approx(at)
    assert schedule.next_change_after(expected[-1][0]) == schedule.total
    assert schedule.next_change_after(schedule.total) is None


def test_cyclic_sigh_tops_up_before_the_long_sigh(content: Content):
    schedule = BreathingSchedule(content.pattern("cyclic-sigh"), cycles=2)
    assert schedule.at(1).phase.cue == "in"
    assert schedule.at(2.5).phase.cue == "in again"
    assert schedule.at(5).phase.cue == "out"
    # The first inhale stops short of full; the top-up fills the lungs; the sigh empties them.
    assert schedule.at(2).fullness == pytest.approx(0.75)
    assert schedule.at(3).fullness == pytest.approx(1.0)
    assert schedule.at(9).fullness == pytest.approx(0.0)
    assert schedule.at(10).cycle == 1


def test_the_shape_grows_on_the_in_breath_and_shrinks_on_the_out_breath(content: Content):
    schedule = BreathingSchedule(content.pattern("box"), cycles=1)
    sizes = [schedule.at(t / 2).fullness for t in range(0, 33)]
    growing, holding, shrinking = sizes[0:9], sizes[8:17], sizes[16:25]
    assert growing == sorted(growing) and growing[0] == 0 and growing[-1] == 1
    assert set(holding) == {1.0}
    assert shrinking == sorted(shrinking, reverse=True) and shrinking[-1] == 0


def test_a_session_runs_on_its_clock_from_the_start(content: Content):
    clock = FakeClock()
    session = BreathingSession(BreathingSchedule(content.pattern("4-7-8"), 2), clock=clock)
    assert session.elapsed() == 0 and not session.started
    session.start()
    clock.advance(5)
    position = session.position()
    assert (position.phase.cue, position.phase_remaining) == ("hold", 6)
    assert session.seconds_to_next_change() == 6


def test_a_session_can_start_from_the_moment_its_first_cue_was_drawn(content: Content):
    clock = FakeClock()
    session = BreathingSession(BreathingSchedule(content.pattern("box"), 2), clock=clock)
    drawn = session.now()
    clock.advance(0.017)  # a frame later, the start is taken
    session.start(at=drawn)
    assert session.elapsed() == pytest.approx(0.017)
    assert session.seconds_to_next_change() == pytest.approx(4 - 0.017)


def test_a_start_time_still_to_come_is_taken_as_now(content: Content):
    clock = FakeClock()
    session = BreathingSession(BreathingSchedule(content.pattern("box"), 2), clock=clock)
    session.start(at=clock.now + 5)
    assert session.elapsed() == 0


def test_pause_is_excluded_from_the_time_breathed(content: Content):
    clock = FakeClock()
    session = BreathingSession(BreathingSchedule(content.pattern("box"), 2), clock=clock)
    session.start()
    clock.advance(3)
    session.pause()
    assert session.seconds_to_next_change() is None
    clock.advance(100)
    assert session.elapsed() == 3
    session.toggle_pause()
    clock.advance(1)
    assert session.elapsed() == 4
    assert session.position().phase.cue == "hold"
    assert session.seconds_to_next_change() == 4


def test_stopping_early_records_seconds_and_whole_cycles(content: Content):
    clock = FakeClock()
    session = BreathingSession(BreathingSchedule(content.pattern("coherent"), 5), clock=clock)
    session.start()
    clock.advance(25.04)
    session.stop()
    clock.advance(60)  # time after stopping is not breathing
    record = session.record()
    assert (record.pattern, record.seconds, record.cycles, record.completed) == (
        "coherent", 25.0, 2, False,
    )


def test_stopping_while_paused_keeps_the_time_before_the_pause(content: Content):
    clock = FakeClock()
    session = BreathingSession(BreathingSchedule(content.pattern("coherent"), 5), clock=clock)
    session.start()
    clock.advance(7)
    session.pause()
    clock.advance(30)
    session.stop()
    assert session.record().seconds == 7


def test_a_whole_session_is_recorded_as_completed(content: Content):
    clock = FakeClock()
    session = BreathingSession(BreathingSchedule(content.pattern("long-exhale"), 3), clock=clock)
    session.start()
    clock.advance(45)
    assert session.finished
    record = session.record()
    assert (record.seconds, record.cycles, record.completed) == (30, 3, True)
    assert session.seconds_to_next_change() is None


def test_stopped_within_the_first_second_is_recorded_honestly(content: Content):
    clock = FakeClock()
    session = BreathingSession(BreathingSchedule(content.pattern("box"), 1), clock=clock)
    session.start()
    clock.advance(0.02)
    session.stop()
    record = session.record()
    assert (record.seconds, record.cycles, record.completed) == (0.0, 0, False)


def test_ten_minutes_of_phase_changes_have_no_accumulated_drift(content: Content):
    # 5.5 s phases are not exact in binary; adding them up would drift. The schedule multiplies.
    pattern = content.pattern("coherent")
    schedule = BreathingSchedule.for_minutes(pattern, 10)
    assert schedule.cycles == 55 and schedule.total == 605
    changes = list(schedule.changes())
    assert len(changes) == 110
    for n, change in enumerate(changes):
        assert change.at == n * 5.5
    # Following the one-shot timers a widget would arm, from a clock that fires late each time,
    # lands on every boundary exactly: lateness never carries over to the next phase.
    clock = FakeClock(0.0)
    session = BreathingSession(schedule, clock=clock)
    session.start()
    seen = []
    while (wait := session.seconds_to_next_change()) is not None:
        clock.advance(wait + 0.013)  # every timer fires 13 ms late
        seen.append(session.position())
    starts = [p.elapsed - p.phase_elapsed for p in seen[:-1]]
    assert starts == pytest.approx([c.at for c in changes[1:]], abs=1e-9)
    assert seen[-1].finished and session.record().cycles == 55


@pytest.mark.parametrize(
    ("minutes", "cycle_seconds", "cycles"),
    [(1, 11, 5), (1, 16, 4), (1, 19, 3), (0.1, 16, 1), (2, 9, 13), (0.5, 10, 3), (120, 19, 379)],
)
def test_for_minutes_rounds_to_the_nearest_whole_breath(minutes, cycle_seconds, cycles):
    pattern = BreathingPattern("p", "P", (Phase("in", cycle_seconds / 2),
                                          Phase("out", cycle_seconds / 2)))
    assert BreathingSchedule.for_minutes(pattern, minutes).cycles == cycles


def test_impossible_cycle_counts_are_refused(content: Content):
    with pytest.raises(ValueError):
        BreathingSchedule(content.pattern("box"), 0)


def two_phase(seconds_in: float, seconds_out: float) -> BreathingPattern:
    return BreathingPattern("mine", "Mine", (Phase("in", seconds_in), Phase("out", seconds_out)),
                            custom=True)


@pytest.mark.parametrize(
    "pattern",
    [two_phase(1, 1.7), two_phase(2.1, 2.1), two_phase(3.3, 4.4),
     BreathingPattern("held", "Held", (Phase("in", 2.2), Phase("hold", 1.3), Phase("out", 5.9)))],
    ids=["1-1.7", "2.1-2.1", "3.3-4.4", "2.2-1.3-5.9"],
)
def test_a_boundary_is_the_new_phase_for_breaths_in_tenths_of_a_second(pattern):
    # Your own patterns may use tenths of a second, whose sums are never exact in binary. The
    # moment a change is announced for is still that phase's start, a hair before it the last
    # phase still runs, and the next change always lies ahead.
    schedule = BreathingSchedule.for_minutes(pattern, 10)
    changes = list(schedule.changes())
    for before, change in itertools.pairwise(changes):
        on = schedule.at(change.at)
        assert (on.cycle, on.phase_index, on.phase_elapsed) == (change.cycle, change.phase_index, 0)
        hair_before = math.nextafter(change.at, 0)
        still = schedule.at(hair_before)
        assert (still.cycle, still.phase_index) == (before.cycle, before.phase_index)
        assert 0 < still.phase_remaining < 1e-9
        assert schedule.next_change_after(hair_before) == change.at
        assert schedule.next_change_after(change.at) > change.at
    assert schedule.next_change_after(changes[-1].at) == schedule.total

