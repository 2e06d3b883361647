"""`companion patterns`: the breathing patterns and their timings, as plain text."""

from __future__ import annotations

import sys
from pathlib import Path

from companion.content import load_content


def print_patterns(data_dir: Path) -> int:
    content = load_content(user_dir=data_dir)
    width = max(len(p.name) for p in content.patterns)
    for pattern in content.patterns:
        phases = ", ".join(f"{p.cue} {p.seconds:g}" for p in pattern.phases)
        mine = " (yours)" if pattern.custom else ""
        print(f"{pattern.name:<{width}}  {pattern.label}{mine}: {phases} "
              f"({pattern.cycle_seconds:g} s a breath)")
        if pattern.about:
            print(f"{'':<{width}}  {pattern.about}")
    for warning in content.warnings:
        print(f"companion: {warning}", file=sys.stderr)
    return 0
