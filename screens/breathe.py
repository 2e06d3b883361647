"""The quick breathing break: choose (or not), breathe, and it is saved.

From `companion breathe` the breathing starts at once and the app exits once the break is
saved. From home, choose a pattern and a length first; afterwards, rating activation is
offered (optional) before going back home. The breathing part does the choosing, breathing and
rating; this screen makes the break an entry and saves it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header

from companion.breathing import Clock
from companion.plain import BreatheRequest
from companion.screens.app_access import UsesCompanion
from companion.screens.breathing_keys import BREATH_KEYS, LENGTH_KEYS, RATING_KEYS, BreathingKeys
from companion.screens.messages import BreakSaved
from companion.screens.widgets.breathing_part import AFTER, BreathingPart
from companion.storage import StoreError

if TYPE_CHECKING:
    from companion.entries import Entry


class BreatheScreen(BreathingKeys[None], UsesCompanion):
    AUTO_FOCUS = ""  # focus follows the part of the break being shown
    BINDINGS = [
        Binding("enter", "start", "Start"),
        *LENGTH_KEYS,
        *BREATH_KEYS,
        Binding("enter", "done", "Done"),
        *RATING_KEYS,
        Binding("exclamation_mark", "find_help", "Find help now", key_display="!"),
        Binding("escape", "back", "Back"),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(
        self,
        request: BreatheRequest | None = None,
        pattern: str | None = None,
        exit_after: bool = False,
        clock: Clock | None = None,
    ) -> None:
        super().__init__()
        self.request = request
        self.wanted_pattern = pattern
        # A request (`companion breathe`) is breathed at once, and the app ends once it is saved.
        self.exit_after = exit_after or request is not None
        self.clock = clock
        self.entry: Entry | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        settings = self.companion.settings
        self.part = BreathingPart(
            request=self.request,
            selected=self.wanted_pattern or settings.default_pattern,
            clock=self.clock,
        ).data_bind(BreatheScreen.activation)
        yield self.part
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("done", "find_help"):
            return self.part.mode == AFTER
        return super().check_action(action, parameters)

    # -- the break, saved ------------------------------------------------------------------------

    def on_breathing_part_finished(self, event: BreathingPart.Finished) -> None:
        from companion.entries import Entry

        record = event.record
        self.entry = Entry(
            kind="breathing",
            started_at=self.part.started_at or datetime.now().astimezone(),
            saved_at=datetime.now().astimezone(),
            breathing=record,
            complete=record.completed,
        )
        if self.exit_after:
            self._save_and_exit(self.entry)
            return
        self.companion.save_entry(self.entry, quiet=True)
        self.part.show_after()

    @work(thread=True, exclusive=True, group="breathe-save")
    def _save_and_exit(self, entry: Entry) -> None:
        # Saved here, synchronously, so the app only exits once the break is on disk.
        try:
            self.companion.store.save(entry)
        except StoreError:
            # Kept: as the app closes it is tried once more, then put in a recovery file, and
            # that is said in one line with exit code 1.
            self.companion.keep(entry)
        self.post_message(BreakSaved())

    def on_break_saved(self) -> None:
        # Saved or kept: either way the app's leaving says what became of it.
        self.app.exit()

    def on_breathing_part_safety_due(self) -> None:
        # Near the top of the scale, where to find help comes up by itself, once a break.
        self.companion.action_safety()

    # -- actions ---------------------------------------------------------------------------------

    def action_done(self) -> None:
        if self.entry is not None and self.activation is not None:
            self.entry = self.entry.with_changes(activation_after=self.activation)
            self.companion.save_entry(self.entry, quiet=True)
        self.dismiss()

    def action_back(self) -> None:
        if self.part.back():
            return  # Escape first ends the breathing; it is saved as it was
        if self.part.mode == AFTER:
            self.action_done()
        else:
            self.dismiss()

    def action_find_help(self) -> None:
        self.companion.action_safety()

    def action_help(self) -> None:
        self.companion.action_help("ground")

    # -- leaving ---------------------------------------------------------------------------------

    def on_unmount(self) -> None:
        # Quitting mid-breath: what was breathed is saved now, before the app goes.
        session, started_at = self.part.session, self.part.started_at
        if self.entry is None and session is not None and started_at is not None:
            from companion.entries import Entry

            session.stop()
            entry = Entry(kind="breathing", started_at=started_at,
                          saved_at=datetime.now().astimezone(),
                          breathing=session.record(), complete=False)
            # Saved by the app as it closes, just after this (or kept in a recovery file).
            self.companion.keep(entry)
