"""The baseline for start-up: a bare Textual app (Header, Static, Footer), nothing else.

With --collector-paused it pauses Python's cycle collector before importing Textual, as
`companion` does until its first frame: a comparison that leaves that gain out.
"""

import gc
import sys

if "--collector-paused" in sys.argv:
    gc.disable()

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

READY = "A bare Textual app"


class BareApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(READY)
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
