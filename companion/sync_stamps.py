"""Version stamps: which of two versions of an entry is the later one, on every machine alike.

A stamp is a hybrid logical clock reading: (wall, counter, device). `wall` is milliseconds since
the epoch on the writing machine's clock, *raised to the newest wall it had seen* for what it
changes; `counter` orders changes within one such millisecond; `device` is the writer's id and
breaks the last ties. Stamps compare as tuples, so every machine ranks any two the same way.

`next_stamp(now_ms, seen, device)` is always above `seen`: an edit made after seeing a version
beats it even when this machine's clock is hours behind the one that wrote it (the wall is
carried forward and the counter steps up). Two edits made without seeing each other are ordered
by their walls, then their devices: arbitrary, but the same everywhere.

A stamp is stored as the text "wall:counter:device" (e.g. "1764150900123:0:k3jd6f2q7a") under
the key `_rev` of each stored entry. Entries written before stamps existed have none: they get a
*legacy* stamp (wall 0, counter = the number of the file they came from, no device), below every
real stamp, so any change made since wins over them, and among themselves a later numbered file
still wins (`2026-11.2.json` over `2026-11.json`), as it did.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from companion.device import DEVICE_ID

REV = "_rev"  # the key of a stored entry that holds its stamp; never exported
# A device's stamp, spelled the one way companion writes it: wall 1 to 10**15 - 1, counter 0 to
# 10**9 - 1, no leading zeros, and a device id (Stamp.parse checks anything else the long way).
_USUAL = re.compile(r"([1-9][0-9]{0,14}):(0|[1-9][0-9]{0,8}):([a-z][a-z2-7]{9})")
_MAX_WALL = 10**15  # year 33658 in milliseconds: a bound, so a stamp stays a small number
_MAX_COUNTER = 10**9


class BadStamp(ValueError):
    """A `_rev` that is not a stamp companion writes."""


class Stamp(NamedTuple):
    """Compared as the tuple (wall, counter, device): the same order on every machine."""

    wall: int
    counter: int
    device: str

    @property
    def legacy(self) -> bool:
        return self.wall == 0

    def __str__(self) -> str:
        return f"{self.wall}:{self.counter}:{self.device}"

    @classmethod
    def parse(cls, text: object) -> Stamp:
        # Nearly every stamp read is a machine's, in its one spelling: one match says so.
        if isinstance(text, str):
            usual = _USUAL.fullmatch(text)
            if usual:
                return cls(int(usual[1]), int(usual[2]), usual[3])
        if not isinstance(text, str) or len(text) > 40:
            raise BadStamp(f"a version stamp must be short text, not {text!r:.40}")
        parts = text.split(":")
        if len(parts) != 3 or not all(_is_number(part) for part in parts[:2]):
            raise BadStamp(f"{text!r} is not a version stamp (wall:counter:device)")
        wall, counter, device = int(parts[0]), int(parts[1]), parts[2]
        if wall >= _MAX_WALL or counter >= _MAX_COUNTER:
            raise BadStamp(f"{text!r} is out of range for a version stamp")
        if (wall == 0) != (device == "") or (device and not DEVICE_ID.fullmatch(device)):
            raise BadStamp(f"{text!r} names no device companion makes")
        return cls(wall, counter, device)


def _is_number(part: str) -> bool:
    # No signs, spaces or leading zeros: one stamp has exactly one spelling.
    return part.isascii() and part.isdigit() and (part == "0" or not part.startswith("0"))


def legacy_stamp(number: int) -> Stamp:
    """The stamp of an entry from a file written before stamps: below every real stamp."""
    return Stamp(0, max(0, number), "")


def next_stamp(now_ms: int, seen: Stamp | None, device: str) -> Stamp:
    """A stamp for a change made now by `device`, after seeing `seen` (None: nothing yet)."""
    wall = min(max(int(now_ms), 1), _MAX_WALL - 1)  # never 0: wall 0 is the legacy rank
    if seen is None or wall > seen.wall:
        return Stamp(wall, 0, device)
    return Stamp(seen.wall, seen.counter + 1, device)


def newest(*stamps: Stamp | None) -> Stamp | None:
    """The highest of the stamps given, ignoring None."""
    found = [stamp for stamp in stamps if stamp is not None]
    return max(found) if found else None
