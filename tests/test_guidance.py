"""What the check-in offers from what a person told it: the breathing suggested first, when
where help is comes up by itself, a kind step for a body's need, the note before first breaths."""

from __future__ import annotations

import pytest

from companion.content import BreathingPattern, Choice, Content, Phase
from companion.guidance import (
    FirstBreaths,
    heavy_word,
    kind_steps_for,
    offers_help,
    suggested_pattern,
)


def pattern(name: str, *phases: tuple[str, float], suits: tuple[str, ...] = ()) -> BreathingPattern:
    return BreathingPattern(name, name, tuple(Phase(k, s) for k, s in phases), suits=suits)


HELD = pattern("held", ("in", 4), ("hold", 7), ("out", 8), suits=("revved_up", "steady"))
EVEN = pattern("even", ("in", 4), ("out", 4), suits=("steady", "revved_up", "shut_down"))
SIGH = pattern("sigh", ("in", 2), ("top_up", 1), ("out", 6), suits=("revved_up",))
PATTERNS = (HELD, EVEN, SIGH)


@pytest.mark.parametrize(
    ("state", "activation", "default", "wanted"),
    [
        # A state picked: those made for it (listing it first) first, then the file's order.
        ("revved_up", None, None, "sigh"),  # held lists it first too, but has a hold
        ("revved_up", 2, "held", "sigh"),  # revved up: no holds first, whatever the default
        ("steady", None, None, "even"),  # held and even both list steady first: file order
        ("steady", 8, None, "even"),  # highly activated: the hold goes last
        ("shut_down", None, "held", "even"),
        # No state: the person's own default, unless highly activated and it holds the breath.
        (None, None, "held", "held"),
        (None, 6, "held", "held"),
        (None, 7, "held", "sigh"),
        (None, 9, "even", "even"),  # a default without holds stays the default
        (None, None, None, "held"),  # no default known: the first pattern
        (None, 9, "gone", "sigh"),
    ],
)
def test_the_pattern_suggested_first(state, activation, default, wanted):
    chosen = suggested_pattern(PATTERNS, state=state, activation=activation, default=default)
    assert chosen.name == wanted


def test_a_state_no_pattern_suits_falls_back_to_all_of_them():
    only_held = (HELD,)
    assert suggested_pattern(only_held, state="shut_down").name == "held"
    assert suggested_pattern(only_held, state="revved_up", activation=9).name == "held"


def test_the_built_in_suggestions(content: Content):
    def suggested(state, activation=None, default="coherent"):
        return suggested_pattern(content.patterns, state=state, activation=activation,
                                 default=default).name

    assert suggested("revved_up") == "cyclic-sigh"  # the most evidence, and no holds
    assert suggested("shut_down") == "coherent"  # something gentle, not box
    assert suggested(None) == "coherent"  # the default pattern
    assert suggested(None, 3, "box") == "box"
    assert suggested(None, 8, "4-7-8") == "cyclic-sigh"
    for state in ("revved_up", "shut_down"):
        assert not content.pattern(suggested(state, 10, "4-7-8")).has_hold


@pytest.mark.parametrize(
    ("state", "default", "at_6", "at_7"),
    [
        # Highly activated from 7: a pattern without holds comes first, whatever was picked.
        ("revved_up", "box", "cyclic-sigh", "cyclic-sigh"),
        ("steady", "box", "box", "coherent"),  # box holds twice: at 7 it gives way
        ("shut_down", "box", "coherent", "coherent"),
        (None, "4-7-8", "4-7-8", "cyclic-sigh"),  # the person's own default, until 7
        (None, "coherent", "coherent", "coherent"),  # a default without holds stays
        (None, None, "box", "cyclic-sigh"),  # no default: the file's first, until 7
    ],
)
def test_the_built_in_suggestion_at_activation_6_and_7_in_each_state(
    content: Content, state, default, at_6, at_7
):
    def at(activation):
        return suggested_pattern(content.patterns, state=state, activation=activation,
                                 default=default).name

    assert at(6) == at_6
    assert at(7) == at_7


def test_with_no_state_and_no_default_the_first_pattern_is_offered_not_a_revved_up_one():
    # The first pattern suits revved up only second: nothing here asked for that suggestion.
    patterns = (EVEN, HELD, SIGH)
    assert suggested_pattern(patterns, state=None, activation=3).name == "even"
    assert suggested_pattern(patterns, state=None).name == "even"
    assert suggested_pattern(patterns, state=None, activation=7).name == "sigh"


@pytest.mark.parametrize(("activation", "offered"),
                         [(None, False), (0, False), (8, False), (9, True), (10, True)])
def test_help_is_offered_from_9(activation, offered):
    assert offers_help(activation) is offered


def test_heavy_words_offer_help(content: Content):
    words = content.safety.offer_for_words
    assert {"hopeless", "trapped", "empty", "numb"} <= set(words)
    assert heavy_word(["tense", "Hopeless "], words) == "Hopeless "
    assert heavy_word(["tense", "tired"], words) is None
    every_word = {w.word for q in content.quadrants for w in q.words}
    assert set(words) <= every_word  # each one can be picked


def test_kind_steps_follow_the_body_needs_ticked(content: Content):
    steps = content.kind_steps
    assert {s.key for s in steps} == {
        "hungry", "thirsty", "tired", "in_pain", "need_movement", "need_fresh_air"}
    assert {s.key for s in steps} <= {n.key for n in content.needs}
    offered = kind_steps_for(["lonely", "thirsty", "need_fresh_air"], steps)
    assert [s.key for s in offered] == ["thirsty", "need_fresh_air"]
    assert offered[0].hint.startswith("Some water first?")
    assert kind_steps_for(["lonely", "need_quiet"], steps) == ()
    assert kind_steps_for([], (Choice("thirsty", "Water"),)) == ()


def test_the_dizzy_note_comes_before_each_patterns_first_breath_and_every_long_hold(
    content: Content,
):
    first = FirstBreaths()
    sigh, box, long_hold = (content.pattern(n) for n in ("cyclic-sigh", "box", "4-7-8"))
    assert first.note_due(sigh) and first.note_due(box)
    first.breathed(sigh)
    assert not first.note_due(sigh) and first.note_due(box)
    first.breathed(long_hold)
    assert first.note_due(long_hold)  # a hold of 7 s or more: every time
    assert FirstBreaths().note_due(sigh)  # a new session starts afresh
