"""companion/text.py: every rule for showing text someone else wrote, each held to what it keeps
and what it replaces (printable's own cases are in test_printable.py)."""

from __future__ import annotations

import json

import pytest

from companion.text import (
    escape_invisible,
    md,
    md_block,
    md_inline,
    printable,
    shown,
    terminal_safe_json,
    visible,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[b]not bold[/b]", "\\[b]not bold\\[/b]"),  # markup is text
        ("\x1b[31m[b]", "\ufffd\\[31m\\[b]"),  # an escape sequence before a tag, too
        ("line\nbreak", "line break"),
        ("é 🌧️", "é 🌧️"),
    ],
)
def test_shown_text_is_never_textual_markup(text, expected):
    assert shown(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain words", "plain words"),
        ("a\r\nb\rc\nd", "a\nb\nc\nd"),  # every line break becomes \n
        ("tab\tkept", "tab\tkept"),
        ("\x1b[2Jclear", "\ufffd[2Jclear"),
        ("del\x7f c1\x85", "del\ufffd c1\ufffd"),
        ("rtl\u202eltr\u2066", "rtl\ufffdltr\ufffd"),  # direction overrides and isolates
        ("zero\u200bwidth", "zero\u200bwidth"),  # other format characters are left
    ],
)
def test_visible_keeps_the_lines_and_replaces_controls_and_direction_overrides(text, expected):
    assert visible(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>Tom & Jerry</b>", "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;"),
        ("*x* _y_ [z](u) `c` #h |t| ~s~ \\", "\\*x\\* \\_y\\_ \\[z\\](u) \\`c\\` \\#h \\|t\\| "
                                            "\\~s\\~ \\\\"),
        ("  two\nlines  ", "two lines"),
        ("\x1b[2J", "\ufffd\\[2J"),
    ],
)
def test_md_keeps_a_persons_text_to_one_line_of_a_report_as_typed(text, expected):
    assert md(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("one\ntwo", "one two"),
        ("<&> *", "\\<\\&\\> \\*"),
        ("\ttab", " tab"),
        ("# not a heading", "\\# not a heading"),
        ("- a dash inside a line stays", "- a dash inside a line stays"),
    ],
)
def test_md_inline_is_one_line_of_the_export_with_its_structure_escaped(text, expected):
    assert md_inline(text) == expected


def test_md_block_keeps_the_lines_and_none_can_start_a_list_or_a_heading():
    note = "- item\n+ more\n1. one\n2) two\n# head\n  ===\nplain 1. text\n\n<end>"
    assert md_block(note) == ["\\- item", "\\+ more", "1\\. one", "2\\) two", "\\# head",
                              "\\===", "plain 1. text", "", "\\<end\\>"]


TYPED = "del\x7f c1\x85 rtl\u202e zwj\u200d zwsp\u200b sep\u2028 private\ue000 tag\U000e0001 🌧"


def test_terminal_safe_json_escapes_every_invisible_character_and_means_the_same():
    text = json.dumps({"note": TYPED}, ensure_ascii=False)
    safe = terminal_safe_json(text)
    assert json.loads(safe) == {"note": TYPED}
    for escaped in ("\\u007f", "\\u0085", "\\u202e", "\\u200d", "\\u200b", "\\ue000",
                    "\\udb40\\udc01"):
        assert escaped in safe
    assert "\u2028" in safe and "🌧" in safe  # a line separator and emoji are left as they are


def test_the_exports_json_escapes_controls_and_format_characters_but_keeps_joiners():
    text = json.dumps({"note": TYPED}, ensure_ascii=False)
    safe = escape_invisible(text)
    assert json.loads(safe) == {"note": TYPED}
    for escaped in ("\\u007f", "\\u0085", "\\u202e", "\\u200b", "\\u2028", "\\udb40\\udc01"):
        assert escaped in safe
    assert "\u200d" in safe and "\ue000" in safe and "🌧" in safe


def test_printable_is_one_line_for_a_terminal():
    assert printable("a\tb\nc\x1b") == "a b c\ufffd"
