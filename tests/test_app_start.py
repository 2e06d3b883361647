"""The app starts on the home screen and shows the ways in."""

from __future__ import annotations

from pathlib import Path

from companion.app import CompanionApp
from companion.screens.home import HomeScreen


async def test_the_app_opens_on_home_with_the_ways_in(data_dir: Path, content):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        ways_in = app.screen.query_one("#ways-in")
        labels = [str(ways_in.get_option_at_index(i).prompt) for i in range(ways_in.option_count)]
        assert any("Check in" in label for label in labels)
        assert any("Breathe" in label for label in labels)
        assert any("This week" in label for label in labels)
        welcome = app.screen.query_one("#welcome").render()
        assert str(welcome) == content.welcome


async def test_q_on_home_quits(data_dir: Path):
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_enter_on_a_way_in_opens_it(data_dir: Path):
    from companion.screens.review import ReviewScreen

    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ways_in = app.screen.query_one("#ways-in")
        ways_in.focus()
        ways_in.highlighted = 2  # This week
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


# What the first frame needs, and no more: the entry model, the history, TinyDB and the JSON
# module are imported once the app has drawn (the background check, the first save), not before.
FIRST_FRAME_IMPORTS = """
import sys
from pathlib import Path
from companion.app import CompanionApp
from companion.content import load_content
from companion.plain import breathe_request

data_dir = Path(sys.argv[1])
request = breathe_request(data_dir, None, None, None, content=load_content(user_dir=data_dir))
for start in ("home", "breathe"):
    app = CompanionApp(data_dir=data_dir, start=start, breathe=request)
    app.get_default_screen()
late = ("tinydb", "companion.entries", "companion.history", "companion.checkin", "json")
print(*(name for name in late if name in sys.modules))
"""


def test_the_first_frame_does_not_wait_for_the_history_code(data_dir: Path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", FIRST_FRAME_IMPORTS, str(data_dir)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
    assert (data_dir / "history").is_dir()  # the breathing's check made the folder, privately
    assert (data_dir / "history").stat().st_mode & 0o777 == 0o700
