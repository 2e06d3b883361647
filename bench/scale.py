"""3. History scale: saving one entry and one week's summary with 1,000 and 50,000 entries.

Both are measured in-process on the real store with fsync on (as the app saves), a new
HistoryStore each time (as a new `companion` process has), on histories written at ten entries
a day: the month being saved to holds about 300 entries however long the history is.
"week summary" is what `companion week` and the review do: the store's read of last week
(HistoryStore.between) and summarize_week on it. `companion week` is also timed as a whole
process on the 50,000-entry history.
"""

from __future__ import annotations

import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

from bench.histories import make_entries
from bench.rows import Row, mid, ms
from bench.start import companion_command
from companion.history import HistoryStore

OPERATION_SECONDS = 0.020
GROWTH_RATIO = 2.0
WEEK_PROCESS_SECONDS = 0.3


def save_one(data_dir: Path, entry) -> float:
    """Seconds to save one new entry, with a fresh store (fsync on, as the app saves)."""
    store = HistoryStore(data_dir)
    started = time.perf_counter()
    store.save(entry)
    return time.perf_counter() - started


def read_week(data_dir: Path) -> tuple[float, int]:
    """Seconds to read last week from a fresh store and summarize it; and its entries."""
    from companion.summary import summarize_week, week_bounds, week_times

    start, _ = week_bounds(date.today() - timedelta(days=7))
    started = time.perf_counter()
    entries = HistoryStore(data_dir).between(*week_times(start))
    summary = summarize_week(entries, start)
    elapsed = time.perf_counter() - started
    return elapsed, sum(day.moments for day in summary.days)


def week_process_times(data_dir: Path, runs: int = 9) -> tuple[list[float], str]:
    times = []
    problem = ""
    for n in range(runs + 1):
        started = time.perf_counter()
        done = subprocess.run([companion_command(), "week", "--data-dir", str(data_dir)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        if done.returncode:
            problem = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
            return [], f"`companion week` exited {done.returncode}: {' '.join(problem)}"
        if n:
            times.append(time.perf_counter() - started)
    return times, problem


def measure(histories: dict[int, Path], runs: int = 25) -> list[Row]:
    rows = []
    # The sizes take turns, so a busy moment on the machine hits both alike.
    saves: dict[int, list[float]] = {count: [] for count in histories}
    weeks: dict[int, list[float]] = {count: [] for count in histories}
    held = 0
    new_entries = make_entries((runs + 1) * len(histories), seed=runs)
    for n in range(runs + 1):
        for count, path in histories.items():
            saved = save_one(path, new_entries.pop())
            week, held = read_week(path)
            if n:
                saves[count].append(saved)
                weeks[count].append(week)
    small, large = min(histories), max(histories)
    for label, results in (("save one entry", saves), ("week summary", weeks)):
        for count in (small, large):
            value = mid(results[count])
            rows.append(Row(f"{label}, {count:,} entries", ms(value),
                            f"< {OPERATION_SECONDS * 1000:g} ms", value < OPERATION_SECONDS,
                            data={"seconds": results[count]}))
        ratio = mid(results[large]) / mid(results[small])
        rows.append(Row(f"{label}, {large:,} vs {small:,}", f"{ratio:.2f}x",
                        f"<= {GROWTH_RATIO:g}x", ratio <= GROWTH_RATIO, data={"ratio": ratio}))
    rows[0] = Row(rows[0].measurement, rows[0].value, rows[0].target, rows[0].passed,
                  note=f"HistoryStore.save with fsync, new store each time, {runs} runs",
                  data=rows[0].data)
    rows[3] = Row(rows[3].measurement, rows[3].value, rows[3].target, rows[3].passed,
                  note=f"HistoryStore.between(last week) + summarize_week ({held} entries "
                  f"in the week), {runs} runs", data=rows[3].data)
    process, problem = week_process_times(histories[large])
    if problem:
        rows.append(Row(f"companion week, whole process, {large:,} entries", "not measured",
                        f"< {WEEK_PROCESS_SECONDS} s", None, note=problem))
    else:
        rows.append(Row(f"companion week, whole process, {large:,} entries", ms(mid(process)),
                        f"< {WEEK_PROCESS_SECONDS * 1000:g} ms",
                        mid(process) < WEEK_PROCESS_SECONDS, data={"seconds": process}))
    return rows
