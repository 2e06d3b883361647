"""The command palette's own commands: every action of companion, from anywhere."""

from __future__ import annotations

from collections.abc import Iterator

from textual.app import SystemCommand

from companion.screens.app_access import CompanionServices
from companion.text import shown

# Every looking-back view from anywhere (inside one, the view's own "Show …" commands too).
LOOKING_BACK = (
    ("month", "This month", "A month, a day at a time"),
    ("year", "This year", "The year at a glance"),
    ("helps", "What helps", "Which grounding eases you, and what comes before high moments"),
    ("repairs", "Repairs", "Every repair, and the ones still open"),
    ("search", "Search", "Find past entries by what was written in them"),
)


def companion_commands(app: CompanionServices) -> Iterator[SystemCommand]:
    """After Textual's own (theme, keys, quit): check in, breathe (each pattern too), a
    repair, every way of looking back, help and settings."""
    yield SystemCommand("Check in", "Notice, ground, name, repair", app.action_checkin)
    yield SystemCommand("Breathe", "A quick breathing break", app.action_quick_breathe)
    for pattern in app.content.patterns:
        # Your own patterns' words are text: the palette reads both strings as markup.
        yield SystemCommand(
            f"Breathe: {shown(pattern.label)}",
            shown(f"{pattern.timing_text} — {pattern.about}"),
            lambda name=pattern.name: app.action_quick_breathe(pattern=name),
        )
    yield SystemCommand("Add a repair", "Log a rupture and its repair, done or planned",
                        app.action_add_repair)
    yield SystemCommand("This week", "Look back over the week", app.action_review)
    for view, name, about in LOOKING_BACK:
        yield SystemCommand(name, about, lambda view=view: app.look_back(view, switch=False))
    yield SystemCommand("Help", "What companion is and how it works", app.action_help)
    yield SystemCommand("Find help now", "Emergency numbers and your contacts",
                        app.action_safety)
    yield SystemCommand("Settings", "Patterns, motion, cues, week start, contacts",
                        app.action_settings)
