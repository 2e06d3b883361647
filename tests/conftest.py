"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    # A test that forgets --data-dir must never touch the real history, nor write a recovery
    # file into the real user state folder.
    monkeypatch.setenv("COMPANION_DATA_DIR", str(tmp_path / "default-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
