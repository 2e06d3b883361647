"""5. Light on the machine: CPU while breathing and while idle on home, and peak memory.

Each app runs in its own 80x24 tmux session with the 50,000-entry history. CPU is the app
process's utime + stime from /proc/PID/stat (all its threads) over a window that starts after
the first frame and a short settling time, divided by the window's length: the share of one
core. The kernel counts in clock ticks (1/100 s), so over 15 s the resolution is about 0.07%.
Peak memory is VmHWM from /proc/PID/status at the end of the window (the high-water mark of
resident memory since the process started).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from bench.rows import Row
from bench.start import companion_command
from bench.terminal import Terminal

BREATHING_CPU = 0.05
IDLE_CPU = 0.005
PEAK_MB = 80.0
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, utime 14 and stime 15 (1-based, man 5 proc).
    return (int(fields[11]) + int(fields[12])) / TICKS


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def review_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("companion.screens.review") is not None


def measure(data_dir: Path, window: float = 15.0, settle: float = 3.0) -> list[Row]:
    companion = companion_command()
    d = ["--data-dir", str(data_dir)]
    apps = {
        "breathing": ([companion, "breathe", "--minutes", "10", *d], "breath 1 of"),
        "home": ([companion, *d], "notice · ground · name"),
    }
    if review_available():
        apps["review"] = ([companion, "review", *d], "")
    with Terminal() as terminal:
        pids = {}
        for name, (argv, ready) in apps.items():
            terminal.launch(f"load-{name}", argv)
            pids[name] = terminal.pid(f"load-{name}")
            if ready:
                terminal.wait_for(f"load-{name}", ready)
        time.sleep(settle)
        before = {name: (time.monotonic(), cpu_seconds(pid)) for name, pid in pids.items()}
        time.sleep(window)
        share = {}
        for name, pid in pids.items():
            started, used = before[name]
            share[name] = (cpu_seconds(pid) - used) / (time.monotonic() - started)
        peaks = {name: peak_mb(pid) for name, pid in pids.items()}
        screens = {name: terminal.screen(f"load-{name}") for name in pids}
        for name, pid in pids.items():
            terminal.close_session(f"load-{name}", pid)
    note = (f"/proc utime+stime over {window:g} s after the first frame + {settle:g} s, "
            "each app in its own tmux session at the same time, 50,000-entry history")
    rows = [
        Row("CPU while breathing (companion breathe)", f"{share['breathing'] * 100:.2f}% of a core",
            f"< {BREATHING_CPU * 100:g}%", share["breathing"] < BREATHING_CPU, note=note),
        Row("CPU idle on home", f"{share['home'] * 100:.2f}% of a core",
            f"< {IDLE_CPU * 100:g}%", share["home"] < IDLE_CPU),
        Row("peak memory on home, 50,000 entries", f"{peaks['home']:.1f} MB",
            f"< {PEAK_MB:g} MB", peaks["home"] < PEAK_MB, note="VmHWM"),
        Row("peak memory while breathing", f"{peaks['breathing']:.1f} MB",
            f"< {PEAK_MB:g} MB", peaks["breathing"] < PEAK_MB),
    ]
    if "review" in peaks:
        shown = "This week" in screens["review"] or "week" in screens["review"].lower()
        rows.append(Row("peak memory on the review, 50,000 entries", f"{peaks['review']:.1f} MB",
                        f"< {PEAK_MB:g} MB", peaks["review"] < PEAK_MB,
                        note="" if shown else "the review did not seem to show; see results"))
        rows.append(Row("CPU idle on the review", f"{share['review'] * 100:.2f}% of a core",
                        f"< {IDLE_CPU * 100:g}%", share["review"] < IDLE_CPU))
    else:
        rows.append(Row("peak memory on the review, 50,000 entries", "not measured",
                        f"< {PEAK_MB:g} MB", None, note="no review screen yet"))
    return rows
