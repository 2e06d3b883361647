"""The baseline for start-up: a bare Textual app (Header, Static, Footer), nothing else."""

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
