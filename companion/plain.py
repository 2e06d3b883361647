"""`companion breathe`: choosing what to breathe, and the --plain mode without a TUI.

--plain prints one line as each phase begins ("in 4", "hold 4", "out 4"), at the moment it
begins, for screen readers and pipes. Each line waits for its own moment on the monotonic clock
measured from the start, so the cues never drift however long the session runs.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from companion.breathing import BreathingSchedule, BreathingSession, length_for
from companion.content import BreathingPattern, Opening, load_opening
from companion.exits import EXIT_OK, EXIT_PROBLEM, UsageError, exit_for_signal
from companion.storage import check_data_folder
from companion.text import printable

if TYPE_CHECKING:
    from companion.entries import Entry
    from companion.history import HistoryStore

DEFAULT_PATTERN = "coherent"
DEFAULT_MINUTES = 1.0


@dataclass(frozen=True, slots=True)
class BreatheRequest:
    """A breathing break as asked for on the command line, already checked."""

    pattern: BreathingPattern
    schedule: BreathingSchedule
    dizzy_note: str = ""  # said before the breath: each run is a session of its own
    cap_note: str = ""  # said when more breaths were asked for than the pattern allows


def breathe_request(
    data_dir: Path,
    pattern_name: str | None,
    minutes: float | None,
    cycles: int | None,
    *,
    default_pattern: str = DEFAULT_PATTERN,
    default_minutes: float = DEFAULT_MINUTES,
    opening: Opening | None = None,
) -> BreatheRequest:
    """Check the pattern, the length and the data folder before any breathing starts.

    An unknown pattern is a UsageError listing the known ones; a folder that cannot hold the
    history is a StoreError said now, not after the person has breathed. `opening`, when
    given, is used instead of reading data/ again.
    """
    opening = opening or load_opening(user_dir=data_dir)
    name = pattern_name or default_pattern
    pattern = opening.pattern(name) or (None if pattern_name else opening.patterns[0])
    if pattern is None:
        known = ", ".join(p.name for p in opening.patterns)
        raise UsageError(f"there is no breathing pattern called {name!r}; try one of: {known}")
    length = length_for(pattern, minutes=minutes, cycles=cycles, default_minutes=default_minutes)
    schedule = BreathingSchedule(pattern, length.cycles)
    check_data_folder(data_dir)  # before the first frame, without the history's imports
    return BreatheRequest(pattern, schedule, opening.dizzy_note,
                          pattern.cap_note if length.capped else "")


def run_plain(
    data_dir: Path,
    request: BreatheRequest,
    *,
    out: TextIO | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Breathe with one printed line per phase; Ctrl-C stops early and still saves."""
    from companion.entries import Entry
    from companion.history import HistoryStore

    out = out or sys.stdout
    schedule = request.schedule
    store = HistoryStore(data_dir)
    store.check()  # a folder we cannot save to is said before the breathing, not after
    session = BreathingSession(schedule, clock=clock)
    started_at = datetime.now().astimezone()
    minutes = schedule.total / 60
    if request.cap_note:
        print(printable(request.cap_note), file=out, flush=True)
    print(
        f"{printable(request.pattern.label)} ({printable(request.pattern.timing_text)}), "
        f"{_breaths(schedule.cycles)}, "
        f"about {minutes:.1f} min. Ctrl-C stops whenever you like.",
        file=out,
        flush=True,
    )
    if request.dizzy_note:
        print(printable(request.dizzy_note), file=out, flush=True)
    session.start()
    unwritten: OSError | None = None
    ended_by: int | None = None
    try:
        with _signals_stop_the_breath():
            for change in schedule.changes():
                _wait_until(session, change.at, sleep)
                print(f"{change.phase.cue} {change.phase.seconds:g}", file=out, flush=True)
            _wait_until(session, schedule.total, sleep)
    except KeyboardInterrupt:
        pass
    except _Ended as ended:
        ended_by = ended.signum  # `kill`, or the terminal closed: saved all the same
    except OSError as error:
        # The reader went away (e.g. `| head -3`) or the output is full: what was breathed is
        # still worth keeping.
        unwritten = error
    session.stop()
    record = session.record()
    entry = Entry(kind="breathing", started_at=started_at, breathing=record,
                  saved_at=datetime.now().astimezone(), complete=record.completed)
    with _ignoring_interrupts():
        kept = _save_or_keep(data_dir, store, entry)
    if kept:
        with suppress(OSError):
            print(kept, file=sys.stderr, flush=True)
        return EXIT_PROBLEM
    if unwritten is not None:
        raise unwritten
    ending = "Done" if record.completed else "Stopped early, and that's fine"
    summary = f"{ending}: {record.seconds:g} s, {_breaths(record.cycles)}. Saved."
    # A closed terminal: the breathing is saved, and nobody is there to read this.
    with suppress(OSError):
        print(summary, file=out, flush=True)
    return EXIT_OK if ended_by is None else exit_for_signal(ended_by)


def _save_or_keep(data_dir: Path, store: HistoryStore, entry: Entry) -> str:
    """Save the breath: "" once it is saved, else the line saying where it is kept instead.

    Another companion holding the lock past its wait is slow, not stuck: one more wait. If the
    breath still cannot be saved it goes to a recovery file (recovery.py), which the app brings
    into the history when it next opens; never "nothing was changed", as if it were nothing.
    """
    from companion import locks
    from companion.recovery import write_recovery
    from companion.storage import StoreBusy, StoreError

    try:
        try:
            store.save(entry)
        except StoreBusy:
            store.save(entry)
        return ""
    except StoreBusy:
        waited = 2 * locks.LOCK_WAIT_SECONDS
        reason = f"another companion held the history for over {waited:g} s"
    except StoreError as error:
        reason = printable(str(error)).rstrip(".")
    said = f"companion: your breathing could not be saved: {reason}."
    try:
        path = write_recovery(data_dir, [entry])
    except StoreError as error:
        return f"{said} No recovery file could be written either: {printable(str(error))}"
    return (f"{said} It is kept in {printable(str(path))} and will be added to your history "
            "the next time you open companion.")


class _Ended(Exception):
    """SIGTERM or SIGHUP arrived while breathing."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


ENDING_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@contextmanager
def _signals_stop_the_breath() -> Iterator[None]:
    """While breathing, SIGTERM and SIGHUP stop the breath the way Ctrl-C does, so what was
    breathed is saved (as the app does) instead of the process just ending."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise _Ended(signum)

    previous = {signum: signal.signal(signum, stop) for signum in ENDING_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def _ignoring_interrupts() -> Iterator[None]:
    """A second Ctrl-C (or a SIGTERM, SIGHUP) while saving must not cut the save short: the
    breathing would be lost. They are ignored for the fraction of a second the save takes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, signal.SIG_IGN)
                for signum in (signal.SIGINT, *ENDING_SIGNALS)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _wait_until(
    session: BreathingSession, moment: float, sleep: Callable[[float], None]
) -> None:
    # Each wait is measured afresh from the session's clock, so a late wake-up never carries
    # over into the next cue.
    while (left := moment - session.elapsed()) > 0:
        sleep(left)


def _breaths(count: int) -> str:
    return f"{count} breath" if count == 1 else f"{count} breaths"
