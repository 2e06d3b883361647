"""The whole break's progress under the breath: one line."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget


class OverallProgress(Widget):
    """How much of the whole break has been breathed: one line that fills from the left.

    Textual's ProgressBar brings a second-by-second timer and three widgets for one line;
    this draws the line itself, centred in its width (no container to centre it: one widget
    fewer before the first frame), and repaints only when a half cell more is filled.
    """

    BAR_WIDTH = 32
    COMPONENT_CLASSES = {"overall-progress--rest"}
    DEFAULT_CSS = """
    OverallProgress {
        width: 1fr;
        height: 1;
        color: $accent;
    }
    OverallProgress > .overall-progress--rest {
        color: $foreground 15%;
    }
    """

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.fraction = 0.0
        self._halves = -1  # half cells filled when last drawn

    @property
    def bar_width(self) -> int:
        return min(self.BAR_WIDTH, self.size.width)

    def show(self, fraction: float) -> None:
        self.fraction = min(1.0, max(0.0, fraction))
        halves = round(self.fraction * self.bar_width * 2)
        if halves != self._halves:
            self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        bar = self.bar_width
        halves = round(self.fraction * bar * 2)
        self._halves = halves
        full, half = divmod(halves, 2)
        style = self.rich_style
        rest = self.get_component_rich_style("overall-progress--rest")
        blank = Style(bgcolor=style.bgcolor)
        before = (width - bar) // 2
        segments = [Segment(" " * before, blank), Segment("━" * full, style)]
        if half:
            segments.append(Segment("╸", style))
        if bar - full - half > 0:
            start = "╺" if half == 0 and full else "━"
            segments.append(Segment(start + "━" * (bar - full - half - 1), rest))
        segments.append(Segment(" " * (width - before - bar), blank))
        return Strip(segments, width)
