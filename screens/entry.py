"""One entry in full: read it, edit it, mark its repair done, or delete it (after asking).

Dismisses with True when the history changed, so the review reads the week again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import overload

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
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

from companion.content import Choice, Content
from companion.entries import MAX_NOTE, Entry, Feeling, InvalidEntry
from companion.entry_time import shown_time, typed_time
from companion.report import entry_facts, moment_name
from companion.screens.app_access import UsesCompanion
from companion.screens.messages import EntryDeleted, EntryRefused, EntrySaved, StoreFailed
from companion.screens.widgets.choices import ChoiceGrid
from companion.storage import StoreError
from companion.summary import KIND_NAMES
from companion.text import printable
from companion.word_list import join_words, split_words

READ, EDIT, DELETED = "read", "edit", "deleted"


class ConfirmDelete(ModalScreen[bool]):
    """Deleting is asked once more (and can be undone only until the entry is left)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Delete"),
        Binding("n,escape", "answer(False)", "Keep it"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static("Delete this entry? You can undo it with u.", id="question")
            with Horizontal(id="answers"):
                yield Button("Delete (y)", id="delete", variant="error")
                yield Button("Keep it (n)", id="keep", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "delete")

    def action_answer(self, delete: bool) -> None:
        self.dismiss(delete)


class EntryScreen(Screen[bool], UsesCompanion):
    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("e", "edit", "Edit"),
        Binding("d", "mark_done", "Repair done"),
        Binding("x,delete", "delete", "Delete", key_display="x"),
        Binding("u", "undo", "Undo delete"),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, entry: Entry) -> None:
        super().__init__()
        self.entry = entry
        self.mode = READ
        self.changed = False
        self._shown: dict[str, object] = {}

    @property
    def content(self) -> Content:
        return self.companion.content

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="title", classes="step-title")
        with ContentSwitcher(initial=READ):
            with VerticalScroll(id=READ):
                yield Static(id="facts")
            # A form: Tab goes from field to field (each scrolls itself into view); the
            # container itself is no stop, where keys would land on nothing visible. Its fields
            # are built each time it opens, so edits left with Escape are not shown again.
            yield VerticalScroll(id=EDIT, can_focus=False)
        yield Footer()

    def _form(self) -> list[Widget]:
        entry = self.entry
        fields: list[Widget] = [
            Label("Activation before (0–10, empty to leave it out)"),
            Input(_number(entry.activation_before), id="before",
                  restrict=r"\d{0,2}", max_length=2),
            Label("Activation after"),
            Input(_number(entry.activation_after), id="after",
                  restrict=r"\d{0,2}", max_length=2),
            Label("Where you were"),
            ChoiceGrid(self.content.states, multiple=False, id="state",
                       picked=[entry.state] if entry.state else []),
            Label("In your body"),
            ChoiceGrid(self.content.body_signals, picked=entry.body_signals, id="body"),
            Label("What you might need"),
            ChoiceGrid(self.content.needs, picked=entry.needs, id="needs"),
            Label('Feeling words, separated by commas ("in quotes" for one with a comma)'),
            Input(join_words([f.word for f in entry.feelings]), id="words"),
            Label("Words of your own belong to"),
            Select(
                [(f"{q.symbol} {q.label}", q.key) for q in self.content.quadrants],
                value=entry.feelings[0].quadrant if entry.feelings
                else self.content.quadrants[0].key,
                allow_blank=False, id="own-quadrant",
            ),
            Label("What's happening"),
            TextArea(entry.note, id="note", soft_wrap=True),
        ]
        if entry.repair is not None:
            repair = entry.repair
            fields += [
                Label("The repair is with"),
                ChoiceGrid(_with_kept(self.content.people, repair.with_whom), multiple=False,
                           id="with-whom", picked=[repair.with_whom] if repair.with_whom else []),
                Label("The step"),
                ChoiceGrid(_with_kept(self.content.repair_steps, repair.step), multiple=False,
                           id="step", picked=[repair.step] if repair.step else []),
                Label("Repair"),
                Select([("Planned", "planned"), ("Done", "done"), ("Let go", "let_go")],
                       value=entry.repair.status, allow_blank=False, id="status"),
                Label("What happened"),
                Input(entry.repair.what_happened, id="what-happened"),
                Label("What is mine to own"),
                Input(entry.repair.my_part, id="my-part"),
                Label("What they might have felt or needed"),
                Input(repair.their_side, id="their-side"),
                Label("What you would say to a friend who'd had this moment"),
                Input(repair.to_a_friend, id="to-a-friend"),
                Label("One thing to try next time"),
                Input(repair.next_time, id="next-time"),
            ]
        fields += [
            Label("When (your local time; +01:00 at the end for another offset)"),
            Input(shown_time(entry.started_at), id="when"),
            Static("", id="problem", classes="notice-line"),
            Static("Ctrl+S saves, Escape leaves it as it was.", classes="hint"),
        ]
        return fields

    def on_mount(self) -> None:
        self._show_facts()

    def _show_facts(self) -> None:
        entry = self.entry  # its time may have been edited: the title follows it
        self.query_one("#title", Static).update(
            Text(f"{moment_name(entry.started_at)} · {KIND_NAMES[entry.kind]}"))
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
        if action == "undo":
            return self.mode == DELETED
        return True

    async def _open_form(self) -> None:
        form = self.query_one(f"#{EDIT}", VerticalScroll)
        await form.remove_children()
        await form.mount_all(self._form())
        # What each field showed when the form opened: a field left as it was keeps the
        # stored value exactly (a note's lone \r or U+2028 is a line break to the text area,
        # and would come back as another character).
        self._shown = self._form_values()
        self.mode = EDIT
        self.query_one(ContentSwitcher).current = EDIT
        self.query_one("#before", Input).focus()
        self.refresh_bindings()

    def _show_read(self) -> None:
        self.mode = READ
        self.query_one(ContentSwitcher).current = READ
        self.set_focus(None)
        self.refresh_bindings()

    def _form_values(self) -> dict[str, object]:
        values: dict[str, object] = {
            "words": self.query_one("#words", Input).value,
            "own": self.query_one("#own-quadrant", Select).value,
            "note": self.query_one("#note", TextArea).text,
            "state": self.query_one("#state", ChoiceGrid).picked,
            "body": self.query_one("#body", ChoiceGrid).picked,
            "needs": self.query_one("#needs", ChoiceGrid).picked,
            "when": self.query_one("#when", Input).value,
        }
        if self.entry.repair is not None:
            values["what-happened"] = self.query_one("#what-happened", Input).value
            for key in ("my-part", "their-side", "to-a-friend", "next-time"):
                values[key] = self.query_one(f"#{key}", Input).value
            values["with-whom"] = self.query_one("#with-whom", ChoiceGrid).picked
            values["step"] = self.query_one("#step", ChoiceGrid).picked
        return values

    # -- actions ---------------------------------------------------------------------------------

    def action_back(self) -> None:
        if self.mode == EDIT:
            self._show_read()
        else:
            self.dismiss(self.changed)

    async def action_edit(self) -> None:
        await self._open_form()

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
        if edited == self.entry:
            # Nothing to write: the stored entry stays byte for byte as it was.
            self._show_read()
            self.notify("Nothing changed.", timeout=3)
            return
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
        now = self._form_values()
        note = str(now["note"])
        if note == self._shown["note"]:
            note = entry.note
        if len(note) > MAX_NOTE:
            raise ValueError(f"The note can be up to {MAX_NOTE} characters; it has {len(note)}.")
        state = self._kept("state", now, entry.state)
        changes: dict[str, object] = {
            "started_at": self._time(str(now["when"])),
            "state": state,
            "body_signals": self._kept("body", now, entry.body_signals),
            "needs": self._kept("needs", now, entry.needs),
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
                with_whom=self._kept("with-whom", now, entry.repair.with_whom),
                step=self._kept("step", now, entry.repair.step),
                what_happened=self._kept("what-happened", now, entry.repair.what_happened),
                my_part=self._kept("my-part", now, entry.repair.my_part),
                their_side=self._kept("their-side", now, entry.repair.their_side),
                to_a_friend=self._kept("to-a-friend", now, entry.repair.to_a_friend),
                next_time=self._kept("next-time", now, entry.repair.next_time),
            )
        return entry.with_changes(**changes)

    @overload
    def _kept(self, key: str, now: dict[str, object], stored: str) -> str: ...
    @overload
    def _kept(self, key: str, now: dict[str, object], stored: str | None) -> str | None: ...
    @overload
    def _kept(self, key: str, now: dict[str, object],
              stored: tuple[str, ...]) -> tuple[str, ...]: ...

    def _kept(self, key: str, now: dict[str, object],
              stored: str | tuple[str, ...] | None) -> str | tuple[str, ...] | None:
        """The stored value where the field is as it opened (its order, its spelling), else
        what the field has: text, the keys picked, or for a single choice the key or None."""
        value = now[key]
        if value == self._shown[key]:
            return stored
        if isinstance(value, tuple):
            if isinstance(stored, tuple):
                return value
            return value[0] if value else None
        return str(value)

    def _time(self, text: str) -> datetime:
        if text == self._shown["when"]:
            return self.entry.started_at  # to the second, with its own offset
        return typed_time(text)

    def _feelings(self) -> tuple[Feeling, ...]:
        """Each word keeps its quadrant: as it was, from the word list, or the one chosen."""
        now = self._form_values()
        if now["words"] == self._shown["words"] and now["own"] == self._shown["own"]:
            return self.entry.feelings
        known: dict[str, str] = {}
        for feeling in self.entry.feelings:
            known.setdefault(feeling.word.casefold(), feeling.quadrant)
        for quadrant in self.content.quadrants:
            for word in quadrant.words:
                known.setdefault(word.word.casefold(), quadrant.key)
        own = str(now["own"])
        words = split_words(str(now["words"]))
        return tuple(Feeling(w, known.get(w.casefold(), own)) for w in words)

    # -- the store, in workers -------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="entry-write")
    def save(self, entry: Entry, said: str) -> None:
        try:
            # A new time may put it in another month: move() keeps no copy in the old one.
            self.companion.store.move(self.entry, entry)
        except InvalidEntry as problem:
            self.post_message(EntryRefused(f"That doesn't fit yet: {problem}."))
            return
        except StoreError as error:
            self.post_message(StoreFailed(str(error)))
            return
        self.post_message(EntrySaved(entry, said))

    def on_entry_refused(self, message: EntryRefused) -> None:
        self.query_one("#problem", Static).update(Text(message.problem))

    def on_store_failed(self, message: StoreFailed) -> None:
        self.notify(message.problem, severity="error", timeout=15)

    def on_entry_saved(self, message: EntrySaved) -> None:
        self.entry = message.entry
        self.changed = True
        self._show_facts()
        self._show_read()
        self.notify(message.said, timeout=3)

    @work(thread=True, exclusive=True, group="entry-write")
    def delete(self) -> None:
        try:
            self.companion.store.delete(self.entry)
        except StoreError as error:
            self.post_message(StoreFailed(str(error)))
            return
        self.post_message(EntryDeleted())

    def on_entry_deleted(self) -> None:
        # The entry stays on screen, so one key brings it back while it is still in view.
        self.changed = True
        self.mode = DELETED
        self.query_one("#facts", Static).update(
            Text("Deleted. u brings it back, exactly as it was; Escape goes back.")
        )
        self.refresh_bindings()

    def action_undo(self) -> None:
        if self.mode == DELETED:
            self.restore()

    @work(thread=True, exclusive=True, group="entry-write")
    def restore(self) -> None:
        # The same entry (id, times, every field) saved again: its new version is stamped
        # above the deletion's tombstone, so it wins over it on every machine (docs/sync.md).
        try:
            self.companion.store.save(self.entry)
        except StoreError as error:
            self.post_message(StoreFailed(str(error)))
            return
        self.post_message(EntrySaved(self.entry, "Brought back."))


def _with_kept(choices: tuple[Choice, ...], key: str | None) -> tuple[Choice, ...]:
    """The choices, and the stored key among them if an older list had it (shown as itself)."""
    if key is None or any(choice.key == key for choice in choices):
        return choices
    return (*choices, Choice(key=key, label=key))


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _activation(text: str, which: str) -> int | None:
    if not text.strip():
        return None
    value = int(text)
    if not 0 <= value <= 10:
        raise ValueError(f"Activation {which} goes from 0 to 10.")
    return value
