"""The one line the app leaves in the terminal once its screen is gone: what this visit kept.

`companion breathe --plain` ends with what was breathed and that it was saved; the app, a
check-in and the breathing break in the app end the same way ("Saved: 1 min of box breathing.",
"Saved what you entered so far."), whether they ended by themselves, by Ctrl-C or by q. The line
is read back from the history, so it says what is on disk, not what was meant to be: entries
that started during the visit. (One saved meanwhile by another companion, say `companion log`
in another terminal, is counted too; knowing which ids this app saved would mean a hook in
every place it saves.)
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from companion.text import printable

if TYPE_CHECKING:
    from companion.content import BreathingPattern
    from companion.entries import Entry

# Past this many things kept, the line counts them instead of naming each.
MAX_NAMED = 3


def say_what_was_kept(
    data_dir: Path,
    began: datetime,
    *,
    unsaved: Sequence[Entry] = (),
    patterns: Iterable[BreathingPattern] = (),
) -> None:
    """Print the closing line for a visit that began at `began`; never raises."""
    from companion.history import HistoryStore
    from companion.storage import StoreError

    try:
        kept = HistoryStore(data_dir).between(began, datetime.now().astimezone() + _LATER)
    except (StoreError, OSError):
        kept = []  # the app has said what was wrong with the folder
    labels = {p.name: p.label for p in patterns}
    waiting = {entry.id for entry in unsaved}
    line = closing_line([e for e in kept if e.id not in waiting], labels)
    try:
        if line:
            print(line, flush=True)
        if unsaved:
            print(f"companion: could not save {_listed(unsaved, labels)}; it is not in your "
                  "history.", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass  # the terminal went away with the app: nobody is there to read it


# An entry saved in the last moment may carry a time a little after "now" on a clock that
# steps; what counts is that it started during the visit.
_LATER = timedelta(minutes=1)


def closing_line(kept: Sequence[Entry], labels: dict[str, str]) -> str:
    """"Saved: …." for what was kept (oldest first), or "" when nothing was."""
    if not kept:
        return ""
    if len(kept) == 1 and kept[0].kind in ("checkin", "repair") and not kept[0].complete:
        return "Saved what you entered so far."
    return f"Saved: {_listed(kept, labels)}."


def _listed(entries: Sequence[Entry], labels: dict[str, str]) -> str:
    named = [_kept(entry, labels) for entry in entries]
    if len(entries) <= MAX_NAMED and len(set(named)) == len(named):
        return _and(named)
    # Too many to name, or two alike ("your check-in and your check-in"): counted.
    counts: list[str] = []
    for kind, one, many in (("checkin", "check-in", "check-ins"),
                            ("breathing", "breathing break", "breathing breaks"),
                            ("repair", "repair", "repairs")):
        of_kind = [e for e in entries if e.kind == kind]
        if not of_kind:
            continue
        counted = f"{len(of_kind)} {one if len(of_kind) == 1 else many}"
        if kind == "breathing":
            seconds = sum(e.breathing.seconds for e in of_kind if e.breathing is not None)
            counted += f" ({_duration(seconds)})"
        counts.append(counted)
    return _and(counts)


def _kept(entry: Entry, labels: dict[str, str]) -> str:
    if entry.kind == "breathing" and entry.breathing is not None:
        pattern = entry.breathing.pattern
        label = printable(labels.get(pattern, pattern))
        text = f"{_duration(entry.breathing.seconds)} of {label[:1].lower()}{label[1:]}"
        return text if entry.complete else f"{text} (stopped early, and that's fine)"
    if entry.kind == "repair":
        return "your repair" if entry.complete else "what you entered of a repair so far"
    return "your check-in" if entry.complete else "what you entered of a check-in so far"


def _duration(seconds: float) -> str:
    if seconds < 59.5:
        return f"{round(seconds)} s"
    return f"{round(seconds / 30) / 2:g} min"  # to the half minute


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
