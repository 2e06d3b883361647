"""Leaving, however it happens: what is not saved is kept, and the process ends in time.

The app calls these as it closes (a key, Ctrl-C, SIGTERM, SIGHUP when the terminal goes): what
is not saved yet is tried once more and otherwise written to a recovery file (recovery.py), said
in one line; and a thread of its own ends the process a bounded time later, so a save waiting on
a lock or a read that never returns cannot keep companion alive after its terminal has gone.
Nothing here imports Textual: it is tested with plain pytest.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from companion.recovery import KeptEntries, count_entries, save_in_time, write_recovery
from companion.storage import StoreError
from companion.text import printable

if TYPE_CHECKING:
    import asyncio

    from companion.entries import Entry

# What is not saved yet gets this long to be saved (a save waits up to 10 s for another
# companion's lock), then goes to a recovery file. Once companion has been told to go (a key, or
# SIGTERM/SIGHUP), the process ends within LEAVING_AT_MOST whatever else is still running, so it
# never outlives a closed terminal by more than that.
SAVING_ON_LEAVING = 1.0
LEAVING_AT_MOST = 2.0
# Leaving with the terminal still there (a key, Ctrl-C): the closing line is still to be printed,
# which on a busy machine can take more than LEAVING_AT_MOST; the bound is only against a read
# that never returns.
ENDING_AT_MOST = 20.0


def keep_what_is_not_saved(data_dir: Path, kept: KeptEntries, save: Callable[[Entry], object],
                           *, within: float = SAVING_ON_LEAVING) -> str:
    """Save what is kept, trying for `within` seconds; what still cannot be saved goes to a
    recovery file (or, with nowhere to write one, into the line itself as an export). The line
    to say as companion closes; "" when everything is saved."""
    entries = kept.entries()
    if not entries:
        return ""
    unsaved, problem = save_in_time(entries, save, within=within)
    if not unsaved:
        return ""
    count = count_entries(len(unsaved))
    them = "It is" if len(unsaved) == 1 else "They are"
    reason = printable(problem.rstrip("."))
    try:
        path = write_recovery(data_dir, unsaved)
    except StoreError as error:
        # Nowhere to keep them: the terminal is the last place left.
        from companion.recovery import recovery_document

        return (f"companion: {count} could not be saved: {reason}. No recovery file could be "
                f"written either ({printable(str(error))}). {them} here as an export; save it "
                "and run `companion import FILE`:\n" + recovery_document(data_dir, unsaved))
    for entry in unsaved:
        kept.safe(entry)
    return (f"companion: {count} could not be saved: {reason}. {them} kept in "
            f"{printable(str(path))} and will be added to your history the next time companion "
            "starts.")


def leave_on_signals(loop: asyncio.AbstractEventLoop, leave: Callable[[int], None],
                     last_resort: Callable[[], list[Entry]], data_dir: Path) -> None:
    """SIGTERM and SIGHUP (the terminal closed) call `leave(number)` on `loop`.

    The handlers only note the signal; a thread of their own then asks the loop to leave, and
    ends the process LEAVING_AT_MOST later if it is somehow still here, first writing what
    `last_resort()` says is not saved to a recovery file.
    """
    import signal

    if not hasattr(signal, "SIGHUP"):  # pragma: no cover - not on Windows
        return
    arrived = threading.Event()
    numbers: list[int] = []

    def note(number: int, _frame: object) -> None:
        numbers.append(number)
        arrived.set()

    def watch() -> None:
        arrived.wait()
        number = numbers[0]
        with contextlib.suppress(RuntimeError):  # the loop has closed: leaving already
            loop.call_soon_threadsafe(leave, number)
        time.sleep(LEAVING_AT_MOST)
        # Still here: something is stuck. What is not saved yet goes to a recovery file.
        entries = last_resort()
        if entries:
            with contextlib.suppress(StoreError):
                write_recovery(data_dir, entries)
        end_now(128 + number)

    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, note)
    threading.Thread(target=watch, daemon=True, name="companion-signals").start()


def end_within(seconds: float, code: Callable[[], int]) -> None:
    """End the process `seconds` from now if it is still here: everything kept is safe by
    then, and a save waiting on a lock or a read that never returns must not keep it alive."""

    def end() -> None:
        time.sleep(seconds)
        end_now(code())

    threading.Thread(target=end, daemon=True, name="companion-leaving").start()


def end_now(code: int) -> None:
    """End the process at once with `code`, what is written so far flushed."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)

