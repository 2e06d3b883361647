"""Accessibility and terminals: NO_COLOR, high-contrast themes, quadrants told apart without
colour, every action in the command palette, and screens that still work at 40×12."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from dataclasses import replace
from pathlib import Path

import pytest
from breathing_waits import breath_begun
from textual.filter import Monochrome
from textual.widgets import OptionList, Static

from companion.app import CompanionApp
from companion.checkin import CheckInDraft
from companion.content import load_content
from companion.screens.breathe import BreatheScreen
from companion.screens.themes import HIGH_CONTRAST, HIGH_CONTRAST_LIGHT
from companion.screens.widgets.breathing import BreathingVisual

COMPANION = Path(sys.executable).with_name("companion")


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def steady_app(data_dir: Path) -> CompanionApp:
    """The app with one line of the day, so the home screen looks the same every day."""
    content = load_content(user_dir=data_dir)
    return CompanionApp(data_dir=data_dir, content=replace(
        content, opening=replace(content.opening, lines_of_day=("Breathe.",))))


def visible(app: CompanionApp, widget) -> bool:
    """The whole of the widget is on the screen (not cut off by the terminal's edge)."""
    region = widget.region
    width, height = app.size
    return region.width > 0 and region.right <= width and region.bottom <= height - 1


# -- NO_COLOR -------------------------------------------------------------------------------------


def colours_drawn(env_extra: dict[str, str], data_dir: Path) -> set[tuple[int, int, int]]:
    """Run the real app in a pseudo-terminal: the truecolor colours it draws home with."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", **env_extra)
    process = subprocess.Popen(
        [str(COMPANION), "--data-dir", str(data_dir)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    drawn = b""
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline and b"quick grounding break" not in drawn:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                drawn += os.read(master, 65536)
        assert b"quick grounding break" in drawn, drawn[-500:]
        os.write(master, b"\x11")  # Ctrl+Q
        while process.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    drawn += os.read(master, 65536)
                except OSError:
                    break
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    colours = set()
    for params in re.findall(rb"\x1b\[([0-9;:]*)m", drawn):
        numbers = [int(n) for n in re.split(rb"[;:]", params) if n]
        for i, n in enumerate(numbers[:-4]):
            if n in (38, 48) and numbers[i + 1] == 2:
                colours.add(tuple(numbers[i + 2 : i + 5]))
    return colours


@pytest.mark.skipif(not COMPANION.exists(), reason="the companion command is not installed")
def test_no_color_draws_the_app_in_greys_only(tmp_path: Path):
    coloured = colours_drawn({}, tmp_path / "a")
    assert any(len(set(c)) > 1 for c in coloured)  # normally there is colour to take away
    greys = colours_drawn({"NO_COLOR": "1"}, tmp_path / "b")
    assert greys and all(len(set(c)) == 1 for c in greys)


async def test_no_color_is_noticed_by_the_app(data_dir: Path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.no_color
        assert any(isinstance(f, Monochrome) for f in app._filters)
        assert type(app.screen).__name__ == "HomeScreen"


def test_quadrants_differ_by_name_and_symbol_not_only_colour(content):
    labels = [q.label for q in content.quadrants]
    symbols = [q.symbol for q in content.quadrants]
    assert len(set(labels)) == len(set(symbols)) == 4
    assert all(s.strip() for s in symbols)


async def test_the_name_screen_shows_each_quadrant_by_name_and_symbol(data_dir: Path, content):
    name = pytest.importorskip("companion.screens.name")
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(
        size=(80, 24),
    ) as pilot:
        await pilot.pause()
        app.push_screen(name.NameScreen(CheckInDraft()))
        await pilot.pause()
        on_screen = " ".join(str(s.render()) for s in app.screen.query(Static))
        for quadrant in content.quadrants:
            assert f"{quadrant.symbol} {quadrant.label}" in on_screen


# -- themes and the command palette --------------------------------------------------------------


async def test_high_contrast_themes_are_offered(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert {HIGH_CONTRAST, HIGH_CONTRAST_LIGHT} <= set(app.available_themes)
        app.theme = HIGH_CONTRAST
        await pilot.pause()
        assert app.current_theme.background == "#000000"
        assert app.current_theme.foreground == "#FFFFFF"


async def test_the_command_palette_offers_every_action(data_dir: Path, content):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        titles = {command.title for command in app.get_system_commands(app.screen)}
        wanted = {
            "Check in",
            "Breathe",
            "This week",
            "Add a repair",
            "Settings",
            "Help",
            "Find help now",
            "Theme",
            "Quit",
        }
        wanted |= {f"Breathe: {p.label}" for p in content.patterns}
        assert wanted <= titles


async def test_settings_and_help_open_from_the_command_palette(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p", *"Settings")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "SettingsScreen"


# -- small terminals ------------------------------------------------------------------------------


async def test_home_shows_every_way_in_at_40_by_12(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        ways = app.screen.query_one("#ways-in", OptionList)
        assert visible(app, ways)
        assert ways.option_count == 6 and ways.max_scroll_y == 0  # nothing scrolled away


async def test_breathing_works_at_40_by_12(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    clock = FakeClock()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        app.push_screen(BreatheScreen(pattern="box", clock=clock))
        await pilot.pause()
        await pilot.press("enter")
        await breath_begun(app, pilot)
        clock.now += 5
        visual = app.screen.query_one(BreathingVisual)
        visual.sync()
        await pilot.pause()
        cue = app.screen.query_one("#cue", Static)
        left = app.screen.query_one("#left", Static)
        assert str(cue.render()) == "hold" and visible(app, cue)
        assert str(left.render()).startswith("3 s") and visible(app, left)


async def test_every_setting_can_be_reached_by_tab_at_40_by_12(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.press("comma")
        reached = []
        for _ in range(12):
            focused = app.focused
            await pilot.pause()
            assert visible(app, focused), focused  # scrolled into sight when focused
            reached.append(focused.id)
            await pilot.press("tab")
        for wanted in (
            "default_pattern",
            "default_minutes",
            "reduced_motion",
            "bell",
            "week_start",
            "theme",
            "contact-name",
            "contact-how",
            "add-contact",
        ):
            assert wanted in reached


async def test_review_opens_and_closes_at_40_by_12(data_dir: Path):
    pytest.importorskip("companion.screens.review")
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.press("w")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "ReviewScreen"
        assert visible(app, app.screen.query_one("#week-title", Static))
        await pilot.press("escape")
        assert type(app.screen).__name__ == "HomeScreen"


def test_home_looks_right(data_dir: Path, snap_compare):
    assert snap_compare(steady_app(data_dir), terminal_size=(80, 24))


def test_home_looks_right_at_40_by_12(data_dir: Path, snap_compare):
    assert snap_compare(steady_app(data_dir), terminal_size=(40, 12))


def test_home_looks_right_in_high_contrast(data_dir: Path, snap_compare):
    from companion.settings import Settings, save_settings

    save_settings(data_dir, Settings(theme=HIGH_CONTRAST))
    assert snap_compare(steady_app(data_dir), terminal_size=(80, 24))


def test_breathing_looks_right_at_40_by_12(data_dir: Path, snap_compare):
    app = steady_app(data_dir)
    clock = FakeClock()

    async def breathe(pilot) -> None:
        await pilot.pause()
        app.push_screen(BreatheScreen(pattern="4-7-8", clock=clock))
        await pilot.pause()
        await pilot.press("enter")
        await breath_begun(app, pilot)
        clock.now += 6.5
        app.screen.query_one(BreathingVisual).sync()
        await pilot.pause()

    assert snap_compare(app, run_before=breathe, terminal_size=(40, 12))


async def test_naming_shows_all_four_quadrants_at_40_by_12(data_dir: Path):
    name = pytest.importorskip("companion.screens.name")
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        app.push_screen(name.NameScreen(CheckInDraft()))
        await pilot.pause()
        cells = list(app.screen.query("QuadrantCell"))
        assert len(cells) == 4
        assert all(visible(app, cell) for cell in cells)
        # Each cell has room for its whole name (two lines inside its border at 40 columns).
        assert all(cell.content_region.height >= 2 for cell in cells)


def test_naming_looks_right_at_40_by_12(data_dir: Path, snap_compare):
    from companion.screens.name import NameScreen

    app = steady_app(data_dir)

    async def open_name(pilot) -> None:
        await pilot.pause()
        app.push_screen(NameScreen(CheckInDraft()))
        await pilot.pause()

    assert snap_compare(app, run_before=open_name, terminal_size=(40, 12))
