"""The command palette shows your own patterns' labels and about-texts as you wrote them: text,
never markup (issue 13 item 11). `Mine [/]` once crashed the app on Ctrl+P, taking the check-in
in progress with it, and `Sigh [x2]` showed as `Sigh`."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList

from companion.app import CompanionApp

OWN = """
[[pattern]]
name = "mine"
label = "Mine [/]"
about = "Out [b]slowly[/b], then [/]rest."
phases = [{ kind = "in", seconds = 4 }, { kind = "out", seconds = 6 }]

[[pattern]]
name = "sigh"
label = "Sigh [x2]"
about = "Two in [red]and[/red] one out."
phases = [{ kind = "in", seconds = 2 }, { kind = "in", seconds = 1 }, { kind = "out", seconds = 6 }]
"""


def listed(app: CompanionApp) -> list[str]:
    commands = app.screen.query_one(CommandList)
    return [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]


@pytest.mark.parametrize("typed", ["", "breathe"])
async def test_the_palette_shows_your_patterns_as_text_not_markup(data_dir: Path, typed: str):
    data_dir.mkdir(parents=True)
    (data_dir / "patterns.toml").write_text(OWN, encoding="utf-8")
    app = CompanionApp(data_dir=data_dir, start="checkin")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("7")  # a check-in under way: a crash would lose it
        await pilot.press("ctrl+p", *typed)
        await pilot.pause(0.5)
        shown = listed(app)
        assert "Breathe: Mine [/]\n4-6 — Out [b]slowly[/b], then [/]rest." in shown
        assert "Breathe: Sigh [x2]\n2-1-6 — Two in [red]and[/red] one out." in shown
        assert app.is_running
