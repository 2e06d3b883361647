"""`companion patterns`: the breathing patterns and their timings, as plain text."""

from __future__ import annotations

import sys
from pathlib import Path

from companion.content import load_opening
from companion.text import printable


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
