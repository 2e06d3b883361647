"""companion's screens: one Textual screen a file, its stylesheet beside it."""

from __future__ import annotations

from pathlib import Path, PurePath

SCREENS_DIR = Path(__file__).resolve().parent
# Every stylesheet, listed once for the app to read before the first frame (the README's
# start-up policy): a screen's own CSS_PATH, read as the screen is first pushed, makes Textual
# parse every stylesheet again and restyle the whole app. app.tcss comes first.
STYLESHEETS: list[str | PurePath] = [str(SCREENS_DIR / "app.tcss"), *sorted(
    str(path) for path in SCREENS_DIR.glob("*.tcss") if path.name != "app.tcss")]
