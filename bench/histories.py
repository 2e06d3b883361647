"""Build histories of a given size for the benchmarks, in the store's own on-disk format.

Entries are check-in shaped (about 670 bytes each, as in the issue's measurements): activation
before and after, a state, body signals, needs, a short note, a breathing record, feelings and,
now and then, a repair. They are spread evenly back from now at `per_day` a day (ten a day, the
issue's "ten check-ins a day"), so the current month and week hold what a real person's would
however large the history, and the monthly files are written directly (one json file per UTC
month and machine, as the store writes them) because saving 50,000 entries one by one would
take longer than the whole bench may.
"""

from __future__ import annotations

import json
import random
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from companion.content import load_content
from companion.entries import SCHEMA, Breathing, Entry, Feeling, Repair
from companion.history import META, TABLE, HistoryStore, month_key
from companion.storage import DIR_MODE, write_atomically
from companion.sync import DeviceRecord
from companion.sync_names import device_file_name, month_file_name
from companion.sync_stamps import REV

PER_DAY = 10
NOTES = (
    "the morning rush again, shoes and lunches and everyone late",
    "a long meeting and I felt talked over; jaw tight the whole afternoon",
    "bedtime took an hour and I raised my voice at the end",
    "quiet walk after lunch, noticed the trees for once",
    "the email from school sat in my chest all day",
    "tired, short with everyone, needed ten minutes alone",
)


def make_entries(count: int, *, per_day: int = PER_DAY, end: datetime | None = None,
                 seed: int = 5) -> list[Entry]:
    """`count` check-in shaped entries, the newest just before `end` (default: now)."""
    content = load_content()
    rng = random.Random(seed)
    end = end or datetime.now().astimezone()
    step = timedelta(days=1) / per_day
    signals = [c.key for c in content.body_signals]
    needs = [c.key for c in content.needs]
    states = [c.key for c in content.states]
    words = [w for q in content.quadrants for w in q.words]
    patterns = [p.name for p in content.patterns]
    people = [c.key for c in content.people]
    steps = [c.key for c in content.repair_steps]
    entries = []
    for n in range(count):
        started = end - step * (count - n) - timedelta(seconds=rng.randint(0, 600))
        before = rng.randint(3, 10)
        repair = None
        if n % 7 == 0:
            repair = Repair(with_whom=rng.choice(people), what_happened="I snapped at dinner",
                            my_part="my tone", step=rng.choice(steps),
                            status=rng.choice(("done", "planned")))
        entries.append(Entry(
            id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            kind="checkin",
            started_at=started,
            saved_at=started + timedelta(minutes=rng.randint(2, 12)),
            activation_before=before,
            activation_after=max(0, before - rng.randint(0, 4)),
            state=rng.choice(states),
            body_signals=tuple(rng.sample(signals, 2)),
            needs=tuple(rng.sample(needs, 2)),
            note=rng.choice(NOTES),
            breathing=Breathing(pattern=rng.choice(patterns), seconds=64.0, cycles=4,
                                completed=True),
            feelings=tuple(Feeling(w.word, w.quadrant) for w in rng.sample(words, 2)),
            repair=repair,
        ))
    return entries


# The machines a bench history is written by; the bench itself runs as the first of them
# (bench/run.py gives it that identity), so its saves go to that machine's own files.
BENCH_DEVICES = tuple(f"bench{letter * 5}" for letter in "abcde")


def write_history(data_dir: Path, entries: list[Entry],
                  devices: tuple[str, ...] = BENCH_DEVICES[:1]) -> Path:
    """Write `entries` as monthly history files under `data_dir`, as HistoryStore would: each
    machine's own files (the entries dealt out between `devices` in turn), every entry
    stamped when it was saved, and each machine's device file."""
    history = Path(data_dir) / "history"
    history.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    Path(data_dir).chmod(DIR_MODE)
    by_file: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for n, entry in enumerate(entries):
        device = devices[n % len(devices)]
        saved = entry.saved_at or entry.started_at
        record = {**entry.to_dict(), REV: f"{int(saved.timestamp() * 1000)}:0:{device}"}
        by_file[(month_key(entry.started_at), device)].append(record)
    now = int(datetime.now(UTC).timestamp() * 1000)
    for (key, device), records in by_file.items():
        data = {
            META: {"1": {"schema": SCHEMA, "device": device, "written_at": now}},
            TABLE: {str(i): record for i, record in enumerate(records, start=1)},
        }
        write_atomically(history / month_file_name(key, device),
                         json.dumps(data, ensure_ascii=False), fsync=False)
    for device in devices:
        record = DeviceRecord(device, f"bench machine {device[-1]}", written_at=now)
        write_atomically(history / device_file_name(device), json.dumps(record.to_json()),
                         fsync=False)
    return Path(data_dir)


def build_history(data_dir: Path, count: int, *, per_day: int = PER_DAY,
                  devices: tuple[str, ...] = BENCH_DEVICES[:1]) -> Path:
    """A data folder holding a `count`-entry history, ending now, written by `devices`."""
    return write_history(Path(data_dir), make_entries(count, per_day=per_day), devices)


def count_entries(data_dir: Path) -> int:
    """How many entries the store reads back: proves the files are in its format."""
    return len(HistoryStore(Path(data_dir)).all())
