"""Fixtures shared by the whole suite."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import pytest

from companion.checkin import CheckInDraft
from companion.content import Content, load_content


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh, private data folder for one test (not created yet, as on a first run)."""
    return tmp_path / "companion-data"


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture(autouse=True)
def _no_real_history(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A test that forgets --data-dir must never touch the real history, nor this machine's
    # real identity, locks and recovery files (subprocesses inherit them).
    monkeypatch.setenv("COMPANION_DATA_DIR", str(tmp_path / "default-data"))
    monkeypatch.setenv("COMPANION_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Set the system's zone (what `astimezone()` uses) for one test: zone("Europe/London")."""
    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    """This machine's state folder in a test (identity, locks): COMPANION_STATE_DIR."""
    return tmp_path / "state"


class StepInApp:
    """A check-in step open in a running app, and what it answered (each dismiss value).

    The step tests subclass it, saying which screen to open (`make_screen`) and adding what
    their step needs: `await Notice(app, pilot).open()`.
    """

    def __init__(self, app: Any, pilot: Any, draft: CheckInDraft | None = None) -> None:
        self.app, self.pilot = app, pilot
        self.draft = draft or CheckInDraft()
        self.answers: list[str] = []

    def make_screen(self) -> Any:
        raise NotImplementedError

    async def open(self) -> Self:
        await self.pilot.pause()
        self.screen = self.make_screen()
        self.app.push_screen(self.screen, self.answers.append)
        await self.pilot.pause()
        return self

    def text(self, selector: str) -> str:
        from textual.widgets import Static

        return str(self.screen.query_one(selector, Static).render())
