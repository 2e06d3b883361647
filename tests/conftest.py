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
    # A test that forgets --data-dir must never touch the real history, nor this machine's
    # real identity, locks and recovery files (subprocesses inherit them).
    monkeypatch.setenv("COMPANION_DATA_DIR", str(tmp_path / "default-data"))
    monkeypatch.setenv("COMPANION_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("COMPANION_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    """This machine's state folder in a test (identity, locks): COMPANION_STATE_DIR."""
    return tmp_path / "state"
