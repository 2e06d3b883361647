"""Leftovers: a lock file from a killed process, orphaned temporary files, a live lock holder.

None of them blocks the history for good: a dead holder's lock is released by the operating
system (flock), temporary files are cleared under the lock, and a live holder makes a save wait
at most LOCK_WAIT_SECONDS before a StoreBusy that says what happened.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from companion import storage
from companion.app import CompanionApp
from companion.entries import Entry
from companion.history import HistoryStore
from companion.storage import StoreBusy

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals and flock")

HOLD_THE_LOCK = """
import sys, time
from pathlib import Path
from companion.storage import history_lock
with history_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(600)
"""


def entry(day: int = 5) -> Entry:
    return Entry(kind="breathing", started_at=datetime(2026, 11, day, 9, tzinfo=UTC))


@pytest.fixture
def holder(data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the history's lock until it is killed."""
    HistoryStore(data_dir).check()
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(data_dir / "history" / ".lock")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == "locked\n"
    yield process
    process.kill()
    process.wait(timeout=30)


@pytest.fixture
def short_wait(monkeypatch: pytest.MonkeyPatch) -> float:
    monkeypatch.setattr(storage, "LOCK_WAIT_SECONDS", 0.3)
    return 0.3


def test_a_lock_left_by_a_killed_process_does_not_block(data_dir, holder, short_wait):
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    assert (data_dir / "history" / ".lock").exists()  # the file stays; the lock went with it
    saved = HistoryStore(data_dir).save(entry())
    assert HistoryStore(data_dir).all() == [saved]


def test_a_live_holder_makes_a_save_wait_then_says_so(data_dir, holder, short_wait):
    store = HistoryStore(data_dir)
    with pytest.raises(StoreBusy) as busy:
        store.save(entry())
    assert str(busy.value) == (
        f"Another companion has been saving for over 0.3 s (lock: {data_dir}/history/.lock); "
        "nothing was changed, try again in a moment."
    )
    holder.kill()
    holder.wait(timeout=30)
    saved = store.save(entry())
    assert HistoryStore(data_dir).all() == [saved]


async def test_the_app_keeps_an_entry_while_another_holds_the_lock(data_dir, holder, short_wait):
    app = CompanionApp(data_dir=data_dir)
    errors: list[str] = []
    real_notify = app.notify

    def notify(message: str, **options) -> None:
        if options.get("severity") == "error":
            errors.append(message)
        real_notify(message, **options)

    app.notify = notify  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        waiting = entry()
        app.save_entry(waiting)
        await app.workers.wait_for_complete()
        assert app.unsaved == [waiting]
        assert len(errors) == 1 and errors[0].startswith("Another companion has been saving")
        assert "kept" in errors[0]

        holder.kill()
        holder.wait(timeout=30)
        app.save_entry(entry(6))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.unsaved == []
    assert len(HistoryStore(data_dir).all()) == 2


def test_orphaned_temporary_files_are_ignored_then_cleared_and_others_left(data_dir):
    store = HistoryStore(data_dir)
    kept = store.save(entry(3))
    history = data_dir / "history"
    orphans = [history / ".2026-11.json.k3j_x9qa.tmp", history / ".probe.abcdefgh.tmp"]
    orphans[0].write_text('{"half": ')
    orphans[1].write_bytes(b"")
    not_ours = [history / ".my-notes.tmp", history / "2026-11.json.bak"]
    for path in not_ours:
        path.write_text("mine")
    (history / ".lock").write_text("pid 12345 was here")  # a lock file with old content

    reader = HistoryStore(data_dir)
    assert reader.all() == [kept]
    assert reader.problems == {}
    assert all(path.exists() for path in orphans)  # reading never deletes anything

    later = HistoryStore(data_dir).save(entry(4))
    assert not any(path.exists() for path in orphans)
    assert all(path.read_text() == "mine" for path in not_ours)
    assert HistoryStore(data_dir).all() == [kept, later]


def test_a_folder_named_like_a_temporary_file_is_left_alone(data_dir):
    HistoryStore(data_dir).check()
    odd = data_dir / "history" / ".2026-11.json.abcdefgh.tmp"
    odd.mkdir()
    HistoryStore(data_dir).save(entry())
    assert odd.is_dir()
