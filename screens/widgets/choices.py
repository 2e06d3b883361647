"""A few labelled choices laid out in columns: arrows move, space picks one or several.

Used for body signals, needs, where you are, who a repair is with, the repair step and its
status. Digits and letters are left alone, so the screen around it keeps its own keys.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from companion.content import Choice
from companion.text import printable

GAP = 2  # blank cells between columns
MARKS = {True: {True: "☒", False: "☐"}, False: {True: "●", False: "○"}}  # [multiple][picked]


class ChoiceGrid(Widget, can_focus=True):
    """Choices in columns. `multiple` picks several (☐/☒ marks), otherwise one (○/● marks)."""

    DEFAULT_CSS = """
    ChoiceGrid {
        height: auto;
        padding: 0 1;
    }
    ChoiceGrid > .choice-grid--cursor {
        text-style: reverse;
    }
    ChoiceGrid > .choice-grid--picked {
        color: $accent;
        text-style: bold;
    }
    """
    COMPONENT_CLASSES = {"choice-grid--cursor", "choice-grid--picked"}
    BINDINGS = [
        Binding("left", "move(-1)", "Left", show=False),
        Binding("right", "move(1)", "Right", show=False),
        Binding("up", "move_row(-1)", "Up", show=False),
        Binding("down", "move_row(1)", "Down", show=False),
        Binding("space", "pick", "Pick", show=False),
    ]

    cursor: reactive[int] = reactive(0)

    class Changed(Message):
        """The picked keys, in the order of the choices."""

        def __init__(self, grid: ChoiceGrid, picked: tuple[str, ...]) -> None:
            super().__init__()
            self.grid = grid
            self.picked = picked

        @property
        def control(self) -> ChoiceGrid:
            return self.grid

    def __init__(
        self,
        choices: tuple[Choice, ...],
        *,
        multiple: bool = True,
        clearable: bool = True,
        picked: tuple[str, ...] | list[str] = (),
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.choices = choices
        self.multiple = multiple
        self.clearable = clearable  # a single choice that, once made, can only change
        self._picked = [c.key for c in choices if c.key in picked]
        # A key from an older list (no longer in the data) is kept, not dropped.
        self._kept = [key for key in picked if key not in {c.key for c in choices}]
        self._cell = max(len(printable(c.label)) for c in choices) + 4 + GAP

    # -- what is picked --------------------------------------------------------------------------

    @property
    def picked(self) -> tuple[str, ...]:
        return (*self._picked, *self._kept)

    def pick(self, key: str) -> None:
        """Pick (or, picked already in a multiple choice, unpick) the choice with this key."""
        if key in self._picked:
            if not self.clearable and not self.multiple:
                return
            if self.multiple:
                self._picked.remove(key)
            else:
                self._picked = []
        else:
            order = [c.key for c in self.choices]
            chosen = [*self._picked, key] if self.multiple else [key]
            self._picked = sorted(chosen, key=order.index)
            self._kept = self._kept if self.multiple else []
        self.refresh()
        self.post_message(self.Changed(self, self.picked))

    # -- layout ----------------------------------------------------------------------------------

    @property
    def columns(self) -> int:
        width = self.content_region.width or self.size.width or 80
        return max(1, (width + GAP) // self._cell)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        columns = max(1, (width + GAP) // self._cell)
        return -(-len(self.choices) // columns)

    def render(self) -> Text:
        columns = self.columns
        cursor_style = self.get_component_rich_style("choice-grid--cursor")
        picked_style = self.get_component_rich_style("choice-grid--picked")
        text = Text(no_wrap=True, overflow="crop")
        for index, choice in enumerate(self.choices):
            if index and index % columns == 0:
                text.append("\n")
            chosen = choice.key in self._picked
            mark = MARKS[self.multiple][chosen]
            cell = f"{mark} {printable(choice.label)}"
            style = picked_style if chosen else ""
            if index == self.cursor and self.has_focus:
                style = cursor_style + picked_style if chosen else cursor_style
            text.append(cell, style=style)
            if (index + 1) % columns and index + 1 < len(self.choices):
                text.append(" " * (self._cell - len(cell)))
        return text

    # -- keys and mouse --------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        self.cursor = min(max(self.cursor + step, 0), len(self.choices) - 1)

    def action_move_row(self, step: int) -> None:
        target = self.cursor + step * self.columns
        if 0 <= target < len(self.choices):
            self.cursor = target
        elif step < 0:
            self.screen.focus_previous()
        else:
            self.screen.focus_next()

    def action_pick(self) -> None:
        self.pick(self.choices[self.cursor].key)

    def watch_cursor(self) -> None:
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y * self.columns + offset.x // self._cell
        if 0 <= index < len(self.choices) and offset.x % self._cell < self._cell - GAP:
            self.cursor = index
            self.pick(self.choices[index].key)
