"""Text from a file someone wrote, made safe for a terminal (text.printable): what is kept,
what becomes a space, what becomes a visible replacement."""

from __future__ import annotations

import pytest

from companion.text import printable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("XOXO, é 🌧️ e\u0301", "XOXO, é 🌧️ e\u0301"),  # words, accents, emoji, marks
        ("[bold]not markup[/]", "[bold]not markup[/]"),  # Rich markup is escaped elsewhere
        ("tab\tnew\nline\rreturn", "tab new line return"),
        ("\x1b[31mred", "\ufffd[31mred"),  # an escape sequence cannot reach the terminal
        ("bell\x07 del\x7f c1\x85", "bell\ufffd del\ufffd c1\ufffd"),
        ("rtl\u202e zero\u200bwidth", "rtl\ufffd zero\ufffdwidth"),  # format characters
        ("", ""),
    ],
)
def test_control_and_format_characters_become_visible_replacements(text, shown):
    assert printable(text) == shown
