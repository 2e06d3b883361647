"""Every screen's footer keys fit 80 columns: none is cut off or hidden under the palette key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from test_review import open_review, week_entries
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from companion.app import CompanionApp
from companion.history import HistoryStore


def footer_cut(app) -> str | None:
    """What the footer cannot show at this width, or None when every key fits."""
    footer = app.screen.query_one(Footer)
    keys = list(footer.query(FooterKey))
    palette = [k for k in keys if k.description == "palette"]
    others = [k for k in keys if k.description != "palette"]
    limit = palette[0].region.x if palette else footer.size.width
    cut = [f"{k.key_display} {k.description}" for k in others if k.region.right > limit]
    return f"{type(app.screen).__name__}: {cut}" if cut else None


async def test_every_screen_s_keys_fit_80_columns(data_dir: Path):
    store = HistoryStore(data_dir, fsync=False)
    for entry in week_entries():
        store.save(entry)
    cuts: list[str | None] = []
    app = CompanionApp(data_dir=data_dir, start="checkin")
    async with app.run_test(size=(80, 24)) as pilot:
        async def look(*keys: str) -> None:
            await pilot.press(*keys)
            for _ in range(2):
                await pilot.pause()
            cuts.append(footer_cut(app))

        await look()  # notice
        app.screen.query_one("#note").focus()
        await look()  # notice, in the note
        await look("escape", "5", "enter")  # ground: choose
        await look("enter")  # breathing
        await look("x")  # after the breathing: the rating
        await look("enter")  # name: quadrants
        await look("enter")  # name: words
        await look("tab", "escape", "c")  # repair
        await look("enter")  # saved
        await look("enter")  # home
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        async def look(*keys: str) -> None:
            await pilot.press(*keys)
            for _ in range(2):
                await pilot.pause()
            cuts.append(footer_cut(app))

        await look("b")  # breathing break: choose
        await look("enter")  # breathing
        await look("x")  # after
        await look("escape", "escape", "escape", "r")  # a repair on its own
        await open_review(app, pilot, date(2026, 11, 16))
        cuts.append(footer_cut(app))
        await look("m", "enter")  # an entry
        await look("e")  # its form
        await look("escape", "escape", "escape", "question_mark")  # help
        await look("escape", "comma")  # settings
    assert [cut for cut in cuts if cut] == []
    assert len(cuts) == 19


async def test_s_still_skips_after_the_rating(data_dir: Path):
    app = CompanionApp(data_dir=data_dir, start="checkin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("5", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        ground = app.screen
        await pilot.press("s")
        for _ in range(2):
            await pilot.pause()
        assert app.screen is not ground and type(app.screen).__name__ == "NameScreen"
