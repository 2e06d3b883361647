"""The breath's shape: a round of block characters that grows as the lungs fill."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget


class BreathShape(Widget):
    """A round shape of block characters: small with empty lungs, filling the space when full."""

    DEFAULT_CSS = """
    BreathShape {
        width: 1fr;
        height: 1fr;
        min-height: 3;
        color: $accent;
    }
    """

    # Not repainted on every change: only when the picture itself changes (see _redraw).
    fullness: reactive[float] = reactive(0.0, repaint=False)

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self._picture: list[str] = []
        self._style: Style | None = None

    def render(self) -> str:
        return "\n".join(self._rows())

    def render_line(self, y: int) -> Strip:
        # The rows are drawn as they are, one plain segment each: cheaper than rendering the
        # picture as text content at every redraw, which was most of the CPU while breathing.
        width = self.size.width
        text = self._picture[y] if y < len(self._picture) else ""
        if self._style is None:
            self._style = self.rich_style
        text = text[:width]
        blank = Segment(" " * (width - len(text)), Style(bgcolor=self._style.bgcolor))
        return Strip([Segment(text, self._style), blank], width)

    def notify_style_update(self) -> None:
        self._style = None
        super().notify_style_update()

    def watch_fullness(self) -> None:
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        rows = self._rows()
        if len(rows) != len(self._picture):
            self._picture = rows
            self.refresh()
            return
        # Only the rows whose picture changed are drawn again.
        pairs = enumerate(zip(rows, self._picture, strict=True))
        changed = [y for y, (new, old) in pairs if new != old]
        self._picture = rows
        if changed:
            self.refresh(Region(0, changed[0], self.size.width, changed[-1] - changed[0] + 1))

    def _rows(self) -> list[str]:
        width, height = self.size.width, self.size.height
        if width < 2 or height < 1:
            return []
        # Terminal cells are about twice as tall as wide: each cell holds two vertical samples
        # (▀ ▄ █), and horizontal distances count half.
        max_radius = min(height / 2, width / 4) - 0.25
        radius = max(0.6, max_radius * (0.2 + 0.8 * self.fullness))
        centre_y, centre_x = height, width / 2
        limit = radius * radius
        # |dx| for each column, with dx = (column + 0.5 - centre_x) / 2 as in the circle's
        # equation; each row compares against it twice (its top and bottom halves).
        across = [((column + 0.5 - centre_x) / 2) ** 2 for column in range(width)]
        rows = []
        for row in range(height):
            top_dy = ((2 * row + 0.5 - centre_y) / 2) ** 2
            bottom_dy = ((2 * row + 1.5 - centre_y) / 2) ** 2
            line = []
            for dx in across:
                top = dx + top_dy <= limit
                bottom = dx + bottom_dy <= limit
                line.append("█" if top and bottom else "▀" if top else "▄" if bottom else " ")
            rows.append("".join(line).rstrip())
        return rows
