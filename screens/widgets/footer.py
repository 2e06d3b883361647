"""Textual's footer, made again only when the keys it shows have changed.

Textual's Footer removes and mounts all its keys (a dozen widgets, each styled) after every
`refresh_bindings`, and the review asks for one on each focus change and each highlighted row:
opening the week made it fifteen times in 0.2 s, the time a key pressed then waited for. This
one makes it again at most once a frame, and only when a key, its words or whether it is
enabled changed.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._asked = False
        self._shown: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen[Any]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._asked:
            self._asked = True
            self.call_after_refresh(self._remake)

    async def _remake(self) -> None:
        self._asked = False
        if not self.is_attached or self._pruning:
            return  # its screen went away meanwhile
        if self.app.screen is not self.screen:
            # Another screen came on top meanwhile: the keys are made again when this one is
            # back (Textual refreshes the bindings then). Not now: an app key bound to
            # "screen.…" would ask that other screen, perhaps half made, what it allows.
            return
        shown = self._keys()
        if shown != self._shown:
            self._shown = shown
            await self.recompose()

    def _keys(self) -> tuple[object, ...]:
        """Everything compose draws the keys from: the shown keys and the palette's. A key not
        shown (a focused table's arrows, a scroll's Page Down) changes nothing drawn, so it
        does not make the footer again."""
        active = self.screen.active_bindings
        keys = [(key, binding.action, binding.description, binding.group,
                 self.app.get_key_display(binding), enabled, tooltip)
                for key, (_node, binding, enabled, tooltip) in active.items()
                if binding.show or key == self.app.COMMAND_PALETTE_BINDING]
        return (*keys, self.show_command_palette)
