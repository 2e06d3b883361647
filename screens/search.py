"""The search view: type, and see the entries that match (search.find_entries, as `companion
search` finds them); Enter opens one to read, edit or delete.

Everything is read once, in a worker; each change of the text filters again in a worker, so
typing never waits on the history.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Input, Static

from companion.entries import Entry
from companion.looking import labels_of
from companion.report import moment_name
from companion.screens.looking_back import LookingBack, view_bindings
from companion.screens.messages import SearchFound, SpanRead
from companion.screens.widgets.footer import Footer
from companion.search import SearchQuery, find_entries
from companion.summary import KIND_NAMES, activation_change
from companion.text import printable

SHOWN = 200  # rows in the table; more words narrow it
SAID_IN_TABLE = 40


class SearchScreen(LookingBack):
    VIEW = "search"
    BINDINGS = [Binding("down", "to_results", "Results", show=False), *view_bindings("search")]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[Entry] | None = None
        self.found: dict[str, Entry] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Words, feelings, needs, people…", id="search-text")
        yield Static("Reading your history…", id="search-said", classes="hint")
        yield DataTable(id="search-found", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("When", "What", "Activation", "Feelings · note")
        self.query_one(Input).focus()
        self.load_entries()

    @work(thread=True, exclusive=True, group="search-read")
    def load_entries(self) -> None:
        entries = self.read_all()
        if entries is not None:
            self.post_message(SpanRead(None, entries))

    def on_span_read(self, message: SpanRead) -> None:
        self._read(message.entries)

    def _read(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.find(self.query_one(Input).value)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if self.entries is not None:
            self.find(event.value)

    @on(Input.Submitted)
    def action_to_results(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            table.focus()

    @work(thread=True, exclusive=True, group="search-find")
    def find(self, text: str) -> None:
        found = find_entries(self.entries or [], SearchQuery(text), labels_of(self.content))
        self.post_message(SearchFound(text, found))

    def on_search_found(self, message: SearchFound) -> None:
        self._show(message.text, message.found)

    def _show(self, text: str, found: list[Entry]) -> None:
        if text != self.query_one(Input).value:
            return
        count = "1 entry" if len(found) == 1 else f"{len(found)} entries"
        said = (f"{count}, newest first" if found else "Nothing found for that") if text.strip() \
            else f"{count} in all. Type to narrow them"
        if len(found) > SHOWN:
            said += f"; the newest {SHOWN} shown"
        self.query_one("#search-said", Static).update(Text(said + "."))
        self.found = {e.id: e for e in found[:SHOWN]}
        table = self.query_one(DataTable)
        table.clear()
        for entry in found[:SHOWN]:
            feelings = ", ".join(printable(f.word) for f in entry.feelings)
            repair = printable(entry.repair.what_happened) if entry.repair is not None else ""
            said_row = " · ".join(p for p in (feelings, printable(entry.note), repair) if p)
            if len(said_row) > SAID_IN_TABLE:
                said_row = said_row[: SAID_IN_TABLE - 1] + "…"
            table.add_row(moment_name(entry.started_at), KIND_NAMES[entry.kind],
                          activation_change(entry.activation_before, entry.activation_after),
                          Text(said_row), key=entry.id)

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        entry = self.found.get(event.row_key.value or "")
        if entry is not None:
            self.open_entry(entry)

    def reload(self) -> None:
        self.load_entries()
