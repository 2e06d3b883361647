"""One row of the bench's table: what was measured, its value, the target, and whether it met it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from statistics import median
from typing import Any


@dataclass(frozen=True, slots=True)
class Row:
    measurement: str
    value: str
    target: str
    passed: bool | None  # None: not measured (the note says why)
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def mid(values: list[float]) -> float:
    return median(values) if values else float("nan")


def format_table(rows: list[Row]) -> str:
    header = ("measurement", "median / value", "target", "result")
    cells = [header] + [
        (r.measurement, r.value, r.target,
         "-" if r.passed is None else "pass" if r.passed else "FAIL")
        for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(4)]
    lines = []
    for n, c in enumerate(cells):
        lines.append("  ".join(text.ljust(widths[i]) for i, text in enumerate(c)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    notes = [f"- {r.measurement}: {r.note}" for r in rows if r.note]
    return "\n".join(lines + (["", *notes] if notes else []))
