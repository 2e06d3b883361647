"""What the check-in offers from what a person has told it: which breathing to suggest, when to
offer where help is, a kind step for a body's need, and the note before a first breath.

Plain decisions on plain values, so each rule is tested without a screen.
"""

from __future__ import annotations

from collections.abc import Iterable

from companion.content import BreathingPattern, Choice

# From here, with no state picked, a person is taken to be revved up.
REVVED_UP_FROM = 7
# From here (and at any word of safety.toml's offer_for_words) where help is comes up by itself.
OFFER_HELP_FROM = 9


def suggested_pattern(
    patterns: tuple[BreathingPattern, ...],
    *,
    state: str | None,
    activation: int | None = None,
    default: str | None = None,
) -> BreathingPattern:
    """The pattern to offer first.

    With a state picked: the patterns that suit it, those that list it first (made for it)
    before the others, then in the file's order. With none: the person's own default. Either
    way, when revved up (said so, or an activation of REVVED_UP_FROM or more) a pattern without
    holds comes first: a long hold can feel like air hunger to someone already highly activated.
    """
    avoid_holds = state == "revved_up" or (activation is not None and activation >= REVVED_UP_FROM)
    if state is None:
        own = next((p for p in patterns if p.name == default), None)
        if own is not None and not (avoid_holds and own.has_hold):
            return own
        state = "revved_up" if avoid_holds else None
    if state is None:
        return patterns[0]
    suiting = sorted(
        (p for p in patterns if state in p.suits), key=lambda p: p.suits.index(state)
    ) or list(patterns)
    if avoid_holds:
        suiting = [p for p in suiting if not p.has_hold] or suiting
    return suiting[0]


def offers_help(activation: int | None) -> bool:
    """Whether this activation brings up where to find help (once a check-in)."""
    return activation is not None and activation >= OFFER_HELP_FROM


def heavy_word(words: Iterable[str], offer_for: Iterable[str]) -> str | None:
    """The first named word that brings up where to find help, or None."""
    wanted = {w.casefold() for w in offer_for}
    return next((w for w in words if w.strip().casefold() in wanted), None)


def kind_steps_for(needs: Iterable[str], steps: tuple[Choice, ...]) -> tuple[Choice, ...]:
    """The kind steps for the body's needs that were ticked, in the order of the steps."""
    ticked = set(needs)
    return tuple(step for step in steps if step.key in ticked)


class FirstBreaths:
    """Which patterns were breathed in this session (one run of the app): the note on feeling
    dizzy comes before each pattern's first breath, and before every breath with a long hold
    (over-breathing, as in a cyclic sigh's double in-breath, can make a person light-headed as
    much as holding can)."""

    def __init__(self) -> None:
        self._breathed: set[str] = set()

    def note_due(self, pattern: BreathingPattern) -> bool:
        return pattern.has_long_hold or pattern.name not in self._breathed

    def breathed(self, pattern: BreathingPattern) -> None:
        self._breathed.add(pattern.name)
