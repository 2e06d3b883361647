"""The four quadrants of feeling (energy × pleasantness) as a 2×2 grid to choose from.

Laid out as the mood meter is: high energy on top, unpleasant on the left. Each quadrant is
shown by its name, symbol and colour from data/feelings.toml, never as good or bad.
"""

from __future__ import annotations

from rich.color import Color
from rich.color import ColorParseError as RichColorParseError
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color as TextualColor
from textual.color import ColorParseError
from textual.css.types import EdgeType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from companion.content import Quadrant
from companion.text import printable

# Reading order of the grid: top row high energy, left column unpleasant.
GRID_ORDER = ("high_unpleasant", "high_pleasant", "low_unpleasant", "low_pleasant")


def quadrant_style(quadrant: Quadrant, *, bold: bool = False) -> Style:
    """The quadrant's colour from data; a colour that cannot be read shows uncoloured."""
    try:
        return Style(color=Color.parse(quadrant.colour), bold=bold)
    except RichColorParseError:
        return Style(bold=bold)


class QuadrantCell(Static):
    DEFAULT_CSS = """
    QuadrantCell {
        height: 1fr;
        border: round $panel;
        padding: 0 1;
    }
    QuadrantCell.-cursor {
        background: $boost;
    }
    """

    def __init__(self, quadrant: Quadrant) -> None:
        super().__init__(id=f"q-{quadrant.key}")
        self.quadrant = quadrant
        self.named = 0

    def on_mount(self) -> None:
        self.show_named(0)

    def show_cursor(self, here: bool) -> None:
        self.set_class(here, "-cursor")
        kind: EdgeType = "heavy" if here else "round"
        try:
            self.styles.border = (kind, TextualColor.parse(self.quadrant.colour))
        except ColorParseError:  # a colour from data that cannot be read: plain instead
            self.styles.border = (kind, "white")

    def show_named(self, count: int) -> None:
        quadrant = self.quadrant
        text = Text(no_wrap=False)
        text.append(f"{printable(quadrant.symbol)} {printable(quadrant.label)}",
                    style=quadrant_style(quadrant, bold=True))
        text.append(f"\n{printable(quadrant.hint)}", style="dim")
        if count:
            text.append(f"\n{count} named", style=quadrant_style(quadrant))
        self.update(text)


class QuadrantGrid(Widget, can_focus=True):
    """Arrows move between the four quadrants, Enter chooses one."""

    DEFAULT_CSS = """
    QuadrantGrid {
        layout: grid;
        grid-size: 2 2;
        grid-gutter: 0 1;
        height: 1fr;
        max-height: 12;
        min-height: 6;  /* a small terminal keeps both rows: each cell its name at least */
        padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("left", "move(-1, 0)", "Left", show=False),
        Binding("right", "move(1, 0)", "Right", show=False),
        Binding("up", "move(0, -1)", "Up", show=False),
        Binding("down", "move(0, 1)", "Down", show=False),
        Binding("enter", "choose", "Choose"),
    ]

    cursor: reactive[int] = reactive(0)

    class Chosen(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, quadrants: tuple[Quadrant, ...], *, at: str | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        by_key = {q.key: q for q in quadrants}
        self.quadrants = tuple(by_key[key] for key in GRID_ORDER)
        self.set_reactive(QuadrantGrid.cursor, GRID_ORDER.index(at) if at in GRID_ORDER else 0)

    def compose(self) -> ComposeResult:
        for quadrant in self.quadrants:
            yield QuadrantCell(quadrant)

    def on_mount(self) -> None:
        self.watch_cursor(self.cursor)

    @property
    def highlighted(self) -> str:
        return GRID_ORDER[self.cursor]

    def show_named(self, counts: dict[str, int]) -> None:
        for cell in self.query(QuadrantCell):
            cell.show_named(counts.get(cell.quadrant.key, 0))

    def watch_cursor(self, cursor: int) -> None:
        for index, cell in enumerate(self.query(QuadrantCell)):
            cell.show_cursor(index == cursor)

    def action_move(self, across: int, down: int) -> None:
        column, row = self.cursor % 2, self.cursor // 2
        column = min(max(column + across, 0), 1)
        row = min(max(row + down, 0), 1)
        self.cursor = row * 2 + column

    def action_choose(self) -> None:
        self.post_message(self.Chosen(self.highlighted))

    def on_click(self, event) -> None:
        cell = event.widget
        while cell is not None and not isinstance(cell, QuadrantCell):
            cell = cell.parent
        if isinstance(cell, QuadrantCell):
            self.cursor = GRID_ORDER.index(cell.quadrant.key)
            self.action_choose()
