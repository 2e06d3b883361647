"""Waiting, in Pilot tests, for a breath to begin: it begins right after the frame that shows
its first cue, and how many pauses that takes depends on how busy the machine is."""

from __future__ import annotations

from companion.screens.widgets.breathing import BreathingVisual


async def breath_begun(app, pilot, tries: int = 200) -> None:
    """Pause until no breathing on screen is still waiting to show its first cue."""
    for _ in range(tries):
        if not any(v.starting for v in app.screen.query(BreathingVisual)):
            return
        await pilot.pause()
    raise AssertionError("the breath never began")
