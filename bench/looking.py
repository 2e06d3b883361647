"""9. Looking back on five years: `insights --all` (as a table, json and markdown), `year`,
`month` and `search`.

The history is the one `companion demo --days 1825 --out DIR` writes (17,760 entries), made
once in the bench's folder. Each row is the whole process, from starting the installed console
script to its exit with its output read through a pipe, the commands taking turns, the median of
the runs. The month cache (companion/month_cache.py) lives in the bench's own folder
($COMPANION_CACHE_DIR), with the sums `insights` keeps beside it (companion/insights_sums.py):
the rows are with both made (as every run after a person's first is); "first run" in each note
is with the cache removed before each of a few runs, which builds it again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from bench.quicklog import five_years
from bench.rows import Row, mid, ms
from bench.start import companion_command

TARGET_SECONDS = 0.3
COMMANDS = {
    "insights --all": ["insights", "--all"],
    "insights --all --format json": ["insights", "--all", "--format", "json"],
    "insights --all --format markdown": ["insights", "--all", "--format", "markdown"],
    "year": ["year"],
    "month": ["month"],
    "search calm": ["search", "calm"],
}
FIRST_RUNS = 3


def run_once(argv: list[str], data_dir: Path, env: dict[str, str]) -> tuple[float, str]:
    """Seconds of one whole `companion …` process, and why it failed ("" if it did not)."""
    started = time.perf_counter()
    done = subprocess.run([companion_command(), *argv, "--data-dir", str(data_dir)],
                          capture_output=True, env=env, check=False)
    took = time.perf_counter() - started
    if done.returncode:
        last = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
        return took, f"`companion {' '.join(argv)}` exited {done.returncode}: {' '.join(last)}"
    return took, ""


def times(data_dir: Path, cache: Path, runs: int) -> tuple[dict[str, list[float]],
                                                            dict[str, list[float]], str]:
    """Whole-process seconds of each command with the cache made, and with it removed first."""
    env = {**os.environ, "COMPANION_CACHE_DIR": str(cache)}
    warm: dict[str, list[float]] = {name: [] for name in COMMANDS}
    first: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for n in range(FIRST_RUNS):
        for name, argv in COMMANDS.items():
            shutil.rmtree(cache, ignore_errors=True)
            took, problem = run_once(argv, data_dir, env)
            if problem:
                return {}, {}, problem
            if n:  # the first round warms the disk cache and the bytecode
                first[name].append(took)
    for _ in range(runs):
        for name, argv in COMMANDS.items():
            took, problem = run_once(argv, data_dir, env)
            if problem:
                return {}, {}, problem
            warm[name].append(took)
    return warm, first, ""


def measure(folder: Path, runs: int = 21) -> list[Row]:
    data_dir = five_years(folder / "history")
    warm, first, problem = times(data_dir, folder / "cache", runs)
    target = f"< {TARGET_SECONDS * 1000:g} ms"
    if problem:
        return [Row("looking back on 5 years", "not measured", target, None, note=problem)]
    rows = []
    for name in COMMANDS:
        value = mid(warm[name])
        rows.append(Row(
            f"companion {name}, whole process, 5 years", ms(value), target,
            value < TARGET_SECONDS,
            note=f"{runs} runs taking turns; fastest {ms(min(warm[name]))}, slowest "
                 f"{ms(max(warm[name]))}; first run (no cache yet) {ms(mid(first[name]))}",
            data={"seconds": warm[name], "first_run_seconds": first[name]}))
    return rows
