"""A check-in in progress: what the person has done so far, passed from step to step.

The draft is plain data. Each step screen fills in its part; leaving at any point still turns
what was entered into an entry (marked incomplete), so nothing typed is thrown away.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from companion.entries import Breathing, Entry, Feeling, Repair, new_id

NO_REPAIR = Repair()

STEPS = ("notice", "ground", "name", "repair")


@dataclass(slots=True)
class CheckInDraft:
    started_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    id: str = field(default_factory=new_id)
    kind: str = "checkin"  # or "repair": a repair logged on its own, outside a check-in
    activation_before: int | None = None
    activation_after: int | None = None
    state: str | None = None
    body_signals: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    kind_steps: list[str] = field(default_factory=list)
    note: str = ""
    breathing: Breathing | None = None
    senses_steps: int = 0
    feelings: list[Feeling] = field(default_factory=list)
    repair: Repair | None = None
    # Where help is has come up by itself once in this check-in; not saved, not "entered".
    help_offered: bool = field(default=False, compare=False)

    def is_empty(self) -> bool:
        """True while nothing has been entered, so leaving needs no question."""
        return self == CheckInDraft(started_at=self.started_at, id=self.id, kind=self.kind)

    def to_entry(self, *, complete: bool) -> Entry:
        return Entry(
            id=self.id,
            kind=self.kind,
            started_at=self.started_at,
            saved_at=datetime.now().astimezone(),
            complete=complete,
            activation_before=self.activation_before,
            activation_after=self.activation_after,
            state=self.state,
            body_signals=tuple(self.body_signals),
            needs=tuple(self.needs),
            kind_steps=tuple(self.kind_steps),
            note=self.note,
            breathing=self.breathing,
            senses_steps=self.senses_steps,
            feelings=tuple(self.feelings),
            repair=self.repair,
        )


def entered_repair(repair: Repair) -> Repair | None:
    """The repair as entered, or None while nothing but the default status is set."""
    return None if repair == NO_REPAIR else repair


async def walk(show: Callable[[str], Awaitable[str | None]]) -> str:
    """Walk the STEPS in order, each shown by `show(step)`, which answers "next" or "skip" (on
    to the next step), "back" (to the one before) or "leave". Back from the first step leaves.
    "done" once the last step is passed, else "left": what was entered is kept either way."""
    index = 0
    while index < len(STEPS):
        outcome = await show(STEPS[index])
        if outcome == "leave" or (outcome == "back" and index == 0):
            return "left"
        index += -1 if outcome == "back" else 1
    return "done"
