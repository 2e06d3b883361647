"""The Repairs view: every repair from any week, the oldest first, with its status.

A planned one can be marked done (d) or let go (g) here; the change is saved through the store
as the entry screen saves, and u puts the last change back. Enter opens the whole entry.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from companion.entries import Entry
from companion.insights import RepairItem, is_open, repair_items
from companion.insights_report import repair_status, repairs_heading, when
from companion.screens.looking_back import LookingBack, now, view_bindings
from companion.screens.messages import RepairMarked, RepairsRead, StoreFailed
from companion.screens.widgets.footer import Footer
from companion.storage import StoreError
from companion.text import printable

SAID_IN_TABLE = 40  # characters of what happened; Enter shows all


class RepairsScreen(LookingBack):
    VIEW = "repairs"
    BINDINGS = [
        Binding("d", "mark('done')", "Done"),
        Binding("g", "mark('let_go')", "Let go"),
        Binding("u", "undo", "Undo"),
        Binding("o", "toggle_open", "Open only"),
        *view_bindings("repairs"),
    ]

    def __init__(self, *, at: datetime | None = None) -> None:
        super().__init__()
        self.at = at  # the moment open repairs are counted to; now when None
        self.open_only = False
        self.items: dict[str, RepairItem] = {}
        self.before_change: Entry | None = None  # what the last mark changed, for u

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Repairs", id="repairs-title", classes="step-title")
        yield Static("Reading your repairs…", id="repairs-said", classes="hint")
        yield DataTable(id="repairs-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("When", "Status", "With · step · what happened")
        self.load_repairs()

    @work(thread=True, exclusive=True, group="repairs-read")
    def load_repairs(self) -> None:
        entries = self.read_all()
        if entries is not None:
            self.post_message(RepairsRead(repair_items(entries, self.at or now())))

    def on_repairs_read(self, message: RepairsRead) -> None:
        self._show(message.items)

    def _show(self, items: tuple[RepairItem, ...]) -> None:
        shown = tuple(i for i in items if is_open(i.entry) or not self.open_only)
        self.items = {i.entry.id: i for i in shown}
        self.query_one("#repairs-title", Static).update(
            Text(repairs_heading(shown, self.open_only)))
        said = (
            "No repairs logged yet." if not items
            else "d: done · g: let go · u: undo · o: open only · Enter: read it all"
        )
        self.query_one("#repairs-said", Static).update(said)
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for item in shown:
            repair = item.entry.repair
            assert repair is not None
            parts = [printable(self.content.label_of(self.content.people, repair.with_whom)),
                     printable(self.content.label_of(self.content.repair_steps, repair.step))]
            happened = printable(repair.what_happened)
            if len(happened) > SAID_IN_TABLE:
                happened = happened[: SAID_IN_TABLE - 1] + "…"
            said_row = " · ".join(p for p in (*parts, happened) if p)
            table.add_row(when(item.started_at), repair_status(item), Text(said_row),
                          key=item.entry.id)
        table.display = bool(shown)
        if shown:
            table.move_cursor(row=min(row, len(shown) - 1))
            table.focus()
        self.refresh_bindings()

    def highlighted(self) -> Entry | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        item = self.items.get(key or "")
        return None if item is None else item.entry

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "mark":
            entry = self.highlighted()
            return entry is not None and is_open(entry)
        if action == "undo":
            return self.before_change is not None
        return super().check_action(action, parameters)

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.refresh_bindings()

    def action_mark(self, status: str) -> None:
        entry = self.highlighted()
        if entry is None or entry.repair is None or not is_open(entry):
            return
        done_at = now() if status == "done" else None
        repair = replace(entry.repair, status=status, done_at=done_at)
        said = "Marked done. u undoes it." if status == "done" else (
            "Let go; it stays in your history. u undoes it.")
        self.save(entry.with_changes(repair=repair), said, before=entry)

    def action_undo(self) -> None:
        if self.before_change is not None:
            self.save(self.before_change, "Put back as it was.", before=None)

    def action_toggle_open(self) -> None:
        self.open_only = not self.open_only
        self.load_repairs()

    @work(thread=True, exclusive=True, group="repairs-write")
    def save(self, entry: Entry, said: str, before: Entry | None) -> None:
        try:
            self.store.save(entry)
        except StoreError as error:
            self.post_message(StoreFailed(printable(str(error))))
            return
        self.post_message(RepairMarked(said, before))

    def on_store_failed(self, message: StoreFailed) -> None:
        self.notify(message.problem, severity="error", timeout=15, markup=False)

    def on_repair_marked(self, message: RepairMarked) -> None:
        self.before_change = message.before
        self.notify(message.said, timeout=4, markup=False)
        self.load_repairs()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        item = self.items.get(event.row_key.value or "")
        if item is not None:
            self.open_entry(item.entry)

    def reload(self) -> None:
        self.before_change = None  # the entry may have changed since
        self.load_repairs()
