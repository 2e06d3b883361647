"""Keys as a terminal sends them when typed quickly: all queued before the app handles any.

tmux hands a quick "4 Enter" to the app in one read, so both keys wait in the app's queue
together; Pilot's press() instead lets the app settle after every key, which hides any step
that keeps the "4" only once a message about it arrives.
"""

from __future__ import annotations

from textual import events


async def keys_at_once(app, pilot, *keys: str) -> None:
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        app.post_message(event)
    await pilot.pause()
