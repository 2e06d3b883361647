"""What screens and widgets use of the app, typed: `self.companion` on any of them.

The screens cannot import companion.app (the app imports the screens, and the import contracts
forbid the loop), so they name what they use here as a Protocol; companion/app.py checks under
mypy that CompanionApp satisfies it. A screen reaching for something not listed here is a type
error, not a silent `# type: ignore`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from datetime import date

    from textual.dom import DOMNode
    from textual.signal import Signal

    from companion.content import Content, Opening
    from companion.entries import Entry
    from companion.guidance import FirstBreaths
    from companion.history import HistoryStore
    from companion.settings import Settings


class CompanionServices(Protocol):
    """The app's services and actions that screens reach for."""

    opening: Opening
    settings: Settings
    settings_saved_signal: Signal[str]
    entry_saved_signal: Signal[str]
    folder_problem: str

    @property
    def unsaved(self) -> list[Entry]: ...

    def keep(self, entry: Entry) -> None: ...

    def saving_state(self, entry_id: str) -> tuple[str, str]: ...
    first_breaths: FirstBreaths

    @property
    def content(self) -> Content: ...

    @property
    def store(self) -> HistoryStore: ...

    def save_entry(self, entry: Entry, quiet: bool = False) -> object: ...

    def change_settings(self, settings: Settings) -> None: ...

    def action_checkin(self) -> None: ...

    def action_quick_breathe(self, pattern: str | None = None, exit_after: bool = False
                             ) -> None: ...

    def action_add_repair(self) -> None: ...

    def action_review(self) -> None: ...

    def action_settings(self) -> None: ...

    def action_safety(self) -> None: ...

    def action_help(self, topic: str = "about") -> None: ...

    def action_leave_checkin(self) -> None: ...

    def look_back(self, view: str, day: date | None = None, *, switch: bool = True) -> None: ...


class UsesCompanion:
    """Mixed into a Screen or Widget (after it, so Textual's CSS inheritance is untouched)."""

    @property
    def companion(self) -> CompanionServices:
        # The running app is always a CompanionApp (startup opens no other), as posting's
        # screens assume with cast("Posting", self.app).
        return cast("CompanionServices", cast("DOMNode", self).app)
