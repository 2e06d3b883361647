"""7. One history across machines: reading a week and saving one entry with 1, 3 and 5 machines'
files in the data folder, and with 5 machines as the history grows.

The same two operations as the scale section (bench/scale.py: HistoryStore.save with fsync on,
a new store each time; HistoryStore.between for last week plus summarize_week), on 20,000-entry
histories written by one, three and five machines (the entries dealt out between them in turn,
so each month has a file from every machine, each entry stamped, each machine's device file
there), and on five machines' histories of 1,000 and 50,000 entries. The bench saves as the
first machine. The histories take turns, so a busy moment hits them alike.
"""

from __future__ import annotations

from pathlib import Path

from bench.histories import BENCH_DEVICES, build_history, make_entries
from bench.rows import Row, mid, ms
from bench.scale import GROWTH_RATIO, OPERATION_SECONDS, read_week, save_one

MACHINES = (1, 3, 5)
ENTRIES = 20_000
MACHINES_RATIO = 1.5
GROWTH = (1_000, 50_000)


def build(folder: Path) -> dict[str, Path]:
    histories = {f"{n} machines": build_history(folder / f"sync-{n}", ENTRIES,
                                                devices=BENCH_DEVICES[:n]) for n in MACHINES}
    for count in GROWTH:
        histories[f"5 machines, {count:,}"] = build_history(
            folder / f"sync-5-{count}", count, devices=BENCH_DEVICES[:5])
    return histories


def measure(folder: Path, runs: int = 25) -> list[Row]:
    histories = build(folder)
    saves: dict[str, list[float]] = {name: [] for name in histories}
    weeks: dict[str, list[float]] = {name: [] for name in histories}
    new_entries = make_entries((runs + 1) * len(histories), seed=runs + 1)
    for n in range(runs + 1):
        for name, path in histories.items():
            saved = save_one(path, new_entries.pop())
            week, _ = read_week(path)
            if n:  # the first round warms up
                saves[name].append(saved)
                weeks[name].append(week)
    rows: list[Row] = []
    for label, results in (("save one entry", saves), ("week summary", weeks)):
        for machines in MACHINES:
            name = f"{machines} machines"
            value = mid(results[name])
            rows.append(Row(f"{label}, {ENTRIES:,} entries from {name}", ms(value),
                            f"< {OPERATION_SECONDS * 1000:g} ms", value < OPERATION_SECONDS,
                            note=f"{runs} runs", data={"seconds": results[name]}))
        ratio = mid(results["5 machines"]) / mid(results["1 machines"])
        rows.append(Row(f"{label}, 5 machines vs 1", f"{ratio:.2f}x",
                        f"<= {MACHINES_RATIO:g}x", ratio <= MACHINES_RATIO,
                        data={"ratio": ratio}))
        small, large = (results[f"5 machines, {count:,}"] for count in GROWTH)
        growth = mid(large) / mid(small)
        rows.append(Row(f"{label}, 5 machines, {GROWTH[1]:,} vs {GROWTH[0]:,} entries",
                        f"{growth:.2f}x ({ms(mid(small))} / {ms(mid(large))})",
                        f"<= {GROWTH_RATIO:g}x", growth <= GROWTH_RATIO,
                        data={"ratio": growth, "small": small, "large": large}))
    return rows
