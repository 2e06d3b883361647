"""What the background workers report: each worker posts one of these, and a handler on the main
thread (the screen's or the app's) changes what is shown. Workers never touch the interface.

None bubbles: each is posted to the screen (or app) whose worker read or wrote, and handled
there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from companion.entries import Entry
    from companion.history_check import HistoryCheck
    from companion.insights import RepairItem
    from companion.read_ahead import Summed
    from companion.summary import WeekSummary


class Report(Message, bubble=False):
    """A worker's answer, handled where it was posted."""


class StoreFailed(Report):
    """The history could not be read or written; `problem` says why in one sentence."""

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem


class EntrySaved(Report):
    """An entry is on disk; `said` is the word to show for it."""

    def __init__(self, entry: Entry, said: str) -> None:
        super().__init__()
        self.entry = entry
        self.said = said


class EntryRefused(Report):
    """An edited entry did not pass the entry model's checks; nothing was written."""

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem


class EntryDeleted(Report):
    """An entry was taken out of the history."""


class WeekLoaded(Report):
    """One week read for the review, with the problems met reading it."""

    def __init__(self, summary: WeekSummary, entries: list[Entry], problems: list[str]) -> None:
        super().__init__()
        self.summary = summary
        self.entries = entries
        self.problems = problems


class SaveTried(Report):
    """The app's save of an entry (and of any kept from before) was tried; `problem` is empty
    when all were saved."""

    def __init__(self, problem: str, quiet: bool) -> None:
        super().__init__()
        self.problem = problem
        self.quiet = quiet


class HistoryChecked(Report):
    """The history was opened in the background: what to say of it (history_check.py)."""

    def __init__(self, check: HistoryCheck) -> None:
        super().__init__()
        self.check = check


class Say(Report):
    """One notification a worker asks for, shown as text (never markup)."""

    def __init__(self, text: str, severity: SeverityLevel, timeout: float) -> None:
        super().__init__()
        self.text = text
        self.severity = severity
        self.timeout = timeout


class EntryTried(Report):
    """One kept entry's save was tried: saved (`problem` empty) or still kept, and why."""

    def __init__(self, entry_id: str, problem: str) -> None:
        super().__init__()
        self.entry_id = entry_id
        self.problem = problem


class SettingsSaved(Report):
    """settings.toml was written (`problem` empty) or could not be (`problem` says why)."""

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem


class BreakSaved(Report):
    """The quick break asked to exit after it is saved: saved, or kept for the app's leaving
    to try once more (and put in a recovery file if that fails too)."""


class SpanRead(Report):
    """A looking-back view's entries were read; `asked` is what was asked for (a month's first
    day, a year, or None for everything), so a read the person has moved on from is dropped."""

    def __init__(self, asked: object, entries: list[Entry]) -> None:
        super().__init__()
        self.asked = asked
        self.entries = entries


class SpanSummarized(Report):
    """A month's or a year's days, summed up in the worker that read them (so the screen only
    draws), as read_ahead.Summed; `asked` is the month's first day or the year, so a read the
    person has moved on from is dropped."""

    def __init__(self, asked: object, summary: object) -> None:
        super().__init__()
        self.asked = asked
        self.summary = summary


class InsightsGathered(Report):
    """What helps, worked out from the entries read (read_ahead.Summed of an Insights)."""

    def __init__(self, found: Summed) -> None:
        super().__init__()
        self.found = found


class RepairsRead(Report):
    """Every repair (or the open ones) with how long each has been open."""

    def __init__(self, items: tuple[RepairItem, ...]) -> None:
        super().__init__()
        self.items = items


class RepairMarked(Report):
    """A repair was marked done or let go and saved; `before` is the entry as it was (for undo)."""

    def __init__(self, said: str, before: Entry | None) -> None:
        super().__init__()
        self.said = said
        self.before = before


class SearchFound(Report):
    """The entries found for `text`, newest first."""

    def __init__(self, text: str, found: list[Entry]) -> None:
        super().__init__()
        self.text = text
        self.found = found


class OpenRepairsCounted(Report):
    """Home's line on repairs still open ("" when none are)."""

    def __init__(self, said: str) -> None:
        super().__init__()
        self.said = said
