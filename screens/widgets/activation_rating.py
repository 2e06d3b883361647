"""Rating activation, 0 to 10: the scale on screen, and the line on where help is near its top.

The rating only shows a value: the screen holding it owns the number (a reactive bound to the
rating's `value`), so each screen writes it to the draft in one place, the moment a key sets it.
"""

from __future__ import annotations

from textual.app import App
from textual.reactive import reactive
from textual.widgets import Static

from companion.guidance import offers_help
from companion.text import shown

MAX_ACTIVATION = 10


def nudged(value: int | None, step: int) -> int:
    """A step up or down the scale, kept within it; from none yet, + starts at 1 and - at 10
    (so 10 is reachable without a digit)."""
    start = value if value is not None else (0 if step > 0 else MAX_ACTIVATION + 1)
    return min(max(start + step, 0), MAX_ACTIVATION)


class ActivationRating(Static):
    """Activation 0 to 10 on one line of cells, the chosen one marked; "—" until one is."""

    DEFAULT_CSS = """
    ActivationRating {
        padding: 0 1;
        height: auto;
    }
    """

    value: reactive[int | None] = reactive(None)

    def watch_value(self, value: int | None) -> None:
        cells = "".join(
            f"[reverse] {n} [/reverse]" if n == value else f" {n} " for n in range(11)
        )
        chosen = "—" if value is None else f"[b]{value}[/b]"
        self.update(f"Now: {chosen}\n{cells}")


def high_activation_line(app: App, value: int | None) -> str:
    """Near the top of the scale, where help is (the safety text itself comes from data/)."""
    if not offers_help(value):
        return ""
    return shown(app.content.safety.high_activation) + "  [b]![/b] shows it."  # type: ignore[attr-defined]
