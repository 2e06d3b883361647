"""6. `companion log`: a check-in in one command line, the whole process, on five years.

The history is the one `companion demo --days 1825 --out DIR` writes (about ten entries a day,
17,700 over five years, the demo's own mix of check-ins, breaks and repairs), made once in the
bench's folder. Each run is `companion log 7 --feel frazzled --need tired --data-dir DIR` as a
person types it, from starting the installed console script to its exit (it has saved, with
fsync, and printed its line by then); `companion --version` takes turns with it, for how much of
that is starting Python and companion at all. Every run adds one check-in to this month, as it
would for a person.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from bench.rows import Row, mid, ms
from bench.start import companion_command

LOG_SECONDS = 0.15
DAYS = 5 * 365
LOG = ["log", "7", "--feel", "frazzled", "--need", "tired"]


def five_years(folder: Path) -> Path:
    """The demo's five-year history in `folder`, written the way `companion demo --out` does."""
    from companion.demo import write_demo_history

    write_demo_history(folder, DAYS)
    return folder


def log_times(data_dir: Path, runs: int) -> tuple[list[float], list[float], str]:
    """Whole-process seconds of `companion log …` and `companion --version`, interleaved."""
    logs: list[float] = []
    versions: list[float] = []
    for n in range(runs + 1):
        for argv, into in (([companion_command(), *LOG, "--data-dir", str(data_dir)], logs),
                           ([companion_command(), "--version"], versions)):
            started = time.perf_counter()
            done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  check=False)
            took = time.perf_counter() - started
            if done.returncode:
                last = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
                return [], [], f"`companion {' '.join(argv[1:3])}` exited {done.returncode}: " \
                    f"{' '.join(last)}"
            if n:
                into.append(took)
    return logs, versions, ""


def measure(folder: Path, runs: int = 21) -> list[Row]:
    data_dir = five_years(folder)
    logs, versions, problem = log_times(data_dir, runs)
    name = "companion log, whole process, 5 years of history"
    if problem:
        return [Row(name, "not measured", f"< {LOG_SECONDS * 1000:g} ms", None, note=problem)]
    value = mid(logs)
    return [Row(name, f"{ms(value)} (--version {ms(mid(versions))})",
                f"< {LOG_SECONDS * 1000:g} ms", value < LOG_SECONDS,
                note=f"`companion {' '.join(LOG)}`, {runs} runs taking turns with "
                f"`companion --version`; fastest {ms(min(logs))}, slowest {ms(max(logs))}",
                data={"seconds": logs, "version_seconds": versions})]
