"""4. Breathing accuracy: does every phase change happen on its scheduled time?

A real ten-minute session does not fit a five-minute bench, so two real-time runs are made,
each through the product's own code (see recorded_breathe.py) on the real monotonic clock:

- "10 min at 20x": the phase changes of a whole ten-minute box-breathing session (38 cycles,
  152 phase changes and the end), with every phase 20 times shorter (0.2 s instead of 4 s).
  Timer latency is an absolute error in milliseconds and is reported as measured, never scaled;
  the shorter phases only make the app busier per second (more changes, same redraw rate).
  Because the widget arms a one-shot timer for each boundary from the session's clock, and
  --plain waits for each line from the start time, an error cannot build up over a session: a
  long session is many boundaries, and this run has all of a ten-minute session's boundaries.
- "real speed": two cycles of box breathing as it is breathed (4 s phases, 32 s).

The widget runs as the real app in a real terminal (tmux, 80x24). For each change it records
when the widget took in the new phase ("state") and when the next frame had been written to the
terminal ("frame"); --plain runs in a pipe and the reader notes when each line arrives. Errors
are measured against the session's own start plus the schedule's time for that change. Each
widget run goes alongside the matching --plain run (both mostly sleep).
"""

from __future__ import annotations

import bisect
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.rows import Row
from bench.terminal import Terminal

BENCH = Path(__file__).resolve().parent
RECORDER = BENCH / "recorded_breathe.py"
TOLERANCE = 0.020
PATTERN = "box"
TEN_MINUTES_CYCLES = 38  # round(600 s / 16 s), as BreathingSchedule.for_minutes(box, 10)


def run_widget(terminal: Terminal, data_dir: Path, speed: float, cycles: int,
               name: str) -> dict:
    out = Path(tempfile.mkdtemp(prefix="bench-widget-")) / "record.json"
    terminal.launch(name, [sys.executable, str(RECORDER), "widget", str(data_dir), PATTERN,
                           str(speed), str(cycles), str(out)])
    pid = terminal.pid(name)
    deadline = time.monotonic() + 16 * cycles / speed + 30
    while not out.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    terminal.close_session(name, pid)
    if not out.exists():
        raise RuntimeError("the recorded breathing app did not finish")
    return json.loads(out.read_text())


def start_plain(data_dir: Path, speed: float, cycles: int) -> tuple[threading.Thread, dict]:
    """Start --plain in a pipe; a thread notes each line's arrival. Join, then read the dict."""
    out = Path(tempfile.mkdtemp(prefix="bench-plain-")) / "record.json"
    result: dict = {"lines": []}
    process = subprocess.Popen(
        [sys.executable, str(RECORDER), "plain", str(data_dir), PATTERN, str(speed),
         str(cycles), str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def read() -> None:
        assert process.stdout is not None
        fd = process.stdout.fileno()
        pending = b""
        while chunk := os.read(fd, 4096):
            arrived = time.monotonic()
            pending += chunk
            *lines, pending = pending.split(b"\n")
            result["lines"] += [[arrived, line.decode()] for line in lines]
        process.wait()
        result.update(json.loads(out.read_text()) if out.exists() else {})
        result["stderr"] = process.stderr.read().decode() if process.stderr else ""

    thread = threading.Thread(target=read)
    thread.start()
    return thread, result


def widget_errors(record: dict) -> dict[str, list[float]]:
    """Seconds late (negative: early) of each change, on the widget's state and on screen.

    The frame showing a change is the first one handed to the terminal after the change (it
    was composed after it, on the same thread); for the first phase, the first frame that shows
    the breathing at all, whenever it was composed: the widget draws the first cue and starts
    the session right after that frame is handed over. Its time on screen is when the flush
    that followed it returned.
    """
    start = record["start"]
    due = {json.dumps(key): start + at for at, key in record["scheduled"]}
    due[json.dumps("end")] = start + record["total"]
    frames = record["frames"]
    flushes = record["flushes"]
    state, frame, first = [], [], []
    seen = set()
    for moment, key in record["changes"]:
        wanted = due[json.dumps(key)]
        seen.add(json.dumps(key))
        state.append(moment - wanted)
        if key == [0, 0]:
            shown = next((t for t, breathing in frames if breathing), None)
        else:
            shown = next((t for t, _ in frames if t >= moment), None)
        if shown is None:
            continue
        index = bisect.bisect_left(flushes, shown)
        if index < len(flushes):
            (first if key == [0, 0] else frame).append(flushes[index] - wanted)
    missing = len(due) - len(seen)
    return {"state": state, "frame": frame, "first": first, "missing": [float(missing)]}


def plain_errors(result: dict) -> dict[str, list[float]]:
    if "start" not in result:
        raise RuntimeError(f"--plain did not record its start: {result.get('stderr', '')}")
    start = result["start"]
    cues = [(t, line) for t, line in result["lines"]
            if line.split(" ")[0] in ("in", "out", "hold", "in", "top")]
    scheduled = result["scheduled"]
    late = [t - (start + at) for (t, _), (at, _) in zip(cues, scheduled, strict=False)]
    return {"line": late, "missing": [float(len(scheduled) - len(cues))]}


def _row(label: str, errors: list[float], missing: float, count: int, note: str = "") -> Row:
    worst = max(errors, key=abs) if errors else float("nan")
    ordered = sorted(errors)
    p50 = ordered[len(ordered) // 2] if ordered else float("nan")
    ok = bool(errors) and missing == 0 and all(abs(e) <= TOLERANCE for e in errors)
    return Row(label, f"worst {worst * 1000:+.1f} ms, median {p50 * 1000:+.1f} ms "
               f"({len(errors)}/{count} changes)",
               f"all within {TOLERANCE * 1000:g} ms", ok, note=note,
               data={"errors": errors, "missing": missing})


def measure(data_dir: Path, speed: float = 20.0, real_cycles: int = 2) -> list[Row]:
    rows = []
    runs = (("10 min at 20x", speed, TEN_MINUTES_CYCLES), ("real speed", 1.0, real_cycles))
    with Terminal() as terminal:
        for n, (label, run_speed, cycles) in enumerate(runs):
            thread, plain = start_plain(data_dir, run_speed, cycles)
            widget = run_widget(terminal, data_dir, run_speed, cycles, f"accuracy{n}")
            thread.join()
            count = len(widget["scheduled"]) + 1  # the changes and the end
            errors = widget_errors(widget)
            note = ""
            if n == 0:
                note = ("state: when the widget took in the new phase; frame: when the first "
                        "frame composed after it had been flushed to the terminal. The first "
                        "phase is due at the session's start.")
            rows.append(_row(f"breathing widget, {label}, state", errors["state"],
                             errors["missing"][0], count, note))
            rows.append(_row(f"breathing widget, {label}, frame", errors["frame"],
                             errors["missing"][0], count - 1,
                             "every change after the first" if n == 0 else ""))
            rows.append(_row(f"breathing widget, {label}, first cue on screen", errors["first"],
                             errors["missing"][0], 1,
                             "the session starts right after the frame showing the first cue is "
                             "handed to the terminal" if n == 0
                             else ""))
            plain_late = plain_errors(plain)
            rows.append(_row(f"breathe --plain, {label}, line", plain_late["line"],
                             plain_late["missing"][0], len(plain["scheduled"]),
                             "when each cue line arrived through the pipe" if n == 0 else ""))
    return rows
