"""Settings: the breathing you start with, motion, cues, the week, the theme, your people.

Every change applies at once and the app saves it in the background (settings.toml in the
data folder). A settings file with a problem is left as it is: this screen then says so, and
the changes last until companion closes. Keyboard: Tab moves between settings, Enter opens a
list or adds a contact, Space ticks a box, Delete removes the highlighted contact.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Header,
    Input,
    Label,
    OptionList,
    Select,
    Static,
)
from textual.widgets.option_list import Option

from companion.screens.themes import HIGH_CONTRAST, HIGH_CONTRAST_LIGHT
from companion.screens.widgets.pattern_choice import MINUTE_STEPS
from companion.settings import (
    MAX_CONTACT_HOW,
    MAX_CONTACT_NAME,
    MAX_CONTACTS,
    SETTINGS_FILE,
    Contact,
    Settings,
    contact_problem,
)
from companion.text import printable

WEEK_STARTS = (("Monday", "monday"), ("Sunday", "sunday"))


class Tickbox(Checkbox):
    """A checkbox that shows on and off without colour: X when ticked, blank when not."""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "X" if self.value else " "
        return super()._button


class SettingsScreen(Screen[None]):
    AUTO_FOCUS = "#default_pattern"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (60, "-wide")]
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("delete,backspace", "remove_contact", "Remove contact", key_display="del"),
        Binding("exclamation_mark", "app.safety", "Find help now", key_display="!", show=False),
    ]

    def compose(self) -> ComposeResult:
        app = self.app
        settings: Settings = app.settings  # type: ignore[attr-defined]
        patterns = app.content.patterns  # type: ignore[attr-defined]
        yield Header()
        yield Static("Settings", classes="step-title")
        yield Static(
            "Changes apply at once and are kept in settings.toml. Tab moves, Esc closes.",
            id="status",
            classes="hint",
        )
        # A form: Tab goes from field to field (each scrolls itself into view); the
        # container itself is no stop, where keys would land on nothing visible.
        with VerticalScroll(id="settings", can_focus=False):
            with Horizontal(classes="row"):
                yield Label("Breathing", classes="name")
                yield Select(
                    [(Text(printable(f"{p.label} ({p.timing_text})")), p.name) for p in patterns],
                    value=_known(settings.default_pattern, [p.name for p in patterns]),
                    allow_blank=False,
                    compact=True,
                    id="default_pattern",
                )
            with Horizontal(classes="row"):
                yield Label("Length", classes="name")
                steps = sorted({*MINUTE_STEPS, settings.default_minutes})
                yield Select(
                    [(_length(m), float(m)) for m in steps],
                    value=float(settings.default_minutes),
                    allow_blank=False,
                    compact=True,
                    id="default_minutes",
                )
            yield Tickbox(
                "Reduced motion (no moving shape)",
                settings.reduced_motion,
                compact=True,
                id="reduced_motion",
            )
            yield Tickbox(
                "Bell at each change of breath",
                settings.bell,
                compact=True,
                id="bell",
            )
            with Horizontal(classes="row"):
                yield Label("Week starts", classes="name")
                yield Select(
                    WEEK_STARTS,
                    value=settings.week_start,
                    allow_blank=False,
                    compact=True,
                    id="week_start",
                )
            with Horizontal(classes="row"):
                yield Label("Theme", classes="name")
                yield Select(
                    [(name, name) for name in _themes(list(app.available_themes))],
                    value=app.theme,
                    allow_blank=False,
                    compact=True,
                    id="theme",
                )
            yield Static(
                "Your people: shown with the numbers for immediate help (press ! anywhere).",
                classes="hint",
                id="people-hint",
            )
            yield OptionList(id="contacts")
            with Horizontal(classes="row", id="new-contact"):
                yield Input(
                    placeholder="name",
                    max_length=MAX_CONTACT_NAME,
                    compact=True,
                    id="contact-name",
                )
                yield Input(
                    placeholder="how to reach them",
                    max_length=MAX_CONTACT_HOW,
                    compact=True,
                    id="contact-how",
                )
                yield Button("Add", compact=True, id="add-contact")
        yield Footer()

    def on_mount(self) -> None:
        self._show_contacts()
        self.app.settings_saved_signal.subscribe(self, self._saved)  # type: ignore[attr-defined]

    # -- changing ----------------------------------------------------------------------------------

    def _change(self, **changes: Any) -> None:
        settings: Settings = self.app.settings  # type: ignore[attr-defined]
        if all(getattr(settings, key) == value for key, value in changes.items()):
            return  # a widget reporting the value it started with
        self.app.change_settings(replace(settings, **changes))  # type: ignore[attr-defined]

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id and event.value is not Select.BLANK:
            self._change(**{event.select.id: event.value})

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id:
            self._change(**{event.checkbox.id: event.value})

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "contact-name":
            self.query_one("#contact-how", Input).focus()
        else:
            self.add_contact()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "add-contact":
            self.add_contact()

    def add_contact(self) -> None:
        name_input = self.query_one("#contact-name", Input)
        how_input = self.query_one("#contact-how", Input)
        contacts = self.app.settings.contacts  # type: ignore[attr-defined]
        problem = contact_problem(name_input.value, how_input.value)
        if not problem and len(contacts) >= MAX_CONTACTS:
            problem = f"there is room for {MAX_CONTACTS} people"
        if problem:
            self._say(problem[0].upper() + problem[1:] + ".", warning=True)
            return
        contact = Contact(name_input.value.strip(), how_input.value.strip())
        self._change(contacts=(*contacts, contact))
        name_input.value = how_input.value = ""
        self._show_contacts(highlight=len(contacts))
        name_input.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove_contact":
            focused = self.focused
            return isinstance(focused, OptionList) and focused.highlighted is not None
        return True

    def action_remove_contact(self) -> None:
        index = self.query_one("#contacts", OptionList).highlighted
        contacts = self.app.settings.contacts  # type: ignore[attr-defined]
        if index is None or index >= len(contacts):
            return
        self._change(contacts=contacts[:index] + contacts[index + 1 :])
        self._show_contacts(highlight=min(index, len(contacts) - 2))

    def action_close(self) -> None:
        self.dismiss()

    # -- showing -----------------------------------------------------------------------------------

    def _show_contacts(self, highlight: int | None = None) -> None:
        contacts = self.app.settings.contacts  # type: ignore[attr-defined]
        option_list = self.query_one("#contacts", OptionList)
        option_list.clear_options()
        option_list.add_options(Option(Text(printable(f"{c.name}: {c.how}"))) for c in contacts)
        option_list.display = bool(contacts)
        if contacts and highlight is not None and highlight >= 0:
            option_list.highlighted = highlight
        self.refresh_bindings()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def _saved(self, problem: str) -> None:
        if problem:
            self._say(problem, warning=True)
        else:
            self._say(f"Saved in {SETTINGS_FILE}.")

    def _say(self, text: str, warning: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(Text(printable(text)))
        status.set_class(warning, "notice-line")
        status.set_class(not warning, "hint")


def _known(name: str, names: list[str]) -> str:
    return name if name in names else names[0]


def _length(minutes: float) -> str:
    return f"{minutes * 60:g} s" if minutes < 1 else f"{minutes:g} min"


def _themes(names: list[str]) -> list[str]:
    """companion's high-contrast themes first, then the rest in order of name."""
    ours = [HIGH_CONTRAST, HIGH_CONTRAST_LIGHT]
    return [n for n in ours if n in names] + sorted(n for n in names if n not in ours)
