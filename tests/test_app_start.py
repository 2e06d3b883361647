"""The app starts on the home screen and shows the ways in."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

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
        ways_in.highlighted = 3  # This week (after Check in, Breathe, Repair)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


# What the first frame needs, and no more: the entry model, the history, TinyDB and the JSON
# module are imported once the app has drawn (the background check, the first save), and the
# feeling words, the help and the check-in's and repair's words are read then, not before.
FIRST_FRAME_IMPORTS = """
import sys
from pathlib import Path

opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else None)
from companion.app import CompanionApp
from companion.content import load_opening
from companion.plain import breathe_request

data_dir = Path(sys.argv[1])
request = breathe_request(data_dir, None, None, None, opening=load_opening(user_dir=data_dir))
for start in ("home", "breathe"):
    app = CompanionApp(data_dir=data_dir, start=start, breathe=request)
    app.get_default_screen()
late = ("tinydb", "companion.entries", "companion.history", "companion.checkin", "json")
unread = ("feelings.toml", "help.toml", "checkin.toml", "repair.toml")
print(*(name for name in late if name in sys.modules))
print(*(name for name in unread if any(path.endswith(name) for path in opened)))
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


async def test_the_rest_of_data_is_read_once_the_first_frame_is_drawn(data_dir: Path, monkeypatch):
    import companion.app

    reads = []
    real_load_content = companion.app.load_content

    def load_content(**options):
        reads.append(options)
        return real_load_content(**options)

    monkeypatch.setattr(companion.app, "load_content", load_content)
    app = CompanionApp(data_dir=data_dir)
    assert reads == []  # home's first frame needs only the opening
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert len(reads) == 1
        await pilot.press("c")  # the check-in's words are there for the first key
        await pilot.pause()
        assert app.screen.query_one("#body")
    assert len(reads) == 1


async def test_a_data_file_broken_after_all_ends_the_app_with_one_line(data_dir: Path, monkeypatch):
    import companion.app
    from companion.content import ContentError

    def load_content(**options):
        raise ContentError("/x/data/feelings.toml: not valid TOML ([/b] line 3)")

    monkeypatch.setattr(companion.app, "load_content", load_content)
    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        said = list(app._exit_renderables)
    assert app.return_code == 1
    printed = io.StringIO()
    for renderable in said:  # as Textual prints them as it exits (a path is not markup)
        Console(file=printed, width=200).print(renderable)
    assert printed.getvalue() == "companion: /x/data/feelings.toml: not valid TOML ([/b] line 3)\n"


async def test_the_collector_paused_for_the_start_runs_again_after_the_first_frame(data_dir):
    import gc

    from companion import startup

    startup.pause_collector()  # as startup.run_app does before it imports the app
    try:
        app = CompanionApp(data_dir=data_dir, on_first_frame=startup.first_frame_drawn)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0  # the start's objects, set aside
    finally:
        gc.unfreeze()
        gc.enable()


async def test_a_collector_that_was_running_is_left_as_it_was(data_dir):
    import gc

    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert gc.isenabled()
        assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("argv", [[], ["breathe"], ["review"], ["demo", "--days", "1"]])
def test_every_way_in_pauses_the_collector_until_the_app_has_drawn(data_dir, monkeypatch, argv):
    import gc

    from companion import cli, startup

    seen = []

    def run(app: CompanionApp) -> None:
        seen.append(gc.isenabled())
        app._on_first_frame()  # as the app does once it has drawn
        seen.append(gc.isenabled())

    monkeypatch.setattr(CompanionApp, "run", run)
    monkeypatch.setattr(cli, "_is_terminal", lambda stream: True)  # breathe opens the app
    monkeypatch.setenv("COMPANION_DATA_DIR", str(data_dir))
    try:
        assert cli.main(argv) == 0
    finally:
        gc.unfreeze()
        gc.enable()
        startup._paused = False
    assert seen == [False, True]


def test_an_app_that_ends_before_it_draws_leaves_the_collector_running(data_dir, monkeypatch):
    import gc

    from companion import startup

    monkeypatch.setattr(CompanionApp, "run", lambda app: None)  # ended before its first frame
    try:
        app = startup.run_app(data_dir)
        assert gc.isenabled() and app.data_dir == data_dir
    finally:
        gc.unfreeze()
        gc.enable()


async def test_every_stylesheet_is_read_with_the_app_and_opening_a_screen_parses_none_again(
    data_dir: Path, monkeypatch
):
    from companion.screens import SCREENS_DIR
    from companion.screens.notice import NoticeScreen

    app = CompanionApp(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for path in SCREENS_DIR.glob("*.tcss"):
            assert app.stylesheet.has_source(str(path), ""), path.name
        reparses = []
        monkeypatch.setattr(app.stylesheet, "reparse", lambda: reparses.append(1))
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, NoticeScreen)
        assert reparses == []  # opening a screen does not parse every style again
        # Each screen's rules are its own: the entry editor's 6-line #note used to reach the
        # check-in's one-line note once both stylesheets were read.
        assert app.screen.query_one("#note").outer_size.height == 3


def test_the_app_lists_every_stylesheet_and_no_screen_loads_its_own():
    import importlib
    import inspect

    from textual.screen import Screen

    from companion.screens import SCREENS_DIR

    for path in SCREENS_DIR.glob("*.py"):
        module = importlib.import_module(f"companion.screens.{path.stem}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__ == module.__name__:
                assert not cls.CSS_PATH, f"{cls.__name__} loads {cls.CSS_PATH} itself"
