"""The check-in's steps by name: the one place that knows them all (see step.py)."""

from __future__ import annotations

from companion.checkin import CheckInDraft
from companion.screens.step import StepScreen


def step_screen(step: str, draft: CheckInDraft) -> StepScreen:
    """A new screen for `step` ("notice", "ground", "name" or "repair"), filling in `draft`.
    Each is imported only when a check-in first reaches it."""
    if step == "notice":
        from companion.screens.notice import NoticeScreen

        return NoticeScreen(draft)
    if step == "ground":
        from companion.screens.ground import GroundScreen

        return GroundScreen(draft)
    if step == "name":
        from companion.screens.name import NameScreen

        return NameScreen(draft)
    from companion.screens.repair import RepairScreen

    return RepairScreen(draft)
