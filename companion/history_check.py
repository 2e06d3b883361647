"""The history's first look when the app opens: can it be read, can it be saved to, and what a
recovery file kept from last time. The app runs this in a worker after its first frame and
says what it found; nothing here imports Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from companion.recovery import bring_back, count_entries
from companion.storage import StoreError

if TYPE_CHECKING:
    from companion.history import HistoryStore

KEPT = "Kept from when companion last closed: "


@dataclass(frozen=True, slots=True)
class HistoryCheck:
    """What to say of the history as the app opens. Every string is text, never markup: paths
    and reasons are data (a folder may be named "[b]")."""

    problem: str = ""  # the history could not be read: nothing else was looked at
    unusable: str = ""  # why nothing can be saved in the data folder ("" when it can)
    brought_back: str = ""  # what a recovery file brought back, or that one was cleared
    waiting: tuple[str, ...] = ()  # recovery files (or entries) still waiting, and why
    warnings: tuple[str, ...] = ()  # damaged files set aside, permissions fixed


def check_history(store: HistoryStore, data_dir: Path, now: datetime) -> HistoryCheck:
    """Read the month around `now`, check the folder can be saved to (before anyone breathes or
    types into something not kept) and bring back what a recovery file kept."""
    try:
        store.between(now - timedelta(days=31), now + timedelta(days=1))
    except StoreError as error:
        return HistoryCheck(problem=str(error))
    unusable = ""
    try:
        store.check()
    except StoreError as error:
        unusable = str(error)
    brought_back, waiting = "", []
    try:
        brought = bring_back(data_dir, store)
    except StoreError as error:  # the history itself could not be read
        waiting.append(f"{KEPT}{error}")
    else:
        if brought.cleared:
            brought_back = (
                f"Brought back {count_entries(brought.added)} that could not be saved when "
                "companion last closed." if brought.added
                else "Removed a recovery file whose entries were all saved.")
        waiting += [f"{KEPT}{line}" for line in brought.waiting]
    warnings = (*store.notices, *map(str, store.problems.values()))
    return HistoryCheck("", unusable, brought_back, tuple(waiting), warnings)
