"""A process that saves entries in a loop, for the fault tests (not a test module itself).

    python tests/fault_writer.py DATA_DIR [--count N] [--no-fsync] [--no-replace]

Prints "ready" once the store is open, then each entry's id on its own line as soon as its save
has returned (flushed at once), so whoever reads the output knows which saves completed. With no
--count it saves until it is killed. Entries alternate between two UTC months, and every fifth
save replaces an earlier entry (same id, new note; not with --no-replace), so both ways of
writing a file are exercised.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from companion.entries import Breathing, Entry
from companion.history import HistoryStore

START = datetime(2026, 1, 31, 23, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--no-fsync", action="store_true")
    parser.add_argument("--no-replace", action="store_true")
    args = parser.parse_args()

    store = HistoryStore(args.data_dir, fsync=not args.no_fsync)
    print("ready", flush=True)
    saved: list[Entry] = []
    number = 0
    while not args.count or number < args.count:
        if saved and number % 5 == 4 and not args.no_replace:
            entry = saved[-1].with_changes(note=f"changed at save {number}")
        else:
            entry = Entry(
                kind="breathing",
                # 23:00 and 01:00 UTC on either side of the turn of the month.
                started_at=START + timedelta(hours=2 * (number % 2)),
                breathing=Breathing("box", 64.0, 4, True),
                note=f"save {number}",
            )
        store.save(entry)
        saved.append(entry)
        sys.stdout.write(f"{entry.id}\n")
        sys.stdout.flush()
        number += 1


if __name__ == "__main__":
    main()
