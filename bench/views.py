"""10. The app's looking-back views on five years: a key → the view's first frame, and → the
view showing its data, for Month (2), Year (3) and What helps (4).

The app runs in this process under Textual's `run_test` (headless, 80x24) on the demo's five
years (17,760 entries, as the looking section builds them). A frame is Textual's compositor
drawing the screen (`App._display`, which a real terminal then writes; headless skips only the
write): the time is from just before the key is pressed to the first frame whose screen is the
new view, and to the first frame after the view holds what its worker read. Each round is a
fresh app opened on the week; the views take turns, each switched to from the week (1). The
month cache is made first (the rows); "first run" in the notes removes it before each switch.
The floor row is a bare Textual screen with the same footer keys pushed over another, in the
same way: what any screen costs on this machine.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from pathlib import Path
from typing import Any

from bench.quicklog import five_years
from bench.rows import Row, mid, ms

TARGET_SECONDS = 0.1
VIEWS = {"Month": "2", "Year": "3", "What helps": "4"}
TIMEOUT = 20.0


class Frames:
    """The moments the compositor drew a screen, by screen."""

    def __init__(self, app: Any) -> None:
        self.seen: list[tuple[float, Any, bool]] = []
        self.drawn = asyncio.Event()
        display = app._display

        def counted(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is not None:
                self.seen.append((time.perf_counter(), screen, has_data(screen)))
                self.drawn.set()

        app._display = counted

    async def first(self, since: float, screen_is: Any, with_data: bool) -> float:
        """Seconds from `since` to the first such frame. Waits on an event set by each frame,
        not by polling: a poll's wake-ups would take the interpreter from the view's worker."""
        async with asyncio.timeout(TIMEOUT):
            while True:
                for at, screen, data in self.seen:
                    if at >= since and screen_is(screen) and (data or not with_data):
                        return at - since
                self.drawn.clear()
                await self.drawn.wait()


def has_data(screen: Any) -> bool:
    """The view's summary is in, and drawn: no "Reading your …" left on it."""
    if getattr(screen, "summary", None) is None and getattr(screen, "found", None) is None:
        return False
    return not any(str(getattr(widget, "content", "")).startswith("Reading your")
                   for widget in screen.query("#month-day, #year-day, #helps-body"))


async def _round(data_dir: Path, cache: Path | None, into: dict[str, dict[str, list[float]]]
                 ) -> None:
    from companion.app import CompanionApp
    from companion.screens.review import ReviewScreen

    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        frames = Frames(app)
        await pilot.pause()
        app.push_screen(ReviewScreen())
        for name, key in VIEWS.items():
            await _settle(app, pilot)
            if cache is not None:
                shutil.rmtree(cache, ignore_errors=True)
            week = app.screen
            frames.seen.clear()
            began = time.perf_counter()
            press(app, key)

            def is_new(screen: Any, week: Any = week) -> bool:
                return screen is not week and getattr(screen, "VIEW", "") != "week"

            into[name]["frame"].append(await frames.first(began, is_new, False))
            into[name]["data"].append(await frames.first(began, is_new, True))
            await _settle(app, pilot)
            await pilot.press("1")
        await _settle(app, pilot)


def press(app: Any, key: str) -> None:
    """A key as the terminal sends it. Not `Pilot.press`: it waits for the app to go idle by
    spinning the event loop, which takes the interpreter from the view's worker thread (its
    read took 3-5 times as long)."""
    from textual import events

    app.post_message(events.Key(key, key))


async def _settle(app: Any, pilot: Any) -> None:
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def _floor_round(into: list[float]) -> None:
    """A bare screen with the looking-back views' footer keys, pushed over another."""
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.screen import Screen
    from textual.widgets import Footer, Header, Static

    from companion.screens.looking_back import view_bindings

    class Bare(Screen[None]):
        BINDINGS = [Binding("a", "bell", "All / recent"), *view_bindings("helps")]

        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("A bare screen")
            yield Footer()

    class BareApp(App[None]):
        BINDINGS = [Binding("2", "open", "Open")]

        def action_open(self) -> None:
            self.push_screen(Bare())

    app = BareApp()
    async with app.run_test(size=(80, 24)) as pilot:
        frames = Frames(app)
        for _ in range(3):
            await pilot.pause()
            began = time.perf_counter()
            press(app, "2")
            into.append(await frames.first(began, lambda s: isinstance(s, Bare), False))
            await pilot.pause()
            app.pop_screen()


def times(data_dir: Path, cache: Path, runs: int, first_runs: int
          ) -> tuple[dict[str, dict[str, list[float]]], dict[str, dict[str, list[float]]],
                     list[float]]:
    warm = {name: {"frame": [], "data": []} for name in VIEWS}
    first = {name: {"frame": [], "data": []} for name in VIEWS}
    floor: list[float] = []
    scratch = {name: {"frame": [], "data": []} for name in VIEWS}
    asyncio.run(_round(data_dir, None, scratch))  # imports, bytecode, the disk cache, the cache
    asyncio.run(_floor_round([]))
    for _ in range(first_runs):
        asyncio.run(_round(data_dir, cache, first))
    asyncio.run(_round(data_dir, None, scratch))  # the cache made again
    for _ in range(runs):
        asyncio.run(_round(data_dir, None, warm))
        asyncio.run(_floor_round(floor))
    return warm, first, floor


def measure(folder: Path, runs: int = 7) -> list[Row]:
    data_dir = folder / "history"
    if not data_dir.is_dir():
        five_years(data_dir)
    cache = Path(os.environ.get("COMPANION_CACHE_DIR", folder / "cache"))
    os.environ["COMPANION_CACHE_DIR"] = str(cache)
    load = os.getloadavg()[0]
    warm, first, floor = times(data_dir, cache, runs, first_runs=2 if runs < 5 else 3)
    target = f"< {TARGET_SECONDS * 1000:g} ms"
    rows = []
    floor_mid = mid(floor)
    for name, key in VIEWS.items():
        for what, label in (("frame", "first frame"), ("data", "with its data")):
            values = warm[name][what]
            value = mid(values)
            rows.append(Row(
                f"app: key {key} → {name}, {label}, 5 years", ms(value), target,
                value < TARGET_SECONDS,
                note=f"{len(values)} runs (run_test, 80x24); fastest {ms(min(values))}, slowest "
                     f"{ms(max(values))}; {value / floor_mid:.1f}× the bare screen; first run "
                     f"(no cache yet) {ms(mid(first[name][what]))}; load average {load:.2f}",
                data={"seconds": values, "first_run_seconds": first[name][what]}))
    rows.append(Row("app: a bare Textual screen with the same footer, first frame", ms(floor_mid),
                    "(the floor)", None,
                    note=f"{len(floor)} pushes; fastest {ms(min(floor))}, slowest "
                         f"{ms(max(floor))}", data={"seconds": floor}))
    return rows
