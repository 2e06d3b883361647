"""Build histories of a given size for the benchmarks, in the store's own on-disk format.

Entries are check-in shaped (about 670 bytes each, as in the issue's measurements): activation
before and after, a state, body signals, needs, a short note, a breathing record, feelings and,
now and then, a repair. They are spread evenly back from now at `per_day` a day (ten a day, the
issue's "ten check-ins a day"), so the current month and week hold what a real person's would
however large the history, and the monthly files are written directly (one json file per UTC
month, exactly as HistoryFile writes them) because saving 50,000 entries one by one would take
longer than the whole bench may.
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
from companion.history import META, TABLE, HistoryStore
from companion.storage import DIR_MODE, write_atomically

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


def write_history(data_dir: Path, entries: list[Entry]) -> Path:
    """Write `entries` as monthly history files under `data_dir`, as HistoryStore would."""
    history = Path(data_dir) / "history"
    history.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    Path(data_dir).chmod(DIR_MODE)
    by_month: dict[str, list[dict]] = defaultdict(list)
    for entry in entries:
        by_month[entry.started_at.astimezone(UTC).strftime("%Y-%m")].append(entry.to_dict())
    for key, records in by_month.items():
        data = {
            TABLE: {str(i): record for i, record in enumerate(records, start=1)},
            META: {"1": {"schema": SCHEMA}},
        }
        write_atomically(history / f"{key}.json", json.dumps(data, ensure_ascii=False),
                         fsync=False)
    return Path(data_dir)


def build_history(data_dir: Path, count: int, *, per_day: int = PER_DAY) -> Path:
    """A data folder holding a `count`-entry history, ending now."""
    return write_history(Path(data_dir), make_entries(count, per_day=per_day))


def count_entries(data_dir: Path) -> int:
    """How many entries the store reads back: proves the files are in its format."""
    return len(HistoryStore(Path(data_dir)).all())
