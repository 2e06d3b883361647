"""5. Light on the machine: CPU while breathing and while idle on home, and peak memory.

Each app runs in its own 80x24 tmux session with the 50,000-entry history. CPU is the app
process's utime + stime from /proc/PID/stat (all its threads) over a window that starts after
the first frame and a short settling time, divided by the window's length: the share of one
core. The kernel counts in clock ticks (1/100 s), so over 15 s the resolution is about 0.07%.
Peak memory is VmHWM from /proc/PID/status at the end of the window (the high-water mark of
resident memory since the process started).

The apps use a cache folder of their own, empty at first. Home is opened once on its own
first: a first opening makes the month cache and the sums beside it (home counts the repairs
still open in every month), once. Its CPU until it is quiet and its peak memory are their own
rows; the idle rows are a later opening, as a person has it every day after.
"""

from __future__ import annotations

import os
import shutil
import tempfile
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


QUIET_CPU = 0.01  # CPU seconds over a second under which an app is taken to be quiet
FIRST_LIMIT = 90.0


def first_opening(terminal: Terminal, argv: list[str], ready: str) -> tuple[float, float, float]:
    """Home on a history with no cache yet, alone: the CPU seconds it used until quiet (under
    QUIET_CPU over a second, at most FIRST_LIMIT s), the seconds from its first frame to quiet,
    and its peak memory."""
    terminal.launch("load-first", argv)
    pid = terminal.pid("load-first")
    shown = terminal.wait_for("load-first", ready)
    last = cpu_seconds(pid)
    while time.monotonic() - shown < FIRST_LIMIT:
        time.sleep(1.0)
        now = cpu_seconds(pid)
        if now - last < QUIET_CPU:
            break
        last = now
    quiet = time.monotonic() - shown
    found = cpu_seconds(pid), quiet, peak_mb(pid)
    terminal.close_session("load-first", pid)
    return found


def measure(data_dir: Path, window: float = 15.0, settle: float = 3.0) -> list[Row]:
    cache = Path(tempfile.mkdtemp(prefix="companion-load-cache-"))
    try:
        return _measure(data_dir, window, settle, cache)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def _measure(data_dir: Path, window: float, settle: float, cache: Path) -> list[Row]:
    # `env` execs the app: the pane's process is still the app's.
    companion = ["env", f"COMPANION_CACHE_DIR={cache}", companion_command()]
    d = ["--data-dir", str(data_dir)]
    apps = {
        "breathing": ([*companion, "breathe", "--minutes", "10", *d], "breath 1 of"),
        "home": ([*companion, *d], "notice · ground · name"),
    }
    if review_available():
        apps["review"] = ([*companion, "review", *d], "")
    with Terminal() as terminal:
        first_cpu, first_quiet, first_peak = first_opening(terminal, *apps["home"])
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
            "each app in its own tmux session at the same time, 50,000-entry history, "
            "the cache made by a first opening of home")
    rows = [
        Row("home's first opening, 50,000 entries, no cache yet: CPU until quiet",
            f"{first_cpu:.1f} s of CPU", "(once)", None,
            note=f"quiet (under {QUIET_CPU * 100:g}% over a second) {first_quiet:.1f} s after "
                 "its first frame; it makes the month cache and each month's sums"),
        Row("peak memory on home's first opening, 50,000 entries", f"{first_peak:.1f} MB",
            f"< {PEAK_MB:g} MB", first_peak < PEAK_MB, note="VmHWM once quiet"),
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
