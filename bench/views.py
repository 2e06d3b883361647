"""10. The app's looking-back views on five years: a key → the view's first frame, and → the
view showing its data, for Month (2), Year (3) and What helps (4).

The app runs in this process under Textual's `run_test` (headless, 80x24) on the demo's five
years (17,760 entries, as the looking section builds them). A frame is Textual's compositor
drawing the screen (`App._display`, which a real terminal then writes; headless skips only the
write): the time is from just before the key is pressed to the first frame whose screen is the
new view, and to the first frame in which the view shows what was read (no "Reading your …"
left). Each switch is from a fresh app: home, then the week asked for at once (as `w`); once
the frame that first draws the week's data is out, either 1 s spent looking at it or none. The
views are read ahead by home once it has counted the open repairs, and by the week once it is
drawn (what home left unread); the views and both cases take turns. The month cache is made first
(the rows); "first run" in the notes removes it before the app opens. The floor row is a bare
Textual screen with the same footer keys pushed over another, in the same way: what any
screen costs on this machine.
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
# How the week was opened ("home": home, then `w`; "review": the app opened as `companion
# review`, the week its first screen, home's workers still running) and the seconds spent
# looking at it before the key: a person who reads it first, and one who presses the key as
# soon as the week is drawn.
CASES = {
    "1 s after the week is drawn": ("home", 1.0),
    "right after the week is drawn": ("home", 0.0),
    "opened as `companion review`, right after the week is drawn": ("review", 0.0),
}
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
    """The view's summary is in, and drawn: no "Reading your …" left on it (the week: its
    summary is in)."""
    if getattr(screen, "summary", None) is None and getattr(screen, "found", None) is None:
        return False
    return not any(str(getattr(widget, "content", "")).startswith("Reading your")
                   for widget in screen.query("#month-day, #year-day, #helps-body"))


async def _switch(data_dir: Path, name: str, pause: float,
                  into: dict[str, dict[str, list[float]]], opened: str = "home") -> None:
    """A fresh app and its week (from home, or as its first screen: `opened`); once the week
    shows its data (the frame that first draws it), `pause` seconds looking at it, then the
    view's key."""
    from companion.app import CompanionApp
    from companion.screens.review import ReviewScreen

    app = CompanionApp(data_dir=data_dir, start=opened)
    async with app.run_test(size=(80, 24)) as pilot:
        frames = Frames(app)
        asked = time.perf_counter()
        if opened == "home":
            await pilot.pause()
            asked = time.perf_counter()
            app.push_screen(ReviewScreen())

        def week_drawn(screen: Any) -> bool:
            return isinstance(screen, ReviewScreen)

        await frames.first(asked, week_drawn, True)
        if pause:
            await asyncio.sleep(pause)
        week = app.screen
        began = time.perf_counter()
        press(app, VIEWS[name])

        def is_new(screen: Any) -> bool:
            return screen is not week and getattr(screen, "VIEW", "") != "week"

        into[name]["frame"].append(await frames.first(began, is_new, False))
        into[name]["data"].append(await frames.first(began, is_new, True))
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


Times = dict[str, dict[str, list[float]]]


def times(data_dir: Path, cache: Path, runs: int, first_runs: int
          ) -> tuple[dict[str, Times], Times, list[float]]:
    """The views taking turns, each from a fresh app, in each of CASES; then right after the
    week is drawn with the month cache removed first; and the floor."""
    by_case: dict[str, Times] = {
        case: {name: {"frame": [], "data": []} for name in VIEWS} for case in CASES}
    first: Times = {name: {"frame": [], "data": []} for name in VIEWS}
    floor: list[float] = []
    scratch: Times = {name: {"frame": [], "data": []} for name in VIEWS}
    asyncio.run(_switch(data_dir, "Year", 0, scratch))  # imports, bytecode, the cache
    asyncio.run(_floor_round([]))
    for _ in range(first_runs):
        for name in VIEWS:
            shutil.rmtree(cache, ignore_errors=True)
            asyncio.run(_switch(data_dir, name, 0, first))
    asyncio.run(_switch(data_dir, "Year", 0, scratch))  # the cache made again
    for _ in range(runs):
        for name in VIEWS:
            for case, (opened, pause) in CASES.items():
                asyncio.run(_switch(data_dir, name, pause, by_case[case], opened))
        asyncio.run(_floor_round(floor))
    return by_case, first, floor


def measure(folder: Path, runs: int = 7) -> list[Row]:
    data_dir = folder / "history"
    if not data_dir.is_dir():
        five_years(data_dir)
    cache = Path(os.environ.get("COMPANION_CACHE_DIR", folder / "cache"))
    os.environ["COMPANION_CACHE_DIR"] = str(cache)
    load = os.getloadavg()[0]
    by_case, first, floor = times(data_dir, cache, runs, first_runs=2 if runs < 5 else 3)
    target = f"< {TARGET_SECONDS * 1000:g} ms"
    rows = []
    floor_mid = mid(floor)
    for name, key in VIEWS.items():
        for when, (opened, pause) in CASES.items():
            with_first = not pause and opened == "home"
            for what, label in (("frame", "first frame"), ("data", "with its data")):
                values = by_case[when][name][what]
                value = mid(values)
                rows.append(Row(
                    f"app: key {key} → {name}, {when}, {label}, 5 years", ms(value), target,
                    value < TARGET_SECONDS,
                    note=f"{len(values)} runs (run_test, 80x24); fastest {ms(min(values))}, "
                         f"slowest {ms(max(values))}; {value / floor_mid:.1f}× the bare screen"
                         + ("" if not with_first else f"; first run (no month cache yet) "
                            f"{ms(mid(first[name][what]))}")
                         + f"; load average {load:.2f}",
                    data={"seconds": values,
                          **({} if not with_first
                             else {"first_run_seconds": first[name][what]})}))
    rows.append(Row("app: a bare Textual screen with the same footer, first frame", ms(floor_mid),
                    "(the floor)", None,
                    note=f"{len(floor)} pushes; fastest {ms(min(floor))}, slowest "
                         f"{ms(max(floor))}", data={"seconds": floor}))
    return rows
