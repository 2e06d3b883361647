"""When companion offers where to find help now, and that help as plain lines.

The decision itself is guidance.py's, shared with the app's check-in; the words come from
data/safety.toml.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from companion.content import Safety
from companion.entries import Feeling
from companion.guidance import heavy_word, offers_help
from companion.settings import Contact
from companion.text import printable


class Moment(Protocol):
    """What a check-in holds so far: an entry, or a draft in progress."""

    @property
    def activation_before(self) -> int | None: ...

    @property
    def activation_after(self) -> int | None: ...

    @property
    def feelings(self) -> Iterable[Feeling]: ...


def offers_help_for(moment: Moment, safety: Safety) -> bool:
    """True when anything noted in this moment brings up where to find help now: an activation
    of guidance.OFFER_HELP_FROM or more, or a word like hopeless (safety.toml's
    offer_for_words). The same rule as the app's check-in (companion/guidance.py)."""
    return (
        offers_help(moment.activation_before)
        or offers_help(moment.activation_after)
        or heavy_word((f.word for f in moment.feelings), safety.offer_for_words) is not None
    )


def help_lines(safety: Safety, contacts: Iterable[Contact] = ()) -> list[str]:
    """Where to find help, as plain lines for a terminal: the high-activation line, the
    person's own people, the numbers by country, and what to do elsewhere. Everything is
    escaped: contacts come from the person's settings.toml."""
    lines = [printable(safety.high_activation)]
    people = [f"{printable(c.name)}: {printable(c.how)}" for c in contacts]
    if people:
        lines.append(f"  {printable(safety.contacts_title)}: " + " · ".join(people))
    for country in safety.countries:
        numbers = " · ".join(f"{printable(line.label)} {printable(line.number)}"
                             for line in country.lines)
        lines.append(f"  {printable(country.name)}: {numbers}")
    lines.append(f"  {printable(safety.elsewhere)}")
    return lines
