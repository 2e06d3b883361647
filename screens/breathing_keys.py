"""The keys of a screen that holds a breathing part (the quick break, the Ground step).

The part's keys are bound by its screen, so each footer lists them in the screen's own order
among the screen's own keys; here they become calls on the part (attributes and calls down).
The screen owns the activation: a reactive bound down to the part (`.data_bind(...)`) and on to
its rating, so the screen's watcher is the one place a rating is kept, the moment a key sets it.
"""

from __future__ import annotations

from typing import TypeVar

from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from companion.screens.widgets.activation_rating import nudged
from companion.screens.widgets.breathing_part import BreathingPart

Result = TypeVar("Result")

LENGTH_KEYS = [
    Binding("plus,equals_sign,right", "longer(1)", "Length", key_display="+/-"),
    Binding("minus,left", "longer(-1)", "Shorter", show=False),
    Binding("u", "switch_unit", "Min/breaths"),
]
BREATH_KEYS = [
    Binding("space", "pause", "Pause/resume"),
    Binding("x,enter", "stop", "Stop"),
]
RATING_KEYS = [
    *(Binding(d, f"rate({d})", "Activation", show=d == "0", key_display="0-9 +-")
      for d in "0123456789"),
    Binding("plus,equals_sign,up,right", "nudge(1)", "Higher", show=False),
    Binding("minus,down,left", "nudge(-1)", "Lower", show=False),
]


class BreathingKeys(Screen[Result]):
    """A screen holding a BreathingPart as `part` (composed by the screen)."""

    # Set by the screen as it opens (from its draft, say), once the part is there to show it.
    activation: reactive[int | None] = reactive(None, init=False)
    part: BreathingPart

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.part.allows(action)

    def action_start(self) -> None:
        self.part.start()

    def action_longer(self, step: int) -> None:
        self.part.longer(step)

    def action_switch_unit(self) -> None:
        self.part.switch_unit()

    def action_pause(self) -> None:
        self.part.toggle_pause()

    def action_stop(self) -> None:
        self.part.stop()

    def action_rate(self, value: int) -> None:
        self.activation = value

    def action_nudge(self, step: int) -> None:
        self.activation = nudged(self.activation, step)

    def on_screen_suspend(self) -> None:
        self.part.cover()

    def on_screen_resume(self) -> None:
        self.part.uncover()
