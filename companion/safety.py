"""When companion offers where to find help now, and that help as plain lines.

One decision for every way in (the app's screens, `companion log`), so a change to when help is
offered is made once. The words themselves come from data/safety.toml.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from companion.content import Safety
from companion.listing import printable
from companion.settings import Contact

MAX_ACTIVATION = 10


class Moment(Protocol):
    """What a check-in holds so far: an entry, or a draft in progress."""

    @property
    def activation_before(self) -> int | None: ...

    @property
    def activation_after(self) -> int | None: ...


def offers_help_at(activation: int | None) -> bool:
    """True when this activation calls for where to find help now: the top of the scale."""
    return activation is not None and activation >= MAX_ACTIVATION


def offers_help(moment: Moment) -> bool:
    """True when anything noted in this moment calls for where to find help now."""
    return offers_help_at(moment.activation_before) or offers_help_at(moment.activation_after)


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
