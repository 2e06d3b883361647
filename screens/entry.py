"""One entry in full: read it, edit it, mark its repair done, or delete it (after asking).

Dismisses with True when the history changed, so the review reads the week again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    ContentSwitcher,
    Footer,
    Header,
    Input,
    Label,
    Select,
    Static,
    TextArea,
)

from companion.content import Content
from companion.entries import MAX_NOTE, Entry, Feeling, InvalidEntry
from companion.report import entry_facts, moment_name
from companion.storage import StoreError
from companion.summary import KIND_NAMES
from companion.text import printable

READ, EDIT = "read", "edit"


class ConfirmDelete(ModalScreen[bool]):
    """Deleting cannot be undone, so it is asked once more."""

    BINDINGS = [
        Binding("y", "answer(True)", "Delete"),
        Binding("n,escape", "answer(False)", "Keep it"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static("Delete this entry? It can't be brought back.", id="question")
            with Horizontal(id="answers"):
                yield Button("Delete (y)", id="delete", variant="error")
                yield Button("Keep it (n)", id="keep", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "delete")

    def action_answer(self, delete: bool) -> None:
        self.dismiss(delete)


class EntryScreen(Screen[bool]):
    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("e", "edit", "Edit"),
        Binding("d", "mark_done", "Repair done"),
        Binding("x,delete", "delete", "Delete", key_display="x"),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, entry: Entry) -> None:
        super().__init__()
        self.entry = entry
        self.mode = READ
        self.changed = False

    @property
    def content(self) -> Content:
        return self.app.content  # type: ignore[attr-defined]

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        entry = self.entry
        yield Header()
        yield Static(Text(f"{moment_name(entry.started_at)} · {KIND_NAMES[entry.kind]}"),
                     classes="step-title")
        with ContentSwitcher(initial=READ):
            with VerticalScroll(id=READ):
                yield Static(id="facts")
            # A form: Tab goes from field to field (each scrolls itself into view); the
            # container itself is no stop, where keys would land on nothing visible.
            with VerticalScroll(id=EDIT, can_focus=False):
                yield Label("Activation before (0–10, empty to leave it out)")
                yield Input(_number(entry.activation_before), id="before",
                            restrict=r"\d{0,2}", max_length=2)
                yield Label("Activation after")
                yield Input(_number(entry.activation_after), id="after",
                            restrict=r"\d{0,2}", max_length=2)
                yield Label("Feeling words, separated by commas")
                yield Input(", ".join(f.word for f in entry.feelings), id="words")
                yield Label("Words of your own belong to")
                yield Select(
                    [(f"{q.symbol} {q.label}", q.key) for q in self.content.quadrants],
                    value=entry.feelings[0].quadrant if entry.feelings
                    else self.content.quadrants[0].key,
                    allow_blank=False, id="own-quadrant",
                )
                yield Label("What's happening")
                yield TextArea(entry.note, id="note", soft_wrap=True)
                if entry.repair is not None:
                    yield Label("Repair")
                    yield Select([("Planned", "planned"), ("Done", "done"), ("Let go", "let_go")],
                                 value=entry.repair.status, allow_blank=False, id="status")
                    yield Label("What happened")
                    yield Input(entry.repair.what_happened, id="what-happened")
                    yield Label("What is mine to own")
                    yield Input(entry.repair.my_part, id="my-part")
                yield Static("", id="problem", classes="notice-line")
                yield Static("Ctrl+S saves, Escape leaves it as it was.", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self._show_facts()

    def _show_facts(self) -> None:
        facts = Text()
        for name, value in entry_facts(self.entry, self.content, printable):
            facts.append(f"{name}: ", style="bold")
            facts.append(f"{value}\n")
        if self.entry.saved_at is not None:
            facts.append(f"Saved {moment_name(self.entry.saved_at)}", style="dim")
        facts.rstrip()
        self.query_one("#facts", Static).update(facts or Text("Nothing noted but the time."))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "delete"):
            return self.mode == READ
        if action == "mark_done":
            repair = self.entry.repair
            return self.mode == READ and repair is not None and repair.status == "planned"
        if action == "save":
            return self.mode == EDIT
        return True

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        self.query_one(ContentSwitcher).current = mode
        if mode == EDIT:
            self.query_one("#before", Input).focus()
        else:
            self.set_focus(None)
        self.refresh_bindings()

    # -- actions ---------------------------------------------------------------------------------

    def action_back(self) -> None:
        if self.mode == EDIT:
            self._set_mode(READ)
        else:
            self.dismiss(self.changed)

    def action_edit(self) -> None:
        self._set_mode(EDIT)

    def action_mark_done(self) -> None:
        if self.entry.repair is None or self.entry.repair.status != "planned":
            return
        repair = replace(self.entry.repair, status="done",
                         done_at=datetime.now().astimezone())
        self.save(self.entry.with_changes(repair=repair), "Marked done.")

    def action_save(self) -> None:
        try:
            edited = self._edited()
        except ValueError as problem:
            self.query_one("#problem", Static).update(Text(str(problem)))
            return
        self.query_one("#problem", Static).update("")
        self.save(edited, "Saved.")

    def action_delete(self) -> None:
        self.app.push_screen(ConfirmDelete(), self._delete_answered)

    def _delete_answered(self, delete: bool | None) -> None:
        if delete:
            self.delete()

    # -- the edit form ---------------------------------------------------------------------------

    def _edited(self) -> Entry:
        """The entry as the form has it; ValueError with one sentence if something won't fit."""
        entry = self.entry
        note = self.query_one("#note", TextArea).text
        if len(note) > MAX_NOTE:
            raise ValueError(f"The note can be up to {MAX_NOTE} characters; it has {len(note)}.")
        changes: dict[str, object] = {
            "activation_before": _activation(self.query_one("#before", Input).value, "before"),
            "activation_after": _activation(self.query_one("#after", Input).value, "after"),
            "feelings": self._feelings(),
            "note": note,
        }
        if entry.repair is not None:
            status = str(self.query_one("#status", Select).value)
            done_at = entry.repair.done_at if status == "done" else None
            if status == "done" and done_at is None:
                done_at = datetime.now().astimezone()
            changes["repair"] = replace(
                entry.repair,
                status=status,
                done_at=done_at,
                what_happened=self.query_one("#what-happened", Input).value,
                my_part=self.query_one("#my-part", Input).value,
            )
        return entry.with_changes(**changes)

    def _feelings(self) -> tuple[Feeling, ...]:
        """Each word keeps its quadrant: as it was, from the word list, or the one chosen."""
        known = {f.word.casefold(): f.quadrant for f in self.entry.feelings}
        for quadrant in self.content.quadrants:
            for word in quadrant.words:
                known.setdefault(word.word.casefold(), quadrant.key)
        own = str(self.query_one("#own-quadrant", Select).value)
        words = [w.strip() for w in self.query_one("#words", Input).value.split(",")]
        return tuple(Feeling(w, known.get(w.casefold(), own)) for w in words if w)

    # -- the store, in workers -------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="entry-write")
    def save(self, entry: Entry, said: str) -> None:
        try:
            self.app.store.save(entry)  # type: ignore[attr-defined]
        except InvalidEntry as problem:
            message = f"That doesn't fit yet: {problem}."
            self.app.call_from_thread(self.query_one("#problem", Static).update, Text(message))
            return
        except StoreError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", timeout=15)
            return
        self.app.call_from_thread(self._saved, entry, said)

    def _saved(self, entry: Entry, said: str) -> None:
        self.entry = entry
        self.changed = True
        self._show_facts()
        self._set_mode(READ)
        self.notify(said, timeout=3)

    @work(thread=True, exclusive=True, group="entry-write")
    def delete(self) -> None:
        try:
            self.app.store.delete(self.entry)  # type: ignore[attr-defined]
        except StoreError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", timeout=15)
            return
        self.app.call_from_thread(self.notify, "Deleted.", timeout=3)
        self.app.call_from_thread(self.dismiss, True)


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _activation(text: str, which: str) -> int | None:
    if not text.strip():
        return None
    value = int(text)
    if not 0 <= value <= 10:
        raise ValueError(f"Activation {which} goes from 0 to 10.")
    return value
