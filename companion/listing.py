"""`companion patterns`: the breathing patterns and their timings, as plain text."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from companion.content import load_opening


def printable(text: str) -> str:
    """Text from a file the person (or someone else) wrote, safe to put on a terminal.

    Your own patterns can carry escape sequences in their labels; on a terminal those are
    commands, so control and format characters become a visible replacement instead.
    """
    return "".join(
        " " if ch in "\t\n\r" else "\ufffd" if unicodedata.category(ch)[0] == "C" else ch
        for ch in text
    )


def print_patterns(data_dir: Path) -> int:
    opening = load_opening(user_dir=data_dir)  # the patterns, and no more of data/
    width = max(len(p.name) for p in opening.patterns)
    for pattern in opening.patterns:
        phases = ", ".join(f"{p.cue} {p.seconds:g}" for p in pattern.phases)
        mine = " (yours)" if pattern.custom else ""
        # Names are checked when read (printable, one word); escaped all the same, as
        # everything from a file someone else may have written.
        print(f"{printable(pattern.name):<{width}}  {printable(pattern.label)}{mine}: {phases} "
              f"({pattern.cycle_seconds:g} s a breath)")
        if pattern.about:
            print(f"{'':<{width}}  {printable(pattern.about)}")
    for warning in opening.warnings:
        print(f"companion: {printable(warning)}", file=sys.stderr)
    return 0
