"""Leftovers: a lock file from a killed process, orphaned temporary files, a live lock holder.

None of them blocks the history for good: a dead holder's lock is released by the operating
system (flock), temporary files are cleared under the lock, and a live holder makes a save wait
at most LOCK_WAIT_SECONDS before a StoreBusy that says what happened.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from machines import own_file

from companion import locks
from companion.app import CompanionApp
from companion.entries import Entry
from companion.history import HistoryStore
from companion.storage import StoreBusy

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals and flock")

HOLD_THE_LOCK = """
import sys, time
from pathlib import Path
from companion.locks import history_lock
with history_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(600)
"""


def entry(day: int = 5) -> Entry:
    return Entry(kind="breathing", started_at=datetime(2026, 11, day, 9, tzinfo=UTC))


@pytest.fixture
def holder(data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the history's lock until it is killed."""
    store = HistoryStore(data_dir)
    store.check()
    store.lock_path.parent.mkdir(mode=0o700, exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(store.lock_path)],
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
    monkeypatch.setattr(locks, "LOCK_WAIT_SECONDS", 0.3)
    return 0.3


def test_a_lock_left_by_a_killed_process_does_not_block(data_dir, holder, short_wait):
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    assert HistoryStore(data_dir).lock_path.exists()  # the file stays; the lock went with it
    saved = HistoryStore(data_dir).save(entry())
    assert HistoryStore(data_dir).all() == [saved]


def test_a_live_holder_makes_a_save_wait_then_says_so(data_dir, holder, short_wait):
    store = HistoryStore(data_dir)
    with pytest.raises(StoreBusy) as busy:
        store.save(entry())
    assert str(busy.value) == (
        f"Another companion has been saving for over 0.3 s (lock: {store.lock_path}); "
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
    orphans = [history / f".{own_file('2026-11')}.k3j_x9qa.tmp", history / ".probe.abcdefgh.tmp"]
    orphans[0].write_text('{"half": ')
    orphans[1].write_bytes(b"")
    # Not ours: a file of our own, and another machine's copy a sync tool may be bringing over.
    not_ours = [history / ".my-notes.tmp", history / "2026-11.notes.txt",
                history / ".2026-11.m2xq7hd3pa.json.abcdefgh.tmp"]
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


# -- copies a killed `export --out` left (issue 13, item 16) ------------------------------------


def export_copies(out: Path) -> list[Path]:
    """The temporary copies an export names: .export.md.k3j_x9qa.tmp"""
    return sorted(p for p in out.parent.glob(f".{out.name}.*.tmp") if len(p.suffixes[-2]) == 9)


def start_export(data_dir: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "companion.cli", "--data-dir", str(data_dir), "export",
         "--format", "markdown", "--out", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def kill_once_a_copy_is_being_written(data_dir: Path, out: Path) -> None:
    """SIGKILL an export as soon as its temporary copy appears (tried until one is caught)."""
    for _ in range(20):
        export = start_export(data_dir, out)
        while export.poll() is None and not export_copies(out):
            time.sleep(0.0005)
        export.send_signal(signal.SIGKILL)
        export.wait(timeout=30)
        if export_copies(out):
            return
    pytest.fail("the export always ended before its copy could be caught")


@pytest.fixture
def long_history(tmp_path: Path) -> Path:
    from companion.demo import write_demo_history

    folder = tmp_path / "data"
    write_demo_history(folder, 120)  # ~1,200 entries: a markdown export takes a while
    return folder


def test_a_killed_exports_copies_are_removed_by_the_next_export(long_history, tmp_path):
    out = tmp_path / "export.md"
    kill_once_a_copy_is_being_written(long_history, out)
    kill_once_a_copy_is_being_written(long_history, out)
    left = export_copies(out)
    assert left and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in left)
    unrelated = [tmp_path / ".export.md.notes.tmp", tmp_path / ".other.md.abcdefgh.tmp"]
    for path in unrelated:
        path.write_text("not an export's copy")

    done = subprocess.run(
        [sys.executable, "-m", "companion.cli", "--data-dir", str(long_history), "export",
         "--format", "markdown", "--out", str(out)], capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    assert export_copies(out) == []
    assert out.read_text().startswith("# Your companion history")
    assert all(path.read_text() == "not an export's copy" for path in unrelated)


def test_a_copy_another_export_is_still_writing_is_left_alone(long_history, tmp_path):
    out = tmp_path / "export.md"
    first = start_export(long_history, out)
    try:
        while first.poll() is None and not export_copies(out):
            time.sleep(0.0005)
        first.send_signal(signal.SIGSTOP)  # paused mid-write, its copy locked
        held = export_copies(out)
        if not held:
            pytest.skip("the first export ended before its copy could be caught")
        second = subprocess.run(
            [sys.executable, "-m", "companion.cli", "--data-dir", str(long_history), "export",
             "--format", "markdown", "--out", str(out)], capture_output=True, timeout=60)
        assert second.returncode == 0
        assert all(path.exists() for path in held)
    finally:
        first.send_signal(signal.SIGCONT)
        _, err = first.communicate(timeout=60)
        assert first.returncode == 0, err
    assert export_copies(out) == []
    assert out.read_text().startswith("# Your companion history")


def test_a_copy_made_just_before_its_lock_is_left_until_it_is_surely_a_leftover(tmp_path):
    # A locked copy is made as .NAME.XXXXXXXX.tmp.new and renamed once locked, so another
    # export never removes one in that instant; one still named so after a minute was left by
    # a writer killed in it, and goes.
    data_dir = tmp_path / "data"
    HistoryStore(data_dir).save(Entry(kind="checkin", started_at=datetime.now().astimezone()))
    out = tmp_path / "export.json"
    fresh, old = (tmp_path / ".export.json.abcdefgh.tmp.new",
                  tmp_path / ".export.json.ijklmnop.tmp.new")
    for path in (fresh, old):
        path.write_text("half an export")
        path.chmod(0o600)
    minute_ago = time.time() - 61
    os.utime(old, (minute_ago, minute_ago))
    done = subprocess.run(
        [sys.executable, "-m", "companion.cli", "--data-dir", str(data_dir), "export",
         "--out", str(out)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert fresh.exists() and not old.exists()


def test_breathe_plain_keeps_the_breath_when_another_process_holds_the_lock(
    data_dir, holder, short_wait, capsys
):
    """Issue 13 item 15: tried again, then kept in a recovery file, said in one line, exit 1;
    never "nothing was changed" (the breath was not nothing)."""
    from test_plain import FakeTime, breathe

    from companion.recovery import find_recovery, read_recovery

    assert breathe(data_dir, FakeTime(), "box", cycles=1) == 1
    [kept] = find_recovery(data_dir)
    [breath] = read_recovery(kept)
    assert (breath.kind, breath.breathing.pattern, breath.complete) == ("breathing", "box", True)
    err = capsys.readouterr().err
    assert err == (
        f"companion: your breathing could not be saved: another companion held the history "
        f"for over {2 * short_wait:g} s. It is kept in {kept} and will be added to your "
        "history the next time you open companion.\n"
    )
    assert "nothing was changed" not in err.lower()
    holder.kill()
    holder.wait(timeout=30)
    assert HistoryStore(data_dir).all() == []  # in the recovery file only, not half-saved


def test_breathe_plain_saves_the_breath_once_the_lock_is_let_go(
    data_dir, holder, short_wait, capsys
):
    """The first wait runs out, the lock is let go, and the second try saves it."""
    import threading

    from test_plain import FakeTime, breathe

    from companion.recovery import find_recovery

    letting_go = threading.Timer(short_wait * 1.5, holder.kill)
    letting_go.start()
    try:
        assert breathe(data_dir, FakeTime(), "box", cycles=1) == 0
    finally:
        letting_go.cancel()
    assert [e.breathing.pattern for e in HistoryStore(data_dir).all()] == ["box"]
    assert find_recovery(data_dir) == []
    assert capsys.readouterr().err == ""
