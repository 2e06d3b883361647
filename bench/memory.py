"""6. Memory at scale: export and import of 100,000 entries, and one absurdly large month file.

Each command runs as its own process (the installed `companion` script, as a person runs it) and
its peak memory is the kernel's own count for that process: ru_maxrss from wait4(), which is the
largest resident set the process ever had (what /proc/PID/status calls VmHWM), read when it ends.
Nothing is sampled, so no short peak is missed.

- export (json, csv, markdown) of a 100,000-entry history (ten a day, about 27 years, ~330
  monthly files) to a file with --out: the export streams, so its memory should not grow with
  the history (target under 100 MB).
- import of that json export into an empty data folder, and again into the same folder (every
  entry already there): under 200 MB.
- one month file of 263,000 entries (about 210 MB: a month no one person writes) beside a normal
  history: `companion week` for a week inside that month, and `companion export`. The file is
  reported and read; the targets say it must not take the whole machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.histories import build_history, make_entries
from bench.rows import Row
from bench.start import companion_command
from companion.entries import SCHEMA
from companion.history import META, TABLE

HISTORY_SIZE = 100_000
LARGE_MONTH_ENTRIES = 263_000
EXPORT_MB = 100
IMPORT_MB = 200
LARGE_MONTH_MB = 200


# The command is started by a small Python process of its own, which reports wait4()'s figure.
# Started straight from the bench, the child would count the bench's own memory as its peak:
# Linux keeps the high-water mark of the memory a process was forked with across exec.
_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status), file=sys.stderr)
"""


def peak(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int, str]:
    """Run `argv` to its end: (peak resident MB, seconds, exit code, its last line on stderr)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, *argv], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, env=env, check=False)
    seconds = time.perf_counter() - started
    lines = done.stderr.decode(errors="replace").strip().splitlines()
    kilobytes, code = (int(n) for n in lines[-1].split())
    last = lines[-2].strip() if len(lines) > 1 else ""
    return kilobytes / 1024, seconds, code, last


def write_large_month(data_dir: Path, count: int = LARGE_MONTH_ENTRIES,
                      month: datetime | None = None) -> Path:
    """One month file holding `count` check-in shaped entries spread over the month.

    Written straight in the store's format (as HistoryFile writes it): made from a few real
    entries with new ids and times, because building 263,000 entries one by one would take
    minutes. Returns the file.
    """
    first = (month or datetime.now(UTC)).replace(day=1, hour=0, minute=0, second=0,
                                                 microsecond=0)
    following = (first + timedelta(days=32)).replace(day=1)
    step = (following - first) / count
    templates = [entry.to_dict() for entry in make_entries(50, seed=7)]
    history = data_dir / "history"
    history.mkdir(parents=True, exist_ok=True)
    path = history / f"{first:%Y-%m}.json"
    with path.open("w", encoding="utf-8") as out:
        out.write(f'{{"{TABLE}": {{')
        for n in range(count):
            record = dict(templates[n % len(templates)])
            started = first + step * n
            record["id"] = str(uuid.UUID(int=n + 1, version=4))
            record["started_at"] = started.isoformat()
            record["saved_at"] = (started + timedelta(minutes=3)).isoformat()
            out.write(("" if n == 0 else ", ") + f'"{n + 1}": '
                      + json.dumps(record, ensure_ascii=False))
        out.write(f'}}, "{META}": {{"1": {{"schema": {SCHEMA}}}}}}}')
    path.chmod(0o600)
    return path


def measure(folder: Path) -> list[Row]:
    companion = companion_command()
    rows: list[Row] = []
    history = build_history(folder / "history-100k", HISTORY_SIZE)
    export_file = folder / "export-100k.json"
    for fmt in ("json", "csv", "markdown"):
        out = export_file if fmt == "json" else folder / f"export-100k.{fmt}"
        mb, seconds, code, last = peak([companion, "--data-dir", str(history), "export",
                                        "--format", fmt, "--out", str(out)])
        rows.append(_row(f"export --format {fmt}, {HISTORY_SIZE:,} entries: peak memory", mb,
                         EXPORT_MB, code, last, seconds))
    target = folder / "imported"
    for label in ("into an empty folder", "again (all already there)"):
        mb, seconds, code, last = peak([companion, "--data-dir", str(target), "import",
                                        str(export_file)])
        rows.append(_row(f"import {HISTORY_SIZE:,} entries {label}: peak memory", mb, IMPORT_MB,
                         code, last, seconds))

    large = build_history(folder / "large-month", 3_000)
    size = write_large_month(large).stat().st_size
    note = f"{LARGE_MONTH_ENTRIES:,} entries, {size / 1e6:.0f} MB in one month file"
    year, week, _ = datetime.now(UTC).replace(day=10).isocalendar()
    for name, argv in (
        ("week", ["week", "--week", f"{year}-W{week:02d}"]),
        ("export", ["export", "--out", str(folder / "export-large.json")]),
    ):
        mb, seconds, code, last = peak([companion, "--data-dir", str(large), *argv])
        rows.append(_row(f"{name} with one absurdly large month: peak memory", mb,
                         LARGE_MONTH_MB, code, last, seconds, extra=note))
    return rows


def _row(measurement: str, mb: float, target_mb: float, code: int, last: str, seconds: float,
         extra: str = "") -> Row:
    note = f"{seconds:.1f} s, exit {code}" + (f" ({last[:160]})" if code else "")
    if extra:
        note = f"{extra}; {note}"
    return Row(measurement, f"{mb:.0f} MB", f"< {target_mb} MB", mb < target_mb, note=note,
               data={"mb": mb, "seconds": seconds, "exit": code})
