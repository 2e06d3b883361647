"""Several processes writing the history at once: none of their entries lost, none twice.

Four writer processes each save 200 new entries into the same two month files as fast as they
can. Between them they take the lock 800 times while the others wait, which is far harsher than
an app, a breathing break and an import overlapping by chance. COMPANION_FAULT_SAVES changes the
number of saves per process.

The writers run with fsync off: fsync guards against power loss, which no test here can cause,
and the lock (what these tests are about) does not depend on it; it halves the run time.
tests/test_faults_kill.py keeps fsync on.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from fault_writer import START

from companion.entries import Entry
from companion.history import HistoryStore
from companion.locks import history_lock
from companion.storage import StoreBusy

WRITER = Path(__file__).with_name("fault_writer.py")
PROCESSES = 4
SAVES = int(os.environ.get("COMPANION_FAULT_SAVES", "200"))
QUICK = ("--no-replace", "--no-fsync")  # new entries only, so the count is exact


@pytest.mark.slow
def test_four_processes_saving_200_entries_each_lose_nothing_and_repeat_nothing(tmp_path: Path):
    data_dir = tmp_path / "data"
    writers = [
        subprocess.Popen(
            [sys.executable, str(WRITER), str(data_dir), "--count", str(SAVES), *QUICK],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    outputs = [writer.communicate(timeout=300) for writer in writers]
    for writer, (_, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
    confirmed = [line for out, _ in outputs for line in out.splitlines() if line != "ready"]
    assert len(confirmed) == len(set(confirmed)) == PROCESSES * SAVES

    store = HistoryStore(data_dir)
    entries = store.all()
    assert store.problems == {}
    counts = Counter(entry.id for entry in entries)
    assert len(entries) == PROCESSES * SAVES
    assert set(counts) == set(confirmed)
    assert max(counts.values()) == 1


def test_a_store_open_in_one_process_sees_what_another_saved_meanwhile(tmp_path: Path):
    """An app left open does not write back a stale copy over a break saved elsewhere."""
    data_dir = tmp_path / "data"
    app_store = HistoryStore(data_dir)
    assert app_store.all() == []
    other = subprocess.run(
        [sys.executable, str(WRITER), str(data_dir), "--count", "3", *QUICK],
        capture_output=True, text=True, check=True,
    )
    theirs = other.stdout.split()[1:]
    mine = app_store.save(Entry(kind="breathing", started_at=START))
    assert {e.id for e in HistoryStore(data_dir).all()} == {*theirs, mine.id}


@pytest.mark.skipif(os.name == "nt", reason="flock")
def test_the_lock_is_per_history_not_per_process(tmp_path: Path):
    """Two stores in one process (the app's and a worker's) also wait for each other."""
    lock = tmp_path / ".lock"
    with history_lock(lock), pytest.raises(StoreBusy), history_lock(lock, wait=0.05):
        pass
