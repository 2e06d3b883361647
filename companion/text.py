"""Every rule for showing text someone else wrote: on a terminal, in Textual, in markdown, in json.

User text (a note, a feeling word, a pattern's label from a person's own patterns.toml, a file
name) is data, never a command: an escape sequence must not reach the terminal, Rich or Textual
markup must not be parsed, and in a markdown report nothing typed may change the document's
shape. Each function here is one such rule; tests/test_text.py holds what each keeps and what
it replaces.

Two pairs look alike and differ on purpose, each kept as its documents have always been written:
- markdown: `md` for the week's and the looking-back reports (one line; <, > and & as entities)
  and `md_inline` / `md_block` for the markdown export (backslash escapes; a note keeps its
  lines, and a line cannot start a list or a heading);
- json: `terminal_safe_json` for the json the looking-back commands print, and
  `escape_invisible` for the json export (which keeps the joiners emoji need).
"""

from __future__ import annotations

import re
import unicodedata

REPLACEMENT = "\ufffd"
# Direction overrides and isolates can make text display as something it is not.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_JOINERS = frozenset("\u200c\u200d")  # needed inside emoji and some scripts; harmless


# -- a terminal, and Textual --------------------------------------------------------------------


def printable(text: str) -> str:
    """Text from a file the person (or someone else) wrote, safe to put on a terminal: one line.

    Your own patterns can carry escape sequences in their labels; on a terminal those are
    commands, so control and format characters become a visible replacement instead, and tabs
    and line breaks a space.
    """
    return "".join(
        " " if ch in "\t\n\r" else REPLACEMENT if unicodedata.category(ch)[0] == "C" else ch
        for ch in text
    )


def shown(text: str) -> str:
    """Text from data files, as text on screen in Textual: markup escaped, control characters
    replaced.

    Every "[" is escaped, not only those that look like tags (rich's escape): Textual's markup
    parser also trips over "[31m" before a real tag, as in an escape sequence someone typed.
    """
    return printable(text).replace("[", "\\[")


def visible(text: str) -> str:
    """Text safe to show that keeps its lines: line breaks become \\n, other control characters
    and direction overrides become U+FFFD (they could move a terminal's cursor or disguise the
    text). Used for csv cells and the markdown export."""
    if text.isprintable():  # the usual case, and quick: nothing to replace
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        REPLACEMENT
        if (unicodedata.category(ch) == "Cc" and ch not in "\n\t") or ch in _BIDI_CONTROLS
        else ch
        for ch in text
    )


# -- markdown -----------------------------------------------------------------------------------

_REPORT_SPECIAL = {ch: "\\" + ch for ch in "\\`*_[]|~#"} | {
    "<": "&lt;", ">": "&gt;", "&": "&amp;",
}


def md(text: str) -> str:
    """A person's text inside a line of a markdown report (`week`, `month`, `insights`, ...):
    one line, shown as typed, never as markup."""
    return "".join(_REPORT_SPECIAL.get(ch, ch) for ch in printable(text)).strip()


# Every character markdown could read as structure, escaped wherever it appears.
_EXPORT_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")
# At the start of a line these begin a list, a heading underline or a thematic break.
_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")


def md_inline(text: str) -> str:
    """User text for one line of the markdown export: line breaks become spaces, structure is
    escaped."""
    one_line = " ".join(visible(text).replace("\t", " ").split("\n"))
    return _EXPORT_SPECIAL.sub(r"\\\1", one_line)


def md_block(text: str) -> list[str]:
    """User text as markdown lines (for a quote in the export): each line escaped, the lines
    kept."""
    lines = []
    for raw in visible(text).replace("\t", " ").split("\n"):
        line = _EXPORT_SPECIAL.sub(r"\\\1", raw.strip())
        lines.append(_LINE_START.sub(_escape_line_start, line))
    return lines


def _escape_line_start(match: re.Match[str]) -> str:
    start = match.group(1)
    # "1." is escaped as "1\." (a backslash before a digit would show); "-" as "\-".
    return f"{start}\\" if start[0].isdigit() else f"\\{start}"


# -- json ---------------------------------------------------------------------------------------

_NOT_PLAIN_ASCII = re.compile(r"[^\n\x20-\x7e]")


def terminal_safe_json(text: str) -> str:
    """json text (from json.dumps, ensure_ascii=False) with every control, format, private-use
    or unassigned character written as a \\u escape: the same value, nothing for a terminal to
    act on.

    json.dumps escapes only C0 controls; DEL, C1 controls and bidi/format characters in what
    someone typed would otherwise reach the terminal. They can only occur inside strings, so
    the json means exactly the same.
    """

    def escape(match: re.Match[str]) -> str:
        ch = match.group()
        return _u_escaped(ch) if unicodedata.category(ch)[0] == "C" else ch

    return _NOT_PLAIN_ASCII.sub(escape, text)


_NON_ASCII = re.compile(r"[^\x00-\x7e]")


def escape_invisible(text: str) -> str:
    """Escape control, format and separator characters in json text as \\uXXXX (the export).

    json.dumps escapes only U+0000–U+001F; DEL, the C1 controls (some terminals obey them) and
    direction overrides would otherwise reach a terminal. Zero-width joiners are kept: emoji
    need them. Parsed, the text is the same.
    """
    return _NON_ASCII.sub(_json_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _JOINERS or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"):
        return ch
    return _u_escaped(ch)


def _u_escaped(ch: str) -> str:
    """`ch` as json writes it with ensure_ascii: \\uXXXX, or a surrogate pair beyond U+FFFF."""
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
