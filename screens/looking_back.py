"""What every looking-back view shares: the keys that switch between them, in the footer and
the command palette, and reading the store in a thread worker.

The views are screens of their own (review.py is the week; month.py, year.py, helps.py,
repairs.py, search.py the rest; views.py makes one by name, for the app's `look_back`, so no view
imports another). Switching replaces the view on top of the stack, so Escape from any of them
goes back to where the review was opened.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import date, datetime

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from companion.content import Content
from companion.entries import Entry
from companion.history import HistoryStore
from companion.read_ahead import Reading, Summed, read_ahead
from companion.screens.app_access import UsesCompanion
from companion.screens.messages import Say
from companion.spans import span_times

# How long a view opening waits for its own read before it is first drawn (open_with).
BRIEF_WAIT = 0.05

# (key, view, the footer's word, what the palette says)
VIEWS = (
    ("1", "week", "Week", "Look back at a week"),
    ("2", "month", "Month", "A month, a day at a time"),
    ("3", "year", "Year", "The year at a glance"),
    ("4", "helps", "Helps", "Which grounding eases you, and what comes before high moments"),
    ("5", "repairs", "Repairs", "Every repair, and the ones still open"),
    ("slash", "search", "Search", "Find past entries by what was written in them"),
)

PALETTE_NAMES = {"helps": "what helps", "search": "search (find past entries)"}


class ViewCommands(Provider):
    """The looking-back views in the command palette, while one is open."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[str], None], str]]:
        screen = self.screen
        if not isinstance(screen, LookingBack):
            return
        for _key, view, name, about in VIEWS:
            if view != getattr(screen, "VIEW", None):
                name = PALETTE_NAMES.get(view, name.lower())
                yield f"Show {name}", about, screen.action_show_view, view

    async def discover(self) -> Hits:
        for name, about, show, view in self._commands():
            yield DiscoveryHit(name, lambda v=view, s=show: s(v), help=about)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, about, show, view in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), lambda v=view, s=show: s(v),
                          help=about)


def view_bindings(own: str) -> list[Binding]:
    """The keys to the other views, for the view `own`: one footer slot says them all ("1-5 /
    Views"), so a view's own keys and Esc and ? still fit 80 columns; each is in the palette."""
    slot = next(key for key, view, _name, _about in VIEWS if view != own)
    return [
        *(Binding(key, f"show_view('{view}')", "Views" if key == slot else name,
                  key_display="1-5 /" if key == slot else ("/" if key == "slash" else key),
                  show=key == slot)
          for key, view, name, _about in VIEWS),
        Binding("escape", "back", "Back"),
    ]


class LookingBack(Screen[None], UsesCompanion):
    """A looking-back view: 1–5 and / switch to the others, Escape goes back."""

    VIEW = ""
    # Whether home and the review read this view's data ahead: the reading then waits, from
    # the key until the view shows its data, rather than taking turns with its own read and
    # drawing.
    READ_AHEAD = False
    COMMANDS = {ViewCommands}
    # Each view lists these after its own keys, so the footer shows the view's keys first.

    def __init__(self, day: date | None = None) -> None:
        super().__init__()
        self.day = day or date.today()
        self.shown: Summed | None = None  # what a view that reads a summary shows

    @property
    def content(self) -> Content:
        return self.companion.content

    @property
    def store(self) -> HistoryStore:
        return self.companion.store

    @property
    def week_start(self) -> str:
        return self.companion.settings.week_start

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_view":
            return parameters != (self.VIEW,)
        return True

    def action_show_view(self, view: str) -> None:
        if view != self.VIEW:
            read_ahead(self.store).hold()  # until the view is drawn (see READ_AHEAD)
            self.companion.look_back(view, self.day)

    def on_screen_resume(self) -> None:
        if not self.READ_AHEAD:
            self.call_after_refresh(read_ahead(self.store).go_on)

    def drawn_with_data(self) -> None:
        """The view shows what it read: a reading ahead held for it may go on (after this
        frame)."""
        self.call_after_refresh(read_ahead(self.store).go_on)

    def action_back(self) -> None:
        self.dismiss()

    def read_days(self, first: date, end: date | None) -> list[Entry] | None:
        """The entries from `first` up to `end` (None: to the calendar's end), in a worker thread;
        None (with the problem said) when the store cannot be read."""
        return self.read(lambda: self.store.between(*span_times(first, end)))

    def read_all(self) -> list[Entry] | None:
        return self.read(self.store.all)

    def read(self, reading: Callable[[], list[Entry]]) -> list[Entry] | None:
        from companion.storage import StoreError
        from companion.text import printable

        try:
            entries: list[Entry] = reading()
        except StoreError as error:
            self.post_message(Say(printable(str(error)), "error", 15))
            return None
        for problem in self.store.problems.values():
            self.post_message(Say(printable(str(problem)), "warning", 15))
        return entries

    def kept(self, reading: Reading) -> Summed | None:
        """What `reading` asks for, if it was read ahead and nothing was saved since: a view
        then draws it in its first frame (no disk touched; its worker checks the files)."""
        return read_ahead(self.store).ready(reading.key)

    def summed(self, reading: Reading) -> Summed | None:
        """In a worker: what `reading` asks for, kept (read_ahead.py) or read now; None (with
        the problem said) when the store cannot be read."""
        from companion.storage import StoreError
        from companion.text import printable

        try:
            return read_ahead(self.store).get(reading)
        except StoreError as error:
            self.post_message(Say(printable(str(error)), "error", 15))
            return None

    async def open_with(self, reading: Reading, load: Callable[[], Worker[Summed | None]],
                        show: Callable[[Summed], None]) -> None:
        """As the view opens (its on_mount): what `reading` asks for, shown (`show`) in its
        first frame when it was read ahead, its files looked at (`load`, the view's worker)
        once that frame is out. Else its own read, waited for at most BRIEF_WAIT, so a quick
        one is shown whole rather than "Reading your …" for a moment; after that, the
        worker's message brings it."""
        kept = self.kept(reading)
        if kept is not None:
            show(kept)
            self.call_after_refresh(load)
            return
        try:
            read = await asyncio.wait_for(asyncio.shield(load().wait()), BRIEF_WAIT)
        except (TimeoutError, WorkerFailed, WorkerCancelled):
            return
        if read is not None:
            show(read)

    def newly_shown(self, summed: Summed) -> bool:
        """Whether `summed` is not what the view shows already (the kept one, drawn, still
        true); if so, it is now, and the problems met reading it are said."""
        from companion.text import printable

        if summed is self.shown:
            return False
        self.shown = summed
        for problem in summed.problems:
            self.notify(printable(problem), severity="warning", timeout=15, markup=False)
        return True

    def on_say(self, message: Say) -> None:
        self.notify(message.text, severity=message.severity, timeout=message.timeout,
                    markup=False)

    def open_day(self, day: date) -> None:
        """A day's entries: the week it is in, its moments ready to open."""
        self.companion.look_back("day", day, switch=False)

    def open_entry(self, entry: Entry) -> None:
        from companion.screens.entry import EntryScreen

        self.app.push_screen(EntryScreen(entry), lambda _changed: self.reload())

    def reload(self) -> None:
        """Read again after an entry was opened (it may have been edited or deleted)."""


def now() -> datetime:
    return datetime.now().astimezone()
