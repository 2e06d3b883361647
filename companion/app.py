"""The Textual app: opens on the way in that was asked for and runs the check-in flow.

Screens live in screens/ and import lazily, so the first frame needs only the home screen (or
the one asked for). The store is touched only in thread workers: the interface never waits on
the disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from rich.text import Text
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.signal import Signal
from textual.theme import Theme

from companion.content import Content, ContentError, Opening, load_content, load_opening
from companion.guidance import FirstBreaths
from companion.leaving import (
    ENDING_AT_MOST,
    LEAVING_AT_MOST,
    end_within,
    keep_what_is_not_saved,
    leave_on_signals,
)
from companion.recovery import KeptEntries
from companion.screens import STYLESHEETS
from companion.screens.messages import EntryTried, HistoryChecked, SaveTried, Say, SettingsSaved
from companion.settings import Settings, SettingsSaver, load_settings
from companion.text import printable

if TYPE_CHECKING:
    from datetime import date

    from textual.driver import Driver
    from textual.worker import Worker

    from companion.checkin import CheckInDraft
    from companion.entries import Entry
    from companion.history import HistoryStore
    from companion.plain import BreatheRequest

class CompanionApp(App[None]):
    """notice → ground → name → repair, and the history to look back on."""

    TITLE = "companion"
    CSS_PATH = STYLESHEETS  # screens/__init__.py: every .tcss, read before the first frame
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("exclamation_mark", "safety", "Find help now", key_display="!", show=False),
        Binding("ctrl+q", "leave", "Quit", priority=True, show=False),
        # Ctrl-C is what many press to get out: it leaves the same way, keeping the check-in.
        Binding("ctrl+c", "leave", "Quit", priority=True, show=False),
        Binding("q", "leave_checkin", "Leave", show=False),
    ]

    def __init__(
        self,
        data_dir: Path,
        start: str = "home",
        breathe: BreatheRequest | None = None,
        content: Content | None = None,
        settings: tuple[Settings, list[str]] | None = None,
        opening: Opening | None = None,
        on_first_frame: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self._on_first_frame = on_first_frame
        self.data_dir = Path(data_dir)
        self._store: HistoryStore | None = None
        self._store_lock = threading.Lock()
        # The first frame (home, or the breathing) needs only the opening of data/; the rest is
        # read once it is drawn. A check-in or the review opens on all of it, so it is read now.
        if opening is None:
            opening = content.opening if content else load_opening(user_dir=self.data_dir)
        self.opening = opening
        if content is None and start not in ("home", "breathe"):
            content = load_content(user_dir=self.data_dir, opening=self.opening)
        self._content = content
        # `settings` (with its warnings) when the command line has read them already.
        self.settings, self.setting_warnings = settings or load_settings(
            self.data_dir, patterns=[p.name for p in self.opening.patterns]
        )
        self.settings_saved_signal: Signal[str] = Signal(self, "settings-saved")
        self._settings_saver = SettingsSaver(self.data_dir)
        self._first_frame = threading.Event()
        self._settings_problem = ""
        self.start = start
        self.breathe_request = breathe
        # Every entry handed over to be saved, until it is in the history.
        self.kept = KeptEntries()
        self.entry_saved_signal: Signal[str] = Signal(self, "entry-saved")
        self.draft: CheckInDraft | None = None
        self.first_breaths = FirstBreaths()  # the note on feeling dizzy: each pattern's first
        # Said at the start when the data folder cannot be saved to ("" when it can).
        self.folder_problem = ""

    @property
    def unsaved(self) -> list[Entry]:
        """Entries kept because they could not be saved (yet)."""
        return self.kept.entries()

    @property
    def content(self) -> Content:
        """All of data/: read just after the first frame (see _read_the_rest), or now if asked
        for sooner."""
        if self._content is None:
            self._content = load_content(user_dir=self.data_dir, opening=self.opening)
        return self._content

    @property
    def store(self) -> HistoryStore:
        """The history, imported and opened when first used: after the first frame."""
        with self._store_lock:
            if self._store is None:
                from companion.history import HistoryStore

                self._store = HistoryStore(self.data_dir)
            return self._store

    # -- starting -----------------------------------------------------------------------------

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver, made to let go of a terminal that has been closed (terminal.py)."""
        driver = super().get_driver_class()
        if os.name == "nt":  # pragma: no cover
            return driver
        from companion.terminal import companion_driver

        return companion_driver(driver)

    def get_default_screen(self) -> Screen[Any]:
        """Home, or the breathing for `companion breathe`: the first screen is the only one
        composed before the first frame (an empty screen under it cost tens of milliseconds).
        `companion breathe` exits once the break is saved, so home would never be seen."""
        if self.start == "breathe":
            from companion.screens.breathe import BreatheScreen

            return BreatheScreen(request=self.breathe_request, exit_after=True)
        from companion.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        self._use_theme_from_settings()
        self._warn(*self.opening.warnings, *self.setting_warnings)
        if self.start == "checkin":
            self.action_checkin()
        elif self.start == "review":
            self.action_review()
        self.check_history()
        self.call_after_refresh(self._after_first_frame)
        self._leave_on_signals()

    def _after_first_frame(self) -> None:
        if self._on_first_frame is not None:
            self._on_first_frame()  # startup.first_frame_drawn: the collector runs again
        self._first_frame.set()
        self._read_the_rest()

    def _read_the_rest(self) -> None:
        """The rest of data/, on the main thread just after the first frame (~4 ms), so any key
        that needs it finds it read. A broken built-in file ends the app with one line, as it
        would have at the start; a person's own words that cannot be used are a warning."""
        try:
            content = self.content  # read already if a check-in, the review or a key needed it
        except ContentError as error:
            self.exit(return_code=1, message=Text(f"companion: {printable(str(error))}"))
            return
        shown = self.opening.warnings  # at the start
        self._warn(*(warning for warning in content.warnings if warning not in shown))

    def _warn(self, *warnings: str) -> None:
        """Problems with a person's own files: shown, never as markup, and the app carries on."""
        for warning in warnings:
            self.notify(printable(warning), severity="warning", timeout=10, markup=False)

    @work(thread=True, group="store")
    def check_history(self) -> None:
        """Open the store once in the background: say at once if nothing can be saved, bring
        back entries a recovery file kept, report damaged files and fixed permissions."""
        from datetime import datetime

        from companion.history_check import check_history

        # Not before the first frame: the read would compete with drawing it for the GIL.
        self._first_frame.wait(timeout=1.0)
        now = datetime.now().astimezone()
        self.post_message(HistoryChecked(check_history(self.store, self.data_dir, now)))

    def on_history_checked(self, message: HistoryChecked) -> None:
        check = message.check
        if check.problem:
            self.notify(check.problem, severity="error", timeout=15, markup=False)
        if check.unusable:
            self.folder_problem = check.unusable
            self.notify(
                f"{check.unusable} Anything you enter is kept while companion is open, and put "
                "somewhere safe when you leave.", severity="error", timeout=30, markup=False)
        if check.brought_back:
            self.notify(check.brought_back, timeout=10, markup=False)
        for line in check.waiting:
            self.notify(line, severity="warning", timeout=20, markup=False)
        for line in check.warnings:
            self.notify(line, severity="warning", timeout=15, markup=False)

    def on_say(self, message: Say) -> None:
        self.notify(message.text, severity=message.severity, timeout=message.timeout,
                    markup=False)

    def _use_theme_from_settings(self) -> None:
        from companion.screens.themes import THEMES

        for theme in THEMES:
            self.register_theme(theme)
        wanted = self.settings.theme
        if wanted in self.available_themes:
            self.theme = wanted
        else:
            self.setting_warnings.append(
                f"There is no theme called {wanted!r}; using {self.theme!r}. "
                "Ctrl+P, then 'theme', lists them."
            )
            self.settings = replace(self.settings, theme=self.theme)
        # A theme chosen anywhere (the command palette's switcher too) is remembered.
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.settings_saved_signal.subscribe(self, self._settings_saved)

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self.settings.theme:
            self.change_settings(replace(self.settings, theme=theme.name))

    # -- settings ------------------------------------------------------------------------------

    def change_settings(self, settings: Settings) -> None:
        """Use these settings at once and save them in the background."""
        self.settings = settings
        if settings.theme != self.theme and settings.theme in self.available_themes:
            self.theme = settings.theme
        self._save_settings()

    def _settings_saved(self, problem: str) -> None:
        # Said once, not after every change while the same problem lasts.
        if problem and problem != self._settings_problem:
            self.notify(printable(problem), severity="warning", timeout=15, markup=False)
        self._settings_problem = problem

    @work(thread=True, group="settings")
    def _save_settings(self) -> None:
        self.post_message(SettingsSaved(self._settings_saver.save(lambda: self.settings)))

    def on_settings_saved(self, message: SettingsSaved) -> None:
        self.settings_saved_signal.publish(message.problem)

    # -- saving --------------------------------------------------------------------------------

    def save_entry(self, entry: Entry, quiet: bool = False) -> Worker[None]:
        """Save in the background; the entry is kept until it is saved (and tried again with
        the next one, and once more when companion closes)."""
        self.kept.keep(entry)
        return self._save_kept(quiet)

    def keep(self, entry: Entry) -> None:
        """Keep an entry to be saved as companion closes (a screen that is going away)."""
        self.kept.keep(entry)

    @work(thread=True, group="store")
    def _save_kept(self, quiet: bool) -> None:
        problem = ""
        for entry_id, refused in self.kept.save_each(self.store.save):
            problem = refused or problem
            self.post_message(EntryTried(entry_id, refused))
        self.post_message(SaveTried(problem, quiet))

    def on_entry_tried(self, message: EntryTried) -> None:
        self.kept.tried(message.entry_id, message.problem)
        self.entry_saved_signal.publish(message.entry_id)

    def on_save_tried(self, message: SaveTried) -> None:
        problem = message.problem
        if problem and problem == self.folder_problem:
            # Said at the start already (as an error); a quieter word each time.
            said = "Not saved: the data folder cannot be written to. Your entry is kept here."
            self.notify(said, severity="warning", timeout=8)
        elif problem:
            said = f"{problem} Your entry is kept here and will be saved on the next try."
            self.notify(said, severity="error", timeout=20, markup=False)
        elif not message.quiet:
            self.notify("Saved.", timeout=2)

    def saving_state(self, entry_id: str) -> tuple[str, str]:
        """("saved", ""), ("saving", "") or ("kept", why) for an entry handed over to be saved."""
        return self.kept.state(entry_id)

    # -- ways in ---------------------------------------------------------------------------------

    def action_checkin(self) -> None:
        self.run_checkin()

    @work(exclusive=True, group="flow")
    async def run_checkin(self) -> None:
        """Walk the steps; Escape goes back, `s` skips, leaving keeps what was entered."""
        from companion.checkin import CheckInDraft, walk
        from companion.screens.saved import SavedScreen

        draft = self.draft = CheckInDraft()
        walked = await walk(lambda step: self.push_screen_wait(self._step_screen(step, draft)))
        self.draft = None
        if walked == "left":
            if not draft.is_empty():
                self.save_entry(draft.to_entry(complete=False), quiet=True)
                self.notify("Saved what you entered so far.", timeout=4)
            return
        if draft.is_empty():
            self.notify("Every step skipped, so there was nothing to save. That's fine.")
            return
        entry = draft.to_entry(complete=True)
        saving = self.save_entry(entry, quiet=True)
        # A save takes milliseconds: waiting a moment lets the Saved screen open knowing how it
        # went (it follows along if the save takes longer, e.g. waiting for another companion).
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.shield(saving.wait()), timeout=0.5)
        await self.push_screen_wait(SavedScreen(entry))

    def _step_screen(self, step: str, draft: CheckInDraft) -> Screen[str]:
        from companion.screens.steps import step_screen

        return step_screen(step, draft)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_checkin":
            # A step screen holds the draft it fills in as `.draft`.
            return _is_draft(getattr(self.screen, "draft", None))
        return True

    def action_leave_checkin(self) -> None:
        """Leave a check-in (or a repair) part way: ask once, then keep what was entered."""
        from companion.screens.widgets.leaving import leave_part_way

        step = self.screen
        draft = getattr(step, "draft", None)
        if _is_draft(draft):
            leave_part_way(step, draft)

    def action_add_repair(self) -> None:
        """Log a repair on its own, outside a check-in."""
        from companion.checkin import CheckInDraft
        from companion.screens.repair import RepairScreen

        draft = CheckInDraft(kind="repair")
        if self.draft is None:
            self.draft = draft  # quitting with ctrl+q keeps it too

        def finished(outcome: str | None) -> None:
            if self.draft is draft:
                self.draft = None
            if draft.repair is not None:
                self.save_entry(draft.to_entry(complete=outcome == "next"))

        self.push_screen(RepairScreen(draft, alone=True), finished)

    def action_quick_breathe(self, pattern: str | None = None, exit_after: bool = False) -> None:
        from companion.screens.breathe import BreatheScreen

        request = self.breathe_request if exit_after else None
        self.push_screen(BreatheScreen(request=request, pattern=pattern, exit_after=exit_after))

    def action_review(self) -> None:
        from companion.screens.review import ReviewScreen

        self.push_screen(ReviewScreen())

    def look_back(self, view: str, day: date | None = None, *, switch: bool = True) -> None:
        """Show a looking-back view (screens/views.py) in place of the one on top, or over it."""
        from companion.screens.views import view_screen

        screen = view_screen(view, day)
        if switch:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def action_help(self, topic: str = "about") -> None:
        from companion.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(topic=topic))

    def action_safety(self) -> None:
        from companion.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.show_topic("safety")
        else:
            self.push_screen(HelpScreen(topic="safety"))

    def action_settings(self) -> None:
        from companion.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen())

    async def action_quit(self) -> None:
        """The palette's Quit (and home's q) keep a check-in in progress, as Ctrl+Q does."""
        self.action_leave()

    def action_leave(self) -> None:
        """Quit; a check-in in progress is kept and saved as it is."""
        self._keep_the_draft()
        self.exit()

    def _keep_the_draft(self) -> None:
        draft, self.draft = self.draft, None
        if draft is not None and not draft.is_empty():
            self.kept.keep(draft.to_entry(complete=False))

    def on_unmount(self) -> None:
        """The last step of leaving, however it happens (the screens have closed, the terminal
        is restored): what is not saved yet is tried once more, and what still cannot be saved
        goes to a recovery file, said in one line with a non-zero exit (leaving.py)."""
        self._keep_the_draft()
        said = keep_what_is_not_saved(self.data_dir, self.kept, self._save_now)
        if said:
            # One line however narrow the terminal: the terminal wraps it, Rich does not.
            self.error_console.soft_wrap = True
            self.exit(return_code=self.return_code or 1, message=Text(said))
        if not self.is_headless:
            gone = bool(getattr(self._driver, "terminal_gone", False))
            end_within(LEAVING_AT_MOST if gone else ENDING_AT_MOST,
                       lambda: self.return_code or 0)

    def _save_now(self, entry: Entry) -> None:
        self.store.save(entry)
        self.kept.safe(entry)

    def _leave_on_signals(self) -> None:
        """SIGTERM and SIGHUP (the terminal closed) leave as Ctrl+Q does: the check-in in
        progress is kept and saved, and the terminal restored; the process ends soon after
        whatever is still running (leaving.py)."""
        if not self.is_headless:
            leave_on_signals(asyncio.get_running_loop(), self._leave_for_signal,
                             self._all_kept, self.data_dir)

    def _leave_for_signal(self, number: int) -> None:
        self._keep_the_draft()
        self.exit(return_code=128 + number)

    def _all_kept(self) -> list[Entry]:
        """Everything not saved yet, the check-in in progress too (from any thread)."""
        self._keep_the_draft()
        return self.kept.entries()

    # -- an unexpected error -------------------------------------------------------------------

    def _fatal_error(self) -> None:
        """Textual's own, but the traceback shows no frame's local variables: those hold
        entries, notes and feeling words, and would print them on the terminal (and into any
        bug report pasted from it). What happened and where is still shown."""
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()

    # -- command palette -----------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from companion.screens.palette import companion_commands

        yield from super().get_system_commands(screen)
        yield from companion_commands(self)


def _is_draft(value: object) -> TypeGuard[CheckInDraft]:
    """A check-in in progress? (checkin.py is imported only once there may be one.)"""
    if value is None:
        return False
    from companion.checkin import CheckInDraft

    return isinstance(value, CheckInDraft)


if TYPE_CHECKING:
    from companion.screens.app_access import CompanionServices

    def _serves_the_screens(app: CompanionApp) -> CompanionServices:
        """mypy checks here that the app gives the screens all they reach for."""
        return app
