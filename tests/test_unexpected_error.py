"""An unexpected error in the app: said without a traceback's local variables, which would print
the history entries and notes a frame happened to hold (issue 13 item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.app import CompanionApp

NOTE = "walked it off by the canal, told no one"


class Breaking(CompanionApp):
    """The app with one key whose handler raises, as a bug would, holding a note in a local."""

    BINDINGS = [("z", "break_down", "")]

    def action_break_down(self) -> None:
        note = NOTE
        raise RuntimeError(f"a bug near {len(note)} characters")


async def test_an_unexpected_error_is_said_without_locals(data_dir: Path, capsys):
    app = Breaking(data_dir=data_dir)
    with pytest.raises(RuntimeError, match="a bug near 39 characters"):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("z")
            await pilot.pause()
    said = capsys.readouterr().err
    assert app.return_code == 1
    assert "RuntimeError: a bug near 39 characters" in said  # what happened, and where
    assert "action_break_down" in said
    assert NOTE not in said and "self = " not in said  # no frame's locals
