"""The frozen values the product's words and patterns are loaded into (companion/content.py
reads data/*.toml into them): breathing patterns, feeling words, the check-in's choices, help,
safety, the opening a first frame needs, and the whole Content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PHASE_KINDS = ("in", "top_up", "hold", "out")
PHASE_CUES = {"in": "in", "top_up": "in again", "hold": "hold", "out": "out"}
# A custom phase outside these bounds is more likely a typo than a practice.
CUSTOM_PHASE_SECONDS = (1.0, 20.0)
LONG_HOLD_SECONDS = 7.0
MAX_NAME = 30
MAX_WORD = 40
# A file with hundreds of bad entries is a few lines on screen, not hundreds of notices.
MAX_WARNINGS_PER_FILE = 8


class ContentError(Exception):
    """A content file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class Phase:
    """One part of a breath: breathing in, a top-up, a hold or breathing out, and how long."""

    kind: str
    seconds: float

    @property
    def cue(self) -> str:
        return PHASE_CUES[self.kind]


@dataclass(frozen=True, slots=True)
class BreathingPattern:
    """A breathing pattern from patterns.toml (built in, or a person's own)."""

    name: str
    label: str
    phases: tuple[Phase, ...]
    timing: str = ""
    about: str = ""
    why: str = ""
    suits: tuple[str, ...] = ()
    custom: bool = False
    default_cycles: int | None = None  # breaths when no length is asked for
    max_cycles: int | None = None  # never more breaths than this at one time
    cap_note: str = ""  # said when a longer request is kept to max_cycles

    @property
    def cycle_seconds(self) -> float:
        return sum(phase.seconds for phase in self.phases)

    @property
    def has_hold(self) -> bool:
        return any(p.kind == "hold" for p in self.phases)

    @property
    def has_long_hold(self) -> bool:
        return any(p.kind == "hold" and p.seconds >= LONG_HOLD_SECONDS for p in self.phases)

    @property
    def timing_text(self) -> str:
        return self.timing or "-".join(f"{p.seconds:g}" for p in self.phases)


@dataclass(frozen=True, slots=True)
class FeelingWord:
    """A word for a feeling, its meaning and its quadrant (feelings.toml)."""

    word: str
    meaning: str
    quadrant: str
    custom: bool = False


@dataclass(frozen=True, slots=True)
class Quadrant:
    """One quarter of the feelings map: energy high or low, pleasant or unpleasant."""

    key: str
    label: str
    symbol: str
    colour: str
    hint: str
    words: tuple[FeelingWord, ...]


@dataclass(frozen=True, slots=True)
class Choice:
    """One item of a fixed list: a body signal, a need, a state, a person, a repair step."""

    key: str
    label: str
    hint: str = ""


@dataclass(frozen=True, slots=True)
class SensesStep:
    """One step of 5-4-3-2-1: how many things, with which sense."""

    count: int
    sense: str
    prompt: str


@dataclass(frozen=True, slots=True)
class HelpTopic:
    """One page of help (help.toml)."""

    key: str
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class HelpLine:
    """A helpline: who answers, and the number."""

    label: str
    number: str


@dataclass(frozen=True, slots=True)
class Country:
    """A country's emergency and crisis lines (safety.toml)."""

    name: str
    lines: tuple[HelpLine, ...]
    abuse_lines: tuple[HelpLine, ...] = ()  # domestic abuse helplines


@dataclass(frozen=True, slots=True)
class Safety:
    """The words of "Find help now" (safety.toml)."""

    title: str
    statement: str
    high_activation: str
    dizzy_note: str
    elsewhere: str
    countries: tuple[Country, ...]
    contacts_title: str
    no_contacts: str
    offered: str = ""  # atop the page when the app offers it by itself
    offer_for_words: tuple[str, ...] = ()  # feeling words that offer it
    afraid_title: str = ""
    afraid: str = ""  # if you are afraid of someone: not yours to mend
    afraid_elsewhere: str = ""


@dataclass(frozen=True, slots=True)
class Opening:
    """What the first frame needs, and everything read with it: the patterns (a person's own
    too) from patterns.toml, and all of prompts.toml and safety.toml (home's welcome and line of
    the day, the note before long holds). Read before the app draws; the rest of data/ after."""

    patterns: tuple[BreathingPattern, ...]
    welcome: str
    lines_of_day: tuple[str, ...]
    saved_lines: tuple[str, ...]
    empty_week: tuple[str, ...]
    after_breath: str
    senses: tuple[SensesStep, ...]
    safety: Safety
    warnings: tuple[str, ...] = ()  # about a person's own patterns

    @property
    def dizzy_note(self) -> str:
        return self.safety.dizzy_note

    def pattern(self, name: str) -> BreathingPattern | None:
        wanted = name.strip().lower()
        return next((p for p in self.patterns if p.name == wanted), None)

    def line_of_day(self, day: date) -> str:
        return self.lines_of_day[day.toordinal() % len(self.lines_of_day)]


@dataclass(frozen=True, slots=True)
class Content:
    """All of data/: the opening, and the words of the check-in, the repair and help."""

    opening: Opening
    quadrants: tuple[Quadrant, ...]
    body_signals: tuple[Choice, ...]
    needs: tuple[Choice, ...]
    states: tuple[Choice, ...]
    activation_low: str
    activation_high: str
    activation_prompt: str
    repair_intro: str
    people: tuple[Choice, ...]
    repair_steps: tuple[Choice, ...]
    reframes: tuple[str, ...]
    help_topics: tuple[HelpTopic, ...]
    warnings: tuple[str, ...] = ()  # the opening's, and about a person's own words
    kind_steps: tuple[Choice, ...] = ()  # keyed by the need each one answers
    repair_statuses: tuple[Choice, ...] = ()
    repair_later: str = ""
    repair_myself: str = ""
    repair_afraid: str = ""

    # What the opening holds, asked of the content as a whole.

    @property
    def patterns(self) -> tuple[BreathingPattern, ...]:
        return self.opening.patterns

    @property
    def welcome(self) -> str:
        return self.opening.welcome

    @property
    def lines_of_day(self) -> tuple[str, ...]:
        return self.opening.lines_of_day

    @property
    def saved_lines(self) -> tuple[str, ...]:
        return self.opening.saved_lines

    @property
    def empty_week(self) -> tuple[str, ...]:
        return self.opening.empty_week

    @property
    def after_breath(self) -> str:
        return self.opening.after_breath

    @property
    def senses(self) -> tuple[SensesStep, ...]:
        return self.opening.senses

    @property
    def safety(self) -> Safety:
        return self.opening.safety

    def pattern(self, name: str) -> BreathingPattern | None:
        return self.opening.pattern(name)

    def line_of_day(self, day: date) -> str:
        return self.opening.line_of_day(day)

    def quadrant(self, key: str) -> Quadrant:
        return next(q for q in self.quadrants if q.key == key)

    def help_topic(self, key: str) -> HelpTopic | None:
        return next((t for t in self.help_topics if t.key == key), None)

    def label_of(self, choices: tuple[Choice, ...], key: str | None) -> str:
        """The label for a stored key; a key from an older list shows as itself."""
        if key is None:
            return ""
        return next((c.label for c in choices if c.key == key), key.replace("_", " "))
