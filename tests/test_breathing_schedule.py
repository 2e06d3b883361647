"""The breathing schedule and session: exact phase times from one clock, pauses excluded."""

from __future__ import annotations

import dataclasses
import itertools
import math

import pytest

from companion.breathing import BreathingSchedule, BreathingSession, Position, combined
from companion.content import BreathingPattern, Content, Phase
from companion.entries import Breathing
from companion.vocabulary import MAX_CYCLES


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


def test_the_shape_eases_in_and_out_between_the_boundaries(content: Content):
    # The visual follows half a cosine: slow at the turn of the breath, fastest mid-breath.
    schedule = BreathingSchedule(content.pattern("box"), cycles=1)
    eased_quarter = (1 - math.cos(math.pi / 4)) / 2  # 0.146...
    sizes = {t: schedule.at(t).fullness for t in (1, 2, 3, 5, 9, 10, 11, 13)}
    assert sizes == pytest.approx({1: eased_quarter, 2: 0.5, 3: 1 - eased_quarter, 5: 1.0,
                                   9: 1 - eased_quarter, 10: 0.5, 11: eased_quarter, 13: 0.0})


def test_a_top_up_at_the_end_of_a_pattern_still_follows_a_shorter_in_breath():
    sigh_last = BreathingPattern("sigh-last", "Sigh last", (
        Phase("out", 4), Phase("in", 2), Phase("top_up", 1)), custom=True)
    schedule = BreathingSchedule(sigh_last, cycles=1)
    assert [schedule.at(t).fullness for t in (4, 6, 7)] == pytest.approx([0.0, 0.75, 1.0])


def test_a_moment_within_a_session_is_described_whole(content: Content):
    schedule = BreathingSchedule(content.pattern("box"), cycles=2)
    position = schedule.at(20)  # the second breath's first hold has just begun
    hold = content.pattern("box").phases[1]
    assert position == Position(
        phase=hold, phase_index=1, cycle=1, cycles_completed=1, elapsed=20, phase_elapsed=0,
        phase_remaining=4, total=32, fullness=1.0, finished=False)
    assert (position.progress, position.remaining) == (0.625, 12)


def test_the_position_at_exactly_the_end_is_the_last_phase_finished(content: Content):
    schedule = BreathingSchedule(content.pattern("box"), cycles=2)
    end = schedule.at(32)
    assert end == Position(
        phase=content.pattern("box").phases[3], phase_index=3, cycle=1, cycles_completed=2,
        elapsed=32, phase_elapsed=4, phase_remaining=0, total=32, fullness=0.0, finished=True)
    assert (end.progress, end.remaining) == (1.0, 0.0)
    assert schedule.at(45) == end  # later than the end is the end
    assert schedule.at(-3) == schedule.at(0)  # and earlier than the start, the start


def test_less_than_a_second_left_is_shown_as_it_is(content: Content):
    clock = FakeClock()
    session = BreathingSession(BreathingSchedule(content.pattern("box"), 1), clock=clock)
    session.start()
    clock.advance(3.75)
    assert session.position().phase_remaining == 0.25
    assert session.seconds_to_next_change() == 0.25


@pytest.mark.parametrize("cycles", [0, MAX_CYCLES + 1])
def test_impossible_cycle_counts_are_refused_saying_what_is_possible(content: Content, cycles):
    with pytest.raises(ValueError, match=r"^cycles must be from 1 to 10000$"):
        BreathingSchedule(content.pattern("box"), cycles)


@pytest.mark.parametrize("cycles", [1, MAX_CYCLES])
def test_one_breath_and_the_most_breaths_a_break_may_hold_are_possible(content, cycles):
    schedule = BreathingSchedule(content.pattern("coherent"), cycles)
    assert schedule.total == 11 * cycles


def test_pausing_twice_keeps_the_first_pause(content: Content):
    clock = FakeClock()
    session = BreathingSession(BreathingSchedule(content.pattern("box"), 2), clock=clock)
    session.start()
    clock.advance(2)
    session.pause()
    clock.advance(5)
    session.pause()  # a second press of pause while paused changes nothing
    clock.advance(5)
    session.resume()
    clock.advance(1)
    assert session.elapsed() == 3


def test_each_pause_is_left_out_of_the_time_breathed(content: Content):
    clock = FakeClock()
    session = BreathingSession(BreathingSchedule(content.pattern("box"), 2), clock=clock)
    session.start()
    for _ in range(3):
        clock.advance(2)
        session.toggle_pause()
        clock.advance(10)
        session.toggle_pause()
    assert session.elapsed() == 6 and not session.paused


def test_nothing_pauses_or_stops_before_the_start(content: Content):
    clock = FakeClock()
    session = BreathingSession(BreathingSchedule(content.pattern("box"), 2), clock=clock)
    session.pause()
    session.stop()
    assert not (session.paused or session.stopped)
    session.start()
    clock.advance(3)
    assert session.elapsed() == 3


def test_after_stopping_a_pause_or_a_second_stop_changes_nothing(content: Content):
    clock = FakeClock()
    session = BreathingSession(BreathingSchedule(content.pattern("box"), 2), clock=clock)
    session.start()
    clock.advance(6)
    session.stop()
    clock.advance(4)
    session.pause()
    session.stop()
    clock.advance(4)
    assert not session.paused and session.elapsed() == 6
    assert session.record().seconds == 6


@pytest.mark.parametrize(("breathed", "recorded"), [(12.34, 12.3), (12.36, 12.4), (0.06, 0.1)])
def test_the_time_breathed_is_recorded_to_a_tenth_of_a_second(content, breathed, recorded):
    clock = FakeClock()
    session = BreathingSession(BreathingSchedule(content.pattern("box"), 2), clock=clock)
    session.start()
    clock.advance(breathed)
    session.stop()
    assert session.record().seconds == recorded


def test_two_breaks_in_one_check_in_are_recorded_as_one():
    first = Breathing("box", 64.1, 4, False)
    second = Breathing("coherent", 33.2, 3, True)
    assert combined(None, second) == second
    assert combined(first, second) == Breathing("coherent", 97.3, 7, True)
    assert combined(second, first) == Breathing("box", 97.3, 7, False)


# -- how many breaths ----------------------------------------------------------------------------


def test_how_many_breaths_as_asked_or_by_the_patterns_own_default():
    from companion.breathing import Length, length_for

    box = BreathingPattern("box", "Box", tuple(Phase(k, 4) for k in ("in", "hold", "out", "hold")))
    counted = dataclasses.replace(box, default_cycles=4, max_cycles=8)
    assert length_for(box, cycles=3) == Length(3)
    assert length_for(box) == Length(4)  # one minute of 16 s breaths: 3.75, the nearest whole
    assert length_for(box, minutes=2) == Length(8)  # 7.5 rounds to even
    assert length_for(box, minutes=0.1) == Length(1)  # never none at all
    assert length_for(box, default_minutes=3) == Length(11)  # 11.25
    assert length_for(counted) == Length(4)  # its own default count, with nothing asked
    assert length_for(counted, minutes=1) == Length(4)  # minutes asked win over the default


def test_a_pattern_kept_short_is_never_longer_than_its_most_breaths(content: Content):
    from companion.breathing import Length, length_for

    four_seven_eight = content.pattern("4-7-8")
    assert (four_seven_eight.default_cycles, four_seven_eight.max_cycles) == (4, 8)
    assert length_for(four_seven_eight) == Length(4)
    assert length_for(four_seven_eight, cycles=8) == Length(8)  # at most: still as asked
    assert length_for(four_seven_eight, cycles=9) == Length(8, capped=True)
    assert length_for(four_seven_eight, minutes=5) == Length(8, capped=True)  # 15.8 breaths
    # Coherent breathing's breath is 11 s: a minute is 5.45 breaths, so 5.
    assert length_for(content.pattern("coherent"), minutes=1) == Length(5)
