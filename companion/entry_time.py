"""An entry's time as the editor shows it, and a typed one read back as a moment.

Shown in this machine's local time, to the minute. A time typed without an offset is a local
time, and on the days the clocks change some local times do not exist (skipped when the clocks
go forward) or happen twice (when they go back): the first is refused, the second asks for the
offset that says which. A time typed with an offset (`+01:00`) is taken as it is. Either way the
moment keeps its UTC offset, as every stored time does.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from companion.entries import DATE_RANGE, EARLIEST, LATEST

FORMAT = "%Y-%m-%d %H:%M"
_TYPED = re.compile(
    r"(?P<day>\d{4}-\d{2}-\d{2})[ T](?P<time>\d{1,2}:\d{2})\s*(?P<offset>Z|[+-]\d{2}:?\d{2})?"
)


def shown_time(moment: datetime, zone: tzinfo | None = None) -> str:
    """`2026-11-16 12:00`: the moment in local time (or `zone`'s)."""
    return moment.astimezone(zone).strftime(FORMAT)


def typed_time(text: str, zone: tzinfo | None = None) -> datetime:
    """The moment a person typed, with its UTC offset; ValueError with one sentence if none."""
    typed = text.strip()
    match = _TYPED.fullmatch(typed)
    if match is None:
        raise ValueError(f"Write the time as {datetime(2026, 11, 16, 9, 30):{FORMAT}} "
                         "(year-month-day hour:minute).")
    hour, minute = (int(part) for part in match["time"].split(":"))
    try:
        naive = datetime.fromisoformat(f"{match['day']}T{hour:02d}:{minute:02d}")
    except ValueError:
        raise ValueError(f"{typed} is not a date and time on the calendar.") from None
    offset = match["offset"]
    if offset is not None:
        moment = naive.replace(tzinfo=_offset(offset))
    else:
        moment = _local(naive, zone, typed)
    if not EARLIEST <= moment < LATEST:
        raise ValueError(f"The time has to be from {DATE_RANGE}.")
    return moment


def _offset(text: str) -> timezone:
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError(f"{text} is not a UTC offset.")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _local(naive: datetime, zone: tzinfo | None, typed: str) -> datetime:
    """The naive time in local time (or `zone`), as a fixed offset: refused in a gap, asked
    about when the clocks go back and it happens twice."""
    try:
        first, second = (_fixed(naive.replace(fold=fold), zone) for fold in (0, 1))
    except (OverflowError, ValueError):
        raise ValueError(f"The time has to be from {DATE_RANGE}.") from None
    if first.utcoffset() == second.utcoffset():
        return first
    if first.astimezone(zone).replace(tzinfo=None) != naive:
        raise ValueError(f"{typed} does not happen here: the clocks skip that hour. "
                         "Pick a time before or after it.")
    one, other = (_offset_text(m) for m in (first, second))
    raise ValueError(f"{typed} happens twice here (the clocks go back): add which one, "
                     f"{typed} {one} or {typed} {other}.")


def _fixed(naive: datetime, zone: tzinfo | None) -> datetime:
    if zone is None:
        return naive.astimezone()  # the offset in force then, as datetime.now().astimezone()
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(timezone(aware.utcoffset() or timedelta()))


def _offset_text(moment: datetime) -> str:
    offset = moment.strftime("%z")
    return f"{offset[:3]}:{offset[3:]}"
