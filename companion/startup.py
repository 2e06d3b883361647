"""How the app starts: the one place that decides what waits until after its first frame.

Every way the app opens goes through run_app: `companion` and its `checkin`, `review` and
`breathe`, and `companion demo`. The target is a first frame within 1.2x a bare Textual app's
(bench/start.py); what each step below saves is in the README's "Architecture" section.

- Python's cycle collector is paused from before Textual is imported until the first frame
  (pause_collector; the app calls first_frame_drawn once it has drawn). On the way there it
  would run ~100 times over objects that all live on, most of them made by Textual's own
  import (~12-15 ms). Afterwards the start's objects are set aside (gc.freeze) rather than
  scanned again: a first full collection over them took 40-80 ms to free ~2,000 objects
  (~0.3 MB, kept).
- The app reads only the opening of data/ before the first frame (content.load_opening); the
  rest of data/, the history and TinyDB wait until it has drawn (app.py, _after_first_frame).
- `companion` and `companion breathe` as typed skip argparse (first_pass.py).
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from companion.app import CompanionApp
    from companion.content import Opening
    from companion.plain import BreatheRequest
    from companion.settings import Settings

_paused = False


def run_app(
    data_dir: Path,
    start: str = "home",
    *,
    breathe: BreatheRequest | None = None,
    opening: Opening | None = None,
    settings: tuple[Settings, list[str]] | None = None,
) -> CompanionApp:
    """Open the app on `start` and run it until it ends; the app, for its return code and
    anything it could not save. `opening` and `settings`, when the command line has read
    them already, are not read again."""
    pause_collector()
    from companion.app import CompanionApp

    app = CompanionApp(data_dir=data_dir, start=start, breathe=breathe, opening=opening,
                       settings=settings, on_first_frame=first_frame_drawn)
    try:
        app.run()
    finally:
        first_frame_drawn()  # an app that ended before it drew: the collector runs again
    return app


def pause_collector() -> None:
    """Pause the cycle collector until first_frame_drawn (if it is not paused already)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def first_frame_drawn() -> None:
    """The app has drawn: set what the start made aside and let the collector run again."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
