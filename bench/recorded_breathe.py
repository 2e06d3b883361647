"""Run a real breathing break (the app in a terminal, or --plain) with a recording clock.

    python bench/recorded_breathe.py widget|plain DATA_DIR PATTERN SPEED CYCLES RECORD.json

The break runs through the product's own code (`companion.cli._run_app` for the app,
`companion.plain.run_plain` for --plain) with PATTERN's phases made SPEED times shorter. Only
recording is added, on the same monotonic clock the session uses:

- the moment the session starts (every phase's scheduled time is measured from it),
- widget: the moment BreathingVisual.sync takes in a new phase (the cue is updated), the
  moment each frame is handed to Textual's writer thread, and the moment each write to the
  terminal has been flushed;
- plain: nothing here; the reader of the pipe notes when each line arrives.

RECORD.json is written when the break ends.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

from companion.breathing import BreathingSchedule, BreathingSession
from companion.content import Phase, load_content
from companion.plain import BreatheRequest

record: dict[str, object] = {"changes": [], "frames": [], "flushes": []}


def _record_session_start() -> None:
    original = BreathingSession.start

    def start(self: BreathingSession, at: float | None = None) -> None:
        original(self, at)
        record["start"] = self._started

    BreathingSession.start = start  # type: ignore[method-assign]


def _record_widget() -> None:
    from textual.drivers import _writer_thread

    from companion.screens.widgets import breathing

    original_sync = breathing.BreathingVisual.sync

    def sync(self: breathing.BreathingVisual) -> None:
        before = (self._phase_key, self._done)
        original_sync(self)
        if (self._phase_key, self._done) != before:
            key = "end" if self._done else list(self._phase_key or ())
            record["changes"].append([time.monotonic(), key])  # type: ignore[union-attr]

    breathing.BreathingVisual.sync = sync  # type: ignore[method-assign]

    original_write = _writer_thread.WriterThread.write

    def write(self, text: str) -> None:
        # Called on the app's thread as each frame is handed over, so its order against the
        # phase changes is exact; the frame holding the first breath is marked.
        record["frames"].append([time.monotonic(), "breath 1 of" in text])  # type: ignore[union-attr]
        original_write(self, text)

    _writer_thread.WriterThread.write = write  # type: ignore[method-assign]

    class FlushRecorder:
        """The terminal file, noting when each flush (a frame on its way out) returns."""

        def __init__(self, file) -> None:
            self._file = file

        def write(self, text: str) -> int:
            return self._file.write(text)

        def flush(self) -> None:
            self._file.flush()
            record["flushes"].append(time.monotonic())  # type: ignore[union-attr]

        def __getattr__(self, name: str):
            return getattr(self._file, name)

    original_init = _writer_thread.WriterThread.__init__

    def init(self, file) -> None:
        original_init(self, FlushRecorder(file))

    _writer_thread.WriterThread.__init__ = init  # type: ignore[method-assign]


def request_for(data_dir: Path, pattern_name: str, speed: float, cycles: int) -> BreatheRequest:
    pattern = load_content(user_dir=data_dir).pattern(pattern_name)
    if pattern is None:
        raise SystemExit(f"no pattern {pattern_name!r}")
    if speed != 1:
        phases = tuple(Phase(p.kind, p.seconds / speed) for p in pattern.phases)
        pattern = dataclasses.replace(pattern, label=f"{pattern.label} at {speed:g}x speed",
                                      phases=phases)
    schedule = BreathingSchedule(pattern, cycles)
    record["scheduled"] = [[c.at, [c.cycle, c.phase_index]] for c in schedule.changes()]
    record["total"] = schedule.total
    return BreatheRequest(pattern, schedule)


def main(argv: list[str]) -> int:
    mode, data_dir, pattern, speed, cycles, out = argv
    data_dir_path = Path(data_dir)
    request = request_for(data_dir_path, pattern, float(speed), int(cycles))
    _record_session_start()
    if mode == "widget":
        _record_widget()
        from companion.cli import _run_app

        code = _run_app(data_dir_path, "breathe", breathe=request)
    else:
        from companion.plain import run_plain

        code = run_plain(data_dir_path, request)
    Path(out).write_text(json.dumps(record))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
